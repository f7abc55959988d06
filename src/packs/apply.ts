import { posix } from 'node:path'
import type { PlannedFile } from '../plan.js'
import type { TemplateSource } from '../templates.js'
import { coerceVariable, PackError, variableProblem, type Pack, type VariableSpec } from './pack.js'

/** Template paths of the files packs add live under this prefix, apart from the built-in tree. */
const ADDED = '@pack'

/**
 * The template folders the generators copy whole (planFolder): a file a pack adds there is
 * written with the rest (a chart template, a Terraform file). Anywhere else it would never be used.
 */
export const WHOLE_FOLDERS = ['compose/', 'k8s/helm/', 'k8s/kustomize/', 'terraform/'] as const

/**
 * The built-in templates with the packs laid over them: a pack's `templates/x` replaces the
 * built-in `x`, the last pack winning. A pack may add a file only to a folder the tool plans
 * whole (a chart's templates/); anywhere else it would never be used, so it is refused.
 */
export function packTemplates(base: TemplateSource, packs: readonly Pack[]): TemplateSource {
  if (packs.length === 0) return base
  const override = new Map<string, string>()
  for (const pack of packs) {
    for (const [path, text] of Object.entries(pack.templates)) {
      if (!base.exists(path) && !WHOLE_FOLDERS.some((d) => path.startsWith(d) && base.list(posix.dirname(path)).length > 0)) {
        throw new PackError(`pack ${pack.name}: templates/${path} replaces no built-in template and is not in a folder the tool copies whole (${WHOLE_FOLDERS.join(', ')}); put new files under files/ instead.`)
      }
      override.set(path, text)
    }
  }
  const added = new Map<string, string>()
  packs.forEach((pack, i) => {
    for (const f of pack.files) added.set(`${ADDED}/${i}/${f.from}`, f.text)
  })
  return {
    list(dir) {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`
      const extra = [...override.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length))
      return [...new Set([...base.list(dir), ...extra])].sort()
    },
    read: (path) => added.get(path) ?? override.get(path) ?? base.read(path),
    exists: (path) => added.has(path) || override.has(path) || base.exists(path),
  }
}

/** The files packs add, planned after the generators; one that collides with a generated file is refused. */
export function planPackFiles(packs: readonly Pack[], planned: readonly PlannedFile[]): PlannedFile[] {
  const taken = new Map(planned.map((f) => [f.to, 'the tool']))
  const out: PlannedFile[] = []
  packs.forEach((pack, i) => {
    for (const f of pack.files) {
      const other = taken.get(f.to)
      if (other) throw new PackError(`pack ${pack.name}: ${f.from} would write ${f.to}, which ${other} writes too; to change a generated file, replace its template under templates/.`)
      taken.set(f.to, `pack ${pack.name}`)
      out.push({ to: f.to, template: `${ADDED}/${i}/${f.from}`, ...(f.mode ? { mode: f.mode } : {}) })
    }
  })
  return out
}

export interface VariableSources {
  /** From the config files (`variables:`), each with its file. */
  config: Readonly<Record<string, { value: unknown; source: string }>>
  /** Replayed from the answers record. */
  recorded: Readonly<Record<string, unknown>>
  /** `--var name=value`, as text. */
  flags: Readonly<Record<string, string>>
}

/** Every variable the packs declare, with the pack that declared it; two packs that disagree on one are refused. */
export function declaredVariables(packs: readonly Pack[]): Map<string, { spec: VariableSpec; pack: string }> {
  const out = new Map<string, { spec: VariableSpec; pack: string }>()
  for (const pack of packs) {
    for (const [name, spec] of Object.entries(pack.variables)) {
      const prev = out.get(name)
      if (prev && (prev.spec.type !== spec.type || JSON.stringify(prev.spec.choices) !== JSON.stringify(spec.choices))) {
        throw new PackError(`packs ${prev.pack} and ${pack.name} both declare the variable "${name}" with different types or choices.`)
      }
      if (!prev) out.set(name, { spec, pack: pack.name })
    }
  }
  return out
}

/**
 * The variables' values: the pack's default, then the config files, then the answers record,
 * then `--var`. Returns what is still missing (no default, nothing given) for the caller to ask
 * or to name in an error.
 */
export function resolveVariables(packs: readonly Pack[], from: VariableSources): { vars: Record<string, unknown>; missing: string[] } {
  const declared = declaredVariables(packs)
  for (const name of Object.keys(from.flags)) {
    if (!declared.has(name)) throw new PackError(`--var ${name}: no pack declares it. ${declared.size ? `Variables: ${[...declared.keys()].join(', ')}.` : 'No pack is in use.'}`)
  }
  const vars: Record<string, unknown> = {}
  const missing: string[] = []
  for (const [name, { spec }] of declared) {
    let value: unknown = spec.default
    let where = 'its default'
    if (from.config[name] !== undefined) [value, where] = [from.config[name]!.value, `variables.${name} in ${from.config[name]!.source}`]
    if (from.recorded[name] !== undefined) [value, where] = [from.recorded[name], 'the answers record']
    if (from.flags[name] !== undefined) [value, where] = [coerceVariable(spec, from.flags[name]!), `--var ${name}`]
    if (value === undefined) {
      missing.push(name)
      continue
    }
    const problem = variableProblem(spec, value)
    if (problem) throw new PackError(`${where}: variable ${name}: ${problem}.${spec.type === 'choice' ? '' : ` (${spec.description})`}`)
    vars[name] = value
  }
  return { vars, missing }
}

/** The error for variables nobody gave and no default covers. */
export function missingVariablesError(packs: readonly Pack[], missing: readonly string[]): PackError {
  const declared = declaredVariables(packs)
  const lines = missing.map((n) => {
    const d = declared.get(n)!
    return `  --var ${n}=<${d.spec.type === 'choice' ? d.spec.choices!.join('|') : d.spec.type}>   ${d.spec.description} (pack ${d.pack})`
  })
  return new PackError(`the template packs need values that have no default. Pass:\n${lines.join('\n')}\n(or set them under "variables" in containerized.config.json, or run in a terminal to be asked)`)
}

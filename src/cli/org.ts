import { relative, resolve, sep } from 'node:path'
import { loadConfig } from '../config/load.js'
import { isLocalSpec, packageEnv } from '../config/packages.js'
import type { ResolvedConfig } from '../config/resolve.js'
import { missingVariablesError, resolveVariables } from '../packs/apply.js'
import { loadPack } from '../packs/load.js'
import type { Pack } from '../packs/pack.js'
import type { OrgRecord } from '../answers-file.js'

/** What the organization's files bring to a run: the merged config and the packs, read once. */
export interface Org {
  config: ResolvedConfig
  packs: Pack[]
  /** How each pack came in; only those given as --pack are replayed from the record. */
  packVia: ReadonlyMap<Pack, 'config' | 'flag'>
  /** --preset specs, recorded so `update` and `check` apply them again. */
  presets: readonly string[]
}

export interface OrgFlags {
  presets: readonly string[]
  packs: readonly string[]
  noConfig: boolean
}

/**
 * A path given on the command line is relative to where it was typed; the record keeps it
 * relative to the project, so a replay works from any folder and on any clone.
 */
function fromFlag(spec: string, cwd: string, target: string): { abs: string; recorded: string } {
  if (!isLocalSpec(spec)) return { abs: spec, recorded: spec }
  const abs = resolve(cwd, spec)
  const rel = relative(target, abs).split(sep).join('/')
  return { abs, recorded: rel.startsWith('.') ? rel : `./${rel}` }
}

/**
 * Loads the config for `target` and the packs it names, plus any given on the command line or
 * replayed from the project's record. Reads disk (and may run `npm pack`); everything after is pure.
 */
export function loadOrg(
  target: string,
  flags: OrgFlags & { cwd: string },
  env: Readonly<Record<string, string | undefined>>,
  recorded?: OrgRecord,
  /** The project the record was written for: its local paths are relative to it. */
  recordedIn: string = target,
): Org {
  const penv = packageEnv(env)
  const presetSpecs = new Map<string, string>()
  for (const spec of recorded?.presets ?? []) {
    const f = fromFlag(spec, recordedIn, target)
    presetSpecs.set(f.abs, f.recorded)
  }
  for (const spec of flags.presets) {
    const f = fromFlag(spec, flags.cwd, target)
    presetSpecs.set(f.abs, f.recorded)
  }
  const config = loadConfig(target, { presets: [...presetSpecs.keys()], env: penv, noConfig: flags.noConfig })
  const packs: Pack[] = []
  const packVia = new Map<Pack, 'config' | 'flag'>()
  const seen = new Set<string>()
  const add = (spec: string, dir: string, via: 'config' | 'flag', recordAs = spec) => {
    const pack = { ...loadPack(spec, dir, penv), spec: recordAs }
    // The same pack named twice (a preset and the repo's config) applies once.
    if (seen.has(pack.name)) return
    seen.add(pack.name)
    packs.push(pack)
    packVia.set(pack, via)
  }
  for (const p of config.packs) add(p.spec, p.dir, 'config')
  for (const p of recorded?.packs ?? []) {
    if (p.via !== 'flag') continue
    const f = fromFlag(p.spec, recordedIn, target)
    add(f.abs, recordedIn, 'flag', f.recorded)
  }
  for (const spec of flags.packs) {
    const f = fromFlag(spec, flags.cwd, target)
    add(f.abs, flags.cwd, 'flag', f.recorded)
  }
  return { config, packs, packVia, presets: [...presetSpecs.values()] }
}

/**
 * The packs' variable values from the config, the record and --var. `ask` settles the missing
 * ones in a terminal; without one they are an error that names each --var to pass.
 */
export async function orgVariables(
  org: Org,
  recorded: Readonly<Record<string, unknown>>,
  flags: Readonly<Record<string, string>>,
  ask?: (missing: readonly string[]) => Promise<Record<string, string>>,
): Promise<Record<string, unknown>> {
  const first = resolveVariables(org.packs, { config: org.config.variables, recorded, flags })
  if (first.missing.length === 0) return first.vars
  if (!ask) throw missingVariablesError(org.packs, first.missing)
  const given = await ask(first.missing)
  return resolveVariables(org.packs, { config: org.config.variables, recorded, flags: { ...flags, ...given } }).vars
}

/** The part of the answers record that lets update and check rebuild the same run. */
export function orgRecord(org: Org, vars: Readonly<Record<string, unknown>>): OrgRecord {
  return {
    presets: [...org.presets],
    packs: org.packs.map((p) => ({ name: p.name, version: p.version, spec: p.spec, via: org.packVia.get(p) ?? 'config' })),
    vars: { ...vars },
  }
}

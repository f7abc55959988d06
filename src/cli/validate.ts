import { resolve } from 'node:path'
import type { Io } from '../index.js'
import { loadConfig } from '../config/load.js'
import { packageEnv } from '../config/packages.js'
import { describeBound } from '../detect/report.js'
import { scanRepo } from '../detect/scan.js'
import { isContainerFile, policyFindings, RULES, runRules, sortFindings } from '../validate/index.js'
import { runExternal, type ExternalResult } from '../validate/external.js'
import type { Finding } from '../validate/types.js'
import type { CliArgs } from './args.js'
import { UsageError } from './args.js'
import { EXIT } from './exit.js'

/**
 * The container files below `root`, read: what the built-in rules and the policy look at. Those
 * that are there but cannot be read (a link or special file, over the size bound, binary, not
 * UTF-8) come back in `unchecked` with why; a scan cut off by its file bound adds '.'.
 */
export function readContainerFiles(root: string): { files: Map<string, string>; listed: string[]; unchecked: Map<string, string> } {
  const repo = scanRepo(root, { strictUtf8: true })
  const files = new Map<string, string>()
  for (const path of repo.files) {
    if (!isContainerFile(path)) continue
    const text = repo.read(path)
    if (text !== undefined) files.set(path, text)
  }
  const unchecked = new Map([...(repo.unread ?? [])].filter(([path, u]) => u.kind !== 'folder' && isContainerFile(path)).map(([path, u]) => [path, u.why]))
  for (const [path, u] of repo.unread ?? []) if (u.kind === 'folder') unchecked.set(path, `${u.why}: its container files were not checked`)
  if (repo.bound) unchecked.set('.', `${describeBound(repo.bound)}: container files there were not checked`)
  return { files, listed: [...repo.files], unchecked }
}

const MARK = { error: '✗', warning: '!' } as const
const EXTERNAL_MARK: Record<ExternalResult['status'], string> = { passed: '✓', failed: '✗', 'not-installed': '-', 'not-applicable': '·', error: '?' }

/** Findings grouped by file, each with its rule id and the fix. */
export function formatFindings(findings: readonly Finding[]): string {
  const lines: string[] = []
  let file = ''
  for (const f of sortFindings(findings)) {
    if (f.file !== file) lines.push((file = f.file))
    lines.push(`  ${MARK[f.severity]} ${f.line ? `${String(f.line).padStart(4)}  ` : '      '}${f.rule}  ${f.message}`)
    lines.push(`          fix: ${f.hint}`)
  }
  return lines.join('\n')
}

/**
 * Why a validator could not run, in one line: its own reason, else the first command in its
 * output that exited non-zero (not the first command, which may have passed), else the output's
 * first line.
 */
export function couldNotRun(r: Pick<ExternalResult, 'reason' | 'output'>): string {
  if (r.reason) return r.reason
  const lines = (r.output ?? '').split('\n')
  const failed = lines.find((l) => /^\$ .*\(exit [1-9]\d*\)$/.test(l))
  return failed ? `${failed.replace(/^\$ (\(in [^)]*\) )?(.*?)\s+\(exit (\d+)\)$/, (_, dir: string | undefined, cmd: string, code: string) => `\`${cmd}\`${dir ? ` ${dir.slice(1, -2)}` : ''} failed (exit ${code})`)}` : (lines[0] ?? '')
}

function formatExternal(results: readonly ExternalResult[]): string {
  return results
    .map((r) => {
      const what = r.status === 'passed' ? `passed (${r.files.length} target${r.files.length === 1 ? '' : 's'})` : r.status === 'failed' ? `failed` : r.status === 'not-installed' ? `not installed: ${r.hint ?? ''}` : r.status === 'not-applicable' ? 'nothing to check' : `could not run: ${couldNotRun(r)}`
      const detail = r.status === 'failed' && r.findings.length === 0 && r.output ? `\n${r.output.trim().split('\n').slice(0, 20).map((l) => `      ${l}`).join('\n')}` : ''
      return `  ${EXTERNAL_MARK[r.status]} ${r.id.padEnd(16)} ${what}${detail}`
    })
    .join('\n')
}

/**
 * `validate`: the built-in rules and the organization policy over the repository's container
 * files, then the external validators the machine has. Writes nothing. Exit 1 on any error (a
 * warning with --strict) or a validator that failed.
 */
export async function runValidate(io: Io, args: CliArgs): Promise<number> {
  const out = (s: string) => io.stdout.write(`${s}\n`)
  const root = resolve(io.cwd, args.cwd ?? '.', args.dir ?? '.')
  const { files, listed, unchecked } = readContainerFiles(root)
  if (![...files.keys(), ...unchecked.keys()].some((p) => /(^|\/)(Dockerfile|compose\.ya?ml|Chart\.yaml|kustomization\.ya?ml)$/.test(p))) {
    throw new UsageError(`nothing to validate in ${root}: no Dockerfile, compose.yaml, Helm chart or Kustomize tree. Generate one with create-containerized-app, or pass the repository's folder.`)
  }
  const config = loadConfig(root, { presets: args.presets, env: packageEnv(io.env), noConfig: args.noConfig })
  const project = { files, unchecked }
  const findings = sortFindings([...runRules(project), ...policyFindings(project, config)]).map((f) => (args.strict && f.severity === 'warning' ? { ...f, severity: 'error' as const } : f))
  const external = args.noExternal ? [] : await runExternal(root, listed, { env: { ...io.env } })
  const externalFindings = external.flatMap((r) => r.findings)
  const errors = findings.filter((f) => f.severity === 'error').length
  const warnings = findings.length - errors
  const failed = external.filter((r) => r.status === 'failed' || (args.strict && r.status === 'error'))
  const code = errors || failed.length ? EXIT.failed : EXIT.ok

  if (args.json) {
    out(JSON.stringify({ root, ok: code === EXIT.ok, exitCode: code, strict: args.strict, errors, warnings, rules: RULES.map((r) => r.id), findings, external }, null, 2))
    return code
  }
  out(`Validated ${root}: ${files.size} container files${unchecked.size ? ` (${unchecked.size} more not checked)` : ''}, ${RULES.length} built-in rules${config.layers.length ? `, the policy of ${config.layers.map((l) => l.source).join(', ')}` : ''}.`)
  if (findings.length) out(`\n${formatFindings(findings)}`)
  if (external.length) {
    out('\nExternal validators:')
    out(formatExternal(external))
    if (externalFindings.length) out(`\n${formatFindings(externalFindings)}`)
  }
  const missing = external.filter((r) => r.status === 'not-installed').length
  out(
    `\n${errors || warnings ? `${errors} error(s), ${warnings} warning(s)` : 'No findings'} from the built-in rules` +
      (external.length ? `; ${external.filter((r) => r.status === 'passed').length} validator(s) passed, ${failed.length} failed${missing ? `, ${missing} not installed` : ''}` : '') +
      '.',
  )
  return code
}

import { contractLines } from './contract/report.js'
import type { ScanBound } from './repo.js'
import type { DetectedService, Detection, Finding } from './types.js'

const MARK = { high: 'sure', medium: 'likely', low: 'guess' } as const

function row(label: string, f: Finding<unknown> | undefined, shown?: string): string {
  if (!f) return `    ${label.padEnd(16)} ${'(not found)'.padEnd(22)}`
  const ev = f.evidence.map((e) => `${e.file}: ${e.reason}`).join('; ')
  return `    ${label.padEnd(16)} ${(shown ?? String(f.value)).padEnd(22)} ${MARK[f.confidence].padEnd(6)}  ${ev}`
}

const plain = (label: string, value: string, why = '') => `    ${label.padEnd(16)} ${value.padEnd(22)} ${why ? `        ${why}` : ''}`.trimEnd()

/** Notes that name a service the app's files mention but detection did not choose. */
const MENTIONED = /: mentioned in .*, not chosen: /

/** One service as readable lines: each value, how sure, and the file that says so. */
export function formatService(s: DetectedService): string {
  const port = s.port ? (s.port.value === null ? `? (reads ${s.port.env})` : `${s.port.value}${s.port.env ? ` (${s.port.env})` : ''}`) : undefined
  const health = s.health && `${s.health.value.liveness ?? 'TCP'}${s.health.value.readiness !== s.health.value.liveness ? ` / ${s.health.value.readiness ?? 'TCP'}` : ''}`
  const lines = [
    `  ${s.dir === '.' ? '. (repository root)' : s.dir}  →  ${s.name.value}`,
    row('language', s.language),
    row('framework', s.framework, s.framework && `${s.framework.value}${s.frameworkName ? ` (${s.frameworkName})` : ''}`),
    row('package manager', s.packageManager),
    row('runtime version', s.languageVersion),
    row('port', s.port, port),
    ...(s.health ? [row('health', s.health, health)] : []),
    row('database', s.database),
    row('cache', s.cache),
    ...(s.buildCommand ? [row('build', s.buildCommand)] : []),
    ...(s.startCommand ? [row('start', s.startCommand)] : []),
    ...contractLines(s),
  ]
  if (s.app.buildContext) {
    lines.push(plain('build context', s.app.buildContext, `the image builds from the ${s.app.workspacePackage ? 'workspace' : 'solution'} root; this service is ${s.app.memberDir ?? s.dir} there${s.app.workspacePackage ? `, package ${s.app.workspacePackage}` : ''}`))
  }
  if (s.app.ui) lines.push(plain('web UI', s.app.ui.dir, `${s.app.ui.packageManager} run ${s.app.ui.script} → ${s.app.ui.output}, built in a stage of this image`))
  for (const u of s.app.unprovided ?? []) lines.push(`    ✗ not set up: ${u.service} (${u.evidence.file}: ${u.evidence.reason}); add ${u.hint}`)
  for (const w of s.warnings) if (w.code !== 'unprovided-service') lines.push(`    ! ${w.code}: ${w.file}: ${w.message}`)
  const mentioned = s.notes.filter((n) => MENTIONED.test(n.reason))
  for (const n of s.notes) if (!mentioned.includes(n)) lines.push(`    · ${n.file}: ${n.reason}`)
  for (const n of mentioned) lines.push(`    ~ ${n.reason}`)
  return lines.join('\n')
}

/** The whole evidence report, as `--dry-run` and the wizard show it. */
export function formatDetection(d: Detection, root: string): string {
  const out = [`Detected in ${root} (${d.fileCount} files looked at, dependency and build folders skipped):`]
  if (d.services.length === 0) out.push('  no service found')
  for (const s of d.services) out.push(formatService(s))
  if (d.workspace) out.push(`  workspace: ${d.workspace.evidence.map((e) => `${e.file} ${e.reason}`).join('; ')}`)
  if (d.skipped.length) out.push(`  not services: ${d.skipped.map((s) => `${s.dir} (${s.reason})`).join(', ')}`)
  if (d.existing.length) out.push(`  container files already here: ${d.existing.join(', ')}`)
  if (d.ci) out.push(`  CI: ${d.ci.value} (${d.ci.evidence[0]!.file})`)
  for (const u of d.unread) out.push(`  ! not read: ${u.file} is ${u.why}`)
  if (d.bound) out.push(`  ! ${describeBound(d.bound)}`)
  return out.join('\n')
}

/** What a bounded scan left out, in one line. */
export function describeBound(b: ScanBound): string {
  const [partly, ...rest] = b.notScanned
  const named = rest.slice(0, 10)
  const more = rest.length - named.length
  return `the repository has more than ${b.limit} files; only the first ${b.limit} were scanned (breadth first, by name). Not scanned: ${partly === '.' ? 'the root folder' : partly} (in part)${named.length ? `, ${named.join(', ')}` : ''}${more ? ` and ${more} more folder(s)` : ''}`
}

import type { DetectedService, Evidence } from '../types.js'

const line = (label: string, value: string, evidence: readonly Evidence[] | undefined) =>
  `    ${label.padEnd(16)} ${value.padEnd(22)}         ${(evidence ?? []).slice(0, 2).map((e) => `${e.file}: ${e.reason}`).join('; ')}`

/** The runtime contract as report lines: what the generated files will honour, and why. */
export function contractLines(s: DetectedService): string[] {
  const a = s.app
  const ev = s.appEvidence ?? {}
  const out: string[] = []
  if (a.health) {
    const h = a.health
    const value = h.liveness === null && h.readiness === null ? 'TCP on the port' : h.liveness === h.readiness ? `GET ${h.liveness}` : `GET ${h.liveness ?? '(TCP)'} / ${h.readiness ?? '(TCP)'}`
    out.push(line('health check', value, ev.health))
  }
  if (a.nodeEntry) out.push(line('entry point', a.nodeEntry.join(' '), ev.nodeEntry))
  if (a.installFiles) out.push(line('install files', `${a.installFiles.join(', ')}${a.unlocked ? ' (no lockfile)' : ''}`, ev.installFiles))
  if (a.runtimePaths) out.push(line('run-time files', a.runtimePaths.join(', '), ev.runtimePaths))
  const names = (list: { name: string }[] | undefined) => list?.map((b) => b.name).join(', ')
  if (a.databaseEnv) out.push(line('database env', names(a.databaseEnv)!, ev.databaseEnv))
  if (a.cacheEnv) out.push(line('cache env', names(a.cacheEnv)!, ev.cacheEnv))
  if (a.portEnv) out.push(line('port env', a.portEnv, ev.portEnv))
  if (a.hostEnv) out.push(line('bind address env', a.hostEnv, ev.hostEnv))
  if (a.requiredEnv) out.push(line('required env', a.requiredEnv.map((v) => `${v.name}${v.secret ? ' (secret)' : ''}`).join(', '), a.requiredEnv.map((v) => v.evidence)))
  return out
}

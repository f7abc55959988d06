import { posix } from 'node:path'
import type { Generator, PlannedFile } from '../plan.js'
import { PROBES, type Probe } from '../registry/services.js'
import { outputName } from '../plan.js'

/**
 * Probe-specific files live below a `probes` folder and carry the probe's name in their
 * file name (`probes/postgres.ts`, `tests/probes/test_postgres.py`, `PostgresProbe.java`).
 */
function probeOf(rel: string): Probe | 'unknown' | undefined {
  if (!/(^|\/)probes\//i.test(rel)) return undefined
  const base = posix.basename(rel).toLowerCase()
  return PROBES.find((p) => base.includes(p)) ?? 'unknown'
}

/**
 * The starter app for a new service: the framework's app folder, with only the readiness
 * probes of the chosen services and only the lockfile of the chosen package manager.
 */
export const starterApp: Generator = {
  id: 'starter-app',
  applies: (ctx) => ctx.starter && ctx.framework.starter !== null,
  plan(ctx, templates) {
    const dir = ctx.framework.starter!
    const probes = new Set<Probe | undefined>([ctx.database?.probe, ctx.cache?.probe])
    const lockDir = `lockfiles/${ctx.packageManager.id}/`
    const files: PlannedFile[] = []
    for (const rel of templates.list(dir)) {
      if (rel === 'PINS.md') continue
      const probe = probeOf(rel)
      // Shared probe helpers (no probe name) always come along.
      if (probe && probe !== 'unknown' && !probes.has(probe)) continue
      let to = rel
      if (rel.startsWith('lockfiles/')) {
        if (!rel.startsWith(lockDir)) continue
        to = rel.slice(lockDir.length)
      }
      const out = outputName(to)
      files.push({ to: out, template: posix.join(dir, rel), ...(out === 'yarn.lock' ? { format: 'yarn-lock' as const } : {}) })
    }
    return files
  },
}

import { posix } from 'node:path'
import type { Generator, PlannedFile } from '../plan.js'
import { outputName } from '../plan.js'

const PROBE_FILE = /(^|\/)probes\/([a-z]+)(\.test)?\.ts$/

/**
 * The starter app for a new service: the framework's app folder, with only the readiness
 * probes of the chosen services and only the lockfile of the chosen package manager.
 */
export const starterApp: Generator = {
  id: 'starter-app',
  applies: (ctx) => ctx.starter && ctx.framework.starter !== null,
  plan(ctx, templates) {
    const dir = ctx.framework.starter!
    const probes = new Set([ctx.database?.probe, ctx.cache?.probe])
    const lockDir = `lockfiles/${ctx.packageManager.id}/`
    const files: PlannedFile[] = []
    for (const rel of templates.list(dir)) {
      if (rel === 'PINS.md') continue
      const probe = PROBE_FILE.exec(rel)
      if (probe && !probes.has(probe[2] as never)) continue
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

import type { Generator } from '../plan.js'
import { planFolder } from '../plan.js'

const ROLE = { 'compose.yaml': 'base', 'compose.override.yaml': 'override', 'compose.test.yaml': 'test', 'compose.prod.yaml': 'prod' } as const

/**
 * compose.yaml plus the dev (override), test and prod files, shared by every language; named
 * after another base (compose.app.yaml) beside Compose files the app keeps as its own.
 */
export const compose: Generator = {
  id: 'compose',
  applies: () => true,
  plan: (ctx, templates) =>
    planFolder(templates, 'compose').map((f) => {
      const role = (ROLE as Record<string, keyof typeof ctx.compose.files>)[f.to]
      return role ? { ...f, to: ctx.compose.files[role] } : f
    }),
}

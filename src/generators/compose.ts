import type { Generator } from '../plan.js'
import { planFolder } from '../plan.js'

/** compose.yaml plus the dev (override), test and prod files, shared by every language. */
export const compose: Generator = {
  id: 'compose',
  applies: () => true,
  plan: (_ctx, templates) => planFolder(templates, 'compose'),
}

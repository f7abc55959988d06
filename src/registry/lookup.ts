import type { Choice } from '../options.js'

/** Finds a registry entry by id; the caller has validated the id already. */
export function byId<C extends Choice>(choices: readonly C[], id: string): C {
  const found = choices.find((c) => c.id === id)
  if (!found) throw new Error(`internal: no registry entry "${id}"`)
  return found
}

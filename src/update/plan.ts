import type { RenderedFile } from '../render.js'
import { merge3 } from '../utils/merge3.js'
import { isBookkeeping, type BaseRecord } from './base.js'

/**
 * What update does with one file:
 * - `create`: new in this version, absent on disk;
 * - `update`: unedited since last time, replaced by the new version;
 * - `merge`: edited by you and changed by the tool, merged cleanly;
 * - `conflict`: both changed the same lines; written with conflict markers;
 * - `unchanged`: already what it would be;
 * - `yours`: edited by you, the tool's version did not change, so nothing to do;
 * - `kept`: you chose to keep your own file when it was generated; left alone;
 * - `deleted`: you deleted it; it stays deleted;
 * - `obsolete`: the tool no longer generates it; left in place for you to remove.
 */
export type UpdateAction = 'create' | 'update' | 'merge' | 'conflict' | 'unchanged' | 'yours' | 'kept' | 'deleted' | 'obsolete'

export interface UpdateItem {
  path: string
  action: UpdateAction
  /** What to write, for create, update, merge and conflict. */
  content?: string
  mode?: number
  conflicts?: number
  /** The content on disk now, for the diff. */
  current?: string
}

export const WRITES: ReadonlySet<UpdateAction> = new Set(['create', 'update', 'merge', 'conflict'])

/**
 * The update plan, pure: base (last time's output), the new output and what is on disk.
 * Without a base (a project from before base records) every file you changed is a conflict
 * over the whole file, as git does for two additions of the same path.
 */
export function planUpdate(base: BaseRecord | undefined, next: readonly RenderedFile[], disk: ReadonlyMap<string, string>, labels: { ours: string; theirs: string }): UpdateItem[] {
  const items: UpdateItem[] = []
  const kept = new Set(base?.kept ?? [])
  for (const f of next) {
    if (isBookkeeping(f.path)) continue
    const current = disk.get(f.path)
    const was = base?.files[f.path]
    const mode = f.mode === undefined ? {} : { mode: f.mode }
    const at = { path: f.path, ...(current === undefined ? {} : { current }) }
    if (kept.has(f.path)) items.push({ ...at, action: 'kept' })
    else if (current === undefined) items.push(was === undefined ? { ...at, action: 'create', content: f.content, ...mode } : { ...at, action: 'deleted' })
    else if (current === f.content) items.push({ ...at, action: 'unchanged' })
    else if (was !== undefined && current === was) items.push({ ...at, action: 'update', content: f.content, ...mode })
    else if (was !== undefined && f.content === was) items.push({ ...at, action: 'yours' })
    else {
      const m = merge3(was ?? '', current, f.content, labels)
      items.push(m.clean ? { ...at, action: 'merge', content: m.text, ...mode } : { ...at, action: 'conflict', content: m.text, conflicts: m.conflicts, ...mode })
    }
  }
  const planned = new Set(next.map((f) => f.path))
  for (const path of Object.keys(base?.files ?? {})) {
    if (planned.has(path) || !disk.has(path)) continue
    items.push({ path, action: 'obsolete', current: disk.get(path)! })
  }
  return items.sort((a, b) => a.path.localeCompare(b.path))
}

import type { RenderedFile } from '../render.js'
import { unifiedDiff } from '../utils/diff.js'
import { merge3 } from '../utils/merge3.js'
import { fingerprint, isBookkeeping, type BaseRecord } from './base.js'

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
 * - `obsolete`: the tool no longer generates it; left in place for you to remove;
 * - `needs-change`: a starter-app file (your code) you edited and the tool changed: not written,
 *   `change` is the tool's change for you to make; `check` fails until you have touched it.
 */
export type UpdateAction = 'create' | 'update' | 'merge' | 'conflict' | 'unchanged' | 'yours' | 'kept' | 'deleted' | 'obsolete' | 'needs-change'

export interface UpdateItem {
  path: string
  action: UpdateAction
  /** What to write, for create, update, merge and conflict. */
  content?: string
  mode?: number
  conflicts?: number
  /** The content on disk now, for the diff. */
  current?: string
  /** For needs-change: the tool's change (last generated → now), a unified diff. */
  change?: string
}

export const WRITES: ReadonlySet<UpdateAction> = new Set(['create', 'update', 'merge', 'conflict'])

/**
 * The update plan, pure: base (last time's output), the new output and what is on disk.
 * Without a base (a project from before base records) every file you changed is a conflict
 * over the whole file, as git does for two additions of the same path.
 *
 * The starter app's files (`starter`) are your code: unedited, they are updated like the
 * others; edited and changed by the tool, they are never merged into but listed with the
 * change to make (`needs-change`), and stay listed until you have touched them.
 */
export function planUpdate(base: BaseRecord | undefined, next: readonly RenderedFile[], disk: ReadonlyMap<string, string>, labels: { ours: string; theirs: string }, starter: ReadonlySet<string> = new Set()): UpdateItem[] {
  const items: UpdateItem[] = []
  const kept = new Set(base?.kept ?? [])
  for (const f of next) {
    if (starter.has(f.path) && !kept.has(f.path)) {
      const item = planStarterFile(base, f, disk.get(f.path))
      if (item) {
        items.push(item)
        continue
      }
    }
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

/**
 * A starter-app file you edited: `needs-change` when the tool's version moved since last time
 * or an earlier update's change is still untouched; undefined for the ordinary cases (created,
 * deleted, unchanged, unedited, or edited with nothing new from the tool).
 */
function planStarterFile(base: BaseRecord | undefined, f: RenderedFile, current: string | undefined): UpdateItem | undefined {
  if (current === undefined || current === f.content) return undefined
  const was = base?.files[f.path]
  if (was !== undefined && current === was) return undefined
  const pending = base?.pending?.[f.path]
  const untouched = pending !== undefined && pending.sha256 === fingerprint(current) ? pending.change : ''
  const moved = was !== f.content ? unifiedDiff(was ?? '', f.content, { old: `a/${f.path}`, new: `b/${f.path}` }) : ''
  if (!untouched && !moved) return undefined
  return { path: f.path, action: 'needs-change', current, change: [untouched, moved].filter(Boolean).join('\n') }
}

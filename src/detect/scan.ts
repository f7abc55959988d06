import { readdirSync, type Dirent } from 'node:fs'
import { join } from 'node:path'
import { describeType, readRegularFile } from '../utils/read-regular-file.js'
import { IGNORED_DIRS, type RepoView, type Unread } from './repo.js'

/** How many files a scan lists before it stops: beyond it, listing alone takes seconds. */
export const MAX_SCAN_FILES = 200_000

function entryType(e: Dirent): string {
  if (e.isSymbolicLink()) return 'a symbolic link (links are not followed)'
  const kind = describeType(e)
  return kind === 'not a regular file' ? kind : `${kind}, not a regular file`
}

/**
 * Lists a directory tree for detection: dependency and build folders are not entered and
 * symbolic links are not followed, so a link cannot lead detection outside the repository.
 * Files are read lazily, only those the rules ask for. Whatever is there but is not read (a
 * link, a FIFO, a file over the size bound, a binary one) is named in `unread`, never dropped
 * in silence.
 */
export function scanRepo(root: string, opts: { maxFiles?: number; strictUtf8?: boolean } = {}): RepoView {
  const max = opts.maxFiles ?? MAX_SCAN_FILES
  const files: string[] = []
  const unlisted: string[] = []
  const unread = new Map<string, Unread>()
  let bound: { limit: number; notScanned: string[] } | undefined
  // Breadth first and in name order: when the bound cuts the listing, it cuts the deepest
  // folders, never the root's manifests, and the same files on every run.
  const queue: string[] = ['']
  for (let i = 0; i < queue.length; i++) {
    const rel = queue[i]!
    if (bound) {
      bound.notScanned.push(rel)
      continue
    }
    let entries: Dirent[]
    try {
      entries = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    } catch (err) {
      unread.set(rel || '.', { kind: 'folder', why: `a folder that cannot be listed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` })
      continue
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) queue.push(path)
        else unlisted.push(path)
      } else if (e.isFile()) {
        if (files.length >= max) {
          bound = { limit: max, notScanned: [rel || '.'] }
          break
        }
        files.push(path)
      } else unread.set(path, { why: entryType(e), ...(e.isSymbolicLink() ? { kind: 'link' as const } : {}) })
    }
  }
  files.sort()
  const cache = new Map<string, string | undefined>()
  return {
    files,
    unlisted,
    unread,
    ...(bound ? { bound } : {}),
    read(path) {
      if (cache.has(path)) return cache.get(path)
      const r = readRegularFile(join(root, path), { strictUtf8: opts.strictUtf8 ?? false })
      if (r.kind === 'not-read') unread.set(path, { why: r.why })
      const text = r.kind === 'text' ? r.text : undefined
      cache.set(path, text)
      return text
    },
    flag(path, why) {
      unread.set(path, { why })
    },
  }
}

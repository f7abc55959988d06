import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { IGNORED_DIRS, type RepoView } from './repo.js'

/** Manifests and config are small; a bigger file is data or generated and never read. */
const MAX_READ_BYTES = 512 * 1024

/**
 * Lists a directory tree for detection: dependency and build folders are not entered and
 * symbolic links are not followed, so a link cannot lead detection outside the repository.
 * Files are read lazily, only those the rules ask for.
 */
export function scanRepo(root: string, opts: { maxFiles?: number } = {}): RepoView {
  const max = opts.maxFiles ?? 200_000
  const files: string[] = []
  const unlisted: string[] = []
  const walk = (rel: string) => {
    let entries
    try {
      entries = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      if (files.length >= max) return
      const path = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) walk(path)
        else unlisted.push(path)
      } else if (e.isFile()) files.push(path)
    }
  }
  walk('')
  files.sort()
  const cache = new Map<string, string | undefined>()
  return {
    files,
    unlisted,
    read(path) {
      if (cache.has(path)) return cache.get(path)
      let text: string | undefined
      try {
        const abs = join(root, path)
        if (statSync(abs).size <= MAX_READ_BYTES) {
          const buf = readFileSync(abs)
          text = buf.includes(0) ? undefined : buf.toString('utf8')
        }
      } catch {
        text = undefined
      }
      cache.set(path, text)
      return text
    },
  }
}

import { posix } from 'node:path'
import { DEFAULT_BASES } from '../compose-stacks.js'

/**
 * Where a repository's services sit. A service is found by what it holds, not by a fixed path:
 * the folder with its Dockerfile or its Compose file (`services/api/`, or the root).
 */

/** The Compose file `docker compose` picks in a folder, in its own order of preference. */
export const COMPOSE_BASE_NAMES = DEFAULT_BASES

// Vendored and installed trees can hold other projects' Dockerfiles; they are not services here.
const VENDORED = /(^|\/)(node_modules|vendor|\.git)\//

/** The folder of a repository-relative path: `.` for the root. */
export function dirOf(path: string): string {
  const d = posix.dirname(path)
  return d === '' ? '.' : d
}

/** A path below `dir` (itself repository-relative), normalized; `.` for the root. */
export function joinPath(dir: string, rel: string): string {
  return posix.normalize(posix.join(dir, rel)).replace(/\/$/, '') || '.'
}

/** The folders holding a Dockerfile or a Compose file, sorted; `.` is the repository root. */
export function serviceFolders(files: ReadonlyMap<string, string>): string[] {
  const out = new Set<string>()
  for (const path of files.keys()) {
    if (VENDORED.test(path)) continue
    const name = posix.basename(path)
    if (name === 'Dockerfile' || (COMPOSE_BASE_NAMES as readonly string[]).includes(name)) out.add(dirOf(path))
  }
  return [...out].sort()
}

/** True when `path` is `dir` itself or below it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '.' || path === dir || path.startsWith(`${dir}/`)
}

/** The deepest of `folders` that holds `path` (a file or a folder), if any. */
export function ownerFolder(path: string, folders: readonly string[]): string | undefined {
  const depth = (f: string) => (f === '.' ? 0 : f.split('/').length)
  let best: string | undefined
  for (const f of folders) if (isWithin(path, f) && (best === undefined || depth(f) > depth(best))) best = f
  return best
}

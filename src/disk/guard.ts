import { accessSync, constants, existsSync, lstatSync, readlinkSync, realpathSync, type Stats } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

/** A path the writer will not touch, and why. */
export interface Refusal {
  /** From the target directory ('.' for the target itself). */
  path: string
  reason: string
}

/**
 * Raised before the first byte is written (or before a read that would follow a link): the
 * run stops with exit 1 and the target directory is as it was.
 */
export class WriteRefused extends Error {
  constructor(readonly refusals: readonly Refusal[]) {
    super(`refusing to write in the target directory:\n${refusals.map((r) => `  ${r.path}: ${r.reason}`).join('\n')}\nNothing was written.`)
    this.name = 'WriteRefused'
  }
}

export type EntryKind = 'missing' | 'dir' | 'file' | 'link' | 'fifo' | 'socket' | 'device'

export function kindOf(st: Stats): EntryKind {
  if (st.isSymbolicLink()) return 'link'
  if (st.isDirectory()) return 'dir'
  if (st.isFile()) return 'file'
  if (st.isFIFO()) return 'fifo'
  if (st.isSocket()) return 'socket'
  return 'device'
}

const SPECIAL: Partial<Record<EntryKind, string>> = { fifo: 'a FIFO (named pipe)', socket: 'a socket', device: 'a device file' }

function lstatOrMissing(abs: string): Stats | undefined {
  try {
    return lstatSync(abs)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw err
  }
}

/** How a link reads in a message: where it points, and whether anything is there. */
export function describeLink(abs: string): string {
  let to: string
  try {
    to = readlinkSync(abs)
  } catch {
    return 'a symbolic link'
  }
  return existsSync(abs) ? `a symbolic link to ${to}` : `a symbolic link to ${to}, which does not exist (dangling)`
}

/**
 * The real path of a directory that may not exist yet: the deepest part of it that exists,
 * resolved through every link (a target that is itself a link included), and the rest below
 * it as named. Throws WriteRefused when that part is a dangling link or not a folder.
 */
export function realDir(dir: string): string {
  const missing: string[] = []
  let at = resolve(dir)
  for (;;) {
    if (lstatOrMissing(at)) break
    if (dirname(at) === at) break
    missing.unshift(at.slice(dirname(at).length).replace(/^[\\/]/, ''))
    at = dirname(at)
  }
  let real: string
  try {
    real = realpathSync(at)
  } catch {
    throw new WriteRefused([{ path: '.', reason: `the target ${dir} goes through ${describeLink(at)}` }])
  }
  const st = lstatSync(real)
  if (!st.isDirectory()) throw new WriteRefused([{ path: '.', reason: `${real} is ${SPECIAL[kindOf(st)] ?? 'a file'}, not a folder` }])
  return join(real, ...missing)
}

/** What is at a planned path, found by walking it one component at a time from the real root. */
export interface Walk {
  abs: string
  /** What the final component is, when every folder above it is a real folder. */
  kind: EntryKind
  /** A link on the way (the path itself included), or a file where a folder is needed. */
  problem?: Refusal
  /** The deepest folder of the path that exists: where the first missing entry would be created. */
  existingDir: string
}

/**
 * Checks planned paths against the target directory. Every check is done component by
 * component with lstat, from the target's real path: a symbolic link anywhere below the
 * target (dangling or not, pointing inside or outside) is refused rather than followed, so
 * no write or read can land outside it.
 */
export class PathGuard {
  constructor(readonly root: string) {}

  /** The planned path's absolute form, after a lexical check that it stays below the root. */
  lexical(path: string, realRoot: string): string {
    const abs = resolve(realRoot, path)
    const rel = relative(realRoot, abs)
    if (path === '' || rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || isAbsolute(path)) {
      throw new WriteRefused([{ path, reason: 'leaves the target directory' }])
    }
    return abs
  }

  walk(path: string, realRoot = realDir(this.root), stat: (abs: string) => Stats | undefined = lstatOrMissing): Walk {
    const abs = this.lexical(path, realRoot)
    const parts = relative(realRoot, abs).split(sep)
    let at = realRoot
    let existingDir = realRoot
    if (!stat(realRoot)) return { abs, kind: 'missing', existingDir: nearestExisting(realRoot) }
    for (const [i, part] of parts.entries()) {
      at = join(at, part)
      const shown = parts.slice(0, i + 1).join('/')
      const st = stat(at)
      if (!st) return { abs, kind: 'missing', existingDir }
      const kind = kindOf(st)
      const last = i === parts.length - 1
      if (kind === 'link') {
        const reason = last ? `is ${describeLink(at)}; it is never followed or replaced` : `is ${describeLink(at)}; nothing is written or read through it`
        return { abs, kind, existingDir, problem: { path: shown, reason } }
      }
      if (last) return { abs, kind, existingDir }
      if (kind !== 'dir') return { abs, kind: 'missing', existingDir, problem: { path: shown, reason: `is ${SPECIAL[kind] ?? 'a file'} where the run needs a folder` } }
      existingDir = at
    }
    return { abs, kind: 'dir', existingDir }
  }

  /**
   * Every reason not to write these paths, found before anything is written: links on the way,
   * a file where a folder is needed, a folder or special file where a file goes, and folders
   * the run cannot create entries in (the real errno: EACCES, EROFS...).
   */
  refusals(paths: Iterable<string>): Refusal[] {
    const realRoot = realDir(this.root)
    const cache = new Map<string, Stats | undefined>()
    const stat = (abs: string) => {
      if (!cache.has(abs)) cache.set(abs, lstatOrMissing(abs))
      return cache.get(abs)
    }
    const found = new Map<string, { reason: string; below: string[] }>()
    const refuse = (at: string, reason: string, path: string) => {
      const r = found.get(at) ?? { reason, below: [] }
      if (path !== at) r.below.push(path)
      found.set(at, r)
    }
    const writable = new Map<string, string | undefined>()
    for (const path of paths) {
      let w: Walk
      try {
        w = this.walk(path, realRoot, stat)
      } catch (err) {
        if (!(err instanceof WriteRefused)) throw err
        for (const r of err.refusals) refuse(r.path, r.reason, r.path)
        continue
      }
      if (w.problem) refuse(w.problem.path, w.problem.reason, path)
      else if (w.kind === 'dir') refuse(path, 'is a folder where the run writes a file (EISDIR)', path)
      else if (SPECIAL[w.kind]) refuse(path, `is ${SPECIAL[w.kind]}; only regular files are replaced`, path)
      if (w.problem) continue
      if (!writable.has(w.existingDir)) writable.set(w.existingDir, cannotWrite(w.existingDir))
      const why = writable.get(w.existingDir)
      if (why) refuse(relative(realRoot, w.existingDir).split(sep).join('/') || '.', why, path)
    }
    return [...found].map(([path, r]) => ({
      path,
      reason: r.below.length ? `${r.reason} (the run writes ${r.below[0]}${r.below.length > 1 ? ` and ${r.below.length - 1} more` : ''} below it)` : r.reason,
    }))
  }
}

function nearestExisting(dir: string): string {
  let at = dir
  while (!lstatOrMissing(at) && dirname(at) !== at) at = dirname(at)
  return at
}

/** Why no entry can be created in `dir`, with the errno the system gives; undefined when it can. */
function cannotWrite(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK)
    return undefined
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    return `cannot create files in it: ${e.code ?? 'error'}: ${e.message.replace(/^\w+: /, '').replace(/, access .*$/, '')}`
  }
}

import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import { basename, dirname, join } from 'node:path'

/**
 * The system calls a commit makes, synchronous on purpose: a signal handler (SIGINT, SIGTERM)
 * runs only between event-loop turns, so it can never see a commit half done with temporary
 * files on disk. Tests replace single calls to inject faults.
 */
export interface FsOps {
  mkdir(path: string): void
  /** Creates a new file (never opens an existing one or follows a link) and writes all of `data`. */
  create(path: string, data: string, mode: number): void
  rename(from: string, to: string): void
  link(existing: string, path: string): void
  copyFile(from: string, to: string): void
  unlink(path: string): void
  rmdir(path: string): void
}

export const SYSTEM_OPS: FsOps = {
  mkdir: (path) => fs.mkdirSync(path),
  create: (path, data, mode) => {
    const fd = fs.openSync(path, 'wx', mode)
    try {
      fs.writeFileSync(fd, data)
    } finally {
      fs.closeSync(fd)
    }
  },
  rename: (from, to) => fs.renameSync(from, to),
  link: (existing, path) => fs.linkSync(existing, path),
  copyFile: (from, to) => fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL),
  unlink: (path) => fs.unlinkSync(path),
  rmdir: (path) => fs.rmdirSync(path),
}

/**
 * A temporary sibling of `path`: hidden, named after the file and the process that made it,
 * and ending in `.cca-tmp` so that the next run recognizes it as debris of this one.
 */
export function tempName(path: string): string {
  return join(dirname(path), `.${basename(path).slice(0, 100)}.${process.pid}-${randomBytes(4).toString('hex')}.cca-tmp`)
}

/** Debris of an earlier run: this version's temporary names, and earlier versions' (`.<12 hex>.cca-tmp`). */
const DEBRIS = /^\..*\.cca-tmp$/
const OWNER = /\.(\d+)-[0-9a-f]{8}\.cca-tmp$/

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes the temporary files a killed run left in these folders (a run cannot clean up after
 * SIGKILL or a power loss). A file whose process still runs is another run's and stays.
 * Returns the paths removed.
 */
export function sweepDebris(dirs: Iterable<string>): string[] {
  const removed: string[] = []
  for (const dir of dirs) {
    let names: string[]
    try {
      names = fs.readdirSync(dir)
    } catch {
      continue
    }
    for (const name of names) {
      if (!DEBRIS.test(name)) continue
      const owner = OWNER.exec(name)
      if (owner && Number(owner[1]) !== process.pid && alive(Number(owner[1]))) continue
      const abs = join(dir, name)
      try {
        if (!fs.lstatSync(abs).isFile()) continue
        fs.unlinkSync(abs)
        removed.push(abs)
      } catch {
        // Gone already, or not ours to remove: the run goes on.
      }
    }
  }
  return removed
}

export interface PlannedWrite {
  /** As reported (from the target directory). */
  path: string
  abs: string
  content: string
  mode: number
}

/** What a failed commit undid. */
export interface Undone {
  removed: number
  restored: number
  folders: number
  /** Steps that could not be undone, with their errors. */
  failed: string[]
}

/** A write failed mid-way: carries the system's errno (ENOSPC, EISDIR, EACCES, EROFS...) and what was rolled back. */
export class WriteFailed extends Error {
  readonly code: string | undefined
  constructor(
    readonly path: string,
    override readonly cause: NodeJS.ErrnoException,
    readonly undone: Undone,
  ) {
    const created = [undone.removed ? `the ${undone.removed} file(s)` : '', undone.folders ? `the ${undone.folders} folder(s)` : ''].filter(Boolean).join(' and ')
    const what = [created ? `removed ${created} it created` : '', undone.restored ? `restored the ${undone.restored} file(s) it had replaced` : ''].filter(Boolean).join(', ')
    const after = undone.failed.length
      ? ` Rollback incomplete: ${undone.failed.join('; ')}.`
      : what
        ? ` Rolled back: ${what}; the target directory is as it was.`
        : ' Nothing was written.'
    super(`${cause.code ?? 'error'} writing ${path}: ${cause.message.replace(/^\w+: /, '')}.${after}`)
    this.name = 'WriteFailed'
    this.code = cause.code
  }
}

type Step = { kind: 'dir'; abs: string } | { kind: 'file'; abs: string; backup: string | undefined }

/**
 * Writes every file or none. Each file goes to a temporary sibling and is renamed into place,
 * so a file is never seen half written; a file it replaces is first hard-linked (or copied)
 * aside, so that a failure on any later file can put it back. On a failure the temporary file
 * is removed, every file and folder this commit created is removed, every file it replaced is
 * restored, and WriteFailed reports the errno the system gave.
 *
 * Paths are real (built from the target's real path): each folder's real path is checked
 * again right before the first file is written in it, so a folder swapped for a link after
 * the checks is refused rather than followed.
 */
export function commitWrites(writes: readonly PlannedWrite[], ops: FsOps = SYSTEM_OPS): void {
  const journal: Step[] = []
  const backups: string[] = []
  const verified = new Set<string>()
  let current = ''
  let tmp: string | undefined
  try {
    for (const w of writes) {
      current = w.path
      ensureDir(dirname(w.abs), ops, journal)
      const dir = dirname(w.abs)
      if (!verified.has(dir)) {
        const real = fs.realpathSync(dir)
        if (real !== dir) throw Object.assign(new Error(`ELOOP: ${dir} now resolves to ${real}`), { code: 'ELOOP' })
        verified.add(dir)
      }
      tmp = tempName(w.abs)
      ops.create(tmp, w.content, w.mode)
      let backup: string | undefined
      if (isFile(w.abs)) {
        backup = tempName(w.abs)
        try {
          ops.link(w.abs, backup)
        } catch {
          ops.copyFile(w.abs, backup)
        }
        backups.push(backup)
      }
      ops.rename(tmp, w.abs)
      tmp = undefined
      journal.push({ kind: 'file', abs: w.abs, backup })
    }
  } catch (err) {
    if (tmp) tryDo(() => ops.unlink(tmp!))
    const undone = rollback(journal, ops)
    // A backup that could not be put back is the user's file: it stays, named in the message.
    for (const b of backups) if (!undone.failed.some((f) => f.includes(b))) tryDo(() => ops.unlink(b))
    throw new WriteFailed(current, err as NodeJS.ErrnoException, undone)
  }
  for (const b of backups) tryDo(() => ops.unlink(b))
}

function isFile(abs: string): boolean {
  try {
    return fs.lstatSync(abs).isFile()
  } catch {
    return false
  }
}

/** Creates the missing folders of `dir` one level at a time (a recursive mkdir hides EROFS as ENOENT), journaling each. */
function ensureDir(dir: string, ops: FsOps, journal: Step[]): void {
  const missing: string[] = []
  for (let at = dir; ; at = dirname(at)) {
    try {
      const st = fs.lstatSync(at)
      if (!st.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, ${at}`), { code: 'ENOTDIR' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      missing.unshift(at)
      if (dirname(at) === at) break
    }
  }
  for (const at of missing) {
    ops.mkdir(at)
    journal.push({ kind: 'dir', abs: at })
  }
}

function tryDo(fn: () => void): string | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

function rollback(journal: readonly Step[], ops: FsOps): Undone {
  const undone: Undone = { removed: 0, restored: 0, folders: 0, failed: [] }
  for (const step of [...journal].reverse()) {
    if (step.kind === 'dir') {
      const e = tryDo(() => ops.rmdir(step.abs))
      if (!e) undone.folders++
      else if (!/ENOTEMPTY|EEXIST/.test(e)) undone.failed.push(e)
    } else if (step.backup) {
      const e = tryDo(() => ops.rename(step.backup!, step.abs))
      if (e) undone.failed.push(`${step.abs} could not be restored (${e}); its previous content is in ${step.backup}`)
      else undone.restored++
    } else {
      const e = tryDo(() => ops.unlink(step.abs))
      if (e) undone.failed.push(e)
      else undone.removed++
    }
  }
  return undone
}

import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'

/** Manifests, records and container files are small; a bigger file is data or generated. */
export const MAX_READ_BYTES = 512 * 1024

/** Why a file that is there was not read. */
export type NotReadReason = 'not-a-file' | 'too-large' | 'binary' | 'encoding' | 'unreadable'

export type ReadOutcome =
  | { kind: 'text'; text: string }
  | { kind: 'missing' }
  /** `why` names the problem in words a user can act on: "a FIFO, not a regular file". */
  | { kind: 'not-read'; reason: NotReadReason; why: string }

export interface ReadOptions {
  /** Default MAX_READ_BYTES. */
  maxBytes?: number
  /**
   * Follow a symbolic link at the path itself (its target must still be a regular file).
   * Default false: a link is reported, not followed, so a scan cannot be led outside its root.
   */
  followLinks?: boolean
  /** Refuse text that is not valid UTF-8 instead of decoding it with replacement characters. */
  strictUtf8?: boolean
}

type Kind = Pick<Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isDirectory' | 'isSymbolicLink'>

/** What a non-regular file (a Stats or a Dirent) is, for a message. */
export function describeType(st: Kind): string {
  if (st.isFIFO()) return 'a FIFO'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isDirectory()) return 'a folder'
  if (st.isSymbolicLink()) return 'a symbolic link'
  return 'not a regular file'
}

export const formatBytes = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${Math.ceil(n / 1024)} KiB` : `${n} bytes`)

const notRead = (reason: NotReadReason, why: string): ReadOutcome => ({ kind: 'not-read', reason, why })

/**
 * Reads a file only if it is a regular file within the size bound, as text. A FIFO, socket or
 * device is never opened: opening a FIFO blocks until a writer comes (a hang), and opening a
 * device can have effects (a tape rewinds, a watchdog arms). The type is checked with lstat/stat
 * before opening, and again on the open descriptor (O_NONBLOCK, so a FIFO swapped in between
 * cannot block), so a file replaced after the check is refused rather than read.
 */
export function readRegularFile(path: string, opts: ReadOptions = {}): ReadOutcome {
  const max = opts.maxBytes ?? MAX_READ_BYTES
  let st: Stats
  try {
    st = opts.followLinks ? statSync(path) : lstatSync(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' }
    if (code === 'ELOOP') return notRead('not-a-file', 'a symbolic link that loops')
    return notRead('unreadable', `unreadable (${code ?? (err as Error).message})`)
  }
  if (!st.isFile()) return notRead('not-a-file', `${describeType(st)}, not a regular file`)
  if (st.size > max) return notRead('too-large', `${formatBytes(st.size)}, over the ${formatBytes(max)} bound`)
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (opts.followLinks ? 0 : constants.O_NOFOLLOW))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { kind: 'missing' }
    if (code === 'ELOOP') return notRead('not-a-file', 'a symbolic link, not a regular file')
    return notRead('unreadable', `unreadable (${code ?? (err as Error).message})`)
  }
  let buf: Buffer
  try {
    const now = fstatSync(fd)
    if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev) return notRead('not-a-file', 'replaced by another kind of file while being read')
    // The file may grow after the stat: read at most one byte past the bound to notice.
    buf = Buffer.alloc(Math.min(now.size, max) + 1)
    let filled = 0
    for (;;) {
      if (filled === buf.length) {
        if (buf.length > max) return notRead('too-large', `over the ${formatBytes(max)} bound`)
        buf = Buffer.concat([buf, Buffer.alloc(Math.min(buf.length, max + 1 - buf.length))])
      }
      const n = readSync(fd, buf, filled, buf.length - filled, null)
      if (n === 0) break
      filled += n
    }
    buf = buf.subarray(0, filled)
  } catch (err) {
    return notRead('unreadable', `unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  } finally {
    closeSync(fd)
  }
  if (buf.includes(0)) return notRead('binary', 'binary (it holds NUL bytes)')
  if (opts.strictUtf8) {
    try {
      return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf) }
    } catch {
      return notRead('encoding', 'not valid UTF-8')
    }
  }
  return { kind: 'text', text: buf.toString('utf8') }
}

/** A file the run needs is there but cannot be used: the run stops (exit 1) rather than guess. */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnreadableFileError'
  }
}

/**
 * The text of one of the tool's records or a file the user named: undefined when there is
 * none, an UnreadableFileError naming it when it is there but cannot be read. A link is
 * followed (a record is read, never written, through it).
 */
export function readNamedFile(path: string, what: string, maxBytes = MAX_READ_BYTES): string | undefined {
  const r = readRegularFile(path, { followLinks: true, maxBytes })
  if (r.kind === 'missing') return undefined
  if (r.kind === 'not-read') throw new UnreadableFileError(`cannot read ${what}: ${r.why}.`)
  return r.text
}

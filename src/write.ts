import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { commitWrites, sweepDebris, SYSTEM_OPS, type FsOps } from './disk/commit.js'
import { PathGuard, realDir, WriteRefused } from './disk/guard.js'

export { WriteFailed } from './disk/commit.js'
export { WriteRefused } from './disk/guard.js'
import type { MergeKind, RenderedFile } from './render.js'
import { extendEnvExample } from './utils/env-example.js'

/**
 * What a planned file would do to the target directory. `extend`: the file exists and takes
 * ours by its merge kind (their lines stay, what they lack is added): not a conflict.
 */
export type FileStatus = 'create' | 'identical' | 'conflict' | 'extend'
/** What the run did with it. */
export type FileAction = 'created' | 'unchanged' | 'overwritten' | 'kept' | 'alongside' | 'extended'
/** What to do with a file that exists with other content: the user's consent, given up front or per file. */
export type ConflictPolicy = 'abort' | 'skip' | 'overwrite' | 'alongside' | 'prompt'
export type ConflictChoice = 'overwrite' | 'keep' | 'alongside' | 'cancel'

/** Where `alongside` puts the generated version of a file the user keeps. */
export const alongsidePath = (path: string): string => `${path}.generated`

export interface Writer {
  /** Current content at `path`, undefined when nothing is there. */
  read(path: string): Promise<string | undefined>
  write(file: RenderedFile): Promise<void>
}

export interface FileReport {
  path: string
  status: FileStatus
  action: FileAction | 'planned'
  /** With `alongside`: the file that holds the generated version. */
  writtenTo?: string
}

/** Raised before anything is written, so a refused run leaves the directory untouched. */
export class ConflictError extends Error {
  constructor(readonly paths: string[]) {
    super(
      `${paths.length} file(s) already exist with different content: ${paths.join(', ')}.\n` +
        'Nothing was written. Re-run with --on-conflict keep (yours stay), alongside (ours go to <file>.generated) or overwrite.',
    )
    this.name = 'ConflictError'
  }
}

export class WriteCancelled extends Error {
  constructor() {
    super('Cancelled; nothing was written.')
    this.name = 'WriteCancelled'
  }
}

const MERGES: Record<MergeKind, (current: string, proposed: string) => string> = { env: extendEnvExample }

/**
 * Each file's status, and for a merged file the content it would end up with. A path the
 * writer refuses to read (a link on the way) is collected, so one error names all of them.
 */
async function survey(files: readonly RenderedFile[], writer: Writer): Promise<{ report: FileReport; content: string }[]> {
  const refused: WriteRefused[] = []
  const out = await Promise.all(
    files.map(async (f) => {
      let current: string | undefined
      try {
        current = await writer.read(f.path)
      } catch (err) {
        if (!(err instanceof WriteRefused)) throw err
        refused.push(err)
      }
      // A directory reads as a sentinel that never merges: it stays a conflict.
      const content = current !== undefined && f.merge && !current.startsWith('\u0000') ? MERGES[f.merge](current, f.content) : f.content
      const status: FileStatus = current === undefined ? 'create' : current === content ? 'identical' : f.merge && content !== f.content ? 'extend' : 'conflict'
      return { report: { path: f.path, status, action: 'planned' as const }, content }
    }),
  )
  if (refused.length) {
    const byPath = new Map(refused.flatMap((e) => e.refusals).map((r) => [r.path, r]))
    throw new WriteRefused([...byPath.values()])
  }
  return out
}

/** Status of every file against what is on disk. Reads only. */
export async function statusOf(files: readonly RenderedFile[], writer: Writer): Promise<FileReport[]> {
  return (await survey(files, writer)).map((s) => s.report)
}

/**
 * Writes files according to the conflict policy. Every decision is made before the first
 * write: `abort` refuses the whole run on any conflict, `prompt` asks per file (cancelling
 * writes nothing), `alongside` keeps the user's file and writes ours next to it as
 * `<file>.generated`. `decided` holds choices made before rendering (the Dockerfile's, which
 * the other files follow); they are not asked again and hold under every policy. A file with a
 * merge kind is extended, never a conflict. Identical files are left alone; nothing is ever
 * deleted.
 */
export async function writeAll(
  files: readonly RenderedFile[],
  writer: Writer,
  policy: ConflictPolicy,
  ask?: (path: string, current: string, proposed: string) => Promise<ConflictChoice>,
  decided: ReadonlyMap<string, Exclude<ConflictChoice, 'cancel'>> = new Map(),
): Promise<FileReport[]> {
  const surveyed = await survey(files, writer)
  const reports = surveyed.map((s) => s.report)
  const conflicts = reports.filter((r) => r.status === 'conflict').map((r) => r.path)
  const choice = new Map<string, Exclude<ConflictChoice, 'cancel'>>()
  if (conflicts.length > 0) {
    const open = conflicts.filter((p) => !decided.has(p))
    if (policy === 'abort' && open.length) throw new ConflictError(open)
    for (const p of conflicts) {
      const made = decided.get(p)
      if (made) choice.set(p, made)
      else if (policy === 'prompt') {
        if (!ask) throw new Error('internal: prompt policy without a prompt')
        const f = files.find((x) => x.path === p)!
        const c = await ask(p, (await writer.read(p)) ?? '', f.content)
        if (c === 'cancel') throw new WriteCancelled()
        choice.set(p, c)
      } else if (policy !== 'abort') choice.set(p, policy === 'skip' ? 'keep' : policy)
    }
  }
  // A `.generated` file that exists with other content is the user's too: never replaced.
  const blocked: string[] = []
  const alongsideState = new Map<string, 'create' | 'identical'>()
  for (const [p, c] of choice) {
    if (c !== 'alongside') continue
    const alt = alongsidePath(p)
    const current = await writer.read(alt)
    const f = files.find((x) => x.path === p)!
    if (current === undefined) alongsideState.set(p, 'create')
    else if (current === f.content) alongsideState.set(p, 'identical')
    else blocked.push(alt)
  }
  if (blocked.length) throw new ConflictError(blocked)
  for (const [i, f] of files.entries()) {
    const r = reports[i]!
    if (r.status === 'identical') r.action = 'unchanged'
    else if (r.status === 'extend') {
      await writer.write({ ...f, content: surveyed[i]!.content })
      r.action = 'extended'
    } else if (r.status === 'create') {
      await writer.write(f)
      r.action = 'created'
    } else {
      const c = choice.get(f.path)
      if (c === 'overwrite') {
        await writer.write(f)
        r.action = 'overwritten'
      } else if (c === 'alongside') {
        const alt = alongsidePath(f.path)
        if (alongsideState.get(f.path) === 'create') await writer.write({ ...f, path: alt })
        r.action = 'alongside'
        r.writtenTo = alt
      } else r.action = 'kept'
    }
  }
  return reports
}

/** Options of an FsWriter; `ops` is for tests that inject a failing system call. */
export interface FsWriterOptions {
  ops?: FsOps
}

/**
 * Reads and writes under `root` on disk, through one path-safety layer ({@link PathGuard}):
 * every path is walked from the target's real path with lstat, and a symbolic link anywhere
 * below the target (dangling or not), a `..` that leaves it, a file where a folder is needed
 * or a folder or special file where a file goes is refused. Reads never follow a link.
 *
 * Writes are staged, then {@link commit} checks all of them before the first byte and writes
 * every file or none: a failure mid-way (ENOSPC, EISDIR, EACCES...) rolls back what this
 * commit created or replaced and reports the system's errno.
 */
export class FsWriter implements Writer {
  private readonly guard: PathGuard
  private readonly staged = new Map<string, RenderedFile>()
  /** Folders this writer looked in: where a killed run's temporary files are swept from. */
  private readonly seen = new Set<string>()
  private readonly ops: FsOps

  constructor(
    readonly root: string,
    options: FsWriterOptions = {},
  ) {
    this.guard = new PathGuard(root)
    this.ops = options.ops ?? SYSTEM_OPS
  }

  async read(path: string): Promise<string | undefined> {
    const staged = this.staged.get(path)
    if (staged) return staged.content
    const w = this.guard.walk(path)
    if (w.problem && w.kind === 'link') throw new WriteRefused([w.problem])
    this.seen.add(dirname(path))
    if (w.problem || w.kind === 'missing') return undefined
    // Never equal to rendered text, so a folder or a FIFO in a file's place is a conflict; and
    // never opened: reading a FIFO would block the run.
    if (w.kind !== 'file') return `\u0000${w.kind}`
    try {
      return await readFile(w.abs, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  /** Staged: nothing reaches the disk before {@link commit}. A later write of the same path replaces it. */
  async write(file: RenderedFile): Promise<void> {
    this.guard.lexical(file.path, resolve(this.root))
    this.staged.delete(file.path)
    this.staged.set(file.path, file)
  }

  /** Paths staged and not yet committed, in order. */
  get pending(): string[] {
    return [...this.staged.keys()]
  }

  /** Throws WriteRefused with every reason not to write these paths (default: the staged ones). */
  check(paths: Iterable<string> = this.staged.keys()): void {
    const refusals = this.guard.refusals(paths)
    if (refusals.length) throw new WriteRefused(refusals)
  }

  /**
   * Writes everything staged, all or nothing: the checks first (WriteRefused, nothing
   * written), then the temporary files a killed run left in the folders involved are removed,
   * then the files are written (WriteFailed with the errno and a rollback on a failure), those
   * `first` picks before the others.
   */
  async commit(first: (path: string) => boolean = () => false): Promise<void> {
    const all = [...this.staged.values()]
    const files = [...all.filter((f) => first(f.path)), ...all.filter((f) => !first(f.path))]
    this.check(files.map((f) => f.path))
    const realRoot = realDir(this.root)
    const dirs = new Set<string>()
    for (const rel of new Set([...this.seen, ...files.map((f) => dirname(f.path))])) {
      if (rel === '.') dirs.add(realRoot)
      else {
        const w = this.guard.walk(rel, realRoot)
        if (!w.problem && w.kind === 'dir') dirs.add(w.abs)
      }
    }
    sweepDebris(dirs)
    commitWrites(
      files.map((f) => ({ path: f.path, abs: this.guard.lexical(f.path, realRoot), content: f.content, mode: f.mode ?? 0o644 })),
      this.ops,
    )
    this.staged.clear()
  }
}

/** Keeps files in a Map; for tests and for rendering a project without a disk. */
export class MemoryWriter implements Writer {
  readonly files = new Map<string, string>()
  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.files.set(k, v)
  }
  async read(path: string): Promise<string | undefined> {
    return this.files.get(path)
  }
  async write(file: RenderedFile): Promise<void> {
    this.files.set(file.path, file.content)
  }
}

/** Reads through another writer but records writes instead of performing them (`--dry-run`). */
export class DryRunWriter implements Writer {
  readonly written: string[] = []
  constructor(private readonly inner: Writer) {}
  read(path: string): Promise<string | undefined> {
    return this.inner.read(path)
  }
  async write(file: RenderedFile): Promise<void> {
    this.written.push(file.path)
  }
}

import { randomBytes } from 'node:crypto'
import { lstat, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import fse from 'fs-extra'
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

/** Each file's status, and for a merged file the content it would end up with. */
async function survey(files: readonly RenderedFile[], writer: Writer): Promise<{ report: FileReport; content: string }[]> {
  return Promise.all(
    files.map(async (f) => {
      const current = await writer.read(f.path)
      // A directory reads as a sentinel that never merges: it stays a conflict.
      const content = current !== undefined && f.merge && !current.startsWith('\u0000') ? MERGES[f.merge](current, f.content) : f.content
      const status: FileStatus = current === undefined ? 'create' : current === content ? 'identical' : f.merge && content !== f.content ? 'extend' : 'conflict'
      return { report: { path: f.path, status, action: 'planned' as const }, content }
    }),
  )
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

/**
 * Writes under `root` on disk. Each file goes to a temporary sibling first and is renamed
 * into place, so an interrupted run never leaves a half-written file. Paths that would land
 * outside `root` (through `..` or a symlinked folder) are refused.
 */
export class FsWriter implements Writer {
  constructor(readonly root: string) {}

  private async target(path: string): Promise<string> {
    const abs = resolve(this.root, path)
    const rel = relative(resolve(this.root), abs)
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`refusing to write outside the target directory: ${path}`)
    return abs
  }

  async read(path: string): Promise<string | undefined> {
    const abs = await this.target(path)
    try {
      const st = await lstat(abs)
      if (st.isDirectory()) return `\u0000directory` // never equal to rendered text: a conflict
      // A FIFO or device in a file's place is a conflict too, and is never opened: reading a
      // FIFO blocks the run (--dry-run included) until a writer comes.
      if (!(st.isSymbolicLink() ? await stat(abs) : st).isFile()) return `\u0000special`
      return await readFile(abs, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
      throw err
    }
  }

  async write(file: RenderedFile): Promise<void> {
    const abs = await this.target(file.path)
    await fse.mkdirp(dirname(abs))
    const realRoot = await realpath(this.root)
    const realDir = await realpath(dirname(abs))
    if (realDir !== realRoot && !realDir.startsWith(realRoot + sep)) {
      throw new Error(`refusing to write ${file.path}: its folder links outside the target directory`)
    }
    const tmp = join(dirname(abs), `.${randomBytes(6).toString('hex')}.cca-tmp`)
    try {
      await writeFile(tmp, file.content, { mode: file.mode ?? 0o644 })
      await rename(tmp, abs)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
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

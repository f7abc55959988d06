import { posix } from 'node:path'

/**
 * A read-only view of a repository: its file list (POSIX paths relative to the root, without
 * dependency and build folders) and a way to read one file. Detection sees nothing else, so it
 * runs the same on a real checkout and on an in-memory fixture.
 */
export interface RepoView {
  readonly files: readonly string[]
  /**
   * Dependency and build folders that exist but are not listed (`ui/vendor`): a path the app
   * opens may lie in one, and it exists though no file below it is in `files`.
   */
  readonly unlisted?: readonly string[]
  /** The file's text, or undefined when it is missing, binary or too large to be a manifest. */
  read(path: string): string | undefined
  /**
   * Files that are there but could not be used, each with why: links and special files met
   * while listing, files `read` refused (over the size bound, binary, unreadable) and files
   * `flag`ged as not understood. Grows as files are read: complete once detection is done.
   */
  readonly unread?: ReadonlyMap<string, Unread>
  /** Records a file that was read but could not be used (a manifest that is not valid JSON). */
  flag?(path: string, why: string): void
  /** Set when the listing stopped at its file bound. */
  readonly bound?: ScanBound
}

export interface Unread {
  why: string
  /**
   * `link`: a symbolic link, not followed by design, worth naming only where a file of its name
   * matters. `folder`: a folder that could not be listed.
   */
  kind?: 'link' | 'folder'
}

/** Where a scan stopped listing: a huge repository is scanned in part, and says which part. */
export interface ScanBound {
  /** Files listed before it stopped. */
  limit: number
  /** Folders not listed, or (the first) listed in part, shallowest first. */
  notScanned: readonly string[]
}

/**
 * Folders that hold dependencies, build output, caches or VCS data: never part of detection.
 * (.mvn is not one: it holds the Maven wrapper's settings, a manifest the image needs.)
 */
export const IGNORED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  '.pnpm-store',
  '.yarn',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.cache',
  '.parcel-cache',
  'dist',
  'build',
  'out',
  'coverage',
  'target',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.tox',
  '.gradle',
  '.idea',
  '.vscode',
  'obj',
  '.terraform',
  'tmp',
  'log',
  'storage',
  '.bundle',
])

/** Folders whose manifests are examples, fixtures or docs, never a service of the repository. */
export const NON_SERVICE_DIRS: ReadonlySet<string> = new Set([
  'example',
  'examples',
  'sample',
  'samples',
  'fixture',
  'fixtures',
  '__fixtures__',
  'testdata',
  'test-fixtures',
  'docs',
  'doc',
  'website',
  'e2e',
  // Apps under test folders are the test suite's fixtures (dotnet-docker's TestAppArtifacts).
  'test',
  'tests',
  '__tests__',
  'spec',
  'benchmarks',
  'scripts',
  'tools',
  'hack',
])

/** An in-memory repository, for tests and fixtures. */
export function memoryRepo(files: Readonly<Record<string, string>>): RepoView {
  const list: string[] = []
  const unlisted = new Set<string>()
  for (const f of Object.keys(files)) {
    const parts = f.split('/')
    const i = parts.findIndex((part, n) => n < parts.length - 1 && IGNORED_DIRS.has(part))
    if (i < 0) list.push(f)
    else unlisted.add(parts.slice(0, i + 1).join('/'))
  }
  return { files: list.sort(), unlisted: [...unlisted].sort(), read: (p) => files[p] }
}

/** Helpers over a view, scoped to one folder of it. */
export class Folder {
  readonly prefix: string
  private readonly own: readonly string[]
  private readonly set: ReadonlySet<string>

  constructor(
    readonly repo: RepoView,
    readonly dir: string,
  ) {
    this.prefix = dir === '.' ? '' : `${dir}/`
    this.own = repo.files.filter((f) => f.startsWith(this.prefix)).map((f) => f.slice(this.prefix.length))
    this.set = new Set(this.own)
  }

  /** Files below this folder, relative to it. */
  get files(): readonly string[] {
    return this.own
  }

  path(rel: string): string {
    return this.prefix + rel
  }

  has(rel: string): boolean {
    return this.set.has(rel)
  }

  /** Whether a folder exists below this one: a file is listed in it, or it is or holds an unlisted folder. */
  hasDir(rel: string): boolean {
    const dir = `${this.prefix}${rel.replace(/\/+$/, '')}`
    return this.own.some((f) => f.startsWith(`${rel.replace(/\/+$/, '')}/`)) || (this.repo.unlisted ?? []).some((u) => u === dir || u.startsWith(`${dir}/`))
  }

  read(rel: string): string | undefined {
    return this.has(rel) ? this.repo.read(this.path(rel)) : undefined
  }

  /** A JSON object file; one that does not parse is flagged, so it is reported rather than taken for absent. */
  json(rel: string): Record<string, unknown> | undefined {
    const text = this.read(rel)
    if (text === undefined) return undefined
    let v: unknown
    try {
      // npm and Composer accept a byte order mark; JSON.parse does not.
      v = JSON.parse(text.replace(/^\uFEFF/, ''))
    } catch (err) {
      this.repo.flag?.(this.path(rel), `not valid JSON (${(err as Error).message.split('\n')[0]})`)
      return undefined
    }
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>
    this.repo.flag?.(this.path(rel), 'not a JSON object')
    return undefined
  }

  /** Files whose path relative to this folder matches. */
  find(re: RegExp): string[] {
    return this.own.filter((f) => re.test(f))
  }

  /** The first existing file among candidates. */
  first(...candidates: string[]): string | undefined {
    return candidates.find((c) => this.has(c))
  }
}

export const parentDir = (path: string): string => {
  const d = posix.dirname(path)
  return d === '' ? '.' : d
}

export interface CorpusFlag {
  args: string[]
  /** Why the CLI asks for it (what it cannot settle, or the conflict it stops on). */
  why: string
}

export interface PrepareStep {
  /** Folder relative to the app's root; default the root. */
  cwd?: string
  run: string[]
}

export interface CorpusApp {
  id: string
  language: 'node' | 'python' | 'go' | 'rust' | 'java' | 'dotnet' | 'ruby' | 'php'
  /** The real projects whose shape it follows (none of their code is copied). */
  modeledOn: string[]
  shape: string
  /** What it exercises, with the "Why" item in parentheses. */
  traps: string[]
  /** The service folder (monorepos, solutions, sample repositories); default the root. */
  service?: string
  flags: CorpusFlag[]
  /** Lockfiles and wrappers made by the app's own tools before the CLI runs. */
  prepare: PrepareStep[]
  /** The port the app listens on in its container. */
  port: number
  /** Its own health route, or null when it has none (only a TCP check or a route that answers works). */
  health: string | null
  /** The backing services it uses, which Compose must bring up. */
  backing: { database?: 'postgres' | 'mysql' | 'mariadb'; cache?: 'redis' | 'valkey' | 'memcached' }
  /**
   * The app's own variable names. `a|b` accepts either name (Spring's relaxed binding).
   * `host`: the variable that moves its bind address off localhost.
   */
  env: { database?: string[]; cache?: string[]; required?: string[]; host?: string }
  /** Services the tool does not provide, which its README must name. */
  unprovided?: string[]
  /**
   * Running the image alone (`docker run`): the variables a user passes (the app's required
   * ones; connection settings point at a closed port). false when the app cannot start without
   * its database, with `aloneWhy`.
   */
  alone?: { env: Record<string, string> } | false
  aloneWhy?: string
  /** Static-only: the reason this machine cannot build it. Absent: built, run and composed. */
  build?: { static: string }
}

export type CorpusStep = 'retrofit' | 'contract' | 'validate' | 'build' | 'alone' | 'compose'

export interface KnownFailure {
  app: string
  step: CorpusStep
  /** The reason, naming the issue item or the limitation. */
  because: string
  /** What the failure's message must match while the reason holds. */
  match: RegExp
}

export const CORPUS: CorpusApp[]
export const KNOWN_FAILURES: KnownFailure[]

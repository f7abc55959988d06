import type { Cache, CiProvider, Database, Language } from '../options.js'

/**
 * How sure a finding is. `high`: declared in a file made for it (a version file, a lockfile, a
 * framework dependency). `medium`: inferred from a convention or a loose declaration (an
 * engines range, a framework's default port). `low`: a guess that must be confirmed: the
 * wizard asks, a run without questions stops and names the flag.
 */
export type Confidence = 'high' | 'medium' | 'low'

/** Why a value was chosen: the file it came from and what in it. */
export interface Evidence {
  file: string
  reason: string
}

export interface Finding<T> {
  value: T
  confidence: Confidence
  evidence: Evidence[]
}

/** A port, or the name of the variable the app reads it from when the code has no default. */
export interface PortFinding extends Finding<number | null> {
  env?: string
}

export type WarningCode =
  | 'localhost-binding'
  | 'example-only-config'
  | 'build-needs-env'
  | 'build-needs-database'
  | 'two-lockfiles'
  | 'no-lockfile'
  | 'unsupported-version'
  | 'several-databases'
  | 'several-caches'
  | 'no-maven-wrapper'
  | 'several-entry-points'
  | 'no-health-endpoint'
  | 'workspace-lockfile'
  | 'workspace-build'
  | 'missing-manifest'

export interface DetectionWarning {
  code: WarningCode
  file: string
  message: string
}

/**
 * Names the templates need that an existing app decides for itself (the Go main package, the
 * Rust binary, the WSGI app...). Absent: the language's own convention applies.
 */
export interface AppFacts {
  /** Go: the main package, e.g. `./cmd/api`. */
  mainPackage?: string
  /** Rust: the binary target's name. */
  binary?: string
  /** Python: `module:variable` served by gunicorn (Flask, Django). */
  wsgiApp?: string
  /** Python: `module:variable` of an ASGI app run by uvicorn (FastAPI). */
  asgiApp?: string
  /** Python: the code lives in src/ (put on PYTHONPATH). */
  srcLayout?: boolean
  /** Node: the prod command's argv, e.g. ["node", "dist/index.js"]. */
  nodeEntry?: readonly string[]
  /** Node: package.json has a `build` script (the image runs it). */
  hasBuildScript?: boolean
  /** Node: the script the dev container runs (`dev`, `start:dev`, else `start`). */
  devScript?: string
  /** .NET: the web project, and its test project when there is one. */
  appProject?: string
  testProject?: string
  assembly?: string
}

/** One deployable unit found in the repository. */
export interface DetectedService {
  /** Folder relative to the repository root, `.` for the root. */
  dir: string
  /** Suggested project name (DNS label), from the manifest or the folder. */
  name: Finding<string>
  language: Finding<Language>
  /** A framework id of the language's registry. */
  framework: Finding<string> | undefined
  /** The library as the project names it (Express, gin, actix-web), when it differs from the id. */
  frameworkName: string | undefined
  packageManager: Finding<string> | undefined
  languageVersion: Finding<string> | undefined
  buildCommand: Finding<string> | undefined
  startCommand: Finding<string> | undefined
  port: PortFinding | undefined
  database: Finding<Database>
  cache: Finding<Cache>
  app: AppFacts
  warnings: DetectionWarning[]
  /** Other notes worth showing: embedded databases, message brokers, ignored manifests. */
  notes: Evidence[]
}

/** A folder with a manifest that is not deployed on its own (a library, a docs site). */
export interface SkippedProject {
  dir: string
  reason: string
}

export interface Detection {
  services: DetectedService[]
  /** Folders declared as workspace members (npm/pnpm/yarn, go.work, Cargo, Maven, Gradle). */
  workspace: Finding<string[]> | undefined
  skipped: SkippedProject[]
  ci: Finding<CiProvider> | undefined
  /** Container files already in the repository (Dockerfile, compose, charts, workflows). */
  existing: string[]
  warnings: DetectionWarning[]
  /** Files looked at (after ignoring dependency and build folders). */
  fileCount: number
}

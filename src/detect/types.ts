import type { Cache, CiProvider, Database, Language } from '../options.js'
import type { ScanBound } from './repo.js'

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

/**
 * One part of a connection setting, as one variable of the app carries it. `url` is the
 * registry's URL (`postgres://user:pass@host:5432/db`); `jdbc` is Java's form without
 * credentials (`jdbc:postgresql://host:5432/db`); `connstring` is .NET's
 * (`Host=…;Port=…;Database=…;Username=…;Password=…`, StackExchange.Redis: `host:6379,password=…`);
 * `hostport` is `host:6379`; the rest are single values.
 */
export type ConnectionPart = 'url' | 'jdbc' | 'connstring' | 'host' | 'port' | 'hostport' | 'user' | 'password' | 'database'

/** A variable the app reads one part of a connection from. */
export interface EnvBinding {
  name: string
  part: ConnectionPart
}

/** A variable the app needs set to start at all (validated at boot, read without a default). */
export interface AppVariable {
  name: string
  /** A value the app starts with in dev: its own example's value, else a dev-only placeholder. */
  devValue: string
  /** Secret: production must set it (Compose `:?`, the chart's Secret), never a default. */
  secret: boolean
  evidence: Evidence
}

/**
 * What the healthchecks and probes ask. A path is an HTTP GET the app answers with 2xx; null is
 * a TCP connect to the app's port, the check that works on any server.
 */
export interface HealthCheck {
  liveness: string | null
  readiness: string | null
}

/** A service the app uses that this tool does not set up (SQL Server, RabbitMQ, Kafka, ...). */
export interface UnprovidedService {
  /** What it is, for people: "RabbitMQ", "SQL Server". */
  service: string
  evidence: Evidence
  /** What the user must add, e.g. "a RabbitMQ service in compose.yaml and AMQP_URL". */
  hint: string
}

/** A web UI in a sub-folder of a server, built in a stage of its own. */
export interface UiBuild {
  /** Its folder, relative to the service folder (`ui`, `web`). */
  dir: string
  /** A Node package manager id (npm, pnpm, yarn, yarn-classic, bun). */
  packageManager: string
  /** Manifests and lockfile present in its folder, relative to it. */
  installFiles: string[]
  /** The package.json script that builds it (`build`). */
  script: string
  /** Where the build writes, relative to the service folder (`ui/dist`): the server reads or embeds it there. */
  output: string
  /**
   * The server compiles the output into its binary (Go `//go:embed`, Rust `rust-embed` or
   * `include_dir!`): the image needs it at build time only. Absent: the server reads it at run
   * time, so the prod image carries it too.
   */
  embedded?: boolean
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
  /** A service the app uses that the tool does not set up (SQL Server, RabbitMQ, Kafka...): see `app.unprovided`. */
  | 'unprovided-service'
  /** A .gitignore pattern hides files the run writes (`.*` hides .github/ and .dockerignore). */
  | 'gitignored-output'
  | 'no-entry-point'
  | 'lockfile-wheels'

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
  /** Node: the prod command's argv, e.g. ["node", "dist/index.js"]; with `runtime: 'bun'`, Bun's (["bun", "src/index.ts"]). */
  nodeEntry?: readonly string[]
  /** Node: package.json has a `build` script (the image runs it). */
  hasBuildScript?: boolean
  /** Node: the script the dev container runs (`dev`, `start:dev`, else `start`). */
  devScript?: string
  /** .NET: the web project, and its test project when there is one. */
  appProject?: string
  testProject?: string
  assembly?: string

  // The app's runtime contract (issue 18): what the generated files must honour to start the
  // app unchanged. Absent fields mean the tool's own conventions (a new service's).

  /**
   * Manifests and lockfiles the dependency install mounts, exactly as they exist: relative to the
   * service folder, or to the build context when `buildContext` is set (a workspace's root
   * lockfile and the members' manifests).
   */
  installFiles?: string[]
  /** No lockfile: the image installs without a frozen lockfile (and the report warns). */
  unlocked?: boolean
  /** pip: the production and dev requirements files that exist, and whether they carry hashes. */
  requirements?: { prod: string; dev?: string; hashes: boolean }
  /** Folders or files the app reads at run time besides its code, relative to the service folder. */
  runtimePaths?: string[]
  /** The variable the app reads its port from, when not PORT. */
  portEnv?: string
  /** A variable the app reads its bind address from (HOST): set to 0.0.0.0 in containers. */
  hostEnv?: string
  /** The app's own variables for its database and cache; absent: DATABASE_URL / CACHE_URL. */
  databaseEnv?: EnvBinding[]
  cacheEnv?: EnvBinding[]
  /** Variables the app requires at boot besides its connections. */
  requiredEnv?: AppVariable[]
  /** The health routes the app has; absent: /healthz and /readyz (or the framework's own). */
  health?: HealthCheck
  /** Services it uses that the tool does not set up. */
  unprovided?: UnprovidedService[]
  /** A web UI in a sub-folder, built in its own stage and copied where the server reads it. */
  ui?: UiBuild
  /**
   * The build context relative to the service folder when the image must build from a
   * workspace root (`../..` for a pnpm or uv workspace member); absent: the service folder.
   */
  buildContext?: string
  /** With `buildContext`: the service folder relative to the build context (`apps/api`). */
  memberDir?: string
  /** With `buildContext`: the workspace package to install and build (`pnpm --filter <it>...`, `uv sync --package <it>`). */
  workspacePackage?: string
  /**
   * The package manager version the app pins (`"packageManager": "pnpm@10.18.0"`, Yarn's
   * `yarnPath` release): the image installs that one, so the app's own tool never switches.
   */
  packageManagerVersion?: string
  /** A JavaScript app that runs on Bun's runtime (`Bun.serve`, `bun run src/index.ts`), not on Node. */
  runtime?: 'bun'
  /**
   * Compose's base file when the app keeps a `compose.yaml` of its own (Spring Boot's
   * dev-services file, say): ours is written as this name and every command and override
   * layers on it.
   */
  composeFile?: string
  /** The Dockerfile the Compose files, chart and CI build: `Dockerfile.generated` when the user's own was kept. */
  dockerfile?: string
  /**
   * Our ignore file when the app keeps a `.dockerignore` of its own (written for its own
   * Dockerfile, it may exclude what ours needs): `<our Dockerfile>.dockerignore`, which BuildKit
   * reads for that Dockerfile in place of the context's `.dockerignore`. Decided with `dockerfile`.
   */
  dockerignore?: string
}

/** The evidence behind the runtime contract's values, by the `AppFacts` field they fill. */
export type AppEvidence = { [K in keyof AppFacts]?: Evidence[] }

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
  /** The health routes found (or none: TCP), with the evidence; `app.health` carries the value. */
  health?: Finding<HealthCheck>
  /** Why each runtime-contract value of `app` was chosen (the file and what in it), by field. */
  appEvidence?: AppEvidence
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
  /** Files (or folders) that are there but could not be used, each with why. */
  unread: UnreadFile[]
  /** Set when the repository has more files than a scan lists: what was listed and what was not. */
  bound?: ScanBound
}

export interface UnreadFile {
  file: string
  why: string
  /**
   * It could decide what the app is: a manifest (or a folder that may hold one) where detection
   * looks for services. A run does not go on without it: the repository would be misread.
   */
  decides: boolean
}

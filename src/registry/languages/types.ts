import type { AppEnvVar } from '../../app-env.js'
import type { AppFacts } from '../../detect/types.js'
import type { Choice, Language } from '../../options.js'

/** A package manager and how the Dockerfile drives it. */
export interface PackageManagerChoice extends Choice {
  /** Exact version written to `packageManager` and the Dockerfile ARG; null when bundled. */
  version: string | null
  /** Files copied (bind-mounted) before the source so the install layer is cached. */
  manifests: readonly string[]
  /** BuildKit cache mount target for the download cache (the build stages run as root). */
  cacheDir: string
  /**
   * `locked`: the manager's cache is not safe for two writers at once (the deps and prod-deps
   * stages run in parallel, and other builds share the mount), so BuildKit hands it to one RUN at
   * a time. Set by `cacheOf` from the decisions and their sources in cache-mounts.ts.
   */
  cacheSharing?: 'locked'
  /** Installs all dependencies exactly as locked. */
  install: string
  /** Installs production dependencies only, exactly as locked. */
  installProd: string
  /**
   * The same two without a lockfile to hold them to (an existing app that has none): they
   * resolve and write one inside the image. Absent: `install`/`installProd` already work
   * without a lockfile.
   */
  installUnlocked?: string
  installProdUnlocked?: string
  /** Runs a project script, for managers that have scripts (`npm run`, `poetry run`). */
  run?: string
}

export interface FrameworkChoice extends Choice {
  /** Template folder under templates/ holding the starter app, or null: container files only. */
  starter: string | null
  /** The framework's conventional port, when it differs from the language default. */
  defaultPort?: number
  /** Dev-container settings that differ from the language's (e.g. Rails syncs app/, config/). */
  dev?: Partial<DevSpec>
}

/** How the dev container runs: what Compose publishes and which changes sync or rebuild. */
export interface DevSpec {
  debugPort: number | null
  environment: Readonly<Record<string, string>>
  /** Folders synced into the running dev container (Compose watch); manifests trigger a rebuild. */
  sync: readonly string[]
  /**
   * Compiled languages: restart the dev container after a sync (Compose `sync+restart`), so
   * its command rebuilds and runs the new code. Default: the app reloads by itself.
   */
  restartOnSync?: boolean
}

export interface LanguageChoice extends Choice<Language> {
  dev: DevSpec
  defaultPort: number
  /** Default runtime version, pinned exactly; users may pass another (`--language-version`). */
  defaultVersion: string
  /** What a `--language-version` value must look like. */
  versionPattern: RegExp
  versionHint: string
  packageManagers: readonly PackageManagerChoice[]
  frameworks: readonly FrameworkChoice[]
  /** UID (and GID) of the prod image's USER; Kubernetes runs the pods as the same. Default 1000. */
  runtimeUid?: number
  /**
   * Language-specific values for this language's templates, exposed as `lang` in the render
   * context (commands, image names, paths). Keeps templates free of logic.
   */
  templateData?: (choice: TemplateDataInput) => Readonly<Record<string, unknown>>
}

export interface TemplateDataInput {
  name: string
  port: number
  languageVersion: string
  packageManager: PackageManagerChoice
  framework: FrameworkChoice
  /** Names an existing app decides for itself (retrofit); empty for a new service. */
  app?: AppFacts
  /**
   * An existing app's container environment, as Compose sets it (its connection variables, the
   * ones it requires at boot): build steps that import the app's settings get placeholders for
   * them. Absent for a new service, whose settings import without them.
   */
  environment?: readonly AppEnvVar[]
}


/** A language whose generators have not landed yet: listed, refused with a clear message. */
export const unavailableLanguage = (id: Language, label: string, defaultPort: number): LanguageChoice => ({
  id,
  label,
  available: false,
  defaultPort,
  dev: { debugPort: null, environment: {}, sync: [] },
  defaultVersion: '',
  versionPattern: /^$/,
  versionHint: '',
  packageManagers: [],
  frameworks: [],
})


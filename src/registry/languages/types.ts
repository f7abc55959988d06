import type { Choice, Language } from '../../options.js'

/** A package manager and how the Dockerfile drives it. */
export interface PackageManagerChoice extends Choice {
  /** Exact version written to `packageManager` and the Dockerfile ARG; null when bundled. */
  version: string | null
  /** Files copied (bind-mounted) before the source so the install layer is cached. */
  manifests: readonly string[]
  /** BuildKit cache mount target for the download cache (the build stages run as root). */
  cacheDir: string
  /** Installs all dependencies exactly as locked. */
  install: string
  /** Installs production dependencies only, exactly as locked. */
  installProd: string
  /** Runs a package.json script. */
  run: string
}

export interface FrameworkChoice extends Choice {
  /** Template folder under templates/<language>/ holding the starter app. */
  starter: string | null
}

/** How the dev container runs: what Compose publishes and which changes sync or rebuild. */
export interface DevSpec {
  debugPort: number | null
  environment: Readonly<Record<string, string>>
  /** Folders synced into the running dev container (Compose watch); manifests trigger a rebuild. */
  sync: readonly string[]
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
}


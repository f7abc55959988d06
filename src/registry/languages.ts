import type { Choice, Language } from '../options.js'

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

const NODE_PACKAGE_MANAGERS: readonly PackageManagerChoice[] = [
  {
    id: 'npm',
    label: 'npm',
    available: true,
    version: null,
    manifests: ['package.json', 'package-lock.json'],
    cacheDir: '/root/.npm',
    install: 'npm ci',
    installProd: 'npm ci --omit=dev',
    run: 'npm run',
  },
  {
    id: 'pnpm',
    label: 'pnpm',
    available: true,
    version: '10.34.9',
    manifests: ['package.json', 'pnpm-lock.yaml'],
    cacheDir: '/root/.local/share/pnpm/store',
    install: 'pnpm install --frozen-lockfile',
    installProd: 'pnpm install --frozen-lockfile --prod',
    run: 'pnpm run',
  },
  {
    id: 'yarn',
    label: 'Yarn (Berry)',
    available: true,
    version: '4.18.1',
    manifests: ['package.json', 'yarn.lock', '.yarnrc.yml'],
    cacheDir: '/root/.cache/yarn',
    install: 'yarn install --immutable',
    installProd: 'yarn workspaces focus --all --production',
    run: 'yarn run',
  },
  {
    id: 'bun',
    label: 'Bun (as package manager)',
    available: true,
    version: '1.4.5',
    manifests: ['package.json', 'bun.lock'],
    cacheDir: '/root/.bun/install/cache',
    install: 'bun install --frozen-lockfile',
    installProd: 'bun install --frozen-lockfile --production',
    run: 'bun run',
  },
]

const later = (id: Language, label: string, defaultPort: number): LanguageChoice => ({
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

export const LANGUAGE_CHOICES: readonly LanguageChoice[] = [
  {
    id: 'node',
    label: 'Node.js (TypeScript)',
    available: true,
    defaultPort: 3000,
    dev: { debugPort: 9229, environment: { NODE_OPTIONS: '--inspect=0.0.0.0:9229' }, sync: ['src'] },
    defaultVersion: '24.21.0',
    // The official images publish major, minor and patch tags.
    versionPattern: /^\d{2}(\.\d+){0,2}$/,
    versionHint: 'a Node.js version such as 24, 24.21 or 24.21.0',
    packageManagers: NODE_PACKAGE_MANAGERS,
    frameworks: [
      { id: 'http', label: 'node:http (no framework)', available: true, starter: 'node/app' },
      { id: 'express', label: 'Express', available: false, starter: null },
      { id: 'fastify', label: 'Fastify', available: false, starter: null },
      { id: 'nest', label: 'NestJS', available: false, starter: null },
      { id: 'next', label: 'Next.js (standalone)', available: false, starter: null },
    ],
  },
  later('python', 'Python', 8000),
  later('go', 'Go', 8080),
  later('java', 'Java / Kotlin', 8080),
  later('rust', 'Rust', 8080),
  later('dotnet', '.NET', 8080),
  later('ruby', 'Ruby', 3000),
  later('php', 'PHP', 8080),
]

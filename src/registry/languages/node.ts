import type { LanguageChoice, PackageManagerChoice } from './types.js'

const PACKAGE_MANAGERS: readonly PackageManagerChoice[] = [
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

/** Node.js with TypeScript: the starter app runs on node:http with no runtime dependencies. */
export const NODE: LanguageChoice = {
    id: 'node',
    label: 'Node.js (TypeScript)',
    available: true,
    defaultPort: 3000,
    dev: { debugPort: 9229, environment: { NODE_OPTIONS: '--inspect=0.0.0.0:9229' }, sync: ['src'] },
    defaultVersion: '24.21.0',
    // The official images publish major, minor and patch tags.
    versionPattern: /^\d{2}(\.\d+){0,2}$/,
    versionHint: 'a Node.js version such as 24, 24.21 or 24.21.0',
    templateData: ({ packageManager }) => {
      const run = packageManager.run!.split(' ')
      // Exec-form argv for the dev and test targets (rendered with the `json` helper).
      return { commands: { dev: [...run, 'dev'], test: [...run, 'test'] } }
    },
    packageManagers: PACKAGE_MANAGERS,
    frameworks: [
      { id: 'http', label: 'node:http (no framework)', available: true, starter: 'node/app' },
      { id: 'express', label: 'Express', available: false, starter: null },
      { id: 'fastify', label: 'Fastify', available: false, starter: null },
      { id: 'nest', label: 'NestJS', available: false, starter: null },
      { id: 'next', label: 'Next.js (standalone)', available: false, starter: null },
    ],
  }

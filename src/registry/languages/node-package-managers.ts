import type { PackageManagerChoice } from './types.js'
import { cacheOf } from './cache-mounts.js'

/**
 * Yarn classic is pinned here rather than in `version`: the starter's package.json writes
 * `"packageManager": "<id>@<version>"`, and `yarn-classic@…` is not a valid value there (it
 * would have to be `yarn@1.22.22`). Without the field, Corepack and Yarn 1 both run as is.
 */
export const YARN_CLASSIC_VERSION = '1.22.22'

/** The Node.js release new Node services and every web UI stage build on, pinned exactly. */
export const NODE_DEFAULT_VERSION = '24.21.0'

/** The Node.js package managers, shared by Node servers and the web UI stage of any server. */
export const NODE_PACKAGE_MANAGERS: readonly PackageManagerChoice[] = [
  {
    id: 'npm',
    label: 'npm',
    available: true,
    version: null,
    manifests: ['package.json', 'package-lock.json'],
    ...cacheOf('/root/.npm'),
    install: 'npm ci',
    installProd: 'npm ci --omit=dev',
    installUnlocked: 'npm install',
    installProdUnlocked: 'npm install --omit=dev',
    run: 'npm run',
  },
  {
    id: 'pnpm',
    label: 'pnpm',
    available: true,
    version: '10.34.9',
    manifests: ['package.json', 'pnpm-lock.yaml'],
    ...cacheOf('/root/.local/share/pnpm/store'),
    install: 'pnpm install --frozen-lockfile',
    installProd: 'pnpm install --frozen-lockfile --prod',
    installUnlocked: 'pnpm install --no-frozen-lockfile',
    installProdUnlocked: 'pnpm install --no-frozen-lockfile --prod',
    run: 'pnpm run',
  },
  {
    id: 'yarn',
    label: 'Yarn Berry (2+)',
    available: true,
    version: '4.18.1',
    manifests: ['package.json', 'yarn.lock', '.yarnrc.yml'],
    ...cacheOf('/root/.cache/yarn'),
    install: 'yarn install --immutable',
    installProd: 'yarn workspaces focus --all --production',
    installUnlocked: 'yarn install --no-immutable',
    run: 'yarn run',
  },
  {
    id: 'yarn-classic',
    label: 'Yarn classic (1.x)',
    hint: `yarn@${YARN_CLASSIC_VERSION}, frozen lockfile`,
    available: true,
    version: null,
    manifests: ['package.json', 'yarn.lock'],
    // Yarn 1's cache when it runs as root on Linux.
    ...cacheOf('/usr/local/share/.cache/yarn'),
    install: 'yarn install --frozen-lockfile',
    installProd: 'yarn install --frozen-lockfile --production',
    installUnlocked: 'yarn install',
    installProdUnlocked: 'yarn install --production',
    run: 'yarn run',
  },
  {
    id: 'bun',
    label: 'Bun (as package manager)',
    available: true,
    version: '1.4.5',
    manifests: ['package.json', 'bun.lock'],
    ...cacheOf('/root/.bun/install/cache'),
    install: 'bun install --frozen-lockfile',
    installProd: 'bun install --frozen-lockfile --production',
    installUnlocked: 'bun install',
    installProdUnlocked: 'bun install --production',
    run: 'bun run',
  },
]

/** The files that pin a Node install exactly. */
export const NODE_LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'] as const

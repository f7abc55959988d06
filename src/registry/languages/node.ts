import type { FrameworkChoice, LanguageChoice, PackageManagerChoice } from './types.js'

/**
 * Yarn classic is pinned here rather than in `version`: the starter's package.json writes
 * `"packageManager": "<id>@<version>"`, and `yarn-classic@…` is not a valid value there (it
 * would have to be `yarn@1.22.22`). Without the field, Corepack and Yarn 1 both run as is.
 */
export const YARN_CLASSIC_VERSION = '1.22.22'
/** nginx stable for the SPA runtime (nginxinc/nginx-unprivileged, Debian trixie variant). */
export const NGINX_VERSION = '1.30.5'

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
    label: 'Yarn Berry (2+)',
    available: true,
    version: '4.18.1',
    manifests: ['package.json', 'yarn.lock', '.yarnrc.yml'],
    cacheDir: '/root/.cache/yarn',
    install: 'yarn install --immutable',
    installProd: 'yarn workspaces focus --all --production',
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
    cacheDir: '/usr/local/share/.cache/yarn',
    install: 'yarn install --frozen-lockfile',
    installProd: 'yarn install --frozen-lockfile --production',
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

/**
 * Only `http` has a starter app; the others generate container files for an app that follows
 * the conventions below (documented in the Dockerfile they get).
 *
 * Express, Fastify and Koa have no id of their own: a TypeScript server built by `build` to
 * `dist/server.js` gets exactly the `http` container files whichever library it uses, so a
 * separate choice would change nothing but drop the starter app.
 */
const FRAMEWORKS: readonly FrameworkChoice[] = [
  { id: 'http', label: 'node:http (no framework)', hint: 'starter app; the same container files fit Express, Fastify or Koa', available: true, starter: 'node/app' },
  { id: 'nest', label: 'NestJS', hint: 'nest build → dist/main.js', available: true, starter: null },
  { id: 'next', label: 'Next.js (standalone)', hint: "needs output: 'standalone'", available: true, starter: null },
  // 8080: the unprivileged nginx image's own convention.
  { id: 'spa', label: 'Single-page app (Vite) on nginx', hint: 'static build served by unprivileged nginx', available: true, starter: null, defaultPort: 8080 },
]

/** How each framework runs in the prod image and in the dev container. */
const RUNTIME: Readonly<Record<string, { entry: string[] | null; devScript: string; prodDeps: boolean }>> = {
  // entry null: the prod image is nginx, not Node.
  http: { entry: ['node', 'dist/server.js'], devScript: 'dev', prodDeps: true },
  nest: { entry: ['node', 'dist/main.js'], devScript: 'start:dev', prodDeps: true },
  // The standalone output carries its own traced node_modules.
  next: { entry: ['node', 'server.js'], devScript: 'dev', prodDeps: false },
  spa: { entry: null, devScript: 'dev', prodDeps: false },
}

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
  templateData: ({ packageManager, framework, port, app = {} }) => {
    const run = packageManager.run!.split(' ')
    const rt = RUNTIME[framework.id]
    if (!rt) throw new Error(`internal: no Node runtime for framework ${framework.id}`)
    // Vite's dev server listens on localhost:5173 unless told otherwise; npm needs `--` to
    // pass the flags on, the other managers pass them as they are.
    const devArgs = framework.id === 'spa' ? [...(packageManager.id === 'npm' ? ['--'] : []), '--host', '0.0.0.0', '--port', String(port), '--strictPort'] : []
    return {
      // Exec-form argv for the dev and test targets (rendered with `json`).
      commands: { dev: [...run, app.devScript ?? rt.devScript, ...devArgs], test: [...run, 'test'] },
      // The prod CMD, written out as `["node", "dist/server.js"]`; null when nginx serves the app.
      prodCmd: rt.entry && `[${(framework.id === 'http' && app.nodeEntry ? app.nodeEntry : rt.entry).map((a) => JSON.stringify(a)).join(', ')}]`,
      // An existing plain-JavaScript app has no build step; the image then ships its source.
      hasBuild: app.hasBuildScript ?? true,
      prodDeps: rt.prodDeps,
      yarnClassicVersion: YARN_CLASSIC_VERSION,
      nginxVersion: NGINX_VERSION,
    }
  },
  packageManagers: PACKAGE_MANAGERS,
  frameworks: FRAMEWORKS,
}

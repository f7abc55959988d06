import { commonContract, fromWorkspaceRoot, hasLockfile, pinnedVersion, relPath, runtimeCopies, unlockedNote } from './contract.js'
import { NODE_DEFAULT_VERSION, NODE_LOCKFILES, NODE_PACKAGE_MANAGERS, YARN_CLASSIC_VERSION } from './node-package-managers.js'
import { byId } from '../lookup.js'
import type { FrameworkChoice, LanguageChoice, PackageManagerChoice, TemplateDataInput } from './types.js'
import { uiStage, wrap, type DeclaredArgs } from './ui-stage.js'

export { YARN_CLASSIC_VERSION }
/** nginx stable for the SPA runtime (nginxinc/nginx-unprivileged, Debian trixie variant). */
export const NGINX_VERSION = '1.30.5'

const PACKAGE_MANAGERS = NODE_PACKAGE_MANAGERS

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

/** Folders a build writes a server into: an entry inside one ships that folder alone. */
const OUTPUT_DIRS = ['dist', 'build', 'lib', 'out', '.output']

/** Options of node and bun that take the next argument as their value (`-r dotenv/config`). */
const VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--preload', '--env-file', '--tsconfig-override', '--config', '-c'])

/** The script file a `node …` or `bun [run] …` argv starts, or null when the command is neither's. */
export function entryFile(argv: readonly string[]): string | null {
  if (argv[0] !== 'node' && argv[0] !== 'bun') return null
  for (let i = argv[0] === 'bun' && argv[1] === 'run' ? 2 : 1; i < argv.length; i++) {
    const a = argv[i]!
    if (VALUE_OPTIONS.has(a)) i++
    else if (!a.startsWith('-')) return relPath(a)
  }
  return null
}

/** The Bun release a Bun app runs on (oven/bun's slim image), when the app pins none. */
const BUN_RUNTIME_VERSION = byId(NODE_PACKAGE_MANAGERS, 'bun').version!

/**
 * The prod argv of an app that runs on Bun: its own (`bun src/index.ts`), a node command run by
 * Bun instead (the image has no Node.js), or `bun index.ts`, `bun init`'s entry.
 */
function bunEntry(declared: readonly string[] | undefined): string[] {
  if (!declared?.length) return ['bun', 'index.ts']
  return declared[0] === 'node' ? ['bun', ...declared.slice(1)] : [...declared]
}

/** How the prod image gets the app's code. */
type Shipping =
  /** the build output folder the entry sits in, and package.json */
  | 'output'
  /** the whole built tree minus dev dependencies: the entry is source the build sits beside */
  | 'tree'
  /** the source as it is: no build step */
  | 'source'
  /** pnpm deploy of a workspace member: the package, its workspace dependencies and production node_modules */
  | 'deploy'
  /** a workspace without a per-package deploy: the whole built workspace */
  | 'workspace'

/** How each package manager installs, builds and runs one member of a workspace at its root. */
function workspaceCommands(pm: PackageManagerChoice, pkg: string, locked: boolean): { install: string; build: string } {
  const q = JSON.stringify(pkg)
  const install = locked ? pm.install : (pm.installUnlocked ?? pm.install)
  switch (pm.id) {
    // `<pkg>...`: the package and the workspace packages it depends on (the root's own
    // dependencies are always installed).
    case 'pnpm':
      return { install: `${install} --filter ${JSON.stringify(`${pkg}...`)}`, build: `pnpm --filter ${JSON.stringify(`${pkg}...`)} run --if-present build` }
    case 'yarn':
      return { install, build: `yarn workspaces foreach --recursive --topological --from ${q} run build` }
    case 'yarn-classic':
      return { install, build: `yarn workspace ${q} run build` }
    case 'bun':
      return { install, build: `bun run --filter ${q} build` }
    default:
      return { install, build: `npm run build --workspace ${q} --if-present` }
  }
}

/**
 * The version of the package manager the image installs: the app's own pin when it names one
 * of the same tool (Yarn 1 is yarn-classic, 2+ is Berry), else the tool's. npm comes with the
 * Node.js image and is never pinned here.
 */
function managerVersion(pm: PackageManagerChoice, app: TemplateDataInput['app'] = {}): { version: string | null; pinned: boolean } {
  const own = pm.id === 'yarn-classic' ? YARN_CLASSIC_VERSION : pm.version
  const pin = pinnedVersion(app)
  const major = pin ? Number(pin.split('.')[0]) : NaN
  const fits = pm.id === 'pnpm' || pm.id === 'bun' || (pm.id === 'yarn' && major >= 2) || (pm.id === 'yarn-classic' && major === 1)
  return pin && fits ? { version: pin, pinned: pin !== own } : { version: own, pinned: false }
}

function templateData({ packageManager: pm, framework, port, languageVersion, app = {} }: TemplateDataInput): Readonly<Record<string, unknown>> {
  const run = pm.run!.split(' ')
  const rt = RUNTIME[framework.id]
  if (!rt) throw new Error(`internal: no Node runtime for framework ${framework.id}`)
  // Vite's dev server listens on localhost:5173 unless told otherwise; npm needs `--` to
  // pass the flags on, the other managers pass them as they are.
  const devArgs = framework.id === 'spa' ? [...(pm.id === 'npm' ? ['--'] : []), '--host', '0.0.0.0', '--port', String(port), '--strictPort'] : []
  // An existing plain-JavaScript app has no build step; the image then ships its source.
  const hasBuild = app.hasBuildScript ?? true
  const server = framework.id === 'http' || framework.id === 'nest'
  // Only a server runs on Bun here: Next.js's standalone server and nginx's SPA keep their own.
  const bun = server && app.runtime === 'bun'
  const entry = bun ? bunEntry(app.nodeEntry) : rt.entry && (server && app.nodeEntry?.length ? [...app.nodeEntry] : !hasBuild && server ? ['node', 'index.js'] : rt.entry)
  const file = entry && entryFile(entry)

  const files = (app.installFiles ?? pm.manifests).map(relPath).filter((f): f is string => f !== null)
  const locked = !app.unlocked && (app.installFiles === undefined || hasLockfile(files, NODE_LOCKFILES))
  const pkg = fromWorkspaceRoot(app) && app.workspacePackage ? app.workspacePackage : null
  const ws = pkg ? workspaceCommands(pm, pkg, locked) : null
  const member = (pkg && app.memberDir && relPath(app.memberDir)) || null

  let shipping: Shipping = 'source'
  let outDir = 'dist'
  if (ws) shipping = pm.id === 'pnpm' && server ? 'deploy' : 'workspace'
  else if (hasBuild) {
    const top = file?.includes('/') ? file.slice(0, file.indexOf('/')) : null
    if (top && OUTPUT_DIRS.includes(top)) {
      shipping = 'output'
      outDir = top
    } else shipping = 'tree'
  }
  // The files the app opens at run time, where the image does not ship the whole tree.
  const at = member ? `${member}/` : ''
  const copies = shipping === 'output' || shipping === 'deploy' || framework.id === 'next' ? runtimeCopies(app, framework.id === 'next' ? ['public', '.next'] : [outDir]) : []
  const declared: Record<string, string> = { NODE_VERSION: languageVersion, NODE_IMAGE: 'node:${NODE_VERSION}-trixie-slim' }
  const manager = managerVersion(pm, app)
  if (manager.version && pm.id !== 'npm') declared[`${pm.id === 'yarn-classic' ? 'YARN' : pm.id.toUpperCase()}_VERSION`] = manager.version
  const ui = framework.id === 'spa' ? null : uiStage(app, declared as DeclaredArgs)
  const common = commonContract(app, framework.id === 'next' && app.hostEnv === 'HOSTNAME' ? { hostEnv: null } : {})
  // Bun's own image runs the app; the build stages keep Node.js's and take Bun's binary, so any
  // package manager installs and the dev and test commands find bun. The pin is the app's
  // when Bun is also its package manager.
  const bunVersion = pm.id === 'bun' ? manager.version! : BUN_RUNTIME_VERSION
  // Without a dev script, Bun itself reloads the entry on every change.
  const devCommand = bun && !app.devScript ? ['bun', '--hot', ...entry!.slice(1)] : [...run, app.devScript ?? rt.devScript, ...devArgs]

  return {
    ...common,
    // Exec-form argv for the dev and test targets (rendered with `json`).
    commands: { dev: devCommand, test: [...run, 'test'] },
    // The prod CMD, written out as `["node", "dist/server.js"]`; null when nginx serves the app.
    prodCmd: entry && `[${entry.map((a) => JSON.stringify(a)).join(', ')}]`,
    hasBuild,
    // The build stage runs this; `build` also removes the dev dependencies when the prod image
    // takes the whole tree from it.
    buildRun: ws ? ws.build : `${pm.run} build`,
    pruneBuild: shipping === 'tree',
    // What a NestJS build must have written for the CMD to start.
    buildCheck: file ? `${at}${/\.[cm]?js$/.test(file) ? file : `${file}.js`}` : 'dist/main.js',
    prodDeps: rt.prodDeps && (shipping === 'output' || shipping === 'tree' || shipping === 'source'),
    shipping,
    outDir,
    install: {
      mounts: files,
      dev: ws ? ws.install : locked ? pm.install : (pm.installUnlocked ?? pm.install),
      prod: locked ? pm.installProd : (pm.installProdUnlocked ?? pm.installProd),
      note: locked ? [] : wrap(unlockedNote(pm.manifests.find((m) => m !== 'package.json' && !m.startsWith('.')) ?? 'lockfile')),
    },
    workspace: ws && { member: member ?? '.', deploy: shipping === 'deploy' ? `pnpm deploy --filter ${JSON.stringify(pkg)} --prod --legacy /out` : null },
    runtimeCopies: copies.map((p) => ({ from: `/app/${at}${p}`, to: `./${p}` })),
    ui: ui && { ...ui, into: `${at}${ui.output}` },
    bun: bun && { version: bunVersion },
    // Bun's binary in the build stages: Bun installs, or runs the dev and test commands.
    bunBinary: bun || pm.id === 'bun',
    // The prod image's interpreter (the HEALTHCHECK runs it too) and its UID 1000 user's name.
    runner: bun ? 'bun' : 'node',
    runtimeUser: bun ? 'bun' : 'node',
    // The version the toolchain installs (its ARG's default), and why when it is the app's.
    managerVersion: manager.version,
    managerPin: manager.pinned ? wrap(`The app pins ${pm.id === 'yarn-classic' ? 'yarn' : pm.id} ${manager.version} (package.json's packageManager, or its tool files): the image installs that release, so the tool neither switches to it during the install nor reads the lockfile with another.`) : [],
    nginxVersion: NGINX_VERSION,
  }
}

/** Node.js with TypeScript: the starter app runs on node:http with no runtime dependencies. */
export const NODE: LanguageChoice = {
  id: 'node',
  label: 'Node.js (TypeScript)',
  available: true,
  defaultPort: 3000,
  dev: { debugPort: 9229, environment: { NODE_OPTIONS: '--inspect=0.0.0.0:9229' }, sync: ['src'] },
  defaultVersion: NODE_DEFAULT_VERSION,
  // The official images publish major, minor and patch tags.
  versionPattern: /^\d{2}(\.\d+){0,2}$/,
  versionHint: 'a Node.js version such as 24, 24.21 or 24.21.0',
  templateData,
  packageManagers: PACKAGE_MANAGERS,
  frameworks: FRAMEWORKS,
}

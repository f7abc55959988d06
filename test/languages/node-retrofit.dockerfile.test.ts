import { describe, expect, it } from 'vitest'
import type { AppFacts } from '../../src/detect/types.js'
import { binds, command, retrofit, setsVar } from './retrofit-helpers.js'

// The Node Dockerfile of an existing app, field by field of its runtime contract (issue 18):
// each fact detection hands over changes the file, and its absence leaves the convention.
const node = (app: AppFacts, raw: Record<string, unknown> = {}) => retrofit({ name: 'app', language: 'node', framework: 'http', packageManager: 'npm', ...raw }, app)
const built: AppFacts = { hasBuildScript: true, nodeEntry: ['node', 'dist/index.js'] }

describe('Node retrofit: the dependency install', () => {
  it('mounts exactly the install files: bun.lockb when that is the lockfile the app has', () => {
    const r = node({ ...built, installFiles: ['package.json', 'bun.lockb'] }, { packageManager: 'bun' })
    for (const s of ['deps', 'prod-deps']) expect(binds(r.runs(s)[0]!)).toEqual(['package.json', 'bun.lockb'])
    expect(r.text).not.toMatch(/source=bun\.lock,/)
    expect(command(r.runs('deps')[0]!)).toBe('bun install --frozen-lockfile')
    expect(r.text).not.toContain('in the app: the install resolves')
  })

  it('without installFiles, mounts the package manager’s own manifests (the convention)', () => {
    const r = node(built, { packageManager: 'pnpm' })
    expect(binds(r.runs('deps')[0]!)).toEqual(['package.json', 'pnpm-lock.yaml'])
    expect(command(r.runs('deps')[0]!)).toBe('pnpm install --frozen-lockfile')
  })

  const UNLOCKED: [string, string, string][] = [
    ['npm', 'npm install', 'npm install --omit=dev'],
    ['pnpm', 'pnpm install --no-frozen-lockfile', 'pnpm install --no-frozen-lockfile --prod'],
    ['yarn', 'yarn install --no-immutable', 'yarn workspaces focus --all --production'],
    ['yarn-classic', 'yarn install', 'yarn install --production'],
    ['bun', 'bun install', 'bun install --production'],
  ]
  it.each(UNLOCKED)('no lockfile (%s): mounts package.json alone, installs without freezing and says why', (pm, dev, prod) => {
    const r = node({ ...built, installFiles: ['package.json'], unlocked: true }, { packageManager: pm })
    expect(binds(r.runs('deps')[0]!)).toEqual(['package.json'])
    expect(binds(r.runs('prod-deps')[0]!)).toEqual(['package.json'])
    expect(command(r.runs('deps')[0]!)).toBe(dev)
    expect(command(r.runs('prod-deps')[0]!)).toBe(`mkdir -p node_modules && ${prod}`)
    expect(r.text).not.toMatch(/npm ci|--frozen-lockfile|--immutable/)
    expect(r.text).toMatch(/^# No \S+ in the app: the install resolves the newest versions/m)
  })

  it('installFiles without a lockfile count as unlocked even when the flag is missing', () => {
    const r = node({ ...built, installFiles: ['package.json', '.npmrc'] })
    expect(binds(r.runs('deps')[0]!)).toEqual(['package.json', '.npmrc'])
    expect(command(r.runs('deps')[0]!)).toBe('npm install')
  })
})

describe('Node retrofit: what the prod image runs and ships', () => {
  it('no build step: runs the entry the app declares from its source, no dist/ anywhere', () => {
    const r = node({ hasBuildScript: false, nodeEntry: ['node', 'src/index.js'] })
    expect(r.cmd('prod')).toEqual(['node', 'src/index.js'])
    expect(r.copies('prod')).toEqual(['--from=prod-deps /app/node_modules ./node_modules', '. .'])
    expect(r.runs('build')).toEqual([])
    expect(r.text).not.toMatch(/dist\//)
  })

  it('no build step and no declared entry: not the convention’s dist/server.js', () => {
    expect(node({ hasBuildScript: false }).cmd('prod')).toEqual(['node', 'index.js'])
  })

  it('a build step: ships the output folder the entry sits in, and package.json', () => {
    const r = node({ hasBuildScript: true, nodeEntry: ['node', '--enable-source-maps', 'build/server.js'] })
    expect(r.cmd('prod')).toEqual(['node', '--enable-source-maps', 'build/server.js'])
    expect(r.copies('prod')).toEqual(['--from=prod-deps /app/node_modules ./node_modules', '--from=build /app/build ./build', 'package.json ./'])
    expect(r.runs('build')).toEqual(['npm run build'])
  })

  it('a build step beside an entry in the source: ships the built tree, without its dev dependencies', () => {
    const r = node({ hasBuildScript: true, nodeEntry: ['node', 'server.js'] })
    expect(r.runs('build')).toEqual(['npm run build && rm -rf node_modules'])
    expect(r.copies('prod')).toEqual(['--from=prod-deps /app/node_modules ./node_modules', '--from=build /app ./'])
    expect(r.cmd('prod')).toEqual(['node', 'server.js'])
  })

  it('NestJS: the build is checked for the entry the app starts', () => {
    const r = node({ hasBuildScript: true, nodeEntry: ['node', 'dist/src/main'] }, { framework: 'nest' })
    expect(r.runs('build')[0]).toContain('if [ ! -f dist/src/main.js ]')
    expect(r.cmd('prod')).toEqual(['node', 'dist/src/main'])
  })

  it('copies the folders the app reads at run time into the minimal image, root-owned, and keeps them in the context', () => {
    const r = node({ ...built, runtimePaths: ['views', 'public/', 'dist/templates', '.env', 'certs/server.key', '../shared', 'has space'] })
    const copies = r.copies('prod')
    expect(copies).toContain('--from=build /app/views ./views')
    expect(copies).toContain('--from=build /app/public ./public')
    // Inside the output folder, already shipped; secrets and paths outside the folder, never.
    expect(copies.filter((c) => /templates|\.env|key|shared|space/.test(c))).toEqual([])
    expect(copies.some((c) => c.includes('--chown'))).toBe(false)
    // Re-included wherever an earlier pattern (dist) would drop them; never a secret.
    expect(r.ignore.slice(-3)).toEqual(['!views', '!public', '!dist/templates'])
    expect(r.ignore.filter((p) => /env|key|shared|space/.test(p) && !['!.env.example', '!.env.sample'].includes(p))).toEqual(['**/.env', '**/.env.*', '*.key'])
  })

  it('no run-time paths: nothing copied besides the app, nothing re-included', () => {
    const r = node(built)
    expect(r.copies('prod')).toHaveLength(3)
    expect(r.ignore.some((p) => p.startsWith('!') && !['!.env.example', '!.env.sample'].includes(p))).toBe(false)
  })

  it('without a build step the source is shipped whole, and the run-time files stay in the context', () => {
    const r = node({ hasBuildScript: false, nodeEntry: ['node', 'app.js'], runtimePaths: ['views'] })
    expect(r.copies('prod')).toEqual(['--from=prod-deps /app/node_modules ./node_modules', '. .'])
    expect(r.ignore.at(-1)).toBe('!views')
  })
})

describe('Node retrofit: health, port and host', () => {
  it('no health route: a TCP connect to the port in the app’s own variable, which the image sets', () => {
    const r = node({ ...built, health: { liveness: null, readiness: null }, portEnv: 'APP_PORT' })
    const env = r.env('prod')
    expect(setsVar(env, 'APP_PORT')).toBe(true)
    expect(env).toContain('APP_PORT=3000')
    expect(setsVar(env, 'PORT')).toBe(false)
    const probe = r.probe()!
    expect(probe.slice(0, 2)).toEqual(['node', '-e'])
    expect(probe[2]).toContain("require('node:net').connect(process.env.APP_PORT, '127.0.0.1')")
    expect(probe[2]).not.toContain('fetch')
  })

  it('the app’s own health route, on its port variable', () => {
    const probe = node({ ...built, health: { liveness: '/api/health', readiness: '/api/ready' }, portEnv: 'HTTP_PORT' }).probe()!
    expect(probe[2]).toBe('fetch(`http://127.0.0.1:${process.env.HTTP_PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))')
  })

  it('a route that would break out of the command is refused, not written', () => {
    expect(() => node({ ...built, health: { liveness: "/h'); evil('", readiness: null } })).toThrow(/health route/)
  })

  it('the app’s bind-address variable is set to all interfaces in prod and dev', () => {
    const r = node({ ...built, hostEnv: 'HOST' })
    expect(r.env('prod')).toContain('HOST=0.0.0.0')
    expect(r.env('dev')).toContain('HOST=0.0.0.0')
    expect(node(built).text).not.toContain('HOST=')
  })

  it('Next.js already binds HOSTNAME: the app’s HOSTNAME is not set twice', () => {
    const env = node({ hostEnv: 'HOSTNAME' }, { framework: 'next' }).env('prod')
    expect(env.match(/HOSTNAME=/g)).toHaveLength(1)
  })
})

describe('Node retrofit: the web UI stage', () => {
  const ui = { dir: 'web', packageManager: 'pnpm', installFiles: ['package.json', 'pnpm-lock.yaml'], script: 'build', output: 'web/dist' }

  it('builds the UI with its own package manager and lockfile on the Node image, before the server build', () => {
    const r = node({ ...built, ui })
    const stage = r.stage('ui')
    expect(stage.from).toBe('${NODE_IMAGE}')
    const install = r.runs('ui').find((x) => x.includes('pnpm install'))!
    expect(binds(install)).toEqual(['web/package.json', 'web/pnpm-lock.yaml'])
    expect(command(install)).toBe('pnpm install --frozen-lockfile')
    expect(r.runs('ui')).toContain('pnpm run build')
    expect(r.text).toContain('npm install --global pnpm@${PNPM_VERSION}')
    // The server's npm has no PNPM_VERSION of its own: the UI declares it, pinned.
    expect(r.global.map((i) => i.args)).toContain('PNPM_VERSION=10.34.9')
    const build = r.stage('build').body.map((i) => `${i.keyword} ${i.args}`)
    expect(build.indexOf('COPY --from=ui /app/web/dist ./web/dist')).toBeLessThan(build.indexOf('RUN npm run build'))
    expect(r.copies('prod')).toContain('--from=ui /app/web/dist ./web/dist')
    expect(r.ignore).toEqual(expect.arrayContaining(['web/node_modules', 'web/dist']))
  })

  it('a UI without a lockfile installs unfrozen; a UI on the server’s package manager reuses its pin', () => {
    const r = node({ ...built, ui: { ...ui, installFiles: ['package.json'] } }, { packageManager: 'pnpm' })
    expect(command(r.runs('ui').find((x) => x.includes('pnpm install'))!)).toBe('pnpm install --no-frozen-lockfile')
    expect(r.global.filter((i) => i.args.startsWith('PNPM_VERSION=') || i.args.startsWith('UI_PNPM_VERSION='))).toHaveLength(1)
  })

  it('no UI: no ui stage and nothing about it', () => {
    const r = node(built)
    expect(r.has('ui')).toBe(false)
    expect(r.text).not.toContain('--from=ui')
  })
})

describe('Node retrofit: a pnpm workspace member', () => {
  const member: AppFacts = {
    ...built,
    buildContext: '../..',
    memberDir: 'apps/api',
    workspacePackage: '@acme/api',
    installFiles: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'apps/api/package.json', 'packages/shared/package.json'],
    runtimePaths: ['views'],
  }

  it('installs, builds and deploys the member and the packages it depends on, from the workspace root', () => {
    const r = node(member, { packageManager: 'pnpm' })
    expect(binds(r.runs('deps')[0]!)).toEqual(member.installFiles)
    expect(command(r.runs('deps')[0]!)).toBe('pnpm install --frozen-lockfile --filter "@acme/api..."')
    expect(r.has('prod-deps')).toBe(false)
    const [build, deploy] = r.runs('build')
    expect(build).toBe('pnpm --filter "@acme/api..." run --if-present build')
    // pnpm 10 deploys from a workspace without inject-workspace-packages only with --legacy.
    expect(command(deploy!)).toBe('pnpm deploy --filter "@acme/api" --prod --legacy /out')
    expect(r.copies('prod')).toEqual(['--from=build /out ./', '--from=build /app/apps/api/views ./views'])
    expect(r.cmd('prod')).toEqual(['node', 'dist/index.js'])
    expect(r.stage('source').body).toContainEqual(expect.objectContaining({ keyword: 'WORKDIR', args: '/app/apps/api' }))
  })

  it('writes its ignore file beside the Dockerfile, for the workspace root’s layout', () => {
    const r = node(member, { packageManager: 'pnpm' })
    expect(r.byPath.has('.dockerignore')).toBe(false)
    expect(r.byPath.has('Dockerfile.dockerignore')).toBe(true)
    expect(r.ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '**/.env', '!.env.example', '**/.turbo', '!apps/api/views']))
    expect(r.ignore).not.toContain('node_modules')
  })

  it('npm workspaces: the root lockfile installs everything and the built workspace ships', () => {
    const r = node({ ...member, installFiles: ['package.json', 'package-lock.json', 'apps/api/package.json'] })
    expect(command(r.runs('deps')[0]!)).toBe('npm ci')
    expect(r.runs('build')).toEqual(['npm run build --workspace "@acme/api" --if-present'])
    expect(r.copies('prod')).toEqual(['--from=build /app ./'])
    expect(r.stage('prod').body).toContainEqual(expect.objectContaining({ keyword: 'WORKDIR', args: '/app/apps/api' }))
  })

  it('a build context of the service folder itself is no workspace', () => {
    const r = node({ ...built, buildContext: '.' })
    expect(r.byPath.has('.dockerignore')).toBe(true)
    expect(r.ignore).toContain('node_modules')
  })
})

describe('Node retrofit: the package manager version the app pins', () => {
  const arg = (r: ReturnType<typeof node>, name: string) => r.global.map((i) => i.args).filter((a) => a.startsWith(`${name}=`))

  it.each([
    ['pnpm', '10.18.0', 'PNPM_VERSION', 'npm install --global pnpm@${PNPM_VERSION}'],
    ['yarn', '4.5.3', 'YARN_VERSION', 'npm install --global @yarnpkg/cli-dist@${YARN_VERSION}'],
    ['yarn-classic', '1.22.19', 'YARN_VERSION', 'npm install --global yarn@${YARN_VERSION}'],
    ['bun', '1.1.38', 'BUN_VERSION', 'COPY --from=bun /usr/local/bin/bun /usr/local/bin/bun'],
  ])('%s: the ARG defaults to the pinned %s, which the toolchain installs, and says why', (pm, version, name, install) => {
    const r = node({ ...built, packageManagerVersion: version }, { packageManager: pm })
    expect(arg(r, name)).toEqual([`${name}=${version}`])
    expect(r.text).toContain(install)
    expect(r.text).toMatch(new RegExp(`^# The app pins ${pm === 'yarn-classic' ? 'yarn' : pm} ${version.replace(/\./g, '\\.')} \\(package\\.json's packageManager`, 'm'))
  })

  it('Corepack’s integrity suffix is dropped: npm installs by version', () => {
    const r = node({ ...built, packageManagerVersion: '10.18.0+sha512.abcdef0123' }, { packageManager: 'pnpm' })
    expect(arg(r, 'PNPM_VERSION')).toEqual(['PNPM_VERSION=10.18.0'])
  })

  it.each([
    ['a range', 'pnpm', '^10.0.0', 'PNPM_VERSION=10.34.9'],
    ['Yarn 1 under Yarn Berry', 'yarn', '1.22.22', 'YARN_VERSION=4.18.1'],
    ['Yarn Berry under Yarn 1', 'yarn-classic', '4.5.3', 'YARN_VERSION=1.22.22'],
  ])('%s is no pin: the tool’s own version, no note', (_what, pm, version, expected) => {
    const r = node({ ...built, packageManagerVersion: version }, { packageManager: pm })
    expect(r.global.map((i) => i.args)).toContain(expected)
    expect(r.text).not.toContain('# The app pins')
  })

  it('npm is the Node.js image’s own: no ARG, no note', () => {
    const r = node({ ...built, packageManagerVersion: '10.9.2' })
    expect(r.text).not.toMatch(/NPM_VERSION|# The app pins/)
  })

  it('a UI on the same package manager keeps the tool’s pin under a name of its own', () => {
    const ui = { dir: 'web', packageManager: 'pnpm', installFiles: ['package.json', 'pnpm-lock.yaml'], script: 'build', output: 'web/dist' }
    const r = node({ ...built, packageManagerVersion: '10.18.0', ui }, { packageManager: 'pnpm' })
    expect(r.global.map((i) => i.args)).toEqual(expect.arrayContaining(['PNPM_VERSION=10.18.0', 'UI_PNPM_VERSION=10.34.9']))
  })
})

describe('Node retrofit: an app that runs on Bun', () => {
  const bunApp: AppFacts = { runtime: 'bun', hasBuildScript: false, devScript: 'dev', nodeEntry: ['bun', 'src/index.ts'], installFiles: ['package.json', 'bun.lockb'], health: { liveness: '/health', readiness: '/health' } }
  const r = node(bunApp, { packageManager: 'bun' })

  it('the prod image is Bun’s own, pinned by ARGs, and runs the app’s entry from its source', () => {
    expect(r.global.map((i) => i.args)).toEqual(expect.arrayContaining(['BUN_VERSION=1.4.5', 'BUN_IMAGE=oven/bun:${BUN_VERSION}-slim']))
    expect(r.stage('prod').from).toBe('${BUN_IMAGE}')
    expect(r.cmd('prod')).toEqual(['bun', 'src/index.ts'])
    expect(r.copies('prod')).toEqual(['--from=prod-deps /app/node_modules ./node_modules', '. .'])
    expect(r.text).toContain('org.opencontainers.image.base.name="${BUN_IMAGE}"')
    // Bun's image has no npm or corepack to remove: no RUN in prod at all.
    expect(r.runs('prod')).toEqual([])
  })

  it('non-root as UID 1000 (the image’s bun user), the healthcheck through bun', () => {
    expect(r.stage('prod').body).toContainEqual(expect.objectContaining({ keyword: 'USER', args: '1000:1000' }))
    expect(r.text).toContain("the image's `bun` user")
    expect(r.probe()).toEqual(['bun', '-e', 'fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))'])
    const tcp = node({ ...bunApp, health: { liveness: null, readiness: null }, portEnv: 'APP_PORT' }, { packageManager: 'bun' }).probe()!
    expect(tcp.slice(0, 2)).toEqual(['bun', '-e'])
    expect(tcp[2]).toContain("require('node:net').connect(process.env.APP_PORT, '127.0.0.1')")
  })

  it('the build stages take Bun’s binary, so dev and test run bun', () => {
    expect(r.copies('base')).toEqual(['--from=bun /usr/local/bin/bun /usr/local/bin/bun'])
    expect(r.stage('bun').from).toBe('${BUN_IMAGE}')
    expect(r.cmd('dev')).toEqual(['bun', 'run', 'dev'])
    expect(r.cmd('test')).toEqual(['bun', 'run', 'test'])
  })

  it('without a dev script, Bun reloads the entry itself', () => {
    expect(node({ ...bunApp, devScript: undefined }, { packageManager: 'bun' }).cmd('dev')).toEqual(['bun', '--hot', 'src/index.ts'])
  })

  it('the app’s pinned Bun is the runtime too; with another package manager, Bun keeps the tool’s pin', () => {
    const pinned = node({ ...bunApp, packageManagerVersion: '1.2.23' }, { packageManager: 'bun' })
    expect(pinned.global.map((i) => i.args)).toContain('BUN_VERSION=1.2.23')
    const npm = node({ ...bunApp, installFiles: ['package.json', 'package-lock.json'], packageManagerVersion: '10.9.2' })
    expect(npm.global.map((i) => i.args)).toContain('BUN_VERSION=1.4.5')
    expect(command(npm.runs('deps')[0]!)).toBe('npm ci')
    expect(npm.copies('base')).toEqual(['--from=bun /usr/local/bin/bun /usr/local/bin/bun'])
    expect(npm.stage('prod').from).toBe('${BUN_IMAGE}')
  })

  it('a build step: the output folder the entry sits in ships, run by bun (a node entry is run by bun too)', () => {
    const built = node({ ...bunApp, hasBuildScript: true, nodeEntry: ['node', 'dist/index.js'] }, { packageManager: 'bun' })
    expect(built.cmd('prod')).toEqual(['bun', 'dist/index.js'])
    expect(built.copies('prod')).toContain('--from=build /app/dist ./dist')
    expect(built.runs('build')).toEqual(['bun run build'])
    expect(node({ ...bunApp, nodeEntry: ['bun', 'run', '--smol', 'build/server.js'], hasBuildScript: true }, { packageManager: 'bun' }).copies('prod')).toContain('--from=build /app/build ./build')
  })

  it('Node apps stay on Node: no Bun image, node runs the healthcheck', () => {
    const plain = node(built, { packageManager: 'bun' })
    expect(plain.stage('prod').from).toBe('${NODE_IMAGE}')
    expect(plain.probe()![0]).toBe('node')
    expect(plain.text).not.toContain('BUN_IMAGE')
    // Next.js keeps its standalone server on Node whatever the runtime says.
    expect(node({ runtime: 'bun' }, { framework: 'next' }).stage('prod').from).toBe('${NODE_IMAGE}')
  })
})

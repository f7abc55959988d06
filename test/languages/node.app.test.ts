import { spawn } from 'node:child_process'
import { existsSync, readdirSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { CACHES, DATABASES } from '../../src/options.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { YARN_CLASSIC_VERSION } from '../../src/registry/languages/node.js'
import { renderToDisk } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'
import { CLOSED_PORT } from '../helpers/ports.js'

// The Node starter app really installs, builds and passes its own tests with the machine's
// Node, for every package manager (lockfile-exact) and every database × cache choice.
const node = LANGUAGE_CHOICES.find((l) => l.id === 'node')!
const run = (cmd: string, args: string[], cwd: string) =>
  execa(cmd, args, { cwd, env: toolsEnv({ CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }), reject: false, all: true })

// The binary each manager is run with here: Yarn classic is installed as `yarnpkg` beside
// Yarn Berry's `yarn` (scripts/install-tools.sh); both names are Yarn 1's own.
const BINARIES: Record<string, string> = { 'yarn-classic': 'yarnpkg' }
const PINNED: Record<string, string> = { 'yarn-classic': YARN_CLASSIC_VERSION }

describe.each(node.packageManagers.map((pm) => [pm.id, pm] as const))('starter app with %s', (pmId, pm) => {
  // Names on both sides of the lockfile's own entries, so entry ordering is exercised.
  const answers = validateAnswers({ name: pmId === 'yarn' ? 'zeta-orders' : `app-${pmId}`, packageManager: pmId, database: 'postgres', cache: 'redis' })
  const bin = BINARIES[pmId] ?? pmId
  const pinned = pm.version ?? PINNED[pmId]
  let dir: string
  beforeAll(() => {
    requireTool(bin)
    dir = renderToDisk(answers, `cca-app-${pmId}-`)
  })

  it(`uses the pinned ${pmId} version`, async () => {
    const v = await run(bin, ['--version'], dir)
    if (pinned) expect(v.stdout.trim()).toBe(pinned)
  })

  it('installs exactly from the generated lockfile, builds, and passes its tests', async () => {
    const install = await run(bin, pm.install.split(' ').slice(1), dir)
    expect(install.exitCode, install.all).toBe(0)
    const build = await run(bin, ['run', 'build'], dir)
    expect(build.exitCode, build.all).toBe(0)
    const test = await run(bin, ['run', 'test'], dir)
    expect(test.exitCode, test.all).toBe(0)
    expect(test.all).toMatch(/# fail 0/)
    // Production output holds compiled sources only.
    expect(readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.js')).sort()).toContain('server.js')
    expect(existsSync(join(dir, 'dist/test'))).toBe(false)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** Starts the built app, returns a fetcher and a stopper that sends SIGTERM. */
async function startApp(dir: string, env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(process.execPath, ['.test-build/src/server.js'], { cwd: dir, env: { PATH: process.env.PATH, PORT: String(port), ...env } })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`)
  // Up to 30 s: sixteen combinations start at once on a loaded two-core CI machine.
  for (const deadline = Date.now() + 30_000; ; ) {
    try {
      await get('/healthz')
      break
    } catch {
      if (Date.now() > deadline) throw new Error(`the app did not answer /healthz within 30 s:\n${out}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return { get, output: () => out, stop: async () => (child.kill('SIGTERM'), exited) }
}

// Each combination compiles and runs a TypeScript project: allow for a loaded 2-core machine.
describe('starter app for every database × cache (npm)', { timeout: 300_000 }, () => {
  let shared: string
  beforeAll(async () => {
    // One lockfile-exact install serves every combination: the dependencies never vary.
    shared = renderToDisk(validateAnswers({ name: 'deps-only' }), 'cca-deps-')
    const r = await run('npm', ['ci', '--no-audit', '--no-fund'], shared)
    expect(r.exitCode, r.all).toBe(0)
  })

  const combos: Answers[] = DATABASES.flatMap((database) => CACHES.map((cache) => validateAnswers({ name: `c-${database}-${cache}`, database, cache })))

  it.concurrent.each(combos.map((a) => [`${a.database} + ${a.cache}`, a] as const))('%s: compiles, passes its tests, and serves its contract', async (_n, answers) => {
    const ctx = buildContext(answers, { name: 't', version: '0' })
    const dir = renderToDisk(answers, 'cca-combo-')
    symlinkSync(join(shared, 'node_modules'), join(dir, 'node_modules'), 'dir')
    const test = await run('npm', ['test'], dir)
    expect(test.exitCode, test.all).toBe(0)
    expect(test.all).toMatch(/# fail 0/)
    // The test build compiled src/ too; the production build itself is checked per package
    // manager above, so the server runs from the test build here (one compile per combination).

    // Each configured dependency points at a closed port: alive, but not ready.
    const closed = CLOSED_PORT
    const env: Record<string, string> = { LOG_LEVEL: 'debug' }
    for (const s of ctx.services) env[s.urlEnv] = s.url.replace(/\$\{[A-Z_]+\}/g, 'x').replace(/@[a-z]+:\d+/, `@127.0.0.1:${closed}`).replace(/^memcached:\/\/[a-z]+:\d+/, `memcached://127.0.0.1:${closed}`)
    const app = await startApp(dir, env)
    const health = await app.get('/healthz')
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const ready = await app.get('/readyz')
    if (ctx.services.length === 0) expect(ready.status).toBe(200)
    else {
      expect(ready.status).toBe(503)
      const body = (await ready.json()) as { checks: Record<string, string> }
      expect(Object.keys(body.checks).sort()).toEqual(ctx.services.map((s) => s.id).sort())
    }
    expect((await app.get('/nope')).status).toBe(404)
    expect(await app.stop()).toBe(0)
    // JSON lines only, every one with a level and a message.
    const lines = app.output().trim().split('\n')
    for (const l of lines) expect(JSON.parse(l)).toEqual(expect.objectContaining({ level: expect.any(String), msg: expect.any(String) }))

    // A missing connection URL is refused at start with exit code 1.
    if (ctx.services.length) {
      const bad = spawn(process.execPath, ['.test-build/src/server.js'], { cwd: dir, env: { PATH: process.env.PATH } })
      expect(await new Promise((r) => bad.on('close', r))).toBe(1)
    }
  })
})

import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { CACHES, DATABASES } from '../../src/options.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { renderToDisk } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'
import { CLOSED_PORT } from '../helpers/ports.js'

// The Rust starter app really builds from its generated Cargo.lock (--locked), passes its own
// tests and serves the contract, with the machine's Rust toolchain: once as a release build
// under a name other than the lockfile template's, and as debug builds for every database ×
// cache. Compiled dependencies are cached outside the repo and shared by every combination.
const rust = LANGUAGE_CHOICES.find((l) => l.id === 'rust')!
const cargoPm = rust.packageManagers.find((p) => p.id === 'cargo')!
const BINARY = (rust.templateData!({ name: 'x', port: 8080, languageVersion: rust.defaultVersion, packageManager: cargoPm, framework: rust.frameworks[0]! }) as { binary: string }).binary
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-containerized-app', 'rust')
const DEBUG_TARGET = join(CACHE, 'target-debug')
const RELEASE_TARGET = join(CACHE, 'target-release')

const dirs: string[] = []
afterAll(() => {
  // The combination folders hold binaries; the shared target dirs stay for the next run.
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function render(answers: Answers, prefix: string): string {
  const dir = renderToDisk(answers, prefix)
  dirs.push(dir)
  return dir
}

const cargo = (args: string[], cwd: string, targetDir: string) =>
  execa('cargo', args, {
    cwd,
    reject: false,
    all: true,
    // No debug info and no incremental state: faster builds of code compiled once.
    env: toolsEnv({ CARGO_TARGET_DIR: targetDir, CARGO_TERM_COLOR: 'never', CARGO_INCREMENTAL: '0', CARGO_PROFILE_DEV_DEBUG: '0' }),
  })

// Cargo locks the shared target dir anyway; queueing here also keeps a finished binary from
// being replaced by the next combination's before it is copied out.
let queue: Promise<unknown> = Promise.resolve()
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task)
  queue = run.catch(() => undefined)
  return run
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** Connection URLs of the chosen services, each pointing at a port nobody listens on. */
async function closedServiceEnv(answers: Answers): Promise<{ env: Record<string, string>; ids: string[] }> {
  const ctx = buildContext(answers, { name: 't', version: '0' })
  const closed = CLOSED_PORT
  const env: Record<string, string> = {}
  for (const s of ctx.services) {
    env[s.urlEnv] = s.url
      .replace(/\$\{[A-Z_]+\}/g, 'x')
      .replace(/@[a-z]+:\d+/, `@127.0.0.1:${closed}`)
      .replace(/^memcached:\/\/[a-z]+:\d+/, `memcached://127.0.0.1:${closed}`)
  }
  return { env, ids: ctx.services.map((s) => s.id).sort() }
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)))
}

/** Starts a built binary; returns a fetcher and a stopper that sends SIGTERM. */
async function startApp(binary: string, env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(binary, [], { env: { PATH: process.env.PATH, PORT: String(port), LOG_LEVEL: 'debug', ...env } })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (err += d))
  const exited = exitOf(child)
  const get = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init)
  for (let i = 0; i < 200; i++) {
    try {
      await get('/healthz')
      break
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return { port, get, stdout: () => out, stderr: () => err, stop: async () => (child.kill('SIGTERM'), exited) }
}

/** The contract every build serves: liveness, readiness naming each service, 404, JSON logs, SIGTERM → 0. */
async function checkContract(binary: string, answers: Answers): Promise<void> {
  const { env, ids } = await closedServiceEnv(answers)
  const app = await startApp(binary, env)
  const health = await app.get('/healthz')
  expect(health.status).toBe(200)
  expect(await health.json()).toEqual({ status: 'ok' })
  const ready = await app.get('/readyz')
  const body = (await ready.json()) as { status: string; checks: Record<string, string> }
  if (ids.length === 0) expect([ready.status, body]).toEqual([200, { status: 'ready', checks: {} }])
  else {
    expect(ready.status).toBe(503)
    expect(Object.keys(body.checks).sort()).toEqual(ids)
    expect(Object.values(body.checks).every((v) => v === 'fail')).toBe(true)
  }
  const missing = await app.get('/nope')
  expect([missing.status, await missing.json()]).toEqual([404, { error: 'not found' }])
  expect((await app.get('/healthz', { method: 'POST' })).status).toBe(405)
  expect(await app.stop()).toBe(0)
  // JSON lines only, every one with time, level and message; nothing on stderr.
  const lines = app.stdout().trim().split('\n')
  for (const l of lines) expect(JSON.parse(l)).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) }))
  const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg)
  expect(messages).toEqual(expect.arrayContaining(['listening', 'shutting down', 'shutdown complete']))
  if (ids.length > 0) expect(messages).toContain('readiness check failed')
  expect(app.stderr()).toBe('')

  // A missing connection URL is refused at start: one clear error line, exit code 1.
  if (ids.length > 0) {
    const bad = spawn(binary, [], { env: { PATH: process.env.PATH } })
    let out = ''
    bad.stdout!.on('data', (d) => (out += d))
    expect(await exitOf(bad)).toBe(1)
    const line = JSON.parse(out.trim()) as { level: string; msg: string; problems: string }
    expect([line.level, line.msg]).toEqual(['error', 'invalid configuration'])
    expect(line.problems).toMatch(/_URL is required/)
  }
}

describe('rust starter app: release build from a renamed lockfile', () => {
  beforeAll(() => {
    requireTool('cargo')
    mkdirSync(CACHE, { recursive: true })
  })

  it(
    'fetches and builds --release --locked, passes the contract and the --healthcheck mode',
    async () => {
      // Sorts after the template's "orders-api" entry, so the lockfile is not in Cargo's order.
      const answers = validateAnswers({ name: 'zeta-ledger', language: 'rust', database: 'mysql', cache: 'redis' })
      const dir = render(answers, 'cca-rust-release-')
      const lock = readFileSync(join(dir, 'Cargo.lock'), 'utf8')
      expect(lock).toContain('name = "zeta-ledger"')
      expect(lock).not.toContain('orders-api')

      const fetch = await cargo(cargoPm.install.split(' ').slice(1), dir, RELEASE_TARGET)
      expect(fetch.exitCode, fetch.all).toBe(0)
      const build = await cargo([...cargoPm.installProd.split(' ').slice(1)], dir, RELEASE_TARGET)
      expect(build.exitCode, build.all).toBe(0)
      expect(build.all).not.toMatch(/^warning/m)
      const binary = join(dir, BINARY)
      copyFileSync(join(RELEASE_TARGET, 'release', BINARY), binary)
      // The app's own artifacts are dropped from the shared cache; dependencies stay.
      await cargo(['clean', '--release', '-p', answers.name], dir, RELEASE_TARGET)

      await checkContract(binary, answers)

      // The container HEALTHCHECK: exit 0 while /healthz answers, 1 when nothing listens.
      const app = await startApp(binary, (await closedServiceEnv(answers)).env)
      const healthy = await execa(binary, ['--healthcheck'], { env: { PORT: String(app.port) }, reject: false })
      expect(healthy.exitCode, healthy.stderr).toBe(0)
      expect(await app.stop()).toBe(0)
      const down = await execa(binary, ['--healthcheck'], { env: { PORT: String(app.port) }, reject: false })
      expect(down.exitCode).toBe(1)
      expect(down.stderr).toMatch(/^healthcheck: /)
    },
    1_800_000,
  )
})

describe('rust starter app for every database × cache (debug builds)', () => {
  beforeAll(async () => {
    requireTool('cargo')
    mkdirSync(CACHE, { recursive: true })
    // Compile the dependencies once (they never vary with the services).
    const dir = render(validateAnswers({ name: 'deps-only', language: 'rust' }), 'cca-rust-deps-')
    const build = await cargo(['test', '--locked', '--no-run'], dir, DEBUG_TARGET)
    expect(build.exitCode, build.all).toBe(0)
    await cargo(['clean', '-p', 'deps-only'], dir, DEBUG_TARGET)
  }, 1_800_000)

  const combos: Answers[] = DATABASES.flatMap((database) =>
    CACHES.map((cache) => validateAnswers({ name: `c-${database}-${cache}`, language: 'rust', database, cache })),
  )

  it.concurrent.each(combos.map((a) => [`${a.database} + ${a.cache}`, a] as const))(
    '%s: builds without warnings, passes its tests, and serves its contract',
    async (_n, answers) => {
      const dir = render(answers, 'cca-rust-combo-')
      const { testBinary, build } = await serially(async () => {
        const build = await cargo(['build', '--locked'], dir, DEBUG_TARGET)
        if (build.exitCode !== 0) return { build, testBinary: '' }
        copyFileSync(join(DEBUG_TARGET, 'debug', BINARY), join(dir, BINARY))
        const tests = await cargo(['test', '--locked', '--no-run', '--message-format=json'], dir, DEBUG_TARGET)
        expect(tests.exitCode, tests.all).toBe(0)
        const artifact = tests.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { reason: string; profile?: { test: boolean }; executable?: string | null })
          .find((m) => m.reason === 'compiler-artifact' && m.profile?.test && m.executable)
        const testBinary = join(dir, 'unit-tests')
        copyFileSync(artifact!.executable!, testBinary)
        await cargo(['clean', '-p', answers.name], dir, DEBUG_TARGET)
        return { build, testBinary }
      })
      expect(build.exitCode, build.all).toBe(0)
      expect(build.all).not.toMatch(/^warning/m)

      const tests = await execa(testBinary, [], { cwd: dir, reject: false, all: true })
      expect(tests.exitCode, tests.all).toBe(0)
      expect(tests.all).toMatch(/test result: ok\. \d+ passed; 0 failed/)

      await checkContract(join(dir, BINARY), answers)
    },
    900_000,
  )
})

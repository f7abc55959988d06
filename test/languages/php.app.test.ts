import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, relative } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { CACHES, DATABASES } from '../../src/options.js'
import { composerContentHash, composerName } from '../../src/registry/languages/php.js'
import { renderToDisk } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'
import { CLOSED_PORT } from '../helpers/ports.js'

// The PHP starter app with Debian's PHP CLI and Composer (scripts/install-tools.sh): a
// lockfile-exact `composer install` (the app has no packages besides the autoloader, so it
// works offline), `php -l` on every file, the app's own tests, then the app served by PHP's
// built-in server for every database × cache. The production server, FrankenPHP, cannot run
// here (its images come from Docker Hub; it embeds a ZTS libphp Debian does not ship): its
// part of the contract (binding HOST:PORT, SIGTERM draining, exit 0) is configured in the
// Dockerfile's Caddyfile and checked there (php.dockerfile.test.ts).
let phpBin: string
let composerBin: string
beforeAll(() => {
  phpBin = requireTool('php')
  composerBin = requireTool('composer')
})

const env = toolsEnv({ CI: 'true', NO_COLOR: '1', COMPOSER_DISABLE_NETWORK: '1', COMPOSER_NO_INTERACTION: '1', COMPOSER_ALLOW_SUPERUSER: '1' })
const run = (cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}) =>
  execa(cmd, args, { cwd, env: { ...env, ...extra }, reject: false, all: true })

function phpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    if (e === 'vendor') return []
    return statSync(p).isDirectory() ? phpFiles(p) : p.endsWith('.php') ? [p] : []
  })
}

// Most files are the same in every combination: each distinct content is linted once.
const linted = new Map<string, Promise<string | undefined>>()

/** `php -l` on each file; returns the files that fail with their messages. */
async function lintAll(dir: string): Promise<string[]> {
  const results = await Promise.all(
    phpFiles(dir).map(async (file) => {
      const key = createHash('sha256').update(readFileSync(file)).digest('hex')
      if (!linted.has(key)) linted.set(key, run(phpBin, ['-l', file], dir).then((r) => (r.exitCode === 0 ? undefined : r.all)))
      const failure = await linted.get(key)!
      return failure === undefined ? undefined : `${relative(dir, file)}: ${failure}`
    }),
  )
  return results.filter((r): r is string => r !== undefined)
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

describe('starter app with composer', () => {
  // Generated with the name orders-api: a different name checks the templated content-hash.
  const answers = validateAnswers({ name: 'zeta-orders', language: 'php', database: 'mysql', cache: 'redis' })
  let dir: string
  beforeAll(() => {
    dir = renderToDisk(answers, 'cca-php-app-')
  })

  it('composer.lock matches composer.json (content-hash), installs exactly, lints and passes its tests via `composer test`', async () => {
    const lock = JSON.parse(readFileSync(join(dir, 'composer.lock'), 'utf8')) as { 'content-hash': string; packages: unknown[] }
    expect(lock['content-hash']).toBe(composerContentHash(composerName(answers.name)))
    expect(lock.packages).toEqual([])
    const validate = await run(composerBin, ['validate', '--no-check-publish', '--no-ansi'], dir)
    expect(validate.exitCode, validate.all).toBe(0)
    expect(validate.all).not.toMatch(/lock file is not up to date/i)
    const install = await run(composerBin, ['install', '--no-ansi', '--no-progress'], dir)
    expect(install.exitCode, install.all).toBe(0)
    expect(install.all).toContain('Installing dependencies from lock file')
    expect(install.all).not.toMatch(/lock file is not up to date|warning/i)
    // The production install the Dockerfile runs, then its optimized autoloader.
    const prod = await run(composerBin, ['install', '--no-dev', '--no-scripts', '--no-autoloader', '--prefer-dist', '--no-ansi'], dir)
    expect(prod.exitCode, prod.all).toBe(0)
    const dump = await run(composerBin, ['dump-autoload', '--no-dev', '--optimize', '--classmap-authoritative', '--no-ansi'], dir)
    expect(dump.exitCode, dump.all).toBe(0)
    const classmap = readFileSync(join(dir, 'vendor/composer/autoload_classmap.php'), 'utf8')
    expect(classmap).toContain("'App\\\\Probes\\\\MysqlProbe' => $baseDir . '/src/probes/MysqlProbe.php'")
    expect(classmap).not.toContain('Tests\\\\')
    // Back to the dev autoloader: php -l on every file, then the app's own tests.
    const devDump = await run(composerBin, ['dump-autoload', '--dev', '--no-ansi'], dir)
    expect(devDump.exitCode, devDump.all).toBe(0)
    expect(await lintAll(dir)).toEqual([])
    const test = await run(composerBin, ['test', '--no-ansi'], dir)
    expect(test.exitCode, test.all).toBe(0)
    expect(test.all).toMatch(/^\d+ passed, 0 failed$/m)
  })
})

/** Serves the app with `php -S` and returns a fetcher, its log and a stopper. */
async function serve(dir: string, serverEnv: Record<string, string>) {
  const port = await freePort()
  const child = spawn(phpBin, ['-S', `127.0.0.1:${port}`, '-t', 'public', 'public/index.php'], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...serverEnv },
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', () => {}) // the built-in server's own access lines
  const exited = new Promise<void>((r) => child.on('exit', () => r()))
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}${path}`, { headers })
  for (let i = 0; i < 100; i++) {
    try {
      await get('/healthz')
      break
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  out = '' // the readiness poll above
  return { get, output: () => out, stop: async () => (child.kill('SIGTERM'), exited) }
}

describe('starter app for every database × cache (php -S)', () => {
  const combos: Answers[] = DATABASES.flatMap((database) =>
    CACHES.map((cache) => validateAnswers({ name: `c-${database}-${cache}`, language: 'php', database, cache })),
  )

  it.concurrent.each(combos.map((a) => [`${a.database} + ${a.cache}`, a] as const))('%s: lints, passes its tests, and serves its contract', async (_n, answers) => {
    const ctx = buildContext(answers, { name: 't', version: '0' })
    const dir = renderToDisk(answers, 'cca-php-combo-')
    // Nothing to download: the install writes the autoloader for this combination's files.
    const install = await run(composerBin, ['install', '--no-ansi', '--no-progress'], dir)
    expect(install.exitCode, install.all).toBe(0)
    expect(await lintAll(dir)).toEqual([])
    const test = await run(phpBin, ['tests/run.php'], dir)
    expect(test.exitCode, test.all).toBe(0)
    expect(test.all).toMatch(/^\d+ passed, 0 failed$/m)
    // Only the chosen probes, and their tests, are in the project.
    const probes = readdirSync(join(dir, 'src/probes')).filter((f) => /^(Postgres|Mysql|Mongodb|Redis|Memcached)/.test(f))
    expect(new Set(probes.map((f) => f.replace(/(Probe|Packets|Reader)\.php$/, '').toLowerCase()))).toEqual(new Set(ctx.services.map((s) => s.probe)))

    // Each configured dependency points at a closed port: alive, but not ready.
    const closed = CLOSED_PORT
    const serverEnv: Record<string, string> = { LOG_LEVEL: 'debug' }
    for (const s of ctx.services) {
      serverEnv[s.urlEnv] = s.url
        .replace(/\$\{[A-Z_]+\}/g, 'x')
        .replace(/@[a-z]+:\d+/, `@127.0.0.1:${closed}`)
        .replace(/^memcached:\/\/[a-z]+:\d+/, `memcached://127.0.0.1:${closed}`)
    }
    const preflight = await run(phpBin, ['bin/preflight.php'], dir, serverEnv)
    expect(preflight.exitCode, preflight.all).toBe(0)
    expect(JSON.parse(preflight.stdout)).toEqual(expect.objectContaining({ level: 'info', msg: 'starting', dependencies: ctx.services.map((s) => s.id) }))

    const app = await serve(dir, serverEnv)
    try {
      const health = await app.get('/healthz')
      expect(health.status).toBe(200)
      expect(await health.json()).toEqual({ status: 'ok' })
      const ready = await app.get('/readyz')
      const body = (await ready.json()) as { status: string; checks: Record<string, string> }
      if (ctx.services.length === 0) expect([ready.status, body]).toEqual([200, { status: 'ready', checks: {} }])
      else {
        expect(ready.status).toBe(503)
        expect(body.checks).toEqual(Object.fromEntries(ctx.services.map((s) => [s.id, 'fail'])))
      }
      // What FrankenPHP's Caddyfile sends once SIGTERM arrived.
      const draining = await app.get('/readyz', { 'X-Server-Shutting-Down': 'true' })
      expect([draining.status, await draining.json()]).toEqual([503, { status: 'shutting down', checks: {} }])
      const missing = await app.get('/nope')
      expect([missing.status, await missing.json()]).toEqual([404, { error: 'not found' }])
      expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8')
    } finally {
      await app.stop()
    }
    // JSON lines only on stdout, every one with a time, level and message.
    const lines = app.output().trim().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(4)
    for (const l of lines) expect(JSON.parse(l)).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) }))
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('request')

    // A missing connection URL is refused before the server starts: one JSON line, exit 1.
    if (ctx.services.length) {
      const bad = await run(phpBin, ['bin/preflight.php'], dir, { LOG_LEVEL: 'nope' })
      expect(bad.exitCode).toBe(1)
      const line = JSON.parse(bad.stdout) as { level: string; msg: string; problems: string[] }
      expect(bad.stdout.trim().split('\n')).toHaveLength(1)
      expect([line.level, line.msg]).toEqual(['error', 'invalid configuration'])
      expect(line.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^LOG_LEVEL must be/), ...ctx.services.map((s) => `${s.urlEnv} is required (${s.id} connection URL)`)]))
    }
  })
})

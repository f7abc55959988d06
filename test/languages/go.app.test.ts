import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { CACHES, DATABASES } from '../../src/options.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { renderToDisk } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'
import { CLOSED_PORT } from '../helpers/ports.js'

// The Go starter app really downloads its (empty) module graph lockfile-exact, passes gofmt,
// go vet and its own tests, builds the way the Dockerfile builds it, and serves its contract,
// for every database × cache choice. The toolchain is the machine's Go, linked by
// scripts/install-tools.sh; module and build caches stay in Go's default places.
const go = LANGUAGE_CHOICES.find((l) => l.id === 'go')!
const pm = go.packageManagers[0]!
// -trimpath keeps directories out of the build cache keys, so the combinations below share
// every package they have in common.
const goEnv = (extra: Record<string, string> = {}) => toolsEnv({ CGO_ENABLED: '0', GOFLAGS: '-mod=readonly -trimpath', NO_COLOR: '1', ...extra })
const run = (cmd: string, args: string[], cwd: string, extra?: Record<string, string>) =>
  execa(cmd, args, { cwd, env: goEnv(extra), reject: false, all: true })

// Cold compiles of the standard library (and for arm64) take minutes on a busy 2-core runner.
const BUILD_TIMEOUT = 600_000

let goBin: string
let gofmtBin: string
beforeAll(() => {
  goBin = requireTool('go')
  gofmtBin = requireTool('gofmt')
})

describe('starter app with Go modules', () => {
  // A name other than any golden's: the module path is the only place the name appears.
  const answers = validateAnswers({ name: 'zeta-billing', language: 'go', database: 'postgres', cache: 'redis' })
  let dir: string
  beforeAll(() => {
    dir = renderToDisk(answers, 'cca-go-app-')
  })

  it('has a module named after the project, for the chosen Go version, with no dependencies', async () => {
    const mod = readFileSync(join(dir, 'go.mod'), 'utf8')
    expect(mod).toMatch(/^module zeta-billing$/m)
    expect(mod).toMatch(/^go 1\.26\.0$/m)
    expect(mod).not.toMatch(/^require/m)
    const version = await run(goBin, ['version'], dir)
    expect(version.exitCode, version.all).toBe(0)
    expect(version.stdout).toMatch(/go1\.(2[5-9]|[3-9]\d)/)
  })

  it('downloads and verifies exactly what go.mod and go.sum lock, and go.mod is tidy', async () => {
    for (const args of [pm.install.split(' ').slice(1), ['mod', 'verify'], ['mod', 'tidy', '-diff']]) {
      const r = await run(goBin, args, dir)
      expect(r.exitCode, `go ${args.join(' ')}: ${r.all}`).toBe(0)
    }
    // Nothing to lock yet: a go.sum appears with the first dependency (the Dockerfile copies go.sum*).
    expect(existsSync(join(dir, 'go.sum'))).toBe(false)
  })

  it('is gofmt-clean, passes go vet and its tests, and cross-compiles like the Dockerfile', async () => {
    const fmt = await run(gofmtBin, ['-l', '.'], dir)
    expect(fmt.exitCode, fmt.all).toBe(0)
    expect(fmt.stdout).toBe('')
    const vet = await run(goBin, ['vet', './...'], dir)
    expect(vet.exitCode, vet.all).toBe(0)
    const test = await run(goBin, ['test', '-count=1', './...'], dir)
    expect(test.exitCode, test.all).toBe(0)
    expect(test.stdout).toMatch(/^ok\s+zeta-billing\/internal\/server\s/m)
    expect(test.stdout).toMatch(/^ok\s+zeta-billing\/internal\/probes\s/m)
    const mainPackage = buildContext(answers, { name: 't', version: '0' }).lang['mainPackage'] as string
    for (const arch of ['amd64', 'arm64']) {
      const build = await run(goBin, ['build', '-ldflags=-s -w', '-o', `out/server-${arch}`, mainPackage], dir, { GOOS: 'linux', GOARCH: arch })
      expect(build.exitCode, build.all).toBe(0)
      // Static: no dynamic loader to look for in the empty runtime image.
      expect(hasInterpreter(readFileSync(join(dir, `out/server-${arch}`)))).toBe(false)
    }
  }, BUILD_TIMEOUT)
})

/** Whether a 64-bit little-endian ELF file has a PT_INTERP program header (is dynamically linked). */
function hasInterpreter(elf: Buffer): boolean {
  expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF')
  const phoff = Number(elf.readBigUInt64LE(0x20))
  const phentsize = elf.readUInt16LE(0x36)
  const phnum = elf.readUInt16LE(0x38)
  for (let i = 0; i < phnum; i++) if (elf.readUInt32LE(phoff + i * phentsize) === 3) return true
  return false
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

/** Starts the built binary, returns a fetcher and a stopper that sends SIGTERM. */
async function startApp(bin: string, env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(bin, [], { env: { PATH: process.env.PATH, PORT: String(port), ...env } })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`)
  for (let i = 0; i < 100; i++) {
    try {
      await get('/healthz')
      break
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  const healthcheck = () => execa(bin, ['-healthcheck'], { env: { PORT: String(port) }, reject: false })
  return { get, healthcheck, output: () => out, stop: async () => (child.kill('SIGTERM'), exited) }
}

describe('starter app for every database × cache', () => {
  // One project name for all: the module path is then the same, so identical packages (and the
  // test results of identical probe sets, e.g. MySQL and MariaDB) come from Go's caches.
  const combos: Answers[] = DATABASES.flatMap((database) =>
    CACHES.map((cache) => validateAnswers({ name: 'combo', language: 'go', database, cache })),
  )

  it.concurrent.each(combos.map((a) => [`${a.database} + ${a.cache}`, a] as const))('%s: vets, passes its tests, and serves its contract', async (_n, answers) => {
    const ctx = buildContext(answers, { name: 't', version: '0' })
    const dir = renderToDisk(answers, 'cca-go-combo-')
    const fmt = await run(gofmtBin, ['-l', '.'], dir)
    expect(fmt.stdout, 'gofmt -l').toBe('')
    const vet = await run(goBin, ['vet', './...'], dir)
    expect(vet.exitCode, vet.all).toBe(0)
    const test = await run(goBin, ['test', './...'], dir)
    expect(test.exitCode, test.all).toBe(0)
    const build = await run(goBin, ['build', '-o', 'bin/server', './cmd/server'], dir)
    expect(build.exitCode, build.all).toBe(0)
    const bin = join(dir, 'bin/server')

    // Each configured dependency points at a closed port: alive, but not ready.
    const closed = CLOSED_PORT
    const env: Record<string, string> = { LOG_LEVEL: 'debug' }
    for (const s of ctx.services) env[s.urlEnv] = s.url.replace(/\$\{[A-Z_]+\}/g, 'x').replace(/@[a-z]+:\d+/, `@127.0.0.1:${closed}`).replace(/^memcached:\/\/[a-z]+:\d+/, `memcached://127.0.0.1:${closed}`)
    const app = await startApp(bin, env)
    const health = await app.get('/healthz')
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const ready = await app.get('/readyz')
    const body = (await ready.json()) as { status: string; checks: Record<string, string> }
    if (ctx.services.length === 0) {
      expect(ready.status).toBe(200)
      expect(body).toEqual({ status: 'ready', checks: {} })
    } else {
      expect(ready.status).toBe(503)
      expect(Object.keys(body.checks).sort()).toEqual(ctx.services.map((s) => s.id).sort())
      expect(Object.values(body.checks)).toEqual(ctx.services.map(() => 'fail'))
    }
    expect((await app.get('/nope')).status).toBe(404)
    expect((await app.get('/healthz?x=1')).status).toBe(200)
    // The Docker HEALTHCHECK command, against the running instance.
    expect((await app.healthcheck()).exitCode).toBe(0)
    expect(await app.stop()).toBe(0)
    expect((await app.healthcheck()).exitCode).toBe(1)

    // JSON lines only, every one with a level and a message; the URLs' passwords never appear.
    const lines = app.output().trim().split('\n')
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    for (const e of entries) expect(e).toEqual(expect.objectContaining({ level: expect.any(String), msg: expect.any(String), time: expect.any(String) }))
    expect(entries.map((e) => e['msg'])).toEqual(expect.arrayContaining(['listening', 'shutting down', 'shutdown complete']))
    expect(entries.find((e) => e['msg'] === 'listening')?.['dependencies']).toEqual(ctx.services.map((s) => s.id))
    if (ctx.services.length) expect(entries.filter((e) => e['msg'] === 'readiness check failed').map((e) => e['check']).sort()).toEqual(ctx.services.map((s) => s.id).sort())

    // A missing connection URL is refused at start with exit code 1 and one clear line.
    if (ctx.services.length) {
      const bad = await execa(bin, [], { env: { PATH: process.env.PATH ?? '' }, extendEnv: false, reject: false })
      expect(bad.exitCode).toBe(1)
      const line = JSON.parse(bad.stdout) as { level: string; msg: string; problems: string[] }
      expect(line).toEqual(expect.objectContaining({ level: 'error', msg: 'invalid configuration' }))
      expect(line.problems).toEqual(ctx.services.map((s) => expect.stringContaining(`${s.urlEnv} is required`)))
    }
  }, BUILD_TIMEOUT)
})

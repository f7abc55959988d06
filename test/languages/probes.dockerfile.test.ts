import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppFacts, HealthCheck } from '../../src/detect/types.js'
import { CLOSED_PORT } from '../helpers/ports.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'
import { retrofit } from './retrofit-helpers.js'

// The healthchecks a retrofit's Dockerfile writes, run for real against a server: a route the
// app answers passes, a route it does not and a closed port fail, and without a route a TCP
// connect passes exactly when something listens. Never a check that always fails, nor one that
// always passes. Each probe reads the port from the app's own variable (APP_PORT here).
let server: Server
let port: number
beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/ok' ? 200 : 404
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const VAR = 'APP_PORT'
const ROUTE: HealthCheck = { liveness: '/ok', readiness: '/ok' }
const MISSING: HealthCheck = { liveness: '/missing', readiness: '/missing' }
const TCP: HealthCheck = { liveness: null, readiness: null }

async function exitCode(argv: readonly string[], portValue: number): Promise<number> {
  const r = await execa(argv[0]!, argv.slice(1), { env: toolsEnv({ [VAR]: String(portValue) }), reject: false, timeout: 20_000 })
  return r.exitCode ?? -1
}

/** Every verdict one kind of probe must give; `run` turns a rendered health setting into an argv. */
async function verdicts(run: (health: HealthCheck) => Promise<string[]>) {
  return {
    route: await exitCode(await run(ROUTE), port),
    missingRoute: await exitCode(await run(MISSING), port),
    routeClosed: await exitCode(await run(ROUTE), CLOSED_PORT),
    tcp: await exitCode(await run(TCP), port),
    tcpClosed: await exitCode(await run(TCP), CLOSED_PORT),
  }
}
const EXPECTED = { route: 0, missingRoute: 1, routeClosed: 1, tcp: 0, tcpClosed: 1 }

/** The probe argv of a rendered retrofit, with its interpreter swapped for the one on this machine. */
const inline = (language: string, interpreter: string, raw: Record<string, unknown> = {}, app: AppFacts = {}) => async (health: HealthCheck) => {
  const probe = retrofit({ name: 'probe', language, ...raw }, { ...app, health, portEnv: VAR }).probe()!
  return [interpreter, ...probe.slice(1)]
}

describe('inline healthchecks of interpreted images', () => {
  it('Node: fetch of the route, or net.connect', async () => {
    expect(await verdicts(inline('node', process.execPath, {}, { hasBuildScript: false, nodeEntry: ['node', 'index.js'] }))).toEqual(EXPECTED)
  })

  it('Bun: the same fetch or net.connect, run by bun (the only interpreter in its image)', async () => {
    const app: AppFacts = { runtime: 'bun', hasBuildScript: false, nodeEntry: ['bun', 'src/index.ts'] }
    const probe = retrofit({ name: 'probe', language: 'node', packageManager: 'bun' }, { ...app, health: ROUTE }).probe()!
    expect(probe[0]).toBe('bun')
    expect(await verdicts(inline('node', requireTool('bun'), { packageManager: 'bun' }, app))).toEqual(EXPECTED)
  })

  it('Python: urllib of the route, or socket.create_connection', async () => {
    expect(await verdicts(inline('python', requireTool('python3'), { framework: 'fastapi' }, { asgiApp: 'main:app' }))).toEqual(EXPECTED)
  })

  it('PHP: file_get_contents of the route, or fsockopen', async () => {
    expect(await verdicts(inline('php', requireTool('php'), { framework: 'plain' }))).toEqual(EXPECTED)
  })
})

describe('compiled probes of shell-less images', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cca-probes-'))

  it('Go: the static stdlib probe, built as the Dockerfile builds it', async () => {
    const r = retrofit({ name: 'probe', language: 'go' }, { health: TCP, portEnv: VAR })
    writeFileSync(join(dir, 'main.go'), r.heredocs.get('main.go')!)
    const bin = join(dir, 'go-probe')
    const build = await execa(requireTool('go'), ['build', '-o', bin, 'main.go'], { cwd: dir, env: toolsEnv({ CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '' }), reject: false })
    expect(build.exitCode, build.stderr).toBe(0)
    // One binary for both kinds: the route is its argument, as the HEALTHCHECK passes it.
    expect(await verdicts(async (h) => [bin, ...(h.liveness ? [h.liveness] : [])])).toEqual(EXPECTED)
    expect(retrofit({ name: 'probe', language: 'go' }, { health: ROUTE }).probe()).toEqual(['/app/healthcheck', '/ok'])
  })

  it('Rust: the std-only probe, compiled by rustc alone', async () => {
    const r = retrofit({ name: 'probe', language: 'rust' }, { health: TCP, portEnv: VAR })
    writeFileSync(join(dir, 'main.rs'), r.heredocs.get('/healthcheck/main.rs')!)
    const bin = join(dir, 'rust-probe')
    const build = await execa(requireTool('rustc'), ['--edition', '2021', '-O', '-o', bin, 'main.rs'], { cwd: dir, reject: false })
    expect(build.exitCode, build.stderr).toBe(0)
    expect(await verdicts(async (h) => [bin, ...(h.liveness ? [h.liveness] : [])])).toEqual(EXPECTED)
  })

  it('Java: the inline HealthCheck class, its route compiled in or its TCP mode', async () => {
    const javac = requireTool('javac')
    const java = requireTool('java')
    let n = 0
    const run = async (health: HealthCheck) => {
      const classes = mkdtempSync(join(dir, `java-${n++}-`))
      const r = retrofit({ name: 'probe', language: 'java' }, { health, portEnv: VAR })
      const src = join(classes, 'HealthCheck.java')
      writeFileSync(src, r.heredocs.get('HealthCheck.java')!)
      const c = await execa(javac, ['-d', classes, src], { reject: false })
      expect(c.exitCode, c.stderr).toBe(0)
      return [java, '-cp', classes, 'HealthCheck']
    }
    expect(await verdicts(run)).toEqual(EXPECTED)
  })
})

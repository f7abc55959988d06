import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { parseDockerfile } from '../helpers/dockerfile.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// FrankenPHP cannot run here, but it is Caddy: the Caddyfile the Dockerfile writes runs on a
// plain Caddy of the version FrankenPHP 1.12.7 embeds (built from the Go module proxy by
// scripts/install-tools.sh), with the two FrankenPHP-only parts swapped out: the `frankenphp`
// global block goes, and `php_server` becomes a reverse proxy to the app under `php -S`.
// Everything else -- environment placeholders, bind address, logging, the SIGTERM sequence --
// is the production configuration, unchanged.
let caddy: string
let php: string
let composer: string
beforeAll(() => {
  caddy = requireTool('caddy')
  php = requireTool('php')
  composer = requireTool('composer')
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

/** The Caddyfile the runtime stage writes with printf: one single-quoted argument per line. */
function caddyfileOf(dockerfile: string): string {
  const { stages } = parseDockerfile(dockerfile)
  const run = stages.find((s) => s.name === 'runtime')!.body.find((i) => i.keyword === 'RUN' && i.args.includes('/etc/frankenphp/Caddyfile'))!
  const printf = run.args.slice(run.args.indexOf("printf '%b\\n'") + "printf '%b\\n'".length, run.args.indexOf('> /etc/frankenphp/Caddyfile'))
  // %b expands the \t escapes into tabs.
  return [...printf.matchAll(/'([^']*)'/g)].map((m) => m[1]!.replaceAll('\\t', '\t')).join('\n') + '\n'
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One GET on a fresh connection (no keep-alive), so each request meets the listener anew. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function waitFor(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await get(port, '/healthz')
      return
    } catch {
      await wait(50)
    }
  }
  throw new Error(`nothing answers on port ${port}`)
}

describe('the Dockerfile Caddyfile on Caddy, in front of the starter app', () => {
  const answers = validateAnswers({ name: 'caddy-check', language: 'php' })
  const files = generate(answers).files
  const dockerfile = files.find((f) => f.path === 'Dockerfile')!.content
  let production: string
  let dir: string
  let backendPort: number
  let backend: ChildProcess

  beforeAll(async () => {
    // The printf command of the RUN, run by a POSIX shell (dash here, as in the image).
    const { stages } = parseDockerfile(dockerfile)
    const run = stages.find((s) => s.name === 'runtime')!.body.find((i) => i.args.includes('/etc/frankenphp/Caddyfile'))!.args
    const printf = await execa('sh', ['-c', run.slice(run.indexOf("printf '%b"), run.indexOf('> /etc/frankenphp/Caddyfile'))])
    production = printf.stdout + '\n'
    expect(production).toBe(caddyfileOf(dockerfile))
    dir = writeTree(files, 'cca-php-caddy-')
    const install = await execa(composer, ['install', '--no-ansi'], { cwd: dir, env: toolsEnv({ COMPOSER_ALLOW_SUPERUSER: '1', COMPOSER_DISABLE_NETWORK: '1' }), reject: false, all: true })
    expect(install.exitCode, install.all).toBe(0)
    // The app's front controller, plus a slow route to watch a request drain.
    writeFileSync(join(dir, 'router.php'), "<?php\nif ($_SERVER['REQUEST_URI'] === '/slow') { usleep(2_500_000); echo 'done'; return; }\nrequire __DIR__ . '/public/index.php';\n")
    backendPort = await freePort()
    backend = spawn(php, ['-S', `127.0.0.1:${backendPort}`, '-t', 'public', 'router.php'], { cwd: dir, env: { PATH: process.env.PATH, PHP_CLI_SERVER_WORKERS: '4' }, stdio: 'ignore' })
    await waitFor(backendPort)
    return () => void backend.kill('SIGTERM')
  })

  const forCaddy = (): string => {
    const lines = production.split('\n')
    const start = lines.findIndex((l) => l.trim() === 'frankenphp {')
    expect(lines.slice(start, start + 3).map((l) => l.trim())).toEqual(['frankenphp {', '{$FRANKENPHP_CONFIG}', '}'])
    lines.splice(start, 3)
    const text = lines.join('\n')
    expect(text).toContain('\tphp_server\n')
    const file = join(dir, 'Caddyfile')
    writeFileSync(file, text.replace('\tphp_server\n', `\treverse_proxy 127.0.0.1:${backendPort}\n`))
    return file
  }

  it('adapts without warnings, every setting taken from the environment', async () => {
    const file = forCaddy()
    const env = toolsEnv({ PORT: '18181', HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '2500', SHUTDOWN_DELAY_MS: '750', LOG_LEVEL: 'warn' })
    const r = await execa(caddy, ['adapt', '--config', file, '--adapter', 'caddyfile'], { env, reject: false, all: true })
    expect(r.exitCode, r.all).toBe(0)
    // Not even "Caddyfile input is not formatted": the file is in `caddy fmt` form.
    expect(r.stderr).not.toMatch(/"level":"warn"/)
    const config = JSON.parse(r.stdout) as {
      admin: { disabled: boolean; config: { persist: boolean } }
      logging: { logs: { default: { level: string; writer: { output: string }; encoder: { format: string } } } }
      apps: { http: { grace_period: number; shutdown_delay: number; servers: Record<string, { listen: string[]; automatic_https: { disable: boolean } }> } }
    }
    expect(config.admin).toEqual(expect.objectContaining({ disabled: true, config: { persist: false } }))
    expect(config.logging.logs.default).toEqual(expect.objectContaining({ level: 'warn', writer: { output: 'stdout' }, encoder: { format: 'json' } }))
    expect(config.apps.http.grace_period).toBe(2_500_000_000)
    expect(config.apps.http.shutdown_delay).toBe(750_000_000)
    const servers = Object.values(config.apps.http.servers)
    expect(servers.map((s) => s.listen)).toEqual([['127.0.0.1:18181']])
    expect(servers[0]!.automatic_https.disable).toBe(true)
  })

  it('defaults: port from the image, all interfaces, 10 s grace, no delay', async () => {
    const r = await execa(caddy, ['adapt', '--config', forCaddy(), '--adapter', 'caddyfile'], { env: { PATH: toolsEnv().PATH! }, extendEnv: false, reject: false, all: true })
    expect(r.exitCode, r.all).toBe(0)
    const http = (JSON.parse(r.stdout) as { apps: { http: { grace_period: number; shutdown_delay?: number; servers: Record<string, { listen: string[] }> } } }).apps.http
    expect(Object.values(http.servers).map((s) => s.listen)).toEqual([[`0.0.0.0:${answers.port}`]])
    expect(http.grace_period).toBe(10_000_000_000)
    expect(http.shutdown_delay ?? 0).toBe(0)
  })

  it('SIGTERM: /readyz turns 503 while requests are still served, in-flight requests finish, exit 0', async () => {
    const file = forCaddy()
    const port = await freePort()
    const server = spawn(caddy, ['run', '--config', file, '--adapter', 'caddyfile'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '1500', SHUTDOWN_TIMEOUT_MS: '5000', LOG_LEVEL: 'info', XDG_CONFIG_HOME: join(dir, '.config'), XDG_DATA_HOME: join(dir, '.data') },
    })
    let out = ''
    let err = ''
    server.stdout.on('data', (d) => (out += d))
    server.stderr.on('data', (d) => (err += d))
    const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)))
    const json = async (path: string) => {
      const r = await get(port, path)
      return [r.status, JSON.parse(r.body) as unknown]
    }
    try {
      await waitFor(port)
      expect(await json('/healthz')).toEqual([200, { status: 'ok' }])
      expect(await json('/readyz')).toEqual([200, { status: 'ready', checks: {} }])

      const slow = get(port, '/slow')
      await wait(200)
      const started = Date.now()
      server.kill('SIGTERM')
      await wait(300)
      // The shutdown delay: still serving, but no longer ready.
      expect(await json('/readyz')).toEqual([503, { status: 'shutting down', checks: {} }])
      expect((await get(port, '/healthz')).status).toBe(200)
      // After it, the listener is closed; the request that was in flight still completes.
      await wait(1700)
      await expect(get(port, '/healthz')).rejects.toThrow()
      expect(await slow).toEqual({ status: 200, body: 'done' })
      expect(await exited).toBe(0)
      expect(Date.now() - started).toBeLessThan(1500 + 5000)
    } finally {
      server.kill('SIGKILL')
    }
    // The server's own log lines are JSON: on stdout once the configuration is loaded (the
    // two lines about loading it come first, on stderr; Docker collects both).
    const lines = out.trim().split('\n')
    for (const l of [...lines, ...err.trim().split('\n').filter(Boolean)]) {
      expect(JSON.parse(l)).toEqual(expect.objectContaining({ level: expect.any(String), msg: expect.any(String) }))
    }
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(expect.arrayContaining(['shutdown scheduled', 'shutdown complete']))
  })
})

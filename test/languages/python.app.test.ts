import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { CACHES, DATABASES } from '../../src/options.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { renderToDisk } from '../helpers/render.js'
import { requireTool, TOOLS_HOME, toolsEnv } from '../helpers/tools.js'
import { CLOSED_PORT } from '../helpers/ports.js'

// The Python starter app really installs (lockfile-exact, under another name than the lockfiles
// were made with), passes its own tests with the machine's Python (3.11+) for every package
// manager, and serves its contract for every database × cache choice.
const python = LANGUAGE_CHOICES.find((l) => l.id === 'python')!
const pm = (id: string) => python.packageManagers.find((p) => p.id === id)!

// Downloads are cached outside the repo and reused across runs.
const CACHE = join(dirname(TOOLS_HOME), 'python')
const baseEnv = (extra: Record<string, string> = {}) =>
  toolsEnv({
    CI: 'true',
    NO_COLOR: '1',
    UV_CACHE_DIR: join(CACHE, 'uv'),
    UV_PYTHON_DOWNLOADS: 'never',
    PIP_CACHE_DIR: join(CACHE, 'pip'),
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    POETRY_CACHE_DIR: join(CACHE, 'poetry'),
    PIPENV_CACHE_DIR: join(CACHE, 'pipenv'),
    PIPENV_VERBOSITY: '-1',
    PIPENV_NOSPIN: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  })
const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  execa(cmd, args, { cwd, env: baseEnv(env), reject: false, all: true, timeout: 480_000 })

/**
 * Poetry reads package links from PyPI's per-release JSON API (/pypi/NAME/VERSION/json), which
 * this machine's PyPI access does not serve (the project-wide /pypi/NAME/json and the simple
 * index work). For Poetry runs only, this sitecustomize answers the per-release request from
 * the project-wide document. The lockfile, its hashes and the install are Poetry's own;
 * against pypi.org itself (Docker builds, developer machines) the shim is never loaded.
 */
const POETRY_PYPI_SHIM = readFileSync(new URL('../helpers/poetry_pypi_shim.py', import.meta.url), 'utf8')
let shimDir: string
let systemPython: string

/** A fresh virtual environment for the machine's Python, without pip (like the image's). */
async function venv(dir: string, name: string): Promise<string> {
  const path = join(dir, name)
  const r = await run(systemPython, ['-m', 'venv', '--without-pip', path], dir)
  expect(r.exitCode, r.all).toBe(0)
  return path
}

/** Runs a package manager's install command into `env`, the way the Dockerfile does. */
async function install(id: string, dir: string, target: string, prod: boolean) {
  const [cmd, ...args] = (prod ? pm(id).installProd : pm(id).install).split(' ')
  const env: Record<string, string> = { VIRTUAL_ENV: target, PATH: `${target}/bin:${baseEnv().PATH}` }
  if (id === 'uv') env['UV_PROJECT_ENVIRONMENT'] = target
  if (id === 'pip') env['PIP_PYTHON'] = join(target, 'bin/python')
  if (id === 'poetry') env['PYTHONPATH'] = shimDir
  // The tools' own launchers are absolute (the tools venv), so the active venv is only the target.
  // pip is the machine Python's own (the target has none), as in the image.
  return run(cmd === 'pip' ? systemPython : cmd!, cmd === 'pip' ? ['-m', 'pip', ...args] : args, dir, env)
}

/** Checks that the rendered lockfile still matches its manifest, without changing it. */
const LOCK_CHECKS: Record<string, { cmd: string; args: string[] }[]> = {
  uv: [{ cmd: 'uv', args: ['lock', '--check'] }],
  poetry: [{ cmd: 'poetry', args: ['check', '--lock'] }],
  pipenv: [{ cmd: 'pipenv', args: ['verify'] }],
  // uv pip compile keeps the pins already in its output file: re-running the documented
  // commands must reproduce both files byte for byte.
  pip: [
    { cmd: 'uv', args: ['pip', 'compile', 'pyproject.toml', '--universal', '--python-version', '3.11', '--generate-hashes', '-o', 'requirements.txt', '-q'] },
    { cmd: 'uv', args: ['pip', 'compile', 'pyproject.toml', '--group', 'dev', '--universal', '--python-version', '3.11', '--generate-hashes', '-o', 'requirements-dev.txt', '-q'] },
  ],
}

beforeAll(async () => {
  systemPython = requireTool('python3')
  for (const tool of ['uv', 'poetry', 'pipenv']) requireTool(tool)
  const v = await run(systemPython, ['-c', 'import sys; print(sys.version_info >= (3, 11))'], tmpdir())
  expect(v.stdout.trim(), 'the starter app needs Python 3.11 or later').toBe('True')
  shimDir = mkdtempSync(join(tmpdir(), 'cca-poetry-shim-'))
  writeFileSync(join(shimDir, 'sitecustomize.py'), POETRY_PYPI_SHIM)
  mkdirSync(CACHE, { recursive: true })
})

describe.concurrent.each(python.packageManagers.map((p) => [p.id, p] as const))('starter app with %s', (id, manager) => {
  // Names the lockfiles were not generated with (they were made as "orders-api").
  const answers = validateAnswers({ name: id === 'uv' ? 'zeta-orders' : `app-${id}`, language: 'python', packageManager: id, database: 'mysql', cache: 'redis' })

  it('uses the pinned version, installs exactly from the lockfile, passes its tests; production leaves dev dependencies out', async () => {
    const dir = renderToDisk(answers, `cca-py-${id}-`)
    const lockfiles = manager.manifests.map((m) => [m, readFileSync(join(dir, m), 'utf8')] as const)

    if (manager.version) {
      const version = await run(id, ['--version'], dir)
      expect(version.stdout).toContain(manager.version)
    }
    for (const check of LOCK_CHECKS[id]!) {
      const r = await run(check.cmd, check.args, dir)
      expect(r.exitCode, `${check.cmd} ${check.args.join(' ')}: ${r.all}`).toBe(0)
    }

    const dev = await venv(dir, '.venv')
    const r = await install(id, dir, dev, false)
    expect(r.exitCode, r.all).toBe(0)
    const test = await run(join(dev, 'bin/python'), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], dir)
    expect(test.exitCode, test.all).toBe(0)
    expect(test.stdout).toMatch(/\b\d+ passed\b/)
    expect(test.stdout).not.toMatch(/\b(failed|error)\b/)

    const prod = await venv(dir, '.venv-prod')
    const p = await install(id, dir, prod, true)
    expect(p.exitCode, p.all).toBe(0)
    const runtime = await run(join(prod, 'bin/python'), ['-c', 'import fastapi, uvicorn'], dir)
    expect(runtime.exitCode, runtime.all).toBe(0)
    const noDev = await run(join(prod, 'bin/python'), ['-c', 'import pytest'], dir)
    expect(noDev.exitCode, 'pytest must not be in the production environment').not.toBe(0)

    // Nothing above rewrote the lockfiles.
    for (const [m, text] of lockfiles) expect(readFileSync(join(dir, m), 'utf8'), m).toBe(text)
  }, 900_000)
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

/** Starts the app from its source with the shared environment; returns a fetcher and a stopper. */
async function startApp(python3: string, dir: string, env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(python3, ['-m', 'app.main'], {
    cwd: dir,
    env: { PATH: process.env.PATH, PYTHONPATH: join(dir, 'src'), PORT: String(port), ...env },
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`)
  for (let i = 0; i < 1200 && !out.includes('"listening"'); i++) await new Promise((r) => setTimeout(r, 50))
  return { get, output: () => out, stop: async () => (child.kill('SIGTERM'), exited) }
}

describe('starter app for every database × cache (uv)', () => {
  let shared: string
  beforeAll(async () => {
    // One lockfile-exact install serves every combination: the dependencies never vary.
    const dir = renderToDisk(validateAnswers({ name: 'deps-only', language: 'python' }), 'cca-py-deps-')
    shared = await venv(dir, '.venv')
    const r = await install('uv', dir, shared, false)
    expect(r.exitCode, r.all).toBe(0)
  })

  const combos: Answers[] = DATABASES.flatMap((database) =>
    CACHES.map((cache) => validateAnswers({ name: `c-${database}-${cache}`, language: 'python', database, cache })),
  )

  it.concurrent.each(combos.map((a) => [`${a.database} + ${a.cache}`, a] as const))('%s: passes its tests and serves its contract', async (_n, answers) => {
    const ctx = buildContext(answers, { name: 't', version: '0' })
    const dir = renderToDisk(answers, 'cca-py-combo-')
    const py = join(shared, 'bin/python')
    // tests/test_main.py starts the process the way the checks below do; here it would only
    // double the process start-ups, so the harness's own checks stand in for it.
    const test = await run(py, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--ignore=tests/test_main.py'], dir)
    expect(test.exitCode, test.all).toBe(0)
    expect(test.stdout).toMatch(/\b\d+ passed\b/)

    // Each configured dependency points at a closed port: alive, but not ready.
    const closed = CLOSED_PORT
    const env: Record<string, string> = { LOG_LEVEL: 'debug', HOST: '127.0.0.1' }
    for (const s of ctx.services) {
      env[s.urlEnv] = s.url
        .replace(/\$\{[A-Z_]+\}/g, 'x')
        .replace(/@[a-z]+:\d+/, `@127.0.0.1:${closed}`)
        .replace(/^memcached:\/\/[a-z]+:\d+/, `memcached://127.0.0.1:${closed}`)
    }
    const app = await startApp(py, dir, env)
    const health = await app.get('/healthz')
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const ready = await app.get('/readyz')
    const body = (await ready.json()) as { status: string; checks: Record<string, string> }
    if (ctx.services.length === 0) expect([ready.status, body]).toEqual([200, { status: 'ready', checks: {} }])
    else {
      expect(ready.status).toBe(503)
      expect(Object.keys(body.checks).sort()).toEqual(ctx.services.map((s) => s.id).sort())
      expect(Object.values(body.checks).every((c) => c === 'fail')).toBe(true)
    }
    const missing = await app.get('/nope')
    expect([missing.status, await missing.json()]).toEqual([404, { error: 'not found' }])
    expect(await app.stop()).toBe(0)
    // JSON lines only, every one with a level and a message; the shutdown is logged.
    const lines = app.output().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    for (const l of lines) expect(l).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) }))
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['listening', 'shutting down', 'shutdown complete']))
    if (ctx.services.length) expect(lines.some((l) => l['msg'] === 'readiness check failed')).toBe(true)

    // A missing connection URL is refused at start with exit code 1 and one clear line.
    if (ctx.services.length) {
      const bad = spawn(py, ['-m', 'app.main'], { cwd: dir, env: { PATH: process.env.PATH, PYTHONPATH: join(dir, 'src') } })
      let out = ''
      bad.stdout.on('data', (d) => (out += d))
      expect(await new Promise((r) => bad.on('close', r))).toBe(1)
      const [line, ...rest] = out.trim().split('\n')
      expect(rest).toEqual([])
      const parsed = JSON.parse(line!) as { msg: string; problems: string[] }
      expect(parsed.msg).toBe('invalid configuration')
      for (const s of ctx.services) expect(parsed.problems).toContain(`${s.urlEnv} is required (${s.id} connection URL)`)
    }
  }, 600_000)
})

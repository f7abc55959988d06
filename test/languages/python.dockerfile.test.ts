import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { generate } from '../../src/generate.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { parseDockerfile, type Stage } from '../helpers/dockerfile.js'
import { renderMap, writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Every framework × package manager (each changes the Python Dockerfile's shape), plus a
// non-default port and runtime version.
const python = LANGUAGE_CHOICES.find((l) => l.id === 'python')!
const cases = [
  ...python.frameworks.flatMap((fw) =>
    python.packageManagers.map((pm) =>
      validateAnswers({ name: `df-${fw.id}-${pm.id}`, language: 'python', framework: fw.id, packageManager: pm.id, database: 'postgres', cache: 'redis' }),
    ),
  ),
  validateAnswers({ name: 'df-port', language: 'python', port: 8443, languageVersion: '3.13' }),
]

let hadolint: string
let buildkitLint: string
beforeAll(() => {
  hadolint = requireTool('hadolint')
  buildkitLint = requireTool('dockerfile-lint')
})

describe.each(cases.map((a) => [`${a.framework}/${a.packageManager} port ${a.port}`, a] as const))('Python Dockerfile: %s', (_n, answers) => {
  const files = renderMap(answers)
  const text = files.get('Dockerfile')!
  const { global, stages } = parseDockerfile(text)
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name)
    if (!s) throw new Error(`no stage ${name}`)
    return s
  }
  const ctx = buildContext(answers, { name: 't', version: '0' })
  const pm = ctx.packageManager
  const commands = ctx.lang['commands'] as { dev: string[]; test: string[]; prod: string[] }
  const django = answers.framework === 'django'
  const prod = stage('prod')
  const runs = (s: Stage) => s.body.filter((i) => i.keyword === 'RUN').map((i) => i.args)

  it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
    expect(text).toMatch(/^# check=error=true$/m)
  })

  it('pins the base image through ARGs (official slim trixie image), never latest', () => {
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `PYTHON_VERSION=${answers.languageVersion}` }))
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'PYTHON_IMAGE=python:${PYTHON_VERSION}-slim-trixie' }))
    const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
    for (const from of external) expect(['${PYTHON_IMAGE}', '${UV_IMAGE}']).toContain(from)
    expect(stage('base').from).toBe('${PYTHON_IMAGE}')
    if (pm.version) expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `${pm.id.toUpperCase()}_VERSION=${pm.version}` }))
    if (pm.id === 'uv') expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'UV_IMAGE=ghcr.io/astral-sh/uv:${UV_VERSION}' }))
    expect(text).not.toMatch(/:latest\b/)
  })

  it('has named dev, test and prod targets, with prod last (the default build)', () => {
    const names = stages.map((s) => s.name)
    for (const n of ['base', 'toolchain', 'deps', 'prod-deps', 'source', 'dev', 'test', 'prod']) expect(names).toContain(n)
    expect(names.includes('build')).toBe(django)
    expect(stages.at(-1)!.name).toBe('prod')
  })

  it('sets the Python defaults and creates the app user with fixed IDs', () => {
    const env = stage('base').body.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ')
    for (const e of ['PYTHONDONTWRITEBYTECODE=1', 'PYTHONUNBUFFERED=1', 'VIRTUAL_ENV=/opt/venv', 'PATH=/opt/venv/bin:$PATH']) expect(env).toContain(e)
    expect(env.includes('PYTHONPATH=/app/src')).toBe(!django)
    expect(runs(stage('base'))).toEqual([expect.stringMatching(/^groupadd --gid 1000 app\s+&& useradd --uid 1000 --gid 1000 /)])
  })

  it('installs exactly from the lockfile, with manifests mounted before any source copy and a cache mount', () => {
    for (const name of ['deps', 'prod-deps']) {
      const s = stage(name)
      expect(s.from).toBe('toolchain')
      const [run, ...more] = runs(s)
      expect(more).toEqual([])
      for (const m of pm.manifests) expect(run).toContain(`--mount=type=bind,source=${m},target=/app/${m}`)
      expect(run).toContain(`--mount=type=cache,target=${pm.cacheDir}`)
      expect(run!.endsWith(name === 'deps' ? pm.install : pm.installProd)).toBe(true)
      expect(s.body.some((i) => i.keyword === 'COPY')).toBe(false)
    }
    const lockExact = { uv: /^uv sync --frozen /, pip: /^pip install --require-hashes --no-deps /, poetry: /^poetry install --no-root /, pipenv: /^pipenv install --deploy/ }
    expect(pm.install).toMatch(lockExact[pm.id as keyof typeof lockExact])
    expect(pm.installProd).toMatch(lockExact[pm.id as keyof typeof lockExact])
    // Production installs leave the dev dependencies out.
    expect(pm.installProd).toMatch({ uv: /--no-dev/, pip: /-r(equirement)? requirements\.txt$/, poetry: /--only main/, pipenv: /--deploy$/ }[pm.id]!)
    // Tools sit in the toolchain stage, never in the shared base the runtime starts from.
    expect(text.indexOf('FROM base AS toolchain')).toBeGreaterThan(text.indexOf('FROM ${PYTHON_IMAGE} AS base'))
    expect(stage('base').body.map((i) => i.args).join('\n')).not.toMatch(/uv|poetry|pipenv|pip install/)
  })

  it('ships the virtual environment and the source only, owned by root, and no package manager', () => {
    expect(prod.from).toBe('base')
    const copies = prod.body.filter((i) => i.keyword === 'COPY').map((i) => i.args)
    expect(copies).toEqual(['--from=prod-deps /opt/venv /opt/venv', django ? '--from=build /app ./' : 'src ./src'])
    expect(copies.some((c) => c.includes('--chown'))).toBe(false)
    expect(runs(prod)).toEqual([expect.stringMatching(/^python -m pip uninstall --yes .*\bpip$/)])
    if (django) expect(runs(stage('build'))).toEqual(['python manage.py collectstatic --noinput'])
  })

  it('runs as a fixed non-root UID, exec-form CMD, exposes the real port, has a stdlib HEALTHCHECK', () => {
    const user = prod.body.filter((i) => i.keyword === 'USER').at(-1)!
    expect(user.args).toBe('1000:1000')
    expect(JSON.parse(prod.body.find((i) => i.keyword === 'CMD')!.args)).toEqual(commands.prod)
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: String(answers.port) }))
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining(`PORT=${answers.port}`) }))
    const hc = prod.body.find((i) => i.keyword === 'HEALTHCHECK')!
    expect(hc.args).toMatch(/--interval=\S+ --timeout=\S+ .*CMD \[/)
    const probe = JSON.parse(hc.args.slice(hc.args.indexOf('CMD ') + 4)) as string[]
    expect(probe.slice(0, 2)).toEqual(['python', '-c'])
    expect(probe[2]).toMatch(/urllib\.request\.urlopen\('http:\/\/127\.0\.0\.1:%s\/healthz' % os\.environ\['PORT'\]/)
    for (const s of ['dev', 'test']) expect(JSON.parse(stage(s).body.find((i) => i.keyword === 'CMD')!.args)).toEqual(commands[s as 'dev' | 'test'])
    expect(stage('source').body.find((i) => i.keyword === 'USER')!.args).toBe('1000:1000')
    expect(stage('source').from).toBe('deps')
    if (answers.framework === 'fastapi') expect(commands.dev).toContain('--reload')
    if (answers.framework !== 'fastapi') expect(commands.prod[0]).toBe('gunicorn')
  })

  it('documents the framework entry points and migrations', () => {
    if (answers.framework === 'flask') expect(text).toContain('`app:app`')
    if (django) {
      expect(text).toContain('`config.wsgi:application`')
      expect(text).toContain('docker compose run --rm app python manage.py migrate')
      expect(text).not.toMatch(/^(RUN|CMD).*migrate/m)
    }
  })

  it('carries OCI labels last and keeps secrets out of ENV and ARG', () => {
    expect(prod.body.at(-1)!.keyword).toBe('LABEL')
    const label = prod.body.at(-1)!.args
    for (const k of ['title', 'version', 'revision', 'base.name']) expect(label).toContain(`org.opencontainers.image.${k}=`)
    const all = [...global, ...stages.flatMap((s) => s.body)].filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
    for (const i of all) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE)/i)
  })

  it('.dockerignore drops environments, caches, VCS, secrets and deploy files but keeps what the build needs', () => {
    const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
    for (const p of ['.git', '.venv', '__pycache__', '*.py[cod]', '.pytest_cache', '**/.env', '**/.env.*', '!.env.example', '!.env.sample', 'compose*.yaml', '.containerized']) expect(ignore).toContain(p)
    const needed = [...pm.manifests, 'pyproject.toml', 'src', 'tests', 'manage.py', 'config']
    for (const n of needed) expect(ignore.some((p) => p === n || p === `${n}*` || (p.endsWith('*') && n.startsWith(p.slice(0, -1))))).toBe(false)
  })

  it('passes BuildKit checks and hadolint with zero findings', async () => {
    const dir = writeTree(generate(answers).files, 'cca-pylint-')
    const file = join(dir, 'Dockerfile')
    const bk = await execa(buildkitLint, ['--json', file], { reject: false, env: toolsEnv() })
    expect(bk.exitCode, bk.stderr).toBe(0)
    expect(JSON.parse(bk.stdout || '[]')).toEqual([])
    const hl = await execa(hadolint, ['--no-color', '--format', 'json', file], { reject: false, env: toolsEnv() })
    expect(hl.exitCode, hl.stderr).toBe(0)
    expect(JSON.parse(hl.stdout || '[]')).toEqual([])
  })
})

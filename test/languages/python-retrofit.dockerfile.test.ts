import { describe, expect, it } from 'vitest'
import type { AppFacts } from '../../src/detect/types.js'
import { binds, command, retrofit, setsVar } from './retrofit-helpers.js'

// The Python Dockerfile of an existing app, field by field of its runtime contract (issue 18).
const py = (app: AppFacts, raw: Record<string, unknown> = {}) => retrofit({ name: 'app', language: 'python', framework: 'flask', packageManager: 'pip', ...raw }, app)
const flask: AppFacts = { wsgiApp: 'app:app', srcLayout: false }

describe('Python retrofit: pip requirements as they are', () => {
  it('no hashes: no --require-hashes (nor --no-deps, which needs every pin listed), the real file names, and why', () => {
    const r = py({ ...flask, requirements: { prod: 'requirements/prod.txt', hashes: false }, installFiles: ['requirements/prod.txt', 'requirements/base.txt'] })
    for (const s of ['deps', 'prod-deps']) {
      const run = r.runs(s)[0]!
      expect(binds(run)).toEqual(['requirements/prod.txt', 'requirements/base.txt'])
      expect(command(run)).toBe('python -m venv --without-pip /opt/venv && pip install --requirement requirements/prod.txt')
    }
    expect(r.text).not.toMatch(/--require-hashes|--no-deps|requirements-dev\.txt|source=requirements\.txt/)
    expect(r.text).toMatch(/^# requirements\/prod\.txt has no hashes: pip resolves/m)
    // No dev file: dev and test get the production requirements, and the file says so.
    expect(r.text).toMatch(/^# No dev requirements file: the dev and test images get requirements\/prod\.txt alone/m)
  })

  it('hashes and a dev file: the dev stages install the dev file, prod the prod file, both held to their hashes', () => {
    const r = py({ ...flask, requirements: { prod: 'requirements.txt', dev: 'requirements-dev.txt', hashes: true } })
    expect(binds(r.runs('deps')[0]!)).toEqual(['requirements.txt', 'requirements-dev.txt'])
    expect(command(r.runs('deps')[0]!)).toMatch(/pip install --require-hashes --no-deps --requirement requirements-dev\.txt$/)
    expect(command(r.runs('prod-deps')[0]!)).toMatch(/pip install --require-hashes --no-deps --requirement requirements\.txt$/)
    expect(r.text).not.toContain('# No dev requirements')
  })
})

describe('Python retrofit: uv, Poetry and Pipenv without a lockfile', () => {
  it.each([
    ['uv', ['pyproject.toml'], 'uv sync --no-install-project', 'uv sync --no-install-project --no-dev', 'uv.lock'],
    ['poetry', ['pyproject.toml'], 'poetry install --no-root --no-interaction', 'poetry install --no-root --no-interaction --only main --compile', 'poetry.lock'],
    ['pipenv', ['Pipfile'], 'pipenv install --dev', 'pipenv install', 'Pipfile.lock'],
  ])('%s: mounts what exists, installs without a frozen lockfile and says why', (pm, files, dev, prod, lock) => {
    const r = py({ ...flask, installFiles: files, unlocked: true }, { packageManager: pm })
    expect(binds(r.runs('deps')[0]!)).toEqual(files)
    expect(command(r.runs('deps')[0]!).endsWith(dev)).toBe(true)
    expect(command(r.runs('prod-deps')[0]!).endsWith(prod)).toBe(true)
    expect(r.text).not.toMatch(/--frozen|--deploy/)
    expect(r.text).toContain(`# No ${lock} in the app`)
  })

  it('with the lockfile: frozen, and no note', () => {
    const r = py({ ...flask, installFiles: ['pyproject.toml', 'uv.lock'] }, { packageManager: 'uv' })
    expect(command(r.runs('deps')[0]!)).toBe('uv sync --frozen --no-install-project')
    expect(r.text).not.toContain('in the app: the install resolves')
  })
})

describe('Python retrofit: run-time files, health, port', () => {
  it('a src layout ships src/ and the folders the app reads at run time beside it', () => {
    const r = py({ wsgiApp: 'app:create_app()', srcLayout: true, runtimePaths: ['templates', 'src/app/static', 'instance/config.py', '.env.production'] })
    expect(r.copies('prod')).toEqual(['--from=prod-deps /opt/venv /opt/venv', 'src ./src', 'templates ./templates', 'instance/config.py ./instance/config.py'])
    expect(r.ignore.slice(-3)).toEqual(['!templates', '!src/app/static', '!instance/config.py'])
  })

  it('a root layout already ships the folder: no extra copies, but the context keeps the files', () => {
    const r = py({ ...flask, runtimePaths: ['templates'] })
    expect(r.copies('prod')).toEqual(['--from=prod-deps /opt/venv /opt/venv', '. .'])
    expect(r.ignore.at(-1)).toBe('!templates')
  })

  it('no health route: a TCP connect; gunicorn binds $PORT, so PORT is the variable under it', () => {
    const r = py({ ...flask, health: { liveness: null, readiness: null }, portEnv: 'FLASK_PORT' })
    expect(r.probe()).toEqual(['python', '-c', "import os, socket; socket.create_connection(('127.0.0.1', int(os.environ['PORT'])), timeout=2).close()"])
    expect(setsVar(r.env('prod'), 'PORT')).toBe(true)
  })

  it('uvicorn (an ASGI app): the app’s port variable is set and read, its route asked', () => {
    const r = py({ asgiApp: 'main:app', srcLayout: false, health: { liveness: '/health', readiness: '/health' }, portEnv: 'APP_PORT', hostEnv: 'APP_HOST' }, { framework: 'fastapi', packageManager: 'uv' })
    expect(r.probe()![2]).toBe("import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['APP_PORT'], timeout=2)")
    expect(r.env('prod')).toContain('APP_PORT=8000')
    expect(setsVar(r.env('prod'), 'PORT')).toBe(false)
    expect(r.env('prod')).toContain('APP_HOST=0.0.0.0')
    expect(r.env('dev')).toContain('APP_HOST=0.0.0.0')
  })
})

describe('Python retrofit: the web UI stage', () => {
  const ui = { dir: 'frontend', packageManager: 'npm', installFiles: ['package.json', 'package-lock.json'], script: 'build', output: 'frontend/dist' }

  it('builds on the Node image pinned by ARGs and ships the output beside the app', () => {
    const r = py({ asgiApp: 'main:app', srcLayout: true, ui }, { framework: 'fastapi', packageManager: 'uv' })
    expect(r.global.map((i) => i.args)).toEqual(expect.arrayContaining(['NODE_VERSION=24.21.0', 'NODE_IMAGE=node:${NODE_VERSION}-trixie-slim']))
    expect(r.stage('ui').from).toBe('${NODE_IMAGE}')
    expect(command(r.runs('ui')[0]!)).toBe('npm ci')
    expect(r.runs('ui')).toContain('npm run build')
    expect(r.copies('prod')).toContain('--from=ui /app/frontend/dist ./frontend/dist')
  })

  it('Django collects the UI as static files: the build stage takes it, collectstatic after', () => {
    const r = py({ wsgiApp: 'config.wsgi:application', srcLayout: false, ui }, { framework: 'django' })
    const build = r.stage('build').body.map((i) => `${i.keyword} ${i.args}`)
    expect(build.indexOf('COPY --from=ui /app/frontend/dist ./frontend/dist')).toBeLessThan(build.indexOf('RUN python manage.py collectstatic --noinput'))
    expect(r.copies('prod')).toEqual(['--from=prod-deps /opt/venv /opt/venv', '--from=build /app ./'])
  })
})

describe('Python retrofit: a uv workspace member', () => {
  const member: AppFacts = {
    asgiApp: 'api.main:app',
    srcLayout: true,
    buildContext: '../..',
    memberDir: 'packages/api',
    workspacePackage: 'api',
    installFiles: ['pyproject.toml', 'uv.lock', 'packages/api/pyproject.toml', 'packages/lib/pyproject.toml'],
  }
  const r = py(member, { framework: 'fastapi', packageManager: 'uv' })

  it('installs the member’s third-party packages from the root lockfile, then the workspace packages it imports, not as links', () => {
    expect(binds(r.runs('deps')[0]!)).toEqual(member.installFiles)
    expect(command(r.runs('deps')[0]!)).toBe('uv sync --frozen --package api --no-install-workspace')
    const [deps, libs] = r.runs('prod-deps')
    expect(command(deps!)).toBe('uv sync --frozen --package api --no-install-workspace --no-dev')
    expect(command(libs!)).toBe('uv sync --directory /workspace --frozen --package api --no-install-project --no-editable --no-dev')
    expect(r.copies('prod-deps')).toEqual(['. /workspace'])
  })

  it('ships the member’s own source at the image’s usual place; dev runs in the member folder', () => {
    expect(r.copies('prod')).toEqual(['--from=prod-deps /opt/venv /opt/venv', 'packages/api/src ./src'])
    expect(r.env('source')).toContain('PYTHONPATH=/app/packages/api/src')
    expect(r.stage('source').body).toContainEqual(expect.objectContaining({ keyword: 'WORKDIR', args: '/app/packages/api' }))
    expect(command(r.runs('source')[1]!)).toBe('uv sync --frozen --package api --no-install-project')
  })

  it('writes Dockerfile.dockerignore for the workspace root', () => {
    expect(r.byPath.has('Dockerfile.dockerignore')).toBe(true)
    expect(r.ignore).toEqual(expect.arrayContaining(['**/.venv', '**/__pycache__', '**/.env']))
  })
})

describe('Python retrofit: Django’s collectstatic with the variables its settings demand', () => {
  const django: AppFacts = { wsgiApp: 'config.wsgi:application', srcLayout: false }
  const required = (name: string, devValue: string, secret: boolean) => ({ name, devValue, secret, evidence: { file: 'config/settings.py', reason: `env("${name}")` } })
  const collect = (r: ReturnType<typeof py>) => r.runs('build').find((x) => x.includes('collectstatic'))!

  it('build-only placeholders on that command line: the connections as Compose sets them (postgresql:// for an existing app), the required variables’ dev values', () => {
    const r = py({ ...django, cacheEnv: [{ name: 'REDIS_URL', part: 'url' }], requiredEnv: [required('DJANGO_SECRET_KEY', 'change-me', true), required('DJANGO_DEBUG', 'True', false)] }, { framework: 'django', packageManager: 'poetry', database: 'postgres', cache: 'redis' })
    expect(collect(r)).toBe(
      'DATABASE_URL=postgresql://placeholder:placeholder@postgres:5432/placeholder REDIS_URL=redis://:placeholder@redis:6379/0 DJANGO_SECRET_KEY=change-me DJANGO_DEBUG=True python manage.py collectstatic --noinput',
    )
    // Never ENV or ARG: nothing keeps them past that command.
    for (const name of ['DJANGO_SECRET_KEY', 'DATABASE_URL', 'REDIS_URL', 'DJANGO_DEBUG']) {
      expect(r.text).not.toMatch(new RegExp(`^(ENV|ARG)\\b.*\\b${name}=`, 'm'))
      for (const s of r.stages) expect(s.body.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG').map((i) => i.args).join(' ')).not.toContain(`${name}=`)
    }
    expect(r.text).toMatch(/^# Build-only placeholders, on this command line alone/m)
  })

  it('the app’s own connection variables (split parts), and values the shell must not read', () => {
    const r = py(
      { ...django, databaseEnv: [{ name: 'DB_HOST', part: 'host' }, { name: 'DB_PASSWORD', part: 'password' }], requiredEnv: [required('SECRET_KEY', "it's a $ecret", true), required('ALLOWED', '', false)] },
      { framework: 'django', packageManager: 'uv', database: 'postgres' },
    )
    expect(collect(r)).toBe('DB_HOST=postgres DB_PASSWORD=placeholder SECRET_KEY="it\'s a \\$ecret" ALLOWED=placeholder python manage.py collectstatic --noinput')
  })

  it('no variables to stand in for: the plain command; Flask has no build step to give them', () => {
    expect(collect(py(django, { framework: 'django', packageManager: 'uv' }))).toBe('python manage.py collectstatic --noinput')
    const flaskApp = py({ ...flask, requiredEnv: [required('SECRET_KEY', 'x', true)] }, { database: 'postgres' })
    expect(flaskApp.text).not.toContain('placeholder')
  })
})

describe('Python retrofit: a path dependency of a Poetry project at the workspace root', () => {
  const member: AppFacts = {
    asgiApp: 'api.main:app',
    srcLayout: true,
    buildContext: '../..',
    memberDir: 'services/api',
    workspacePackage: 'api',
    installFiles: ['pyproject.toml', 'poetry.lock', 'services/api/pyproject.toml', 'libs/core/pyproject.toml', 'libs/billing/pyproject.toml'],
  }
  const r = py(member, { framework: 'fastapi', packageManager: 'poetry' })

  it('installs the third-party packages from the manifests alone: the path dependencies need their source', () => {
    expect(binds(r.runs('deps')[0]!)).toEqual(member.installFiles)
    expect(command(r.runs('deps')[0]!)).toBe('python -m venv --without-pip /opt/venv && poetry install --no-root --no-directory --no-interaction')
    expect(command(r.runs('prod-deps')[0]!)).toBe('python -m venv --without-pip /opt/venv && poetry install --no-root --no-directory --no-interaction --only main --compile')
  })

  it('prod: the other path dependencies built from their source as plain packages, not links into a folder the image lacks', () => {
    expect(r.copies('prod-deps')).toEqual(['. /workspace'])
    const libs = r.runs('prod-deps')[1]!
    expect(command(libs)).toBe('/opt/poetry/bin/pip --python /opt/venv/bin/python install --disable-pip-version-check --root-user-action=ignore --no-deps /workspace/libs/core /workspace/libs/billing')
    expect(libs).toContain('--mount=type=cache,target=/root/.cache/pip')
    expect(libs).not.toContain('/workspace/services/api')
    expect(r.copies('prod')).toEqual(['--from=prod-deps /opt/venv /opt/venv', 'services/api/src ./src'])
  })

  it('dev and test: the path dependencies linked to the source in /app, run from the member’s folder', () => {
    expect(command(r.runs('source')[1]!)).toBe('poetry install --no-root --no-interaction')
    expect(r.stage('source').body).toContainEqual(expect.objectContaining({ keyword: 'WORKDIR', args: '/app/services/api' }))
    expect(r.env('source')).toContain('PYTHONPATH=/app/services/api/src')
    expect(r.byPath.has('Dockerfile.dockerignore')).toBe(true)
  })

  it('a member with no other path dependency: nothing to build from /workspace', () => {
    const alone = py({ ...member, installFiles: ['pyproject.toml', 'poetry.lock', 'services/api/pyproject.toml'] }, { framework: 'fastapi', packageManager: 'poetry' })
    expect(alone.runs('prod-deps')).toHaveLength(1)
    expect(alone.copies('prod-deps')).toEqual([])
  })

  it('a Poetry project of its own installs as before', () => {
    const own = py({ asgiApp: 'app.main:app', srcLayout: true, installFiles: ['pyproject.toml', 'poetry.lock'] }, { framework: 'fastapi', packageManager: 'poetry' })
    expect(own.text).not.toMatch(/--no-directory|\/workspace/)
  })
})

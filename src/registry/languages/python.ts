import type { FrameworkChoice, LanguageChoice, PackageManagerChoice, TemplateDataInput } from './types.js'

/**
 * Every manager installs into one virtual environment, /opt/venv, which the runtime stage
 * copies on its own (see templates/python/Dockerfile.hbs for the environment each one reads).
 * Tools and the project itself are never installed there: the app runs from source.
 */
const PACKAGE_MANAGERS: readonly PackageManagerChoice[] = [
  {
    id: 'uv',
    label: 'uv',
    available: true,
    version: '0.13.9',
    manifests: ['pyproject.toml', 'uv.lock'],
    cacheDir: '/root/.cache/uv',
    install: 'uv sync --frozen --no-install-project',
    installProd: 'uv sync --frozen --no-install-project --no-dev',
    run: 'uv run',
  },
  {
    id: 'pip',
    label: 'pip (requirements.txt with hashes)',
    available: true,
    // The pip of the Python image; the lockfiles are plain hashed requirements files.
    version: null,
    manifests: ['requirements.txt', 'requirements-dev.txt'],
    cacheDir: '/root/.cache/pip',
    install: 'pip install --require-hashes --no-deps --requirement requirements-dev.txt',
    installProd: 'pip install --require-hashes --no-deps --requirement requirements.txt',
  },
  {
    id: 'poetry',
    label: 'Poetry',
    available: true,
    version: '2.5.1',
    manifests: ['pyproject.toml', 'poetry.lock'],
    cacheDir: '/root/.cache/pypoetry',
    install: 'poetry install --no-root --no-interaction',
    installProd: 'poetry install --no-root --no-interaction --only main --compile',
    run: 'poetry run',
  },
  {
    id: 'pipenv',
    label: 'Pipenv',
    available: true,
    version: '2026.10.3',
    manifests: ['Pipfile', 'Pipfile.lock'],
    // Pipenv's own cache and the pip cache it drives both live below this folder.
    cacheDir: '/root/.cache',
    install: 'pipenv install --deploy --dev',
    installProd: 'pipenv install --deploy',
    run: 'pipenv run',
  },
]

/**
 * FastAPI has the starter app (src/app, run with `python -m app.main` on uvicorn). Flask and
 * Django get container files only: the Dockerfile documents the entry points it expects.
 */
const FRAMEWORKS: readonly FrameworkChoice[] = [
  { id: 'fastapi', label: 'FastAPI (uvicorn)', available: true, starter: 'python/app' },
  { id: 'flask', label: 'Flask (gunicorn; container files only)', available: true, starter: null },
  {
    id: 'django',
    label: 'Django (gunicorn; container files only)',
    available: true,
    starter: null,
    // The project package of `django-admin startproject config .`; apps sit next to it.
    dev: { sync: ['config'] },
  },
]

/** Conventional entry points of the frameworks without a starter app. */
const WSGI_APP: Readonly<Record<string, string>> = {
  flask: 'app:app',
  django: 'config.wsgi:application',
}

function templateData({ port, framework, app = {} }: TemplateDataInput): Readonly<Record<string, unknown>> {
  const wsgi = app.wsgiApp ?? WSGI_APP[framework.id]
  // Exec-form argv of each target (rendered with the `json` helper).
  const commands: Record<string, { dev: string[]; test: string[]; prod: string[] }> = {
    fastapi: {
      dev: ['python', '-m', 'app.main', '--reload'],
      test: ['python', '-m', 'pytest'],
      prod: ['python', '-m', 'app.main'],
    },
    flask: {
      dev: ['flask', '--app', wsgi!, 'run', '--debug', '--host', '0.0.0.0', '--port', String(port)],
      test: ['python', '-m', 'pytest'],
      prod: ['gunicorn', wsgi!],
    },
    django: {
      dev: ['python', 'manage.py', 'runserver', `0.0.0.0:${port}`],
      test: ['python', 'manage.py', 'test'],
      prod: ['gunicorn', wsgi!],
    },
  }
  // An existing ASGI app (`module:app`) runs on uvicorn directly.
  if (framework.id === 'fastapi' && app.asgiApp) {
    const serve = ['uvicorn', app.asgiApp, '--host', '0.0.0.0', '--port', String(port)]
    commands.fastapi = { dev: [...serve, '--reload'], test: ['python', '-m', 'pytest'], prod: serve }
  }
  return {
    commands: commands[framework.id]!,
    wsgiApp: wsgi ?? null,
    // FastAPI and Flask keep their code in src/ (on PYTHONPATH); Django projects sit at the root.
    srcLayout: app.srcLayout ?? framework.id !== 'django',
  }
}

/** Python: FastAPI starter on uvicorn; Flask and Django on gunicorn; uv, pip, Poetry or Pipenv. */
export const PYTHON: LanguageChoice = {
  id: 'python',
  label: 'Python',
  available: true,
  defaultPort: 8000,
  // Reload restarts the app on each synced change; no debugger port (debugpy would be a
  // dev dependency: add it and publish 5678 if you want one).
  dev: { debugPort: null, environment: {}, sync: ['src'] },
  defaultVersion: '3.14.10',
  // The official images publish minor and patch tags (3.14, 3.14.10); the starter needs 3.11+.
  versionPattern: /^3\.(1[1-9]|[2-9]\d)(\.\d+)?$/,
  versionHint: 'a Python version such as 3.14 or 3.14.10 (3.11 or later)',
  templateData,
  packageManagers: PACKAGE_MANAGERS,
  frameworks: FRAMEWORKS,
}

import type { AppFacts } from '../../detect/types.js'
import { buildPlaceholders, commonContract, fromWorkspaceRoot, memberPrefix, relPath, runtimeCopies, unlockedNote } from './contract.js'
import type { FrameworkChoice, LanguageChoice, PackageManagerChoice, TemplateDataInput } from './types.js'
import { uiStage, wrap } from './ui-stage.js'
import { cacheMountOptions, cacheOf } from './cache-mounts.js'

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
    ...cacheOf('/root/.cache/uv'),
    install: 'uv sync --frozen --no-install-project',
    installProd: 'uv sync --frozen --no-install-project --no-dev',
    installUnlocked: 'uv sync --no-install-project',
    installProdUnlocked: 'uv sync --no-install-project --no-dev',
    run: 'uv run',
  },
  {
    id: 'pip',
    label: 'pip (requirements.txt with hashes)',
    available: true,
    // The pip of the Python image; the lockfiles are plain hashed requirements files.
    version: null,
    manifests: ['requirements.txt', 'requirements-dev.txt'],
    ...cacheOf('/root/.cache/pip'),
    install: 'pip install --require-hashes --no-deps --requirement requirements-dev.txt',
    installProd: 'pip install --require-hashes --no-deps --requirement requirements.txt',
  },
  {
    id: 'poetry',
    label: 'Poetry',
    available: true,
    version: '2.5.1',
    manifests: ['pyproject.toml', 'poetry.lock'],
    ...cacheOf('/root/.cache/pypoetry'),
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
    ...cacheOf('/root/.cache'),
    install: 'pipenv install --deploy --dev',
    installProd: 'pipenv install --deploy',
    installUnlocked: 'pipenv install --dev',
    installProdUnlocked: 'pipenv install',
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

function templateData({ port, framework, packageManager: pm, app = {}, environment }: TemplateDataInput): Readonly<Record<string, unknown>> {
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
  // FastAPI and Flask keep their code in src/ (on PYTHONPATH); Django projects sit at the root.
  const srcLayout = app.srcLayout ?? framework.id !== 'django'
  const django = framework.id === 'django'
  const at = memberPrefix(app)
  const ui = uiStage(app, {})
  return {
    // gunicorn binds 0.0.0.0:$PORT itself: under it, PORT is the variable that counts.
    ...commonContract(app, wsgi ? { portEnv: 'PORT' } : {}),
    commands: commands[framework.id]!,
    wsgiApp: wsgi ?? null,
    srcLayout,
    install: install(pm, app),
    workspace: workspace(pm, app, srcLayout),
    // The service's own files in the context: `apps/api/` in a workspace (flattened into /app).
    member: at,
    // What the prod image copies beyond its code: the run-time files outside src/ (the other
    // layouts ship the whole folder already).
    runtimeCopies: srcLayout ? runtimeCopies(app, ['src']).map((p) => ({ from: `${at}${p}`, to: `./${p}` })) : [],
    ui,
    // Django collects the UI's files as static files: its build stage takes them, not prod.
    uiToProd: ui !== null && ui.serve && !django,
    // collectstatic imports the settings, which may demand variables only a running app has.
    collectstaticEnv: django ? buildPlaceholders(environment) : [],
  }
}

const LOCKFILE: Readonly<Record<string, string>> = { uv: 'uv.lock', poetry: 'poetry.lock', pipenv: 'Pipfile.lock' }

/** The dependency install of each stage: the files it mounts, its commands and why it is not exact. */
function install(pm: PackageManagerChoice, app: AppFacts): { mounts: string[]; dev: string; prod: string; note: string[] } {
  const req = app.requirements
  if (pm.id === 'pip' && req) {
    // Hashed requirements (pip-compile --generate-hashes) list every transitive dependency:
    // --no-deps then holds the install to them. Plain ones are resolved by pip.
    const flags = req.hashes ? '--require-hashes --no-deps ' : ''
    const note = [
      ...(req.hashes ? [] : [`${req.prod} has no hashes: pip resolves the versions it allows and their dependencies at build time, so two builds can differ. pip-compile --generate-hashes pins them.`]),
      ...(req.dev ? [] : [`No dev requirements file: the dev and test images get ${req.prod} alone (add your test tools to a requirements file of their own).`]),
    ]
    const mounts = app.installFiles ?? [req.prod, ...(req.dev ? [req.dev] : [])]
    return {
      mounts: mounts.map(relPath).filter((f): f is string => f !== null),
      dev: `pip install ${flags}--requirement ${req.dev ?? req.prod}`,
      prod: `pip install ${flags}--requirement ${req.prod}`,
      note: note.flatMap(wrap),
    }
  }
  const mounts = (app.installFiles ?? pm.manifests).map(relPath).filter((f): f is string => f !== null)
  const unlocked = app.unlocked === true && pm.id !== 'pip'
  let dev = unlocked ? (pm.installUnlocked ?? pm.install) : pm.install
  let prod = unlocked ? (pm.installProdUnlocked ?? pm.installProd) : pm.installProd
  const pkg = workspacePackage(pm, app)
  // Third-party packages only: the workspace's own packages need their source, which comes later.
  if (pkg) {
    dev = dev.replace('--no-install-project', `--package ${pkg} --no-install-workspace`)
    prod = prod.replace('--no-install-project', `--package ${pkg} --no-install-workspace`)
  } else if (poetryMember(pm, app)) {
    dev = dev.replace('--no-root', '--no-root --no-directory')
    prod = prod.replace('--no-root', '--no-root --no-directory')
  }
  return { mounts, dev, prod, note: unlocked ? wrap(unlockedNote(LOCKFILE[pm.id] ?? 'lockfile')) : [] }
}

/** A path dependency of a Poetry project at the workspace root, locked in the root's poetry.lock. */
function poetryMember(pm: PackageManagerChoice, app: AppFacts): boolean {
  return pm.id === 'poetry' && fromWorkspaceRoot(app)
}

/** A uv workspace member's package name, safe for a shell word; null otherwise. */
function workspacePackage(pm: PackageManagerChoice, app: AppFacts): string | null {
  return pm.id === 'uv' && fromWorkspaceRoot(app) && app.workspacePackage && /^[\w.-]+$/.test(app.workspacePackage) ? app.workspacePackage : null
}

interface Workspace {
  member: string
  /** Installs the workspace packages into the prod environment from /workspace; null: none to install. */
  prod: string | null
  /** The options of the cache mount for that install (`target=…`, with its sharing). */
  prodCache: string
  prodNote: string[]
  /** Installs them in the dev and test image, from the source in /app. */
  dev: string
  devNote: string[]
  pythonPath: string
}

/**
 * A uv workspace member, or a path dependency of a Poetry project at the root: the other members
 * it imports are installed from their source into the environment, for prod as plain packages
 * (the image holds none of their source) and for dev and test as links to the source there.
 */
function workspace(pm: PackageManagerChoice, app: AppFacts, srcLayout: boolean): Workspace | null {
  const pkg = workspacePackage(pm, app)
  const member = relPath(app.memberDir ?? '.') ?? '.'
  const pythonPath = `/app/${member}${srcLayout ? '/src' : ''}`
  if (pkg) {
    const frozen = app.unlocked ? '' : ' --frozen'
    return {
      member,
      prod: `uv sync --directory /workspace${frozen} --package ${pkg} --no-install-project --no-editable --no-dev`,
      prodCache: cacheMountOptions(pm.cacheDir),
      prodNote: wrap(
        'The workspace packages the app imports, built from their source as plain packages: the prod image carries them in /opt/venv and no other member\'s code (/workspace stays in this stage; some build backends write into the source tree, so it is a copy, not a read-only mount).',
      ),
      dev: `uv sync${frozen} --package ${pkg} --no-install-project`,
      devNote: ['# The workspace packages the app imports, linked to their source here.'],
      pythonPath,
    }
  }
  if (!poetryMember(pm, app)) return null
  // The root's other path dependencies, by the manifests detection found for them; the member's
  // own code ships as source, as in every other layout.
  const deps = (app.installFiles ?? [])
    .map((f) => relPath(f))
    .map((f) => (f && f.endsWith('/pyproject.toml') ? f.slice(0, -'/pyproject.toml'.length) : null))
    .filter((d): d is string => d !== null && d !== member)
  return {
    member,
    // Poetry installs a path dependency marked `develop = true` only as a link to its source
    // (and has no flag against it): pip builds them as plain packages instead, with each one's own
    // build backend, into the environment Poetry filled (Poetry's own pip, pointed at it).
    prod: deps.length ? `/opt/poetry/bin/pip --python /opt/venv/bin/python install --disable-pip-version-check --root-user-action=ignore --no-deps ${deps.map((d) => `/workspace/${d}`).join(' ')}` : null,
    prodCache: cacheMountOptions('/root/.cache/pip'),
    prodNote: wrap(
      `The path dependencies the app imports (${deps.join(', ')}), built from their source as plain packages: the prod image carries them in /opt/venv and none of their source (/workspace stays in this stage; some build backends write into the source tree, so it is a copy, not a read-only mount).`,
    ),
    dev: 'poetry install --no-root --no-interaction',
    devNote: ['# The path dependencies, installed from their source here (linked where they say develop = true).'],
    pythonPath,
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

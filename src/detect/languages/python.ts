import type { Dependency } from '../backing.js'
import type { Folder } from '../repo.js'
import type { DetectionWarning, Evidence, Finding } from '../types.js'
import { firstVersion, toolVersionFiles, versionFile } from '../versions.js'
import { pythonWorkspaceMember } from '../workspace.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

const norm = (name: string) => name.toLowerCase().replace(/[_.]+/g, '-')

/** Dependency groups that only development and tests install. */
const DEV_GROUP = /^(?:dev|develop|development|test|tests|testing|lint|linting|docs?|typing|types|ci|local|qa)$/i

/** Names in requirements files, pyproject (PEP 621, PEP 735 groups, uv, Poetry) and Pipfile; dev and test ones flagged. */
function dependencies(f: Folder): Dependency[] {
  const out: Dependency[] = []
  for (const file of f.find(/^(?:[\w.-]*requirements[\w.-]*\.(?:txt|in)|requirements\/[\w.-]+\.(?:txt|in))$/)) {
    const dev = /(?:^|[-_./])(?:dev|develop|test|tests|testing|lint|local|ci|docs|typing)(?:[-_.]|$)/i.test(file.replace(/requirements/, ''))
    for (const line of (f.read(file) ?? '').split('\n')) {
      const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)
      if (m && !line.trim().startsWith('-')) out.push({ name: norm(m[1]!), file: f.path(file), ...(dev ? { dev } : {}) })
    }
  }
  const py = f.read('pyproject.toml') ?? ''
  const file = f.path('pyproject.toml')
  for (const t of py.matchAll(/^\[([^\]]+)\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/gm)) {
    const table = t[1]!.trim()
    const body = t[2]!
    const arrays = [...body.matchAll(/^([\w.-]+)\s*=\s*\[([\s\S]*?)\]\s*$/gm)].map((m) => ({ key: m[1]!, items: [...m[2]!.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)/g)].map((x) => norm(x[1]!)) }))
    const push = (names: string[], dev: boolean) => out.push(...names.map((name) => ({ name, file, ...(dev ? { dev } : {}) })))
    if (table === 'project') push(arrays.find((a) => a.key === 'dependencies')?.items ?? [], false)
    else if (table === 'project.optional-dependencies') for (const a of arrays) push(a.items, DEV_GROUP.test(a.key))
    else if (table === 'dependency-groups' || table === 'tool.pdm.dev-dependencies') for (const a of arrays) push(a.items, true)
    else if (table === 'tool.uv') push(arrays.find((a) => a.key === 'dev-dependencies')?.items ?? [], true)
    else if (/^tool\.poetry\.(?:(?:group\.([\w-]+)\.)?(dev-)?dependencies)$/.test(table)) {
      const m = /^tool\.poetry\.(?:(?:group\.([\w-]+)\.)?(dev-)?dependencies)$/.exec(table)!
      const dev = m[2] !== undefined || (m[1] !== undefined && m[1] !== 'main')
      push([...body.matchAll(/^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=/gm)].map((x) => norm(x[1]!)).filter((n) => n !== 'python'), dev)
    } else if (/^tool\.poetry\.dependencies\.([\w.-]+)$/.test(table)) push([norm(/^tool\.poetry\.dependencies\.([\w.-]+)$/.exec(table)![1]!)], false)
  }
  const pipfile = f.read('Pipfile') ?? ''
  for (const table of pipfile.matchAll(/^\[(dev-)?packages\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/gm)) {
    for (const m of table[2]!.matchAll(/^["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=/gm)) out.push({ name: norm(m[1]!), file: f.path('Pipfile'), ...(table[1] ? { dev: true } : {}) })
  }
  return out
}

/** A Python file's module path as the image imports it (src/ is on PYTHONPATH in a src layout). */
function moduleOf(file: string, srcLayout: boolean): string {
  return file.replace(/^src\//, srcLayout ? '' : 'src/').replace(/\.py$/, '').replace(/\//g, '.').replace(/\.__init__$/, '')
}

/** `module:variable` for gunicorn: the Procfile's, Django's wsgi.py, or the file that makes the Flask app. */
function wsgiApp(f: Folder, framework: string | undefined, srcLayout: boolean): Finding<string> | undefined {
  const proc = /^web:\s*.*?gunicorn\s+(?:[^\s]*\s+)*?([\w.]+:[\w()]+)/m.exec(f.read('Procfile') ?? '')
  if (proc) return found(proc[1]!, 'high', f.path('Procfile'), `web: gunicorn ${proc[1]}`)
  const toModule = (file: string) => moduleOf(file, srcLayout)
  if (framework === 'django') {
    const wsgi = f.find(/^(?:src\/)?[\w]+\/wsgi\.py$/)[0]
    if (wsgi) return found(`${toModule(wsgi)}:application`, 'high', f.path(wsgi), 'the Django project’s WSGI module')
  }
  if (framework === 'flask') {
    for (const file of f.find(/^(?:src\/)?(?:[\w]+\/){0,2}[\w]+\.py$/).filter((p) => !/(^|\/)tests?\//.test(p)).slice(0, 200)) {
      const m = /^(\w+)\s*=\s*Flask\(/m.exec(f.read(file) ?? '')
      if (m) return found(`${toModule(file)}:${m[1]}`, 'high', f.path(file), `${m[1]} = Flask(...)`)
      const factory = /^def (create_app)\(/m.exec(f.read(file) ?? '')
      if (factory) return found(`${toModule(file)}:create_app()`, 'medium', f.path(file), 'an application factory, create_app()')
    }
  }
  return undefined
}

/** Python projects: pyproject.toml, requirements.txt, Pipfile, setup.py or Django's manage.py. */
export const pythonRule: LanguageRule = {
  id: 'python',
  manifests: /^(?:pyproject\.toml|requirements\.txt|Pipfile|setup\.py|setup\.cfg|manage\.py)$/,
  detect(f, root) {
    const manifest = f.first('pyproject.toml', 'requirements.txt', 'Pipfile', 'setup.py', 'setup.cfg', 'manage.py')
    if (!manifest) return undefined
    const file = f.path(manifest)
    const deps = dependencies(f)
    // Runtime dependencies name the framework; a dev-only one (a test client) does not.
    const has = (n: string) => deps.find((d) => d.name === n && !d.dev) ?? deps.find((d) => d.name === n)
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const py = f.read('pyproject.toml') ?? ''
    const name = /^\[(?:project|tool\.poetry)\][\s\S]*?^name\s*=\s*["']([^"']+)/m.exec(py)?.[1]
    const out: ProjectFindings = { language: 'python', manifest: file, strength: 1, sourceExt: /\.py$|(^|\/)Procfile$/, deps, app: {}, warnings, notes, ...(name ? { name } : {}) }
    // Dependencies first, layout second: a manage.py that runs flask.cli is a Flask app's.
    const django = has('django')
    const manage = f.read('manage.py')
    const flaskManage = manage !== undefined && /\bflask(?:\.cli|_script)?\b/.test(manage) && !/\bdjango\b/.test(manage)
    const anyFramework = ['fastapi', 'flask', 'starlette', 'litestar', 'aiohttp', 'sanic', 'tornado', 'bottle', 'falcon', 'quart'].some((n) => has(n))
    if (django || (manage !== undefined && !flaskManage && !anyFramework)) {
      out.framework = django ? found('django', 'high', django.file, 'depends on Django') : found('django', 'medium', f.path('manage.py'), "Django's manage.py")
      out.defaultPort = { port: 8000, confidence: 'medium', reason: 'gunicorn and runserver listen on 8000' }
    } else if (has('fastapi')) {
      out.framework = found('fastapi', 'high', has('fastapi')!.file, 'depends on FastAPI')
      out.defaultPort = { port: 8000, confidence: 'medium', reason: 'uvicorn listens on 8000 unless told otherwise' }
    } else if (has('flask')) {
      out.framework = found('flask', 'high', has('flask')!.file, `depends on Flask${flaskManage ? ' (manage.py runs flask.cli, not Django)' : ''}`)
      out.defaultPort = { port: 8000, confidence: 'low', reason: 'gunicorn listens on 8000 (the Flask dev server on 5000)' }
    } else {
      const other = ['starlette', 'litestar', 'aiohttp', 'sanic', 'tornado', 'bottle', 'falcon', 'quart'].find((n) => has(n))
      if (other) {
        out.framework = found('fastapi', 'low', has(other)!.file, `depends on ${other}: an ASGI/WSGI app this tool has no framework entry for; the FastAPI files run any ASGI app on uvicorn`)
        out.frameworkName = other
      }
    }
    if (out.framework) out.strength = out.framework.confidence === 'high' ? 3 : 2
    else if (f.first('main.py', 'app.py', 'src/main.py', 'Procfile')) {
      out.strength = 2
      notes.push({ file: f.path(f.first('main.py', 'app.py', 'src/main.py', 'Procfile')!), reason: 'runs, but uses no web framework this tool knows' })
    } else out.notRunnable = 'no web framework and no main module: a library or tooling'

    // Lockfiles first: they say which tool installs; then the manifests. A workspace member's
    // lockfile is the root's.
    const member = !f.has('uv.lock') && !f.has('poetry.lock') ? pythonWorkspaceMember(f, root, name) : undefined
    if (member) {
      out.packageManager = found(member.manager, 'high', root.path(member.lockfile), "the workspace root's lockfile")
      Object.assign(out.app, { buildContext: member.buildContext, memberDir: member.memberDir, workspacePackage: member.workspacePackage, installFiles: member.installFiles })
      notes.push(member.note)
    } else if (f.has('uv.lock')) out.packageManager = found('uv', 'high', f.path('uv.lock'), 'lockfile')
    else if (f.has('poetry.lock')) out.packageManager = found('poetry', 'high', f.path('poetry.lock'), 'lockfile')
    else if (f.has('Pipfile.lock') || f.has('Pipfile')) out.packageManager = found('pipenv', f.has('Pipfile.lock') ? 'high' : 'medium', f.path(f.first('Pipfile.lock', 'Pipfile')!), 'Pipenv')
    else if (/^\[tool\.poetry\]/m.test(py)) out.packageManager = found('poetry', 'medium', file, '[tool.poetry] without poetry.lock')
    else if (f.has('requirements.txt') || f.find(/^requirements\/[\w.-]+\.txt$/).length) {
      const reqs = f.first('requirements.txt') ?? f.find(/^requirements\/[\w.-]+\.txt$/)[0]!
      out.packageManager = found('pip', 'high', f.path(reqs), reqs)
      const text = f.read('requirements.txt') ?? ''
      if (!text.includes('--hash=')) {
        warnings.push({ code: 'no-lockfile', file: f.path('requirements.txt'), message: 'requirements.txt has no hashes: the image installs with --require-hashes; lock it with `uv pip compile --generate-hashes` (and requirements-dev.txt for the dev and test images)' })
      }
    } else if (f.has('pdm.lock')) out.packageManager = found('uv', 'low', f.path('pdm.lock'), 'PDM is not supported; uv reads the same pyproject.toml')
    else if (py) {
      out.packageManager = found('uv', 'low', file, 'pyproject.toml without a lockfile')
      warnings.push({ code: 'no-lockfile', file, message: 'no lockfile: the image installs exactly what a lockfile says; run `uv lock` and commit uv.lock' })
    }
    if ((out.packageManager?.value === 'uv' && f.has('poetry.lock')) || (f.has('uv.lock') && f.has('Pipfile.lock'))) {
      warnings.push({ code: 'two-lockfiles', file, message: 'lockfiles of two tools: keep the one your team uses and delete the other' })
    }

    const srcLayout = f.files.some((p) => p.startsWith('src/') && p.endsWith('.py'))
    out.app.srcLayout = srcLayout
    const wsgi = out.framework && ['flask', 'django'].includes(out.framework.value) ? wsgiApp(f, out.framework.value, srcLayout) : undefined
    if (wsgi) {
      out.app.wsgiApp = wsgi.value
      out.startCommand = { ...wsgi, value: `gunicorn ${wsgi.value}` }
    }
    if (out.framework?.value === 'fastapi') {
      for (const file of f.find(/^(?:src\/)?(?:[\w]+\/){0,2}[\w]+\.py$/).filter((p) => !/(^|\/)tests?\//.test(p)).slice(0, 200)) {
        const m = /^(\w+)\s*=\s*FastAPI\(/m.exec(f.read(file) ?? '')
        if (m) {
          const mod = moduleOf(file, srcLayout)
          out.app.asgiApp = `${mod}:${m[1]}`
          out.startCommand = found(`uvicorn ${mod}:${m[1]}`, 'high', f.path(file), `${m[1]} = FastAPI(...)`)
          break
        }
      }
    }
    const web = /^web:\s*(.+)$/m.exec(f.read('Procfile') ?? '')
    if (web) out.startCommand = found(web[1]!.trim(), 'high', f.path('Procfile'), 'Procfile web process')

    const runtime = /python-(\d+\.\d+(?:\.\d+)?)/.exec(f.read('runtime.txt') ?? '')
    const pipfilePy = /python_(?:full_)?version\s*=\s*["']([\d.]+)/.exec(f.read('Pipfile') ?? '')
    const requires = /^requires-python\s*=\s*["']([^"']+)/m.exec(py)
    const poetryPy = /^\[tool\.poetry\.dependencies\][\s\S]*?^python\s*=\s*["']([^"']+)/m.exec(py)
    const v = firstVersion('python', [
      versionFile(f, '.python-version'),
      toolVersionFiles(f, 'python'),
      runtime ? { text: runtime[1]!, file: f.path('runtime.txt'), reason: runtime[0] } : undefined,
      pipfilePy ? { text: pipfilePy[1]!, file: f.path('Pipfile'), reason: pipfilePy[0] } : undefined,
      requires ? { text: requires[1]!, file, reason: `requires-python = "${requires[1]}"`, minimum: true } : undefined,
      poetryPy ? { text: poetryPy[1]!, file, reason: `python = "${poetryPy[1]}"`, minimum: true } : undefined,
      ...(f.dir !== root.dir ? [versionFile(root, '.python-version'), toolVersionFiles(root, 'python')] : []),
    ])
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

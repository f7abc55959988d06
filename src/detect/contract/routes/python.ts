import { posix } from 'node:path'
import type { AppCode } from '../sources.js'
import { closing, joinPath, oneLine, splitArgs } from '../sources.js'
import { healthish, type Route } from './types.js'

interface Obj {
  file: string
  name: string
  kind: 'app' | 'router'
  own: string | null
}

/** A module's file: `a.b` → a/b.py or a/b/__init__.py, also below src/. */
function moduleFile(code: AppCode, mod: string): string | undefined {
  const base = mod.replace(/\./g, '/')
  return [`${base}.py`, `${base}/__init__.py`, `src/${base}.py`, `src/${base}/__init__.py`].find((c) => code.f.has(c))
}

/** The dotted module of a file, as its own imports name it. */
function moduleOf(file: string): string {
  return file.replace(/^src\//, '').replace(/\.py$/, '').replace(/\/__init__$/, '').replace(/\//g, '.')
}

/** `from .x import y` from inside a file: the absolute module. */
function absolute(file: string, mod: string): string {
  const dots = /^\.+/.exec(mod)?.[0].length ?? 0
  if (dots === 0) return mod
  const pkg = moduleOf(file).split('.')
  // A module's package is its parent; an __init__'s is itself.
  const up = file.endsWith('__init__.py') ? dots - 1 : dots
  const base = pkg.slice(0, pkg.length - up)
  const rest = mod.slice(dots)
  return [...base, ...(rest ? [rest] : [])].join('.')
}

/**
 * A string expression's value: a literal, an f-string of settings constants, or a constant
 * assigned a literal somewhere in the code (`API_V1_STR: str = "/api/v1"`). Null: not known.
 */
function stringValue(code: AppCode, expr: string): string | null {
  const e = expr.trim()
  const lit = /^[rbu]?(['"])(.*)\1$/s.exec(e)
  if (lit) return lit[2]!
  const f = /^f(['"])(.*)\1$/s.exec(e)
  if (f) {
    let ok = true
    const v = f[2]!.replace(/\{([\w.]+)\}/g, (_, name: string) => {
      const r = constant(code, name)
      if (r === null) ok = false
      return r ?? ''
    })
    return ok ? v : null
  }
  if (/^[\w.]+$/.test(e)) return constant(code, e)
  const concat = e.split(/\s*\+\s*/)
  if (concat.length > 1) {
    const parts = concat.map((c) => stringValue(code, c))
    return parts.every((p) => p !== null) ? parts.join('') : null
  }
  return null
}

function constant(code: AppCode, dotted: string): string | null {
  const name = dotted.split('.').pop()!
  for (const { text } of code.sources) {
    const m = new RegExp(`^\\s*${name}\\s*(?::\\s*[\\w\\[\\], |.]+)?=\\s*(['"])([^'"]*)\\1`, 'm').exec(text)
    if (m) return m[2]!
  }
  return null
}

/** FastAPI and Flask routes with their routers' and blueprints' prefixes; Django URLconfs. */
export function pythonRoutes(code: AppCode): Route[] {
  return code.framework === 'django' ? djangoRoutes(code) : appRoutes(code)
}

function appRoutes(code: AppCode): Route[] {
  const py = code.sources.filter((s) => s.file.endsWith('.py'))
  const objs: Obj[] = []
  const mounts: { file: string; parent: string; child: string; prefix: string | null }[] = []
  const raw: { file: string; owner: string; path: string | null; snippet: string }[] = []
  for (const { file, text } of py) {
    for (const m of text.matchAll(/^\s*(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(FastAPI|APIRouter|Flask|Quart|Blueprint|Starlette|Sanic)\(/gm)) {
      const open = m.index + m[0].length - 1
      const args = text.slice(open + 1, Math.max(open + 1, closing(text, open)))
      const pre = /\b(?:prefix|url_prefix)\s*=\s*([^,)\n]+)/.exec(args)?.[1]
      objs.push({ file, name: m[1]!, kind: /FastAPI|Flask|Quart|Starlette|Sanic/.test(m[2]!) ? 'app' : 'router', own: pre ? stringValue(code, pre) : '' })
    }
    for (const m of text.matchAll(/@(\w+)\.(get|head|api_route|route)\(/g)) {
      const open = m.index + m[0].length - 1
      const args = splitArgs(text.slice(open + 1, Math.max(open + 1, closing(text, open))))
      if ((m[2] === 'route' || m[2] === 'api_route') && /methods\s*=/.test(args.join(',')) && !/methods\s*=\s*[[(][^\])]*['"](?:GET|HEAD)['"]/i.test(args.join(','))) continue
      const first = args.find((a) => !/^\w+\s*=/.test(a)) ?? /\b(?:path|rule)\s*=\s*(.+)/.exec(args.join(','))?.[1] ?? ''
      raw.push({ file, owner: m[1]!, path: stringValue(code, first), snippet: oneLine(`@${m[1]}.${m[2]}(${args[0] ?? ''})`) })
    }
    for (const m of text.matchAll(/(\w+)\.(add_api_route|add_url_rule)\(\s*([^,)]+)/g)) raw.push({ file, owner: m[1]!, path: stringValue(code, m[3]!), snippet: oneLine(m[0]) })
    for (const m of text.matchAll(/(\w+)\.(include_router|register_blueprint|mount)\(/g)) {
      const open = m.index + m[0].length - 1
      const args = splitArgs(text.slice(open + 1, Math.max(open + 1, closing(text, open))))
      if (m[2] === 'mount') {
        if (args[1]) mounts.push({ file, parent: m[1]!, child: args[1], prefix: stringValue(code, args[0] ?? '') })
        continue
      }
      const pre = args.find((a) => /^(?:prefix|url_prefix)\s*=/.test(a))?.replace(/^\w+\s*=\s*/, '')
      mounts.push({ file, parent: m[1]!, child: args[0] ?? '', prefix: pre === undefined ? '' : stringValue(code, pre) })
    }
  }
  /** The object an expression names in a file: local, imported by name, or a module's attribute. */
  const resolve = (file: string, expr: string): Obj | undefined => {
    const e = expr.trim()
    const local = objs.find((o) => o.file === file && o.name === e)
    if (local) return local
    const text = py.find((s) => s.file === file)?.text ?? ''
    const [head, attr] = e.includes('.') ? [e.slice(0, e.lastIndexOf('.')), e.slice(e.lastIndexOf('.') + 1)] : [e, undefined]
    for (const m of text.matchAll(/^\s*from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n]+)/gm)) {
      for (const n of m[2]!.replace(/[()]/g, '').split(/[,\n]/)) {
        const [orig, alias] = n.trim().split(/\s+as\s+/)
        if (!orig || (alias ?? orig) !== head.split('.')[0]) continue
        const mod = absolute(file, m[1]!)
        // `from pkg import module` then `module.router`, or `from module import router`.
        const sub = moduleFile(code, `${mod}.${orig}`)
        if (sub && attr) return objs.find((o) => o.file === sub && o.name === attr)
        const target = moduleFile(code, mod)
        if (target && !attr) return objs.find((o) => o.file === target && o.name === orig)
      }
    }
    for (const m of text.matchAll(/^\s*import\s+([\w.]+)(?:\s+as\s+(\w+))?\s*$/gm)) {
      if ((m[2] ?? m[1]) !== head || !attr) continue
      const target = moduleFile(code, m[1]!)
      if (target) return objs.find((o) => o.file === target && o.name === attr)
    }
    return undefined
  }
  const prefixOf = (o: Obj, depth = 0): string | null => {
    if (o.own === null || depth > 6) return null
    const m = mounts.find((x) => resolve(x.file, x.child) === o)
    if (!m) return o.kind === 'app' ? o.own : null
    const parent = resolve(m.file, m.parent)
    const pp = parent ? prefixOf(parent, depth + 1) : null
    return pp === null || m.prefix === null ? null : joinPath(pp, m.prefix, o.own)
  }
  const out: Route[] = []
  for (const r of raw) {
    const o = resolve(r.file, r.owner)
    if (!o) continue
    if (r.path === null) continue
    if (!healthish(r.path)) continue
    const prefix = prefixOf(o)
    out.push({
      path: prefix === null ? null : joinPath(prefix, r.path),
      file: r.file,
      reason: prefix === null ? `\`${r.snippet}\` on a router whose prefix is not written out` : `\`${r.snippet}\`${prefix ? ` (under ${prefix})` : ''}`,
    })
  }
  return out
}

/** Django: the URLconf tree from ROOT_URLCONF, `include()` prefixes joined. */
function djangoRoutes(code: AppCode): Route[] {
  const settings = code.sources.find((s) => /^\s*ROOT_URLCONF\s*=/m.test(s.text))
  const rootConf = settings ? /^\s*ROOT_URLCONF\s*=\s*['"]([\w.]+)['"]/m.exec(settings.text)?.[1] : undefined
  const rootFile = rootConf ? moduleFile(code, rootConf) : code.f.find(/^(?:src\/)?\w+\/urls\.py$/).find((u) => code.f.has(posix.join(posix.dirname(u), 'settings.py')) || code.f.has(posix.join(posix.dirname(u), 'wsgi.py')))
  if (!rootFile) return []
  const out: Route[] = []
  const walk = (file: string, prefix: string, depth: number) => {
    const text = code.f.read(file) ?? ''
    for (const m of text.matchAll(/\b(path|re_path|url)\(\s*(r?)(['"])([^'"]*)\3\s*,\s*(include\(\s*(?:(['"])([\w.]+)\6|\(?\s*([\w.]+))?)?/g)) {
      let route = m[4]!
      if (m[1] !== 'path') {
        route = route.replace(/^\^/, '').replace(/\$$/, '').replace(/\/\?$/, '/')
        if (/[\\()[\]?*+|{}]/.test(route)) continue
      }
      const full = `${prefix}${route}`
      if (m[5]) {
        const mod = m[7]
        if (mod && /(?:^|\.)health_check\.urls$/.test(mod)) {
          // django-health-check answers at the include's own path.
          out.push({ path: `/${full}`, file, reason: `include("${mod}") (django-health-check)` })
          continue
        }
        const target = mod ? moduleFile(code, mod) : undefined
        if (target && depth < 5) walk(target, full, depth + 1)
        continue
      }
      if (healthish(`/${full}`)) out.push({ path: `/${full}`, file, reason: `${m[1]}("${m[4]}")${prefix ? ` included under ${prefix}` : ''}` })
    }
  }
  walk(rootFile, '', 0)
  return out
}


import { posix } from 'node:path'
import type { AppCode } from '../sources.js'
import { closing, joinPath, oneLine, splitArgs } from '../sources.js'
import { healthish, type Route } from './types.js'

interface Obj {
  file: string
  name: string
  /** An app answers at the root unless mounted; a router only where it is mounted. */
  kind: 'app' | 'router'
  own: string
}
interface Mount {
  file: string
  parent: string
  prefix: string
  child: { file: string; name: string | undefined } | undefined
}

const APP_CTOR = /^(?:express|fastify|Fastify|Koa|Hono|OpenAPIHono|polka|restify\.createServer|createApp|connect|Elysia)$/
const ROUTER_CTOR = /^(?:express\.Router|Router|KoaRouter|createRouter|Router\.Router)$/

const resolveModule = (code: AppCode, from: string, spec: string): string | undefined => {
  if (!spec.startsWith('.')) return undefined
  const base = posix.normalize(posix.join(posix.dirname(from), spec)).replace(/^\.\//, '')
  const stem = base.replace(/\.[cm]?js$/, '')
  const tries = [base, `${stem}.ts`, `${stem}.js`, `${stem}.mjs`, `${stem}.cjs`, `${stem}.tsx`, `${stem}/index.ts`, `${stem}/index.js`]
  return tries.find((t) => code.f.has(t))
}

/** Express, Fastify, Koa, Hono routes with their routers' mount prefixes; Nest controllers; Next.js route files. */
export function nodeRoutes(code: AppCode): Route[] {
  return [...serverRoutes(code), ...nestRoutes(code), ...nextRoutes(code)]
}

function serverRoutes(code: AppCode): Route[] {
  const objs: Obj[] = []
  const mounts: Mount[] = []
  const raw: { file: string; owner: string; path: string; snippet: string }[] = []
  const imports = new Map<string, Map<string, { file: string; named: string | undefined }>>()
  const defaults = new Map<string, string>()

  for (const { file, text } of code.sources) {
    if (!/\.(?:[cm]?[jt]sx?)$|(^|\/)bin\/www$/.test(file)) continue
    const imp = new Map<string, { file: string; named: string | undefined }>()
    for (const m of text.matchAll(/import\s+(?:(\w+)|\*\s+as\s+(\w+)|\{([^}]*)\})\s+from\s+['"]([^'"]+)['"]/g)) {
      const target = resolveModule(code, file, m[4]!)
      if (!target) continue
      if (m[1] ?? m[2]) imp.set((m[1] ?? m[2])!, { file: target, named: undefined })
      for (const n of (m[3] ?? '').split(',')) {
        const [orig, alias] = n.split(/\s+as\s+/).map((x) => x.trim())
        if (orig) imp.set(alias ?? orig, { file: target, named: orig === 'default' ? undefined : orig })
      }
    }
    for (const m of text.matchAll(/(?:const|let|var)\s+(?:(\w+)|\{([^}]*)\})\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)(?:\.(\w+))?/g)) {
      const target = resolveModule(code, file, m[3]!)
      if (!target) continue
      if (m[1]) imp.set(m[1], { file: target, named: m[4] })
      for (const n of (m[2] ?? '').split(',')) {
        const [orig, alias] = n.split(':').map((x) => x.trim())
        if (orig) imp.set(alias ?? orig, { file: target, named: orig })
      }
    }
    imports.set(file, imp)
    const def = /(?:module\.exports\s*=|export\s+default)\s+(\w+)\s*;?\s*$/m.exec(text)
    if (def) defaults.set(file, def[1]!)

    for (const m of text.matchAll(/(?:const|let|var)\s+(\w+)\s*(?::\s*[\w.<>, ]+)?=\s*(?:await\s+)?(?:new\s+)?([\w.]+)\s*\(/g)) {
      const ctor = m[2]!
      const args = text.slice(m.index + m[0].length - 1, Math.max(m.index + m[0].length, closing(text, m.index + m[0].length - 1) + 1))
      const tail = text.slice(m.index + m[0].length - 1 + args.length, m.index + m[0].length + args.length + 60)
      const basePath = /^\s*\.basePath\(\s*['"`]([^'"`]+)['"`]/.exec(tail)?.[1]
      const own = /prefix:\s*['"`]([^'"`]*)['"`]/.exec(args)?.[1] ?? basePath ?? ''
      if (APP_CTOR.test(ctor)) objs.push({ file, name: m[1]!, kind: 'app', own })
      else if (ROUTER_CTOR.test(ctor)) objs.push({ file, name: m[1]!, kind: 'router', own })
    }
    for (const m of text.matchAll(/(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*['"](express|fastify|koa|polka|restify|hono)['"]\s*\)\s*\(/g)) objs.push({ file, name: m[1]!, kind: 'app', own: '' })
    // Fastify plugins: `async function routes(fastify, opts)`, `export default async (app: FastifyInstance) =>`.
    if (code.p.deps.some((d) => d.name === 'fastify' || d.name.startsWith('@fastify/')) && /fastify|register\(|\.get\(/i.test(text)) {
      for (const m of text.matchAll(/(?:function\s*\w*\s*\(\s*(\w+)\s*(?::\s*FastifyInstance)?\s*[,)]|\(\s*(\w+)\s*:\s*FastifyInstance\b)/g)) {
        objs.push({ file, name: (m[1] ?? m[2])!, kind: 'router', own: '' })
      }
    }
    const childOf = (expr: string): Mount['child'] => {
      const req = /require\(\s*['"]([^'"]+)['"]\s*\)/.exec(expr)
      if (req) {
        const target = resolveModule(code, file, req[1]!)
        return target ? { file: target, name: undefined } : undefined
      }
      const id = /^(\w+)(?:\.routes\(\)|\.default)?$/.exec(expr.trim())?.[1]
      if (!id) return undefined
      if (objs.some((o) => o.file === file && o.name === id)) return { file, name: id }
      const i = imp.get(id)
      return i ? { file: i.file, name: i.named } : undefined
    }
    for (const m of text.matchAll(/(\w+)\s*\.\s*(use|register|route)\(/g)) {
      const open = m.index + m[0].length - 1
      const close = closing(text, open)
      if (close < 0) continue
      const args = splitArgs(text.slice(open + 1, close))
      if (m[2] === 'register') {
        const prefix = /prefix:\s*['"`]([^'"`]*)['"`]/.exec(args[1] ?? '')?.[1]
        mounts.push({ file, parent: m[1]!, prefix: prefix ?? '', child: childOf(args[0] ?? '') })
        continue
      }
      const lit = /^['"`](\/[^'"`]*)['"`]$/.exec(args[0]?.trim() ?? '')
      const last = args[args.length - 1] ?? ''
      if (lit && args.length >= 2 && /^\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*=>|^\s*(?:async\s+)?function\b/.test(last) && m[2] === 'use') {
        // `app.use('/healthz', (req, res) => ...)`: a handler answering at that path.
        raw.push({ file, owner: m[1]!, path: lit[1]!, snippet: text.slice(m.index, open + 40) })
        continue
      }
      if (m[2] === 'route' && lit && args.length === 1) {
        // Express `router.route('/health').get(...)`.
        if (/^\s*\.\s*(?:get|all)\(/.test(text.slice(close + 1, close + 20))) raw.push({ file, owner: m[1]!, path: lit[1]!, snippet: text.slice(m.index, close + 8) })
        continue
      }
      if (m[2] === 'use' || (m[2] === 'route' && lit)) mounts.push({ file, parent: m[1]!, prefix: lit ? lit[1]! : '', child: childOf(last) })
    }
    for (const m of text.matchAll(/(\w+)\s*\.\s*(get|all|head)\(\s*(['"`])(\/[^'"`]*)\3/g)) raw.push({ file, owner: m[1]!, path: m[4]!, snippet: m[0] })
    for (const m of text.matchAll(/(\w+)\s*\.\s*route\(\s*\{([^}]*)\}/g)) {
      const url = /url:\s*['"`](\/[^'"`]*)['"`]/.exec(m[2]!)?.[1]
      if (url && /method:\s*\[?[^\]]*['"](?:GET|HEAD)['"]/i.test(m[2]!)) raw.push({ file, owner: m[1]!, path: url, snippet: oneLine(m[0]) })
    }
    // @godaddy/terminus answers its health checks on the server it wraps.
    const terminus = /healthChecks:\s*\{([^}]*)\}/.exec(text)
    if (terminus && /createTerminus|terminus/.test(text)) {
      for (const m of terminus[1]!.matchAll(/['"](\/[^'"]+)['"]\s*:/g)) raw.push({ file, owner: '<server>', path: m[1]!, snippet: 'createTerminus healthChecks' })
    }
  }

  /** The object a mount's child names: a local or imported router, or a module's default export. */
  const target = (c: NonNullable<Mount['child']>): Obj | undefined => {
    const inFile = objs.filter((o) => o.file === c.file)
    if (c.name) return inFile.find((o) => o.name === c.name)
    const def = defaults.get(c.file)
    return inFile.find((o) => o.name === def) ?? (inFile.length === 1 ? inFile[0] : undefined)
  }
  const prefixOf = (o: Obj, depth = 0): string | null => {
    if (depth > 6) return null
    const m = mounts.find((x) => x.child && target(x.child) === o)
    if (!m) return o.kind === 'app' ? o.own : null
    const parent = ownerObj(m.file, m.parent)
    const pp = parent ? prefixOf(parent, depth + 1) : null
    return pp === null ? null : joinPath(pp, m.prefix, o.own)
  }
  const ownerObj = (file: string, name: string): Obj | undefined => {
    const local = objs.find((o) => o.file === file && o.name === name)
    if (local) return local
    const i = imports.get(file)?.get(name)
    return i ? target({ file: i.file, name: i.named }) : undefined
  }

  const out: Route[] = []
  for (const r of raw) {
    if (!healthish(r.path)) continue
    if (r.owner === '<server>') {
      out.push({ path: r.path, file: r.file, reason: r.snippet })
      continue
    }
    const o = ownerObj(r.file, r.owner)
    // `axios.get('/health')` and other clients are not servers: only known apps and routers count.
    if (!o) continue
    const prefix = prefixOf(o)
    out.push({
      path: prefix === null ? null : joinPath(prefix, r.path),
      file: r.file,
      reason: prefix === null ? `\`${oneLine(r.snippet, 60)}\` on a router whose mount path is not written out` : `\`${oneLine(r.snippet, 60)}\`${prefix ? ` (mounted at ${prefix})` : ''}`,
    })
  }
  return out
}

function nestRoutes(code: AppCode): Route[] {
  const main = code.sources.find((s) => /NestFactory\.create/.test(s.text))
  let global = ''
  let unknownGlobal = false
  if (main) {
    const g = /setGlobalPrefix\(\s*(['"`])([^'"`]*)\1\s*(,\s*\{[\s\S]*?\})?\s*\)/.exec(main.text)
    if (g) {
      global = g[2]!
      // Excluded routes answer without the prefix: which ones is in the option, read it as unknown.
      if (g[3]) unknownGlobal = true
    } else if (/setGlobalPrefix\(/.test(main.text)) unknownGlobal = true
    if (/enableVersioning\(/.test(main.text)) unknownGlobal = true
  }
  const out: Route[] = []
  for (const { file, text } of code.sources) {
    for (const c of text.matchAll(/@Controller\(\s*(?:(['"`])([^'"`]*)\1|\{[^}]*?path:\s*['"`]([^'"`]*)['"`][^}]*\})?\s*\)/g)) {
      const base = c[2] ?? c[3] ?? ''
      const next = text.indexOf('@Controller(', c.index + 1)
      const body = text.slice(c.index, next < 0 ? undefined : next)
      for (const g of body.matchAll(/@Get\(\s*(?:(['"`])([^'"`]*)\1)?\s*\)/g)) {
        const path = joinPath('/', base, g[2] ?? '')
        if (!healthish(path)) continue
        out.push({
          path: unknownGlobal ? null : joinPath('/', global, path),
          file,
          reason: unknownGlobal ? `@Controller('${base}') @Get('${g[2] ?? ''}'), under a global prefix or versioning whose effect on this route is not written out` : `@Controller('${base}') @Get('${g[2] ?? ''}')${global ? ` under the global prefix ${global}` : ''}`,
        })
      }
    }
  }
  return out
}

/** Next.js route handlers (`route.ts` files under app/ exporting GET) and API routes (pages/api). */
function nextRoutes(code: AppCode): Route[] {
  if (code.framework !== 'next') return []
  const config = code.f.find(/^next\.config\.[cm]?[jt]s$/).map((c) => code.f.read(c) ?? '').join('\n')
  const basePathMatch = /basePath:\s*(?:(['"`])([^'"`]*)\1|[^,\n}]+)/.exec(config)
  const basePath = basePathMatch ? (basePathMatch[2] ?? null) : ''
  const out: Route[] = []
  for (const file of code.f.files) {
    const app = /^(?:src\/)?app\/(.*?)\/?route\.[jt]s$/.exec(file)
    const pages = /^(?:src\/)?pages\/api\/(.*?)\.[jt]s$/.exec(file)
    const rel = app?.[1] ?? (pages ? `api/${pages[1]!.replace(/(?:^|\/)index$/, '')}` : undefined)
    if (rel === undefined) continue
    const segs = rel.split('/').filter((s) => s && !/^\(.*\)$/.test(s) && !s.startsWith('@'))
    const path = `/${segs.join('/')}`
    if (!healthish(path)) continue
    if (app && !/export\s+(?:async\s+)?(?:function\s+GET\b|const\s+GET\b)|export\s*\{[^}]*\bGET\b/.test(code.f.read(file) ?? '')) continue
    out.push({ path: basePath === null ? null : joinPath('/', basePath, path), file, reason: `${app ? 'a route handler exporting GET' : 'an API route'}${basePath ? ` under basePath ${basePath}` : basePath === null ? ' under a computed basePath' : ''}` })
  }
  return out
}


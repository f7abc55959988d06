import { posix } from 'node:path'
import { jvmConfig } from '../config.js'
import type { AppCode } from '../sources.js'
import { joinPath } from '../sources.js'
import { healthish, type Route } from './types.js'

const strings = (args: string | undefined): string[] => [...(args ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1]!)

/** The path of a mapping annotation's arguments: the bare value, `value =` or `path =`, or '' when absent. */
function mappingPath(args: string | undefined): string | undefined {
  if (args === undefined || !args.trim()) return ''
  const named = /\b(?:value|path)\s*=\s*(\{[^}]*\}|"[^"]*")/.exec(args)
  const source = named ? named[1]! : /^\s*(\{[^}]*\}|"[^"]*")/.exec(args)?.[1]
  if (source === undefined) return /^\s*\w+\s*=/.test(args) ? '' : undefined
  return strings(source)[0] ?? ''
}

/** Spring MVC/WebFlux controllers and JAX-RS resources (Quarkus), with the context path. */
export function javaRoutes(code: AppCode): Route[] {
  const cfg = jvmConfig(code)
  const context =
    code.framework === 'quarkus'
      ? joinPath('/', cfg.get('quarkus.http.root-path')?.value ?? '', cfg.get('quarkus.rest.path')?.value ?? cfg.get('quarkus.resteasy-reactive.path')?.value ?? cfg.get('quarkus.resteasy.path')?.value ?? '')
      : joinPath('/', cfg.get('server.servlet.context-path')?.value ?? '', cfg.get('spring.mvc.servlet.path')?.value ?? '', cfg.get('spring.webflux.base-path')?.value ?? '')
  const unknownContext = /\$\{/.test(context)
  const out: Route[] = []
  for (const { file, text } of code.sources) {
    if (!/\.(?:java|kt)$/.test(file)) continue
    const classAt = text.search(/\b(?:class|object)\s+\w+/)
    if (classAt < 0) continue
    const head = text.slice(0, classAt)
    const body = text.slice(classAt)
    if (/@(?:Rest)?Controller\b/.test(head)) {
      const base = /@RequestMapping\(([^)]*)\)/.exec(head)
      const basePath = base ? (mappingPath(base[1]) ?? null) : ''
      for (const m of body.matchAll(/@(GetMapping|RequestMapping)(?:\(([^)]*)\))?/g)) {
        if (m[1] === 'RequestMapping' && /method\s*=/.test(m[2] ?? '') && !/RequestMethod\.GET/.test(m[2]!)) continue
        const path = mappingPath(m[2])
        if (path === undefined || basePath === null) continue
        const full = joinPath('/', basePath, path)
        if (!healthish(full)) continue
        out.push({ path: unknownContext ? null : joinPath(context, full), file, reason: `@${m[1]}(${m[2] ?? ''})${basePath ? ` in @RequestMapping("${basePath}")` : ''}${context !== '/' ? ` under the context path ${context}` : ''}` })
      }
    }
    if (/@Path\(/.test(head) || /@Path\(/.test(body)) {
      const base = /@Path\(\s*"([^"]*)"\s*\)/.exec(head)?.[1] ?? ''
      const app = code.sources.map((s) => /@ApplicationPath\(\s*"([^"]*)"\s*\)/.exec(s.text)?.[1]).find((x) => x !== undefined) ?? ''
      for (const m of body.matchAll(/@GET\b((?:\s*@\w+(?:\([^)]*\))?)*)/g)) {
        const sub = /@Path\(\s*"([^"]*)"\s*\)/.exec(m[1] ?? '')?.[1] ?? ''
        const full = joinPath('/', app, base, sub)
        if (!healthish(full)) continue
        out.push({ path: unknownContext ? null : joinPath(context, full), file, reason: `@GET${sub ? ` @Path("${sub}")` : ''} in @Path("${base}")${context !== '/' ? ` under ${context}` : ''}` })
      }
    }
  }
  return out
}

/**
 * The web project's folder relative to the service folder, with a trailing slash ('' for the
 * folder itself). `appProject` is relative to the build context: the service folder, or the
 * solution folder above it when the solution has several web projects (`buildContext`).
 */
function webProjectDir(code: AppCode): string {
  const { appProject, buildContext } = code.p.app
  if (!appProject) return ''
  const dir = posix.dirname(appProject)
  const fromService = buildContext ? posix.normalize(posix.join(buildContext, dir)) : dir
  return fromService === '.' || fromService.startsWith('..') ? '' : `${fromService}/`
}

/** ASP.NET Core minimal APIs (MapGet, MapHealthChecks, MapGroup) and attribute-routed controllers. */
export function dotnetRoutes(code: AppCode): Route[] {
  const out: Route[] = []
  // In a solution, only the published web project's routes are the service's.
  const dir = webProjectDir(code)
  for (const { file, text } of code.sources) {
    if (!file.endsWith('.cs') || !file.startsWith(dir)) continue
    const groups = new Map<string, { parent: string; prefix: string }>()
    for (const m of text.matchAll(/(?:var|RouteGroupBuilder)\s+(\w+)\s*=\s*(\w+)\.MapGroup\(\s*"([^"]*)"/g)) groups.set(m[1]!, { parent: m[2]!, prefix: m[3]! })
    const prefixOf = (name: string, depth = 0): string => {
      const g = groups.get(name)
      return g && depth < 6 ? joinPath(prefixOf(g.parent, depth + 1), g.prefix) : '/'
    }
    for (const m of text.matchAll(/(\w+)((?:\.MapGroup\(\s*"[^"]*"\s*\))*)\.(MapGet|MapHealthChecks|UseHealthChecks|Map|MapMethods)\(\s*"([^"]+)"/g)) {
      if (m[3] === 'MapMethods' && !/"GET"/.test(text.slice(m.index, m.index + 200))) continue
      const inline = [...m[2]!.matchAll(/"([^"]*)"/g)].map((x) => x[1]!)
      const full = joinPath(prefixOf(m[1]!), ...inline, m[4]!)
      if (!healthish(full)) continue
      out.push({ path: full, file, reason: `${m[1]}${m[2]}.${m[3]}("${m[4]}")` })
    }
    for (const c of text.matchAll(/((?:\[(?:[^[\]]|\[[^\]]*\])*\]\s*)*)(?:public\s+)?(?:sealed\s+)?(?:partial\s+)?class\s+(\w+?)(?:Controller)?\s*[:({]/g)) {
      const attrs = c[1]!
      if (!/\[(?:Api)?Controller\]|\[Route\(/.test(attrs) && !/Controller\b/.test(c[0])) continue
      const name = c[2]!
      const base = (/\[Route\(\s*"([^"]*)"\s*\)\]/.exec(attrs)?.[1] ?? '').replace(/\[controller\]/gi, name)
      const start = c.index + c[0].length
      const next = text.slice(start).search(/\bclass\s+\w+/)
      const body = text.slice(start, next < 0 ? undefined : start + next)
      for (const m of body.matchAll(/\[HttpGet(?:\(\s*"([^"]*)"[^)]*\))?\]((?:\s*\[(?:[^[\]]|\[[^\]]*\])*\])*)/g)) {
        const route = m[1] ?? /\[Route\(\s*"([^"]*)"\s*\)\]/.exec(m[2] ?? '')?.[1] ?? ''
        if (/\[action\]/i.test(base + route)) continue
        const full = route.startsWith('/') || route.startsWith('~/') ? joinPath(route.replace(/^~/, '')) : joinPath('/', base, route)
        if (!healthish(full)) continue
        out.push({ path: full, file, reason: `[HttpGet${m[1] !== undefined ? `("${m[1]}")` : ''}] in ${name}Controller${base ? ` [Route("${base}")]` : ''}` })
      }
    }
  }
  return out
}

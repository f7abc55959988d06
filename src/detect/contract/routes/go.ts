import type { AppCode } from '../sources.js'
import { closing, joinPath, oneLine } from '../sources.js'
import { healthish, type Route } from './types.js'

const ROOT_CTOR = /^(?:gin\.(?:Default|New)|echo\.New|chi\.NewRouter|chi\.NewMux|mux\.NewRouter|http\.NewServeMux|fiber\.New|httprouter\.New|bunrouter\.New|gorillamux\.NewRouter)$/
/** Parameter types that are the root router (a function that registers routes on it). */
const ROOT_PARAM = /^\*?(?:gin\.Engine|echo\.Echo|http\.ServeMux|fiber\.App|mux\.Router|httprouter\.Router)$/

/** net/http, gin, echo, chi, fiber, gorilla/mux and httprouter routes with their groups' prefixes. */
export function goRoutes(code: AppCode): Route[] {
  const out: Route[] = []
  const go = code.sources.filter((s) => s.file.endsWith('.go'))
  const key = (expr: string) => expr.split('.').pop()!
  // Routers made in one file (a struct field set in NewServer) get routes in another of the package.
  const roots = new Set<string>()
  for (const { text } of go) for (const m of text.matchAll(/([\w.]+)\s*(?::?=|:)\s*&?([\w.]+)\(/g)) if (ROOT_CTOR.test(m[2]!)) roots.add(key(m[1]!))
  for (const { file, text } of go) {
    // Variable → its prefix relative to the root (null: a group of unknown origin).
    const vars = new Map<string, { parent: string | undefined; prefix: string }>()
    for (const r of roots) vars.set(r, { parent: undefined, prefix: '' })
    for (const m of text.matchAll(/func\s*(?:\([^)]*\)\s*)?\w*\s*\(([^)]*)\)/g)) {
      for (const p of m[1]!.split(',')) {
        const [name, type] = p.trim().split(/\s+/)
        if (name && type && ROOT_PARAM.test(type)) vars.set(name, { parent: undefined, prefix: '' })
      }
    }
    for (const m of text.matchAll(/([\w.]+)\s*:?=\s*([\w.]+)\.(?:Group\(\s*"([^"]*)"|PathPrefix\(\s*"([^"]*)"\s*\)\.Subrouter\(\))/g)) {
      vars.set(key(m[1]!), { parent: key(m[2]!), prefix: m[3] ?? m[4] ?? '' })
    }
    // chi's `r.Route("/api", func(r chi.Router) { ... })`: a block whose parameter carries the prefix.
    const blocks: { start: number; end: number; param: string; parent: string; prefix: string }[] = []
    for (const m of text.matchAll(/([\w.]+)\.(Route|Group)\(\s*(?:"([^"]*)"\s*,\s*)?func\s*\(\s*(\w+)\s+[\w.*]+\s*\)\s*\{/g)) {
      const open = m.index + m[0].length - 1
      blocks.push({ start: open, end: closing(text, open), param: m[4]!, parent: key(m[1]!), prefix: m[2] === 'Route' ? (m[3] ?? '') : '' })
    }
    const prefixAt = (name: string, at: number, depth = 0): string | null => {
      if (depth > 8) return null
      const block = blocks.filter((b) => b.param === name && b.start < at && at < b.end).sort((a, b) => b.start - a.start)[0]
      if (block) {
        const pp = prefixAt(block.parent, block.start, depth + 1)
        return pp === null ? null : joinPath(pp, block.prefix)
      }
      const v = vars.get(name)
      if (!v) return null
      if (v.parent === undefined) return v.prefix
      const pp = prefixAt(v.parent, at, depth + 1)
      return pp === null ? null : joinPath(pp, v.prefix)
    }
    for (const m of text.matchAll(/([\w.]+)\.(GET|Get|HEAD|Head|Any|Handle|HandleFunc|HandlerFunc|Handler|Method)\(\s*(?:(?:http\.MethodGet|"GET")\s*,\s*)?"([^"]+)"/g)) {
      let path = m[3]!
      const method = /^([A-Z]+)\s+(\/.*)$/.exec(path)
      if (method) {
        if (!/^(?:GET|HEAD)$/.test(method[1]!)) continue
        path = method[2]!
      }
      if (!path.startsWith('/') || !healthish(path)) continue
      // gorilla/mux: `.Methods("POST")` after the handler restricts it.
      const stmtEnd = text.indexOf('\n', m.index)
      const rest = text.slice(m.index, stmtEnd < 0 ? undefined : stmtEnd)
      const methods = /\.Methods\(([^)]*)\)/.exec(rest)?.[1]
      if (methods && !/"GET"|http\.MethodGet/.test(methods)) continue
      const owner = m[1]!
      const prefix = owner === 'http' ? '' : prefixAt(key(owner), m.index)
      const snippet = oneLine(rest, 70)
      out.push({
        path: prefix === null ? null : joinPath(prefix, path),
        file,
        reason: prefix === null ? `\`${snippet}\` on a router group whose prefix is not written out here` : `\`${snippet}\`${prefix ? ` (group ${prefix})` : ''}`,
      })
    }
  }
  return out
}

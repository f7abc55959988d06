import type { AppCode } from '../sources.js'
import { joinPath, oneLine } from '../sources.js'
import { healthish, type Route } from './types.js'

/**
 * The `web::scope("/x")` prefixes an actix registration at `at` sits in: walking back through
 * the method chain it belongs to and the calls that enclose it, up to the statement or block
 * that starts it.
 */
function actixScopes(text: string, at: number): string {
  const scopes: string[] = []
  let depth = 0
  let level = 0
  for (let i = at - 1; i >= 0; i--) {
    const c = text[i]!
    if (c === ')') depth++
    else if (c === '(') {
      depth--
      if (depth < level) level = depth
      if (depth === level) {
        const call = /(?:web::)?scope\s*$/.exec(text.slice(Math.max(0, i - 20), i))
        if (call) {
          const lit = /^\(\s*"([^"]*)"/.exec(text.slice(i, i + 200))
          if (lit) scopes.unshift(lit[1]!)
        }
      }
    } else if ((c === ';' || c === '{' || c === '}') && depth <= level) break
  }
  return joinPath('/', ...scopes)
}

/** The function a position is in (its name), for axum routers built by a helper and nested elsewhere. */
function enclosingFn(text: string, at: number): string | undefined {
  const before = text.slice(0, at)
  const all = [...before.matchAll(/\bfn\s+(\w+)/g)]
  return all[all.length - 1]?.[1]
}

/** axum, actix-web and Rocket routes with nest, scope and mount prefixes. */
export function rustRoutes(code: AppCode): Route[] {
  const out: Route[] = []
  const rs = code.sources.filter((s) => s.file.endsWith('.rs'))
  const all = rs.map((s) => s.text).join('\n')
  /** Where a router built in `fn name` or held in `let name` is nested: its prefix, or '' when it is not. */
  const nestPrefix = (name: string | undefined, depth = 0): string | null => {
    if (!name || depth > 4) return ''
    const m = new RegExp(`\\.nest(?:_service)?\\(\\s*"([^"]*)"\\s*,\\s*(?:[\\w:]+::)?${name}\\b`).exec(all)
    if (!m) return ''
    const host = rs.find((s) => s.text.includes(m[0]))
    const outer = host ? nestPrefix(enclosingFn(host.text, host.text.indexOf(m[0])), depth + 1) : ''
    return outer === null ? null : joinPath(outer, m[1]!)
  }
  for (const { file, text } of rs) {
    // axum: `.route("/health", get(handler))`; actix: `.route("/health", web::get().to(h))`.
    for (const m of text.matchAll(/\.route\(\s*"([^"]+)"\s*,\s*([^;]{0,200})/g)) {
      const path = m[1]!
      const handler = m[2]!
      const actix = /web::/.test(handler)
      if (!(actix ? /web::(?:get|head)\(\)/ : /\b(?:get|any|head|get_service)\(/).test(handler.slice(0, 120))) continue
      if (!healthish(path)) continue
      if (actix) {
        // `cfg.route(...)` in a configure function: where that function is mounted is not followed.
        const viaConfig = /\bcfg\s*$/.test(text.slice(Math.max(0, m.index - 12), m.index))
        const scope = actixScopes(text, m.index)
        out.push({ path: viaConfig ? null : joinPath(scope, path), file, reason: viaConfig ? `\`${oneLine(m[0], 70)}\` in a configure function` : `\`${oneLine(m[0], 70)}\`${scope !== '/' ? ` (scope ${scope})` : ''}` })
        continue
      }
      // The router chain's variable (`let api = Router::new()...`) or the helper fn that returns it.
      const stmt = text.slice(Math.max(0, text.lastIndexOf(';', m.index) + 1), m.index)
      const holder = /let\s+(?:mut\s+)?(\w+)\s*(?::[^=]+)?=/.exec(stmt)?.[1]
      const prefix = holder && new RegExp(`\\.nest\\(\\s*"[^"]*"\\s*,\\s*${holder}\\b`).test(all) ? nestPrefix(holder) : nestPrefix(enclosingFn(text, m.index))
      out.push({ path: prefix === null ? null : joinPath(prefix || '/', path), file, reason: `\`${oneLine(m[0], 70)}\`${prefix ? ` (nested at ${prefix})` : ''}` })
    }
    // actix `web::resource("/health").route(web::get()...)` or `.to(h)` (any method).
    for (const m of text.matchAll(/web::resource\(\s*"([^"]+)"\s*\)\s*\.\s*(?:route\(\s*web::(?:get|head)\(\)|to\()/g)) {
      if (!healthish(m[1]!)) continue
      const scope = actixScopes(text, m.index)
      out.push({ path: joinPath(scope, m[1]!), file, reason: `\`${oneLine(m[0], 70)}\`` })
    }
    // Attribute routes: actix `#[get("/health")]` + `.service(name)`; Rocket `#[get("/health")]` + `.mount("/", routes![name])`.
    for (const m of text.matchAll(/#\[(?:actix_web::)?(?:get|head)\(\s*"([^"]+)"[^\]]*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?fn\s+(\w+)/g)) {
      const [, path, fn] = m as unknown as [string, string, string]
      if (!healthish(path)) continue
      const rocket = new RegExp(`\\.mount\\(\\s*"([^"]*)"\\s*,\\s*routes!\\[[^\\]]*\\b${fn}\\b`).exec(all)
      if (rocket) {
        out.push({ path: joinPath(rocket[1]!, path), file, reason: `#[get("${path}")] fn ${fn}, mounted at ${rocket[1]}` })
        continue
      }
      const service = rs.map((s) => ({ s, i: s.text.search(new RegExp(`\\.service\\(\\s*(?:[\\w:]+::)?${fn}\\s*\\)`)) })).find((x) => x.i >= 0)
      if (!service) continue
      // Registered through `cfg.service(...)` in a configure function: where that is mounted is not followed.
      const viaConfig = /\bcfg\s*$/.test(service.s.text.slice(Math.max(0, service.i - 10), service.i))
      const scope = actixScopes(service.s.text, service.i)
      out.push({ path: viaConfig ? null : joinPath(scope, path), file, reason: viaConfig ? `#[get("${path}")] fn ${fn}, registered in a configure function` : `#[get("${path}")] fn ${fn}, .service(${fn})${scope !== '/' ? ` in scope ${scope}` : ''}` })
    }
  }
  return out
}

import { flattenYaml } from '../config.js'
import type { AppCode } from '../sources.js'
import { closing, joinPath, oneLine } from '../sources.js'
import { healthish, type Route } from './types.js'

/** Rails routes.rb (namespace and scope blocks) and Sinatra route blocks. */
export function rubyRoutes(code: AppCode): Route[] {
  const out: Route[] = []
  const routes = code.f.read('config/routes.rb')
  if (code.framework === 'rails' && routes !== undefined) {
    // Each open block's path part; null for a block whose routes nest under a resource.
    const stack: (string | null)[] = []
    for (const line of routes.split('\n')) {
      const t = line.replace(/#.*$/, '').trim()
      if (!t) continue
      if (/^end\b/.test(t)) {
        stack.pop()
        continue
      }
      const opens = /\bdo(?:\s*\|[^|]*\|)?\s*$/.test(t)
      if (opens) {
        const ns = /^(?:namespace)\s*\(?\s*:(\w+)/.exec(t)
        const scope = /^scope\s*\(?\s*(?:path:\s*)?["']\/?([^"']*)["']/.exec(t)
        const moduleOnly = /^scope\s*\(?\s*(?:module|as):/.test(t)
        stack.push(ns ? ns[1]! : scope ? scope[1]! : moduleOnly || /^(?:Rails\.application\.routes\.draw|constraints|defaults|concern|controller|direct)\b/.test(t) ? '' : null)
        continue
      }
      const m = /^(?:get|match)\s*\(?\s*(?:["']\/?([^"']*)["']|:(\w+))/.exec(t)
      if (!m) continue
      if (/^match\b/.test(t) && !/via:\s*(?:\[[^\]]*)?:(?:get|all)\b/.test(t)) continue
      const path = joinPath('/', m[1] ?? m[2]!)
      if (!healthish(path)) continue
      const known = stack.every((s) => s !== null)
      out.push({ path: known ? joinPath('/', ...(stack as string[]), path) : null, file: 'config/routes.rb', reason: `\`${oneLine(t, 70)}\`${stack.some((s) => s) ? ` in ${stack.filter(Boolean).join('/')}` : ''}${known ? '' : ' nested in a resource block'}` })
    }
    return out
  }
  // Sinatra: a config.ru that maps apps under paths makes their prefix a matter of which class is where.
  const mapped = /^\s*map\s+["']\/\w/m.test(code.f.read('config.ru') ?? '')
  for (const { file, text } of code.sources) {
    if (!file.endsWith('.rb')) continue
    for (const m of text.matchAll(/^\s*get\s*\(?\s*["'](\/[^"']*)["']/gm)) {
      if (!healthish(m[1]!)) continue
      out.push({ path: mapped ? null : m[1]!, file, reason: mapped ? `\`${oneLine(m[0])}\` in an app config.ru maps under a path` : `\`${oneLine(m[0])}\`` })
    }
  }
  return out
}

/** Laravel (its /up health route and routes files), Slim and Symfony attribute routes. */
export function phpRoutes(code: AppCode): Route[] {
  const out: Route[] = []
  const { f } = code
  if (code.framework === 'laravel') {
    const bootstrap = f.read('bootstrap/app.php') ?? ''
    const health = /\bhealth:\s*['"](\/[^'"]*)['"]/.exec(bootstrap)
    if (health) out.push({ path: health[1]!, file: 'bootstrap/app.php', reason: `withRouting(health: '${health[1]}'), Laravel's own health route` })
    // Laravel 11+: routes/api.php is served only when withRouting names it, under apiPrefix (default api).
    const apiRouted = /\bapi:\s*__DIR__/.test(bootstrap) || /prefix\(\s*['"]api['"]\s*\)/.test(f.read('app/Providers/RouteServiceProvider.php') ?? '')
    const apiPrefix = /\bapiPrefix:\s*['"]([^'"]*)['"]/.exec(bootstrap)?.[1] ?? 'api'
    for (const [file, base] of [['routes/web.php', ''], ['routes/api.php', apiRouted ? apiPrefix : null]] as const) {
      const text = f.read(file)
      if (text === undefined || base === null) continue
      out.push(...phpRouteCalls(text, file, /Route::/, base))
    }
    return out
  }
  for (const { file, text } of code.sources) {
    if (!file.endsWith('.php')) continue
    out.push(...phpRouteCalls(text, file, /\$(?:app|group|router|r)->/, ''))
    // Attribute arguments hold arrays (`methods: ['GET']`): one level of brackets inside.
    const classRoute = /#\[Route\(\s*['"]([^'"]*)['"](?:[^[\]]|\[[^\]]*\])*\]\s*(?:#\[[^\]]*\]\s*)*(?:final\s+|abstract\s+|readonly\s+)*class\b/.exec(text)?.[1] ?? ''
    for (const m of text.matchAll(/#\[Route\(\s*['"](\/?[^'"]*)['"]((?:[^[\]]|\[[^\]]*\])*)\]\s*(?:#\[[^\]]*\]\s*)*(?:public\s+)?function/g)) {
      if (/methods:/.test(m[2]!) && !/['"]GET['"]/.test(m[2]!)) continue
      const full = joinPath('/', classRoute, m[1]!)
      if (healthish(full)) out.push({ path: full, file, reason: `#[Route('${m[1]}')]${classRoute ? ` in #[Route('${classRoute}')]` : ''}` })
    }
  }
  // Symfony routes declared in YAML: `name: { path: /health, controller: …, methods: [GET] }`.
  for (const file of f.find(/^config\/routes(?:\.ya?ml|\/[\w.-]+\.ya?ml)$/)) {
    const routes = flattenYaml(f.read(file) ?? '')
    for (const [key, path] of routes) {
      const name = /^([\w.-]+)\.path$/.exec(key)?.[1]
      if (!name || !path.startsWith('/')) continue
      const methods = routes.get(`${name}.methods`)
      if (methods && !/\bGET\b/i.test(methods)) continue
      if (healthish(path)) out.push({ path: joinPath(path), file, reason: `${name}: path: ${path}` })
    }
  }
  return out
}

/** `Route::get('/health', …)` / `$app->get(...)` calls, inside `prefix(...)->group(...)` blocks joined. */
function phpRouteCalls(text: string, file: string, receiver: RegExp, base: string): Route[] {
  const groups: { start: number; end: number; prefix: string }[] = []
  for (const m of text.matchAll(/(?:prefix\(\s*['"]([^'"]*)['"]\s*\)[^;]*?->group\(|->group\(\s*['"]([^'"]*)['"]\s*,)/g)) {
    const open = text.indexOf('(', m.index + m[0].lastIndexOf('group'))
    groups.push({ start: open, end: closing(text, open), prefix: m[1] ?? m[2] ?? '' })
  }
  const out: Route[] = []
  const re = new RegExp(`${receiver.source}(?:get|any|match)\\(\\s*(?:\\[[^\\]]*\\]\\s*,\\s*)?['"](\\/?[^'"]*)['"]`, 'g')
  for (const m of text.matchAll(re)) {
    if (/->match\(/.test(m[0]) && !/['"]GET['"]/i.test(m[0])) continue
    const within = groups.filter((g) => g.start < m.index! && m.index! < g.end).sort((a, b) => a.start - b.start).map((g) => g.prefix)
    const full = joinPath('/', base, ...within, m[1]!)
    if (healthish(full)) out.push({ path: full, file, reason: `\`${oneLine(m[0])}\`${base || within.length ? ` under ${joinPath('/', base, ...within)}` : ''}` })
  }
  return out
}

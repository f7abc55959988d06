import type { Evidence, PortFinding } from './types.js'

/** A port as the code reads it: a literal, or a variable with or without a default. */
export interface CodePort {
  port: number | null
  env?: string
  file: string
  reason: string
}

const N = '(\\d{2,5})'
const ENV = '((?:[A-Z][A-Z0-9_]*_)?PORT)'

/**
 * Prefixes of a port variable that name the app's own listener. Anything else (`MAIL_PORT`,
 * `DB_PORT`, `REDIS_PORT`, `ELASTICSEARCH_PORT`, `METRICS_PORT`) is a client's or a side
 * listener's, and never the port the container serves on.
 */
const APP_PORT_PREFIXES: ReadonlySet<string> = new Set(['APP', 'APPLICATION', 'SERVER', 'HTTP', 'HTTP_SERVER', 'WEB', 'WEBSERVER', 'WEB_SERVER', 'API', 'LISTEN', 'SERVICE', 'BACKEND', 'NITRO', 'ASPNETCORE_HTTP'])

/** True for `PORT`, `APP_PORT`, `SERVER_PORT`..., and `<PROJECT>_PORT` (podinfo's `PODINFO_PORT`). */
export function isAppPortVar(name: string, project?: string): boolean {
  if (name === 'PORT' || name === 'ASPNETCORE_HTTP_PORTS') return true
  const m = /^([A-Z][A-Z0-9_]*)_PORT$/.exec(name)
  if (!m) return false
  if (APP_PORT_PREFIXES.has(m[1]!)) return true
  return project !== undefined && m[1] === project.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
}

/** `PORT` read with a fallback: `process.env.PORT || 3000`, `os.getenv("PORT", "8000")`, `${PORT:8080}`, a Joi/zod/envalid default... */
const ENV_WITH_DEFAULT: readonly RegExp[] = [
  new RegExp(`process\\.env\\.${ENV}\\s*(?:\\|\\||\\?\\?)\\s*['"\`]?${N}`, 'g'),
  new RegExp(`process\\.env\\[['"]${ENV}['"]\\]\\s*(?:\\|\\||\\?\\?)\\s*['"]?${N}`, 'g'),
  new RegExp(`(?:environ\\.get|getenv)\\(\\s*['"]${ENV}['"]\\s*,\\s*['"]?${N}`, 'g'),
  // Ruby, with or without parentheses: `ENV.fetch("PORT") { 3000 }`, `ENV.fetch "PORT", 3000`.
  new RegExp(`ENV\\.fetch\\(?\\s*['"]${ENV}['"]\\s*(?:,\\s*|\\)\\s*\\{\\s*)['"]?${N}`, 'g'),
  new RegExp(`env::var\\(\\s*"${ENV}"\\s*\\)[\\s\\S]{0,120}?unwrap_or[^"\\d]{0,40}"?${N}`, 'g'),
  new RegExp(`Getenv\\(\\s*"${ENV}"\\s*\\)[\\s\\S]{0,200}?=\\s*"?:?${N}"`, 'g'),
  new RegExp(`\\$\\{${ENV}:-?${N}\\}`, 'g'),
  // Boot-time schemas: Joi `PORT: Joi.number().default(3000)`, zod `.default(3000)`, envalid `port({ default: 3000 })`.
  new RegExp(`\\b${ENV}\\s*:\\s*(?:Joi|z|yup|port|num|str|v)\\b[^\\n]{0,80}?default[(:]\\s*\\(?\\s*['"]?${N}`, 'g'),
  new RegExp(`${ENV}['"]?\\s*\\)?\\]?\\s*(?:\\|\\||\\?\\?|\\?:|\\bor\\b)\\s*['"]?${N}`, 'g'),
]

/** `PORT` read with no fallback. */
const ENV_ONLY: readonly RegExp[] = [
  new RegExp(`process\\.env\\.${ENV}\\b`, 'g'),
  new RegExp(`Getenv\\(\\s*"${ENV}"\\s*\\)`, 'g'),
  new RegExp(`environ\\[['"]${ENV}['"]\\]`, 'g'),
  new RegExp(`ENV\\[['"]${ENV}['"]\\]`, 'g'),
  new RegExp(`env::var\\(\\s*"${ENV}"\\s*\\)`, 'g'),
  new RegExp(`GetEnvironmentVariable\\(\\s*"${ENV}"\\s*\\)`, 'g'),
  new RegExp(`ENV\\.fetch\\(?\\s*['"]${ENV}['"]\\s*\\)?`, 'g'),
]

/** A literal port handed to a server. */
const LITERAL: readonly RegExp[] = [
  new RegExp(`\\.listen\\(\\s*${N}\\b`),
  new RegExp(`\\.listen\\(\\s*\\{[^}]*\\bport:\\s*${N}`),
  new RegExp(`ListenAndServe(?:TLS)?\\(\\s*"[\\w.\\-]*:${N}"`),
  new RegExp(`\\.(?:Run|Start|Listen)\\(\\s*"[\\w.\\-]*:${N}"`),
  new RegExp(`\\bAddr:\\s*"[\\w.\\-]*:${N}"`),
  new RegExp(`\\.bind\\(\\s*\\(\\s*["'][\\w.\\-]*["']\\s*,\\s*${N}\\s*\\)`),
  new RegExp(`bind\\(\\s*&?"[\\w.\\-]*:${N}"`),
  new RegExp(`SocketAddr::from\\(\\(\\[[\\d,\\s]+\\],\\s*${N}\\)\\)`),
  new RegExp(`\\.run\\([^)]*\\bport\\s*=\\s*${N}`),
  new RegExp(`--port[= ]${N}\\b`),
  new RegExp(`(?:-b|--bind)[= ]['"]?[\\w.\\-]*:${N}\\b`),
  new RegExp(`^\\s*bind\\s*=\\s*['"][\\w.\\-]*:${N}['"]`, 'm'),
  new RegExp(`^\\s*port\\s+${N}\\s*$`, 'm'),
  new RegExp(`^\\s*bind\\s+['"]tcp://[\\w.\\-]*:${N}['"]`, 'm'),
  new RegExp(`Use(?:Urls|Url)\\(\\s*"https?://[^:"]+:${N}"`),
  new RegExp(`\\bserve\\(\\s*\\{[^}]*\\bport:\\s*${N}`),
  // Bun serves a default-exported `{ port, fetch }` object.
  new RegExp(`^export\\s+default\\s+\\{[^}]*\\bport:\\s*${N}`, 'm'),
]

/** Flag defaults: Go's flag and pflag/cobra, argparse, click, clap. */
const FLAG_DEFAULTS: readonly RegExp[] = [
  // flag.Int("port", 9898, ...), fs.Int("port", 9898, ...), IntVar(&p, "port", 9898, ...), IntVarP(&p, "port", "p", 9898, ...)
  new RegExp(`\\b(?:Int|Int64|Uint|Uint16|Uint32)(?:Var)?P?\\(\\s*(?:&[\\w.]+\\s*,\\s*)?"((?:http-|listen-)?port)"\\s*,\\s*(?:"\\w?"\\s*,\\s*)?${N}\\b`, 'g'),
  // flag.String("addr", ":8080", ...), StringVar(&addr, "listen", "0.0.0.0:8080", ...)
  new RegExp(`\\bString(?:Var)?P?\\(\\s*(?:&[\\w.]+\\s*,\\s*)?"((?:http-|listen-)?(?:addr|address|listen|bind|port))"\\s*,\\s*(?:"\\w?"\\s*,\\s*)?"[\\w.\\-]*:?${N}"`, 'g'),
  // argparse / click: add_argument("--port", type=int, default=8000), @click.option("--port", default=8000)
  new RegExp(`(?:add_argument|option)\\(\\s*(?:["']-\\w["']\\s*,\\s*)?["'](--port)["'][^)]*?\\bdefault\\s*=\\s*['"]?${N}`, 'g'),
  // clap: #[arg(long, env = "PORT", default_value_t = 8080)] port: u16
  new RegExp(`#\\[(?:arg|clap|structopt)\\(([^\\]]*?)default_value(?:_t)?\\s*=\\s*"?${N}"?[^\\]]*\\)\\]\\s*(?:pub\\s+)?port\\s*:`, 'g'),
]

/**
 * Where in the code the app gets its port. A fallback beats a bare variable (which says
 * nothing about the number) and both beat a literal in a file that does not also read PORT.
 * Only the app's own port variables count (see isAppPortVar).
 */
export function portInCode(file: string, text: string, project?: string): CodePort | undefined {
  for (const re of ENV_WITH_DEFAULT) {
    for (const m of text.matchAll(re)) {
      if (isAppPortVar(m[1]!, project)) return { port: Number(m[2]), env: m[1], file, reason: `reads ${m[1]}, default ${m[2]}: \`${oneLine(m[0])}\`` }
    }
  }
  for (const re of LITERAL) {
    const m = re.exec(text)
    if (m) return { port: Number(m[1]), file, reason: `listens on ${m[1]}: \`${oneLine(m[0])}\`` }
  }
  for (const re of ENV_ONLY) {
    for (const m of text.matchAll(re)) {
      if (isAppPortVar(m[1]!, project)) return { port: null, env: m[1], file, reason: `reads the port from ${m[1]} with no default: \`${oneLine(m[0])}\`` }
    }
  }
  return undefined
}

/** A port flag's default, and the variable it is read from when the flag library binds one. */
export function flagPort(file: string, text: string): CodePort | undefined {
  for (const re of FLAG_DEFAULTS) {
    for (const m of text.matchAll(re)) {
      const env = /\benv\s*=\s*"([A-Z][A-Z0-9_]*)"/.exec(m[1] ?? '')?.[1]
      // viper binds flags to <PREFIX>_<FLAG> (podinfo: PODINFO_PORT).
      const prefix = /SetEnvPrefix\(\s*"(\w+)"\s*\)/.exec(text)?.[1]
      const viperEnv = prefix && /AutomaticEnv\(\)/.test(text) && m[1] === 'port' ? `${prefix.toUpperCase()}_PORT` : undefined
      const name = env ?? viperEnv
      return { port: Number(m[2]), ...(name ? { env: name } : {}), file, reason: `port flag's default ${m[2]}: \`${oneLine(m[0])}\`` }
    }
  }
  return undefined
}

const LOOPBACK = `(?:localhost|127\\.0\\.0\\.1|\\[?::1\\]?)`

/**
 * A server's own bind call given a loopback address. Database hosts, URLs and client settings
 * never match: only calls that start a listener.
 */
const LOOPBACK_BINDS: readonly RegExp[] = [
  new RegExp(`\\.listen\\(\\s*[\\w.]+\\s*,\\s*['"\`]${LOOPBACK}['"\`]`),
  new RegExp(`\\.listen\\(\\s*\\{[^}]*\\bhost(?:name)?\\s*:\\s*['"\`]${LOOPBACK}['"\`]`),
  new RegExp(`\\bserve\\(\\s*\\{[^}]*\\bhostname\\s*:\\s*['"\`]${LOOPBACK}['"\`]`),
  new RegExp(`\\b(?:run|run_app|serve)\\([^)]*\\bhost\\s*=\\s*['"]${LOOPBACK}['"]`),
  new RegExp(`(?:ListenAndServe(?:TLS)?|\\.Run|\\.Start|\\.Listen|net\\.Listen)\\(\\s*(?:"tcp"\\s*,\\s*)?"${LOOPBACK}:\\d*"`),
  new RegExp(`\\bAddr:\\s*"${LOOPBACK}:\\d*"`),
  new RegExp(`\\bbind\\(\\s*&?\\(?\\s*"${LOOPBACK}(?::\\d+)?"`),
  new RegExp(`\\.bind\\(\\s*\\(\\s*['"]${LOOPBACK}['"]\\s*,`),
  /SocketAddr::from\(\(\[127,\s*0,\s*0,\s*1\]/,
  /Ipv4Addr::LOCALHOST/,
  new RegExp(`Use(?:Urls|Url)\\(\\s*"https?://${LOOPBACK}[:"]`),
  /\bListenLocalhost\(/,
  new RegExp(`(?:--host|--bind|-b)[= ]['"]?${LOOPBACK}\\b`),
  new RegExp(`^\\s*bind\\s*=?\\s*['"](?:tcp://)?${LOOPBACK}:\\d+['"]`, 'm'),
  new RegExp(`^\\s*set\\s+:bind,\\s*['"]${LOOPBACK}['"]`, 'm'),
]

/** Comment lines removed, so a commented-out bind does not count. */
function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*(?:\/\/|#(?!\[)|\*|--|\/\*)/.test(l))
    .join('\n')
}

/** The server's own bind call when it binds to the loopback interface: unreachable from outside its container. */
export function localhostBinding(text: string): string | undefined {
  const code = withoutComments(text)
  for (const re of LOOPBACK_BINDS) {
    const m = re.exec(code)
    if (m) return oneLine(m[0])
  }
  return undefined
}

/**
 * Fastify listens on localhost unless told a host: `listen({ port })` and `listen(port)` in a
 * file that makes a Fastify app are unreachable from outside the container.
 */
export function fastifyDefaultBind(text: string): string | undefined {
  const code = withoutComments(text)
  if (!/\bfastify\b|Fastify\(/i.test(code)) return undefined
  for (const m of code.matchAll(/\.listen\(/g)) {
    const args = callArgs(code, m.index + m[0].length)
    if (args.length === 0) continue
    const [first, second] = args
    const call = oneLine(`.listen(${args.join(', ')})`)
    if (first!.startsWith('{')) {
      if (!/\bhost\s*:/.test(first!)) return call
      continue
    }
    // listen(port, host[, cb]) names a host; listen(port[, cb]) does not.
    if (second === undefined || /^(?:\(|function\b|async\b|\w+\s*=>)/.test(second)) return call
  }
  return undefined
}

/** The top-level arguments of a call whose `(` ends at `start`. */
function callArgs(code: string, start: number): string[] {
  const args: string[] = []
  let depth = 0
  let cur = ''
  for (let i = start; i < code.length && i < start + 400; i++) {
    const c = code[i]!
    if ('([{'.includes(c)) depth++
    if (')]}'.includes(c)) {
      if (depth === 0) {
        if (cur.trim()) args.push(cur.trim())
        return args
      }
      depth--
    }
    if (c === ',' && depth === 0) {
      args.push(cur.trim())
      cur = ''
    } else cur += c
  }
  return []
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 80)
}

/** The best of several code ports: one with a number beats a bare variable. */
export function bestCodePort(found: readonly CodePort[]): PortFinding | undefined {
  const withNumber = found.filter((f) => f.port !== null)
  const pick = withNumber.find((f) => f.env) ?? withNumber[0]
  if (pick) {
    const distinct = new Set(withNumber.map((f) => f.port))
    const evidence: Evidence[] = withNumber.map((f) => ({ file: f.file, reason: f.reason }))
    return { value: pick.port, confidence: distinct.size === 1 ? 'high' : 'low', evidence, ...(pick.env ? { env: pick.env } : {}) }
  }
  const bare = found[0]
  if (bare) return { value: null, env: bare.env!, confidence: 'low', evidence: found.map((f) => ({ file: f.file, reason: f.reason })) }
  return undefined
}

/** Source files worth reading for ports and bindings, entry points first, at most `limit`. */
export function sourceCandidates(files: readonly string[], ext: RegExp, limit = 80): string[] {
  const entry = /(^|\/)(main|server|app|index|program|application|wsgi|asgi|puma|gunicorn\.conf|settings|config|startup|lib|boot|cli|run|start|api|www)\.[\w.]+$|(^|\/)bin\/www$/i
  const candidates = files.filter((f) => ext.test(f) && !/(^|\/)(tests?|spec|__tests__|testdata|fixtures?|examples?|migrations?)\//i.test(f) && !/\.(test|spec)\.\w+$|_test\.go$/.test(f))
  const rank = (f: string) => (entry.test(f) ? 0 : 1) * 100 + f.split('/').length
  return candidates.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, limit)
}

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

/** `PORT` read with a fallback: `process.env.PORT || 3000`, `os.getenv("PORT", "8000")`, `${PORT:8080}`... */
const ENV_WITH_DEFAULT: readonly RegExp[] = [
  new RegExp(`process\\.env\\.${ENV}\\s*(?:\\|\\||\\?\\?)\\s*['"\`]?${N}`),
  new RegExp(`process\\.env\\[['"]${ENV}['"]\\]\\s*(?:\\|\\||\\?\\?)\\s*['"]?${N}`),
  new RegExp(`(?:environ\\.get|getenv)\\(\\s*['"]${ENV}['"]\\s*,\\s*['"]?${N}`),
  new RegExp(`ENV\\.fetch\\(\\s*['"]${ENV}['"]\\s*(?:,\\s*|\\)\\s*\\{\\s*)['"]?${N}`),
  new RegExp(`env::var\\(\\s*"${ENV}"\\s*\\)[\\s\\S]{0,120}?unwrap_or[^"\\d]{0,40}"?${N}`),
  new RegExp(`Getenv\\(\\s*"${ENV}"\\s*\\)[\\s\\S]{0,200}?=\\s*"?:?${N}"`),
  new RegExp(`\\$\\{${ENV}:-?${N}\\}`),
  new RegExp(`${ENV}['"]?\\s*\\)?\\]?\\s*(?:\\|\\||\\?\\?|\\?:|\\bor\\b)\\s*['"]?${N}`),
]

/** `PORT` read with no fallback. */
const ENV_ONLY: readonly RegExp[] = [
  new RegExp(`process\\.env\\.${ENV}\\b`),
  new RegExp(`Getenv\\(\\s*"${ENV}"\\s*\\)`),
  new RegExp(`environ\\[['"]${ENV}['"]\\]`),
  new RegExp(`ENV\\[['"]${ENV}['"]\\]`),
  new RegExp(`env::var\\(\\s*"${ENV}"\\s*\\)`),
  new RegExp(`GetEnvironmentVariable\\(\\s*"${ENV}"\\s*\\)`),
  new RegExp(`ENV\\.fetch\\(\\s*['"]${ENV}['"]\\s*\\)`),
]

/** A literal port handed to a server. */
const LITERAL: readonly RegExp[] = [
  new RegExp(`\\.listen\\(\\s*${N}\\b`),
  new RegExp(`\\.listen\\(\\s*\\{[^}]*\\bport:\\s*${N}`),
  new RegExp(`ListenAndServe(?:TLS)?\\(\\s*"[\\w.\\-]*:${N}"`),
  new RegExp(`\\.(?:Run|Start|Listen)\\(\\s*"[\\w.\\-]*:${N}"`),
  new RegExp(`\\bAddr:\\s*"[\\w.\\-]*:${N}"`),
  new RegExp(`\\.bind\\(\\s*\\(\\s*["'][\\w.\\-]*["']\\s*,\\s*${N}\\s*\\)`),
  new RegExp(`bind\\(\\s*"[\\w.\\-]*:${N}"`),
  new RegExp(`SocketAddr::from\\(\\(\\[[\\d,\\s]+\\],\\s*${N}\\)\\)`),
  new RegExp(`\\.run\\([^)]*\\bport\\s*=\\s*${N}`),
  new RegExp(`--port[= ]${N}\\b`),
  new RegExp(`(?:-b|--bind)[= ]['"]?[\\w.\\-]*:${N}\\b`),
  new RegExp(`^\\s*bind\\s*=\\s*['"][\\w.\\-]*:${N}['"]`, 'm'),
  new RegExp(`^\\s*port\\s+${N}\\s*$`, 'm'),
  new RegExp(`Use(?:Urls|Url)\\(\\s*"https?://[^:"]+:${N}"`),
]

const LOCALHOST = /['"`](?:localhost|127\.0\.0\.1)(?::\d+)?['"`]/
const BIND_CONTEXT = /\b(?:listen|bind|host|Run|ListenAndServe|serve|run|Addr|UseUrls|server)\b/i
const CLIENT_CONTEXT = /:\/\/|fetch\(|connect\(|redis|mongo|postgres|mysql|database|DB_|_URL|cors|origin|proxy/i

/**
 * Where in the code the app gets its port. A fallback beats a bare variable (which says
 * nothing about the number) and both beat a literal in a file that does not also read PORT.
 */
export function portInCode(file: string, text: string): CodePort | undefined {
  for (const re of ENV_WITH_DEFAULT) {
    const m = re.exec(text)
    if (m) return { port: Number(m[2]), env: m[1], file, reason: `reads ${m[1]}, default ${m[2]}: \`${oneLine(m[0])}\`` }
  }
  for (const re of LITERAL) {
    const m = re.exec(text)
    if (m) return { port: Number(m[1]), file, reason: `listens on ${m[1]}: \`${oneLine(m[0])}\`` }
  }
  for (const re of ENV_ONLY) {
    const m = re.exec(text)
    if (m) return { port: null, env: m[1], file, reason: `reads the port from ${m[1]} with no default: \`${oneLine(m[0])}\`` }
  }
  return undefined
}

/** Lines that bind a server to the loopback interface: unreachable from outside its container. */
export function localhostBinding(text: string): string | undefined {
  for (const line of text.split('\n')) {
    if (line.length > 300 || !LOCALHOST.test(line) || !BIND_CONTEXT.test(line)) continue
    const trimmed = line.trim()
    if (/^(?:\/\/|#|\*|--)/.test(trimmed)) continue
    if (CLIENT_CONTEXT.test(line) && !/UseUrls|listen|bind\s*=/.test(line)) continue
    return trimmed
  }
  return undefined
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

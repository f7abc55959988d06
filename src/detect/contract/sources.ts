import type { Cache, Database } from '../../options.js'
import { ENV_EXAMPLES } from '../backing.js'
import { sourceCandidates } from '../code.js'
import type { ProjectFindings } from '../languages/types.js'
import type { Folder } from '../repo.js'
import type { Evidence, PortFinding } from '../types.js'

export interface SourceFile {
  /** Relative to the service folder. */
  file: string
  text: string
}

/** A value the app's own env example gives a variable. */
export interface ExampleValue {
  value: string
  file: string
}

/**
 * What the contract rules read, gathered once per service: the app's code (entry points first),
 * the framework's config files, and the values of its env examples.
 */
export interface AppCode {
  f: Folder
  root: Folder
  p: ProjectFindings
  framework: string | undefined
  database: Database
  cache: Cache
  port: PortFinding | undefined
  sources: SourceFile[]
  /** Config files the framework reads (application.yml, appsettings.json, configuration/base.yaml...). */
  config: SourceFile[]
  examples: Map<string, ExampleValue>
}

/** Client-side and generated folders: code there never registers a server route or reads server env. */
const NOT_SERVER = /(^|\/)(?:public|static|assets|client|frontend|webapp|ui|web\/src|www|dist|build|node_modules|vendor|migrations?|seeds?|spec|tests?|__tests__|e2e|stories|storybook|scripts|tools|hack|deploy|infra|docs?|benchmarks?)\//i
/**
 * PHP's document root holds the front controller (Slim's and Symfony's public/index.php, older
 * layouts' www/ or web/): the server's code, where the routes of a micro-framework are registered.
 */
const NOT_PHP_SERVER = /(^|\/)(?:static|assets|client|frontend|webapp|ui|web\/src|dist|build|node_modules|vendor|migrations?|seeds?|spec|tests?|__tests__|e2e|stories|storybook|scripts|tools|hack|deploy|infra|docs?|benchmarks?)\//i

/** Whether a source file may be the server's own code (not a client bundle, a test, a script or a migration). */
export const isServerSource = (language: string, file: string): boolean => !(language === 'php' ? NOT_PHP_SERVER : NOT_SERVER).test(file)

/** Another binary of the same module (cmd/worker next to cmd/api, src/bin/admin.rs): not this service's code. */
function otherBinary(p: ProjectFindings, file: string): boolean {
  const main = p.app.mainPackage?.replace(/^\.\//, '')
  if (p.language === 'go' && main !== undefined && file.startsWith('cmd/')) return main === '.' || !file.startsWith(`${main}/`)
  if (p.language === 'rust' && p.app.binary) {
    const bin = /^src\/bin\/([\w-]+)(?:\.rs|\/)/.exec(file)?.[1]
    return bin !== undefined && bin !== p.app.binary
  }
  return false
}

const CONFIG_FILES = /^(?:src\/main\/resources\/application(?:-[\w-]+)?\.(?:properties|ya?ml)|(?:[\w.-]+\/){0,3}appsettings(?:\.[\w-]+)?\.json|configuration\/[\w.-]+\.(?:ya?ml|toml|json)|config\/[\w.-]+\.(?:ya?ml|toml|json)|(?:[Ss]ettings|config)\.(?:ya?ml|toml|json))$/

export function appCode(p: ProjectFindings, f: Folder, root: Folder, backing: { database: Database; cache: Cache; port: PortFinding | undefined }): AppCode {
  const sources: SourceFile[] = []
  for (const file of sourceCandidates(f.files, p.sourceExt, 400)) {
    if (!isServerSource(p.language, file) || otherBinary(p, file)) continue
    const text = f.read(file)
    if (text !== undefined && text.length < 400_000) sources.push({ file, text })
  }
  const config: SourceFile[] = []
  for (const file of f.find(CONFIG_FILES)) {
    const text = f.read(file)
    if (text !== undefined) config.push({ file, text })
  }
  return { f, root, p, framework: p.framework?.value, ...backing, sources, config, examples: envExamples(f) }
}

/** `NAME=value` lines of the env examples at the service folder's top (the first file that sets a name wins). */
export function envExamples(f: Folder): Map<string, ExampleValue> {
  const out = new Map<string, ExampleValue>()
  const files = f.find(ENV_EXAMPLES).filter((p) => !p.includes('/'))
  // `.env.example` before its variants (`.env.test.example`): the plain one describes the app's own setup.
  files.sort((a, b) => a.split('.').length - b.split('.').length || a.localeCompare(b))
  for (const file of files) {
    for (const line of (f.read(file) ?? '').split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
      if (!m || out.has(m[1]!)) continue
      out.set(m[1]!, { value: unquote(m[2]!), file: f.path(file) })
    }
  }
  return out
}

function unquote(raw: string): string {
  const v = raw.trim()
  const q = /^(['"])(.*)\1/.exec(v)
  if (q) return q[2]!
  return v.replace(/\s+#.*$/, '').trim()
}

/** 1-based line of an index, for evidence. */
export function lineOf(text: string, index: number): number {
  let n = 1
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) n++
  return n
}

export function oneLine(s: string, max = 90): string {
  const t = s.replace(/\s+/g, ' ').trim()
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}

/** Evidence naming a file of the repository (the path relative to its root) and what in it. */
export const ev = (f: Folder, file: string, reason: string): Evidence => ({ file: f.path(file), reason })

/**
 * The index of the bracket closing the one at `open` (`(`, `{` or `[`), skipping string
 * literals; -1 when unbalanced.
 */
export function closing(text: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' }
  const stack: string[] = []
  let quote: string | undefined
  for (let i = open; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
      continue
    }
    if (c === '"' || c === "'" || c === '`') quote = c
    else if (pairs[c]) stack.push(pairs[c]!)
    else if (c === ')' || c === '}' || c === ']') {
      if (stack.pop() !== c) return -1
      if (stack.length === 0) return i
    }
  }
  return -1
}

/** Joins URL path parts: `joinPath('/api/', '/v1', 'health')` is `/api/v1/health`. */
export function joinPath(...parts: string[]): string {
  const joined = parts
    .filter((p) => p !== '')
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\/+/, '').replace(/\/+$/, '')))
    .filter((p, i) => i === 0 || p !== '')
    .join('/')
  const trailing = parts.length > 0 && /\/$/.test(parts[parts.length - 1]!) && parts[parts.length - 1] !== '/'
  const path = `/${joined.replace(/^\/+/, '')}`
  return trailing && path !== '/' ? `${path}/` : path
}

/** Top-level comma-separated arguments of a call's argument text. */
export function splitArgs(s: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote: string | undefined
  let cur = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (quote) {
      if (c === '\\') {
        cur += c + (s[i + 1] ?? '')
        i++
        continue
      }
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'" || c === '`') quote = c
    else if ('([{'.includes(c)) depth++
    else if (')]}'.includes(c)) depth--
    else if (c === ',' && depth === 0) {
      out.push(cur.trim())
      cur = ''
      continue
    }
    cur += c
  }
  if (cur.trim()) out.push(cur.trim())
  return out
}

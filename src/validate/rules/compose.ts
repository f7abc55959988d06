/**
 * Compose rules from PRACTICES.md: files that parse, a healthcheck on every dependency, the app
 * waiting for healthy dependencies, and databases and caches kept off published ports and
 * reachable networks. Each file is read with the base it is laid over (compose-stacks.ts): a
 * folder may hold the app's own docker-compose.yml beside the generated compose.yaml family, and a
 * repository several folders.
 */
import { posix } from 'node:path'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import { isComposeFile, parseImageRef } from '../../policy/images.js'
import type { Finding, Rule, Severity } from '../types.js'
import { composeStacks } from '../compose-stacks.js'
import { dockerfileHasHealthcheck } from './dockerfile.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The 1-based line of the key (or list item) at `path`, or of the deepest part of it that exists. */
export function yamlLine(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents
  let line: number | undefined
  const at = (n: unknown) => {
    const range = (n as { range?: [number, number, number] } | null)?.range
    return range ? lines.linePos(range[0]).line : line
  }
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key))
      if (!pair) return line
      line = at(pair.key)
      node = pair.value
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      node = node.items[key]
      line = at(node)
    } else return line
  }
  return line
}

export interface ComposeFile {
  path: string
  dir: string
  /** A base of its folder (`compose.yaml`, `docker-compose.yml`, `compose.app.yaml`...): the others are read on top of one. */
  base: boolean
  /** A production file (`compose.prod.yaml`): what a server runs. */
  prod: boolean
  doc: Document
  lines: LineCounter
  /** Null when the file does not parse (compose-parse reports it; other rules skip it). */
  data: Obj | null
  errors: { line?: number; message: string }[]
}

function load(path: string, text: string): ComposeFile {
  const lines = new LineCounter()
  // `!reset` and `!override` are Compose's own tags; unknown to the YAML library, they only warn.
  const doc = parseDocument(text, { lineCounter: lines, merge: true, logLevel: 'silent' })
  const errors = doc.errors.map((e) => ({ line: e.linePos?.[0]?.line, message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') }))
  const js: unknown = errors.length ? null : doc.toJS({ maxAliasCount: -1 })
  if (!errors.length && js !== null && js !== undefined && !isObj(js)) errors.push({ line: 1, message: 'the top level is not a mapping of Compose keys' })
  const name = posix.basename(path)
  return {
    path,
    dir: posix.dirname(path),
    base: false,
    prod: /\.(prod|production)\./.test(name),
    doc,
    lines,
    data: errors.length ? null : isObj(js) ? js : {},
    errors,
  }
}

/** One stack of Compose files: a base and the files laid over it, each read with it alone. */
export interface Folder {
  base?: ComposeFile
  /** The base first, then the files laid over it. */
  files: ComposeFile[]
}

export interface Project {
  all: ComposeFile[]
  byPath: Map<string, ComposeFile>
  folders: Folder[]
  sources: ReadonlyMap<string, string>
}

// The rules each read the same Compose files: parsed once per file map, and again if it changed
// (as consistency/project.ts does for the services).
const projects = new WeakMap<ReadonlyMap<string, string>, { seen: Map<string, string>; project: Project }>()

export function project(files: ReadonlyMap<string, string>): Project {
  const hit = projects.get(files)
  if (hit && hit.seen.size === files.size && [...files].every(([p, text]) => hit.seen.get(p) === text)) return hit.project
  const read = readProject(files)
  projects.set(files, { seen: new Map(files), project: read })
  return read
}

function readProject(files: ReadonlyMap<string, string>): Project {
  const all = [...files].filter(([p]) => isComposeFile(p)).map(([p, t]) => load(p, t))
  const byPath = new Map(all.map((f) => [f.path, f]))
  const dirs = new Map<string, ComposeFile[]>()
  for (const f of all) if (f.data) dirs.set(f.dir, [...(dirs.get(f.dir) ?? []), f])
  // Each file is read with the base Compose (or the `-f` its name implies) lays it over, never
  // with another stack of the same folder: the app's own docker-compose.yml is not ours.
  const folders = [...dirs.values()].flatMap((list) => {
    const named = new Map(list.map((f) => [posix.basename(f.path), f]))
    return composeStacks([...named.keys()], (n) => typeof named.get(n)!.data?.name === 'string').map((s): Folder => {
      const base = s.base === undefined ? undefined : named.get(s.base)!
      if (base) base.base = true
      return { ...(base ? { base } : {}), files: [...(base ? [base] : []), ...s.layers.map((l) => named.get(l)!)] }
    })
  })
  return { all, byPath, folders, sources: files }
}

export const servicesOf = (f: ComposeFile): Obj => (isObj(f.data?.services) ? f.data.services : {})

export interface Service {
  spec: Obj
  /** The folder a `build:` context is relative to: the file that wrote it, through `extends`. */
  buildDir: string
}

/** Compose's merge of one service definition over another: maps merge, anything else replaces. */
function mergeSpec(under: Obj, over: Obj): Obj {
  const out: Obj = { ...under }
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(under[k]) ? mergeSpec(under[k] as Obj, v) : v
  return out
}

/** A service with what it `extends` merged under it. */
function resolve(p: Project, file: ComposeFile, name: string, depth = 0): Service | undefined {
  const spec = servicesOf(file)[name]
  if (!isObj(spec)) return undefined
  const ext = typeof spec.extends === 'string' ? { service: spec.extends } : isObj(spec.extends) ? spec.extends : undefined
  if (!ext || typeof ext.service !== 'string' || depth > 8) return { spec, buildDir: file.dir }
  const from = typeof ext.file === 'string' ? p.byPath.get(posix.join(file.dir, ext.file)) : file
  const parent = from?.data ? resolve(p, from, ext.service, depth + 1) : undefined
  if (!parent) return { spec, buildDir: file.dir }
  return { spec: mergeSpec(parent.spec, spec), buildDir: 'build' in spec ? file.dir : parent.buildDir }
}

/** The service as a folder's file sees it: its own keys over the base file's. */
export function inFolder(p: Project, folder: Folder, file: ComposeFile, name: string): Service | undefined {
  const base = folder.base && folder.base !== file ? resolve(p, folder.base, name) : undefined
  const own = resolve(p, file, name)
  if (!own) return base
  return base ? { spec: mergeSpec(base.spec, own.spec), buildDir: own.spec.build !== undefined ? own.buildDir : base.buildDir } : own
}

/** The Dockerfile a `build:` section uses, read from the files; undefined when it is not among them. */
export function builtDockerfile(p: Project, svc: Service): { text: string; target?: string; path?: string } | undefined {
  const build = typeof svc.spec.build === 'string' ? { context: svc.spec.build } : svc.spec.build
  if (!isObj(build)) return undefined
  const target = typeof build.target === 'string' ? build.target : undefined
  if (typeof build.dockerfile_inline === 'string') return { text: build.dockerfile_inline, target }
  const context = typeof build.context === 'string' ? build.context : '.'
  const dockerfile = typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile'
  const path = posix.join(svc.buildDir, context, dockerfile)
  const text = p.sources.get(path)
  return text === undefined ? undefined : { text, target, path }
}

/** `disable: true` or `test: ["NONE"]`: turned off on purpose, so not reported as missing. */
const healthcheckDisabled = (spec: Obj) => isObj(spec.healthcheck) && (spec.healthcheck.disable === true || (Array.isArray(spec.healthcheck.test) && spec.healthcheck.test[0] === 'NONE'))

/** A healthcheck Compose runs: the service's own, or its built image's HEALTHCHECK. */
function hasHealthcheck(p: Project, svc: Service): boolean {
  const hc = svc.spec.healthcheck
  if (healthcheckDisabled(svc.spec)) return false
  if (isObj(hc) && hc.test !== undefined) return true
  const built = builtDockerfile(p, svc)
  return built !== undefined && dockerfileHasHealthcheck(built.text, built.target)
}

interface Dependency {
  on: string
  condition?: string
  line?: number
}

/** `depends_on` in both of its forms: a list of names, or a map of names to conditions. */
function dependencies(file: ComposeFile, service: string): Dependency[] {
  const deps = servicesOf(file)[service]
  const raw = isObj(deps) ? deps.depends_on : undefined
  const path = ['services', service, 'depends_on']
  // The short form means service_started, also over a base file's condition.
  if (Array.isArray(raw)) return raw.map((on, i) => ({ on: String(on), condition: 'service_started', line: yamlLine(file.doc, file.lines, [...path, i]) }))
  if (!isObj(raw)) return []
  return Object.entries(raw).map(([on, v]) => ({ on, condition: isObj(v) && typeof v.condition === 'string' ? v.condition : undefined, line: yamlLine(file.doc, file.lines, [...path, on]) }))
}

/** Images of databases and caches, by repository name (`docker.io/bitnami/postgresql` → postgresql). */
const DATA_STORES = new Set([
  'postgres', 'postgresql', 'postgis', 'timescaledb', 'mysql', 'mariadb', 'percona-server', 'mongo', 'mongodb', 'mongodb-community-server',
  'redis', 'redis-stack', 'redis-stack-server', 'valkey', 'memcached', 'keydb', 'dragonfly', 'cassandra', 'couchdb', 'couchbase',
  'neo4j', 'clickhouse-server', 'cockroach', 'elasticsearch', 'opensearch', 'mssql-server', 'oracle-free', 'influxdb',
])

function isDataStore(image: unknown, serviceName: string): boolean {
  const ref = typeof image === 'string' ? image.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1') : ''
  const repo = parseImageRef(ref)?.path ?? serviceName
  return DATA_STORES.has(repo.split('/').pop()!.toLowerCase())
}

export function composeRule(id: string, severity: Severity, summary: string, check: (p: Project, report: (file: ComposeFile, line: number | undefined, message: string, hint: string) => void) => void): Rule {
  return {
    id,
    severity,
    summary,
    check({ files }) {
      const out = new Map<string, Finding>()
      // An override read over two bases would be reported twice.
      check(project(files), (file, line, message, hint) => out.set(`${file.path}\0${line}\0${message}`, { rule: id, severity, file: file.path, ...(line ? { line } : {}), message, hint }))
      return [...out.values()]
    },
  }
}

const parse = composeRule('compose-parse', 'error', 'Every Compose file is valid YAML with a mapping at the top.', (p, report) => {
  for (const f of p.all) for (const e of f.errors.slice(0, 1)) report(f, e.line, `not a valid Compose file: ${e.message}`, 'Fix the YAML; `docker compose config` shows the file as Compose reads it.')
})

/**
 * In scope: services run from a pulled image (the databases, caches and brokers) and any service
 * another one depends on. An app built here without HEALTHCHECK is left alone: its runtime image
 * may have no way to run one (scratch, distroless), and PRACTICES.md asks for none there.
 */
const healthcheckMissing = composeRule('compose-healthcheck-missing', 'warning', 'Every dependency in compose.yaml has a healthcheck (its own or its image\'s HEALTHCHECK).', (p, report) => {
  for (const folder of p.folders) {
    const base = folder.base
    if (!base) continue
    const dependedOn = new Set(folder.files.flatMap((f) => Object.keys(servicesOf(f)).flatMap((s) => dependencies(f, s).map((d) => d.on))))
    for (const name of Object.keys(servicesOf(base))) {
      const svc = resolve(p, base, name)
      if (!svc) continue
      const { spec } = svc
      const oneShot = spec.restart === 'no' || (Array.isArray(spec.profiles) && spec.profiles.length > 0)
      if (oneShot || healthcheckDisabled(spec) || (spec.build !== undefined && !dependedOn.has(name))) continue
      if (hasHealthcheck(p, svc)) continue
      const why = dependedOn.has(name) ? 'other services depend on it' : 'it runs from a pulled image'
      report(base, yamlLine(base.doc, base.lines, ['services', name]), `service "${name}" has no healthcheck, though ${why}: Compose cannot tell when it is ready`, 'Add a `healthcheck:` with a readiness command (pg_isready, redis-cli ping...), interval, timeout, retries and start_period.')
    }
  }
})

const dependsOnUnhealthy = composeRule('compose-depends-on-unhealthy', 'warning', 'depends_on waits with condition: service_healthy for a service that has a healthcheck.', (p, report) => {
  for (const folder of p.folders) {
    for (const file of folder.files) {
      for (const name of Object.keys(servicesOf(file))) {
        const inherited = folder.base && folder.base !== file ? dependencies(folder.base, name) : []
        for (const dep of dependencies(file, name)) {
          const condition = dep.condition ?? inherited.find((d) => d.on === dep.on)?.condition ?? 'service_started'
          if (condition === 'service_healthy') continue
          const target = inFolder(p, folder, file, dep.on)
          if (!target || !hasHealthcheck(p, target)) continue
          report(file, dep.line, `service "${name}" depends on "${dep.on}" with ${condition}: it starts before "${dep.on}" passes its healthcheck`, `Write \`depends_on: { ${dep.on}: { condition: service_healthy } }\`.`)
        }
      }
    }
  }
})

const dbPublished = composeRule('compose-db-published', 'warning', 'Databases and caches publish no ports in compose.yaml or the production file.', (p, report) => {
  for (const folder of p.folders) {
    for (const file of folder.files.filter((f) => f.base || f.prod)) {
      for (const [name, own] of Object.entries(servicesOf(file))) {
        if (!isObj(own) || !Array.isArray(own.ports) || own.ports.length === 0) continue
        const svc = inFolder(p, folder, file, name)
        if (!svc || !isDataStore(svc.spec.image, name)) continue
        report(file, yamlLine(file.doc, file.lines, ['services', name, 'ports']), `database/cache "${name}" publishes ports on the host in ${posix.basename(file.path)}`, 'Remove `ports:`: the app reaches it over the backend network; publish it on 127.0.0.1 in compose.override.yaml if you need it in dev.')
      }
    }
  }
})

/** The networks a service joins; `default` when it names none. */
function networksOf(spec: Obj): string[] {
  if (Array.isArray(spec.networks)) return spec.networks.map(String)
  if (isObj(spec.networks)) return Object.keys(spec.networks)
  return ['default']
}

const dbNetwork = composeRule('compose-db-network', 'warning', 'Databases and caches in compose.yaml sit only on internal networks.', (p, report) => {
  for (const folder of p.folders) {
    const base = folder.base
    if (!base) continue
    const declared = isObj(base.data?.networks) ? base.data.networks : {}
    for (const name of Object.keys(servicesOf(base))) {
      const svc = resolve(p, base, name)
      if (!svc || !isDataStore(svc.spec.image, name)) continue
      const mode = svc.spec.network_mode
      // An external network is declared elsewhere: whether it is internal is not known here.
      const open = mode === 'host' ? ['host'] : mode !== undefined ? [] : networksOf(svc.spec).filter((n) => !(isObj(declared[n]) && (declared[n].internal === true || declared[n].external === true)))
      if (open.length === 0) continue
      report(base, yamlLine(base.doc, base.lines, ['services', name, mode === undefined ? 'networks' : 'network_mode']), `database/cache "${name}" is on ${open.map((n) => `"${n}"`).join(', ')}, not an internal network: it can reach, and be reached from, outside the backend`, 'Put it on a backend network declared with `internal: true`, shared only with the app.')
    }
  }
})

export const COMPOSE_RULES: readonly Rule[] = [parse, healthcheckMissing, dependsOnUnhealthy, dbPublished, dbNetwork]

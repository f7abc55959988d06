import { posix } from 'node:path'
import type { Cache, Database } from '../../options.js'
import type { AppVariable, ConnectionPart, EnvBinding, Evidence } from '../types.js'
import { flattenConfig, flattenJson, jvmConfig, placeholders, springProfiles, type ConfigValue } from './config.js'
import type { EnvRead } from './env-reads.js'
import type { AppCode } from './sources.js'
import { closing, oneLine } from './sources.js'

const CACHE_WORDS = /(?:^|_)(?:REDIS|VALKEY|CACHE|MEMCACHED?|MEMCACHIER|KEYDB|DRAGONFLY)(?:_|$)/
const DB_WORDS = /(?:^|_)(?:DB|DATABASE|DATASOURCE|POSTGRES|POSTGRESQL|PG|PSQL|MYSQL|MARIA|MARIADB|MONGO|MONGODB|SQL|JDBC|RDS)(?:_|$)|^PG(?:HOST|PORT|USER|PASSWORD|DATABASE)$/
/** Names that tune a connection rather than say where it goes, or belong to tests and tooling. */
const NOT_CONNECTION = /(?:^|_)(?:TEST|TESTING|SHADOW|REPLICA|READ|POOL|TIMEOUT|SSL|TLS|MAX|MIN|IDLE|LOG|LOGGING|DEBUG|DIALECT|DRIVER|CLIENT|PREFIX|TTL|MIGRATIONS?|SEED|INITDB|ROOT|ECHO|CA|CERT|RETRY|RETRIES|SYNC|SYNCHRONIZE|ENGINE|TYPE|PROVIDER|ENABLED|DISABLED?|EXPIRES?|EXPIRY|SECONDS|MS|SCHEMA|OPTIONS|QUEUE|LOCK|STORE|SESSION|PERSISTENT|CLUSTER|SENTINEL|TLS|MODE|VERSION|CHARSET|COLLATION|SOCKET)(?:_|$)/
const ENGINE: Readonly<Record<string, RegExp>> = {
  postgres: /POSTGRES|(?:^|_)PG(?:_|$)|^PG|PSQL/,
  mysql: /MYSQL|MARIA/,
  mariadb: /MARIA|MYSQL/,
  mongodb: /MONGO/,
  redis: /REDIS|KEYDB|DRAGONFLY/,
  valkey: /VALKEY|REDIS/,
  memcached: /MEMCACHE/,
}
const ANY_ENGINE = /POSTGRES|(?:^|_)PG(?:_|$)|^PG(?:HOST|PORT|USER|PASSWORD|DATABASE)$|PSQL|MYSQL|MARIA|MONGO|REDIS|VALKEY|MEMCACHE|KEYDB|DRAGONFLY|SQLITE|MSSQL|SQLSERVER|ORACLE|ELASTIC|OPENSEARCH|RABBIT|AMQP|KAFKA|NATS|CLICKHOUSE|CASSANDRA|NEO4J|INFLUX/
/** Names of other services' settings: never the app's own host or port. */
const OTHER_SERVICE = /SMTP|MAIL|ELASTIC|OPENSEARCH|RABBIT|AMQP|KAFKA|NATS|S3|MINIO|SENTRY|OTEL|JAEGER|ZIPKIN|STATSD|PROXY|GRPC_GATEWAY|LDAP|KEYCLOAK|VAULT|CONSUL/

/** Which connection part a variable carries, by its name and the shape of its example value. */
export function connectionPart(name: string, value = ''): ConnectionPart | undefined {
  const n = name.toUpperCase()
  const v = value.trim()
  const hostport = /^[\w.-]+:\d{2,5}$/.test(v)
  if (/(?:^|_)(?:URL|URI|DSN|CONNECTION_?STRING|CONN_?STR|CONNSTR|CONNECTIONSTRING|CONN)$/.test(n) || /^CONNECTIONSTRINGS__/.test(n)) {
    if (/JDBC/.test(n) || /^jdbc:/.test(v)) return 'jdbc'
    if (hostport) return 'hostport'
    if (/^CONNECTIONSTRINGS__/.test(n) || /^(?:Host|Server|Data Source|Initial Catalog)=/i.test(v) || (/;/.test(v) && /=/.test(v) && !/:\/\//.test(v))) return 'connstring'
    return 'url'
  }
  if (/(?:^|_)(?:HOST|HOSTNAME|SERVER|SERVICE_HOST)$/.test(n) || n === 'PGHOST') return hostport ? 'hostport' : 'host'
  if (/(?:^|_)PORT$/.test(n) || n === 'PGPORT') return 'port'
  if (/(?:^|_)(?:USER|USERNAME|LOGIN)$/.test(n) || n === 'PGUSER') return 'user'
  if (/(?:^|_)(?:PASSWORD|PASS|PWD|PASSWD)$/.test(n) || n === 'PGPASSWORD') return 'password'
  if (/(?:^|_)(?:ADDR|ADDRESS|ADDRS|HOSTPORT|ENDPOINT)$/.test(n)) return 'hostport'
  if (/.(?:_|^)(?:DB|NAME|DATABASE|DBNAME)$/.test(n) || n === 'PGDATABASE') return 'database'
  return undefined
}

/** Whether a variable is about the database or the cache, by its name. */
export function connectionKind(name: string): 'database' | 'cache' | undefined {
  const n = name.toUpperCase()
  if (CACHE_WORDS.test(n)) return 'cache'
  if (DB_WORDS.test(n)) return 'database'
  return undefined
}

interface Candidate {
  name: string
  part: ConnectionPart
  inExample: boolean
  evidence: Evidence
}

const ORDER: readonly ConnectionPart[] = ['url', 'jdbc', 'connstring', 'host', 'hostport', 'port', 'user', 'password', 'database']

/**
 * The variables to bind, from those the app reads: one URL when the app takes one (and its env
 * example shows it, or it reads no host), else the split parts around a host, preferring the
 * names its example lists.
 */
function choose(kind: 'database' | 'cache', service: string, cands: Candidate[]): Candidate[] {
  const engine = ENGINE[service]
  const ok = cands.filter((c) => {
    const n = c.name.toUpperCase()
    if (connectionKind(n) !== kind || NOT_CONNECTION.test(n.replace(/^CONNECTIONSTRINGS__/, ''))) return false
    if (ANY_ENGINE.test(n) && engine && !engine.test(n)) return false
    // A cache's "database" is a number (REDIS_DB): the default one is what the tool's cache offers.
    return !(kind === 'cache' && c.part === 'database')
  })
  if (ok.length === 0) return []
  const prefer = (list: Candidate[]) => list.find((c) => c.inExample) ?? list[0]!
  const urls = ok.filter((c) => c.part === 'url' || c.part === 'jdbc' || c.part === 'connstring')
  const hosts = ok.filter((c) => c.part === 'host' || c.part === 'hostport')
  if (urls.length && (urls.some((u) => u.inExample) || hosts.length === 0 || !hosts.some((h) => h.inExample))) return [prefer(urls)]
  if (hosts.length === 0) return []
  const out: Candidate[] = []
  for (const part of ORDER.slice(3)) {
    // Every part the app reads is bound, defaults or not: its default password or database name is not the tool's.
    const of = ok.filter((c) => c.part === part)
    if (of.length) out.push(prefer(of))
  }
  // host and hostport name the same thing: keep the one the app's example shows.
  if (out.some((c) => c.part === 'host') && out.some((c) => c.part === 'hostport')) {
    const drop = out.find((c) => c.part === (out.find((x) => x.part === 'host')!.inExample ? 'hostport' : 'host'))
    return out.filter((c) => c !== drop)
  }
  return out
}

export interface Bindings {
  databaseEnv?: EnvBinding[]
  cacheEnv?: EnvBinding[]
  portEnv?: string
  hostEnv?: string
  evidence: { databaseEnv: Evidence[]; cacheEnv: Evidence[]; portEnv: Evidence[]; hostEnv: Evidence[] }
  /** Variables a framework needs set to use the bound services (SPRING_PROFILES_ACTIVE, DB_CONNECTION, CACHE_STORE). */
  selectors: AppVariable[]
  /** The app reads exactly the tool's own name (DATABASE_URL, CACHE_URL): nothing to bind. */
  defaults: { databaseEnv: boolean; cacheEnv: boolean }
}

/** The config crate's environment source: `Environment::with_prefix("APP").prefix_separator("_").separator("__")`. */
function configCrate(code: AppCode): { names: { name: string; key: string; value: string; file: string }[]; how: Evidence } | undefined {
  for (const { file, text } of code.sources) {
    if (!file.endsWith('.rs')) continue
    const m = /Environment::(?:with_prefix\(\s*"(\w+)"\s*\)|default\(\))((?:\s*\.\s*\w+\([^)]*\))*)/.exec(text)
    if (!m) continue
    const chain = m[2] ?? ''
    const prefix = m[1] ?? /\.prefix\(\s*"(\w+)"\s*\)/.exec(chain)?.[1]
    const sep = /\.separator\(\s*"([^"]+)"\s*\)/.exec(chain)?.[1]
    const psep = /\.prefix_separator\(\s*"([^"]+)"\s*\)/.exec(chain)?.[1] ?? sep ?? '_'
    const files = code.config.filter((c) => /^(?:configuration|config)\/(?:base|default|settings|config)\.(?:ya?ml|json|toml)$|^(?:[Ss]ettings|config)\.(?:ya?ml|toml|json)$/.test(c.file))
    // The files layered on the base per environment (configuration/local.yaml, production.yaml)
    // hold keys of their own (zero2prod's application.host): the environment overrides them too.
    const dirs = new Set(files.map((c) => posix.dirname(c.file)).filter((d) => d !== '.'))
    const layers = code.config.filter((c) => !files.includes(c) && dirs.has(posix.dirname(c.file)) && /\.(?:ya?ml|json|toml)$/.test(c.file))
    const names: { name: string; key: string; value: string; file: string }[] = []
    for (const c of [...files, ...layers]) {
      const map = flattenConfig(c.file, c.text)
      for (const [key, value] of map) {
        if (!sep && key.includes('.')) continue
        const path = sep ? key.split('.').join(sep) : key
        const name = `${prefix ? `${prefix}${psep}` : ''}${path}`.toUpperCase()
        if (!names.some((n) => n.name === name)) names.push({ name, key, value, file: c.file })
      }
    }
    return { names, how: { file: code.f.path(file), reason: `the config crate reads ${prefix ?? ''}${prefix ? psep : ''}<key${sep ? `${sep}…` : ''}> from the environment over ${files.map((x) => x.file).join(', ') || 'its files'}` } }
  }
  return undefined
}

const bindingOf = (c: Candidate): EnvBinding => ({ name: c.name, part: c.part })

/**
 * The env names the app reads for its database, cache, port and bind address: framework
 * conventions (Spring relaxed binding and placeholders, Quarkus, .NET connection strings,
 * Laravel, Rails, the config crate) and otherwise the names its code and config read,
 * classified by name and by the shape of the example's value.
 */
export function detectBindings(code: AppCode, reads: readonly EnvRead[]): Bindings {
  const ev: Bindings['evidence'] = { databaseEnv: [], cacheEnv: [], portEnv: [], hostEnv: [] }
  const selectors: AppVariable[] = []
  const out: Bindings = { evidence: ev, selectors, defaults: { databaseEnv: false, cacheEnv: false } }
  const example = (name: string) => code.examples.get(name)
  const fromReads = (): Candidate[] => {
    const seen = new Set<string>()
    const list: Candidate[] = []
    for (const r of reads) {
      if (seen.has(r.name)) continue
      seen.add(r.name)
      const part = connectionPart(r.name, example(r.name)?.value)
      if (part) list.push({ name: r.name, part, inExample: code.examples.has(r.name), evidence: { file: code.f.path(r.file), reason: `reads ${r.name}: \`${r.snippet}\`` } })
    }
    return list
  }
  const crate = code.p.language === 'rust' ? configCrate(code) : undefined
  let cands = fromReads()
  if (crate) {
    cands = [
      ...crate.names.map((n) => ({ name: n.name, part: connectionPart(n.name, n.value), inExample: false, evidence: { file: code.f.path(n.file), reason: `${n.key}: ${n.value} → ${n.name}` } })).filter((c): c is Candidate => c.part !== undefined),
      ...cands,
    ]
  }

  const fw = code.framework
  const set = (kind: 'databaseEnv' | 'cacheEnv', chosen: Candidate[], extra: Evidence[] = []) => {
    if (chosen.length === 0) return
    const isDefault = chosen.length === 1 && chosen[0]!.part === 'url' && chosen[0]!.name === (kind === 'databaseEnv' ? 'DATABASE_URL' : 'CACHE_URL')
    ev[kind].push(...extra, ...chosen.map((c) => c.evidence))
    if (isDefault) {
      out.defaults[kind] = true
      ev[kind].push({ file: chosen[0]!.evidence.file, reason: `${chosen[0]!.name} is the name the generated files set already` })
    }
    else out[kind] = chosen.map(bindingOf)
  }

  if (fw === 'spring-boot' || fw === 'quarkus') jvmBindings(code, out, selectors)
  else if (fw === 'aspnetcore') dotnetBindings(code, cands, out)
  else if (fw === 'laravel') laravelBindings(code, cands, out, selectors)
  else {
    if (code.database !== 'none') set('databaseEnv', choose('database', code.database, cands), crate ? [crate.how] : [])
    if (code.cache !== 'none') {
      const chosen = choose('cache', code.cache, cands)
      if (chosen.length === 0 && code.p.language === 'ruby' && (code.cache === 'redis' || code.cache === 'valkey')) {
        // redis-rb, Sidekiq and Rails' cache store read REDIS_URL when no url is given.
        set('cacheEnv', [{ name: 'REDIS_URL', part: 'url', inExample: false, evidence: { file: code.p.manifest, reason: 'the redis gem (and Sidekiq, Rails’ redis cache store) read REDIS_URL when the code gives no url' } }])
      } else set('cacheEnv', chosen, crate ? [crate.how] : [])
    }
  }

  // Port: the config crate's key, or the variable the app's listen call reads when it is not PORT.
  const portKey = crate?.names.find((n) => /^(?:(?:application|server|http|app|web)\.)?port$/.test(n.key))
  if (portKey) {
    out.portEnv = portKey.name
    ev.portEnv.push(crate!.how, { file: code.f.path(portKey.file), reason: `${portKey.key}: ${portKey.value} → ${portKey.name}` })
  } else if (code.port?.env && code.port.env !== 'PORT' && /(?:^|_)PORT$/.test(code.port.env) && !connectionKind(code.port.env) && !OTHER_SERVICE.test(code.port.env) && code.p.language !== 'php' && reads.some((r) => r.name === code.port!.env)) {
    // Only a variable the app itself reads: an env example's APP_PORT may be a host-side port (Laravel Sail).
    out.portEnv = code.port.env
    ev.portEnv.push(...code.port.evidence.filter((e) => e.reason.includes(code.port!.env!)))
  } else if (fw === 'spring-boot' && !code.port?.env) {
    out.portEnv = 'SERVER_PORT'
    ev.portEnv.push({ file: code.p.manifest, reason: 'Spring Boot binds SERVER_PORT to server.port (relaxed binding)' })
  }
  // Bind address: the config crate's host key, or a HOST-like variable read where the server listens.
  const hostKey = crate?.names.find((n) => /^(?:(?:application|server|http|app|web)\.)?(?:host|address|bind)$/.test(n.key))
  if (hostKey) {
    out.hostEnv = hostKey.name
    ev.hostEnv.push(crate!.how, { file: code.f.path(hostKey.file), reason: `${hostKey.key}: ${hostKey.value} → ${hostKey.name}` })
  } else if (['node', 'go', 'rust', 'dotnet'].includes(code.p.language) && fw !== 'next') {
    const listens = new Set(code.sources.filter((s) => LISTEN.test(s.text)).map((s) => s.file))
    // BIND and BIND_ADDRESS often carry host:port; they are the bind address only when the example shows none.
    const hostOnly = (name: string) => /^(?:[A-Z]+_)?(?:HOST|HOSTNAME|BIND_HOST|LISTEN_HOST|BIND_IP|LISTEN_IP|INTERFACE)$/.test(name) || (/^(?:[A-Z]+_)?BIND(?:_ADDR(?:ESS)?)?$/.test(name) && !/:\d+$/.test(code.examples.get(name)?.value ?? ''))
    const hostReads = reads.filter((r) => hostOnly(r.name) && !connectionKind(r.name) && !OTHER_SERVICE.test(r.name))
    // The listen call's own arguments name the variable, or the config key or schema field it
    // is kept under (`env.HOST` of an envalid/zod/Joi schema, `config.host`), wherever it is read.
    const args = listenArguments(code)
    const used = hostReads
      .map((r) => {
        const keys = aliases(code, r)
        return { r, at: args.find((a) => mentions(a.text, r, keys)) }
      })
      .find((x) => x.at)
    const inListenFile = hostReads.find((r) => listens.has(r.file))
    if (used) {
      out.hostEnv = used.r.name
      ev.hostEnv.push(
        { file: code.f.path(used.at!.file), reason: `the server binds to ${used.r.name}: \`${oneLine(used.at!.call, 80)}\`` },
        ...(used.r.file !== used.at!.file ? [{ file: code.f.path(used.r.file), reason: `${used.r.name} is read here: \`${used.r.snippet}\`${used.r.hasDefault ? ' (its default is not the container’s: set to 0.0.0.0)' : ''}` }] : []),
      )
    } else if (inListenFile) {
      out.hostEnv = inListenFile.name
      ev.hostEnv.push({ file: code.f.path(inListenFile.file), reason: `the server binds to ${inListenFile.name}: \`${inListenFile.snippet}\`` })
    }
  } else if (fw === 'spring-boot') {
    const addr = jvmConfig(code).get('server.address')
    const ph = addr && placeholders(addr.value)[0]
    if (ph) {
      out.hostEnv = ph.name
      ev.hostEnv.push({ file: code.f.path(addr.file), reason: `server.address=${addr.value}` })
    }
  }
  return out
}

/** Calls that open the server's socket, and Go's `Addr:` field of an http.Server. */
const LISTEN = /\.listen\(|ListenAndServe|\.bind\(|\.Run\(|\.Start\(|serve\(|TcpListener|\bAddr:/
const LISTEN_CALL = /(?:\.listen|ListenAndServe(?:TLS)?|\.bind|TcpListener::bind|\.Run|\.Start|\.Listen|\bnet\.Listen|\bserve|\.serve)\s*\(|\bAddr:\s*/g
/** Config keys that hold a bind address. */
const HOST_KEY = /^(?:host|hostname|bind|bind_?host|bind_?address|bind_?addr|bind_?ip|listen_?host|listen_?address|listen_?addr|listen_?ip|server_?host|http_?host|address|addr|ip|interface)$/i
const KEYWORDS = new Set(['await', 'async', 'function', 'return', 'new', 'true', 'false', 'null', 'undefined', 'nil', 'let', 'const', 'var', 'mut', 'move', 'fmt', 'Sprintf', 'format', 'if', 'else', 'err', 'ctx', 'app', 'server', 'srv', 'router', 'r', 'e', 'self', 'this'])

interface ListenCall {
  file: string
  /** The call as written, for evidence. */
  call: string
  /** Its arguments, with the values of the bare names among them (one assignment back) appended. */
  text: string
}

/**
 * The arguments of the calls that open the server's socket (`app.listen({ host: env.HOST })`,
 * `http.ListenAndServe(addr, r)`, `TcpListener::bind(format!(…))`, `Addr: cfg.Addr`), each bare
 * name among them followed one assignment back in its file (`const host = config.host`,
 * `addr := fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)`, `const { host } = config`).
 */
function listenArguments(code: AppCode): ListenCall[] {
  const out: ListenCall[] = []
  for (const { file, text } of code.sources) {
    for (const m of text.matchAll(LISTEN_CALL)) {
      const start = m.index! + m[0].length
      const open = m[0].endsWith('(') ? start - 1 : -1
      const end = open >= 0 ? closing(text, open) : text.slice(start).search(/[,\n}]/) + start
      if (end <= start - 1) continue
      const args = text.slice(start, end)
      const resolved: string[] = [args]
      for (const id of new Set([...args.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)(?![\w$]*\s*\()/g)].map((x) => x[1]!))) {
        if (KEYWORDS.has(id)) continue
        const esc = id.replace(/\$/g, '\\$')
        const assigned = new RegExp(`(?:\\b(?:const|let|var)\\s+(?:mut\\s+)?${esc}\\s*(?::[^=\\n]+)?=|(?<![\\w$.])${esc}\\s*:=)\\s*([^;\\n]+)`).exec(text)
        if (assigned) resolved.push(assigned[1]!)
        const destructured = new RegExp(`\\b(?:const|let|var)\\s*\\{([^}]*)\\}\\s*=\\s*([^;\\n]+)`, 'g')
        for (const d of text.matchAll(destructured)) if (new RegExp(`(?<![\\w$])${esc}(?![\\w$])`).test(d[1]!)) resolved.push(`${d[2]!.trim()}.${id}`)
      }
      out.push({ file, call: `${m[0]}${args}${open >= 0 ? ')' : ''}`, text: resolved.join('\n') })
    }
  }
  return out
}

/**
 * Keys a validated variable is handed on under: a config module's `host: envVars.HOST` or
 * `host = settings.HOST` re-exports the schema's HOST as `config.host`.
 */
function aliases(code: AppCode, r: EnvRead): string[] {
  const out = r.key ? [r.key] : []
  const re = new RegExp(`["']?([A-Za-z_$][\\w$]*)["']?\\s*[:=]\\s*[\\w$]+(?:\\.[\\w$]+)*\\.${r.name}(?![\\w$])`, 'g')
  for (const { text } of code.sources) for (const m of text.matchAll(re)) if (!out.includes(m[1]!)) out.push(m[1]!)
  return out
}

/** Whether listen-call text names a read: the variable itself, or a host-like key it is kept under as a property. */
function mentions(text: string, r: EnvRead, keys: readonly string[]): boolean {
  if (new RegExp(`(?<![\\w$])${r.name}(?![\\w$])`).test(text)) return true
  return keys.some((key) => {
    if (!HOST_KEY.test(key)) return false
    const k = key.replace(/\$/g, '\\$')
    // `config.host`, `config['host']`, convict's and nconf's `config.get('server.host')`.
    return new RegExp(`\\.\\s*${k}(?![\\w$])|\\[\\s*['"]${k}['"]\\s*\\]|\\.get\\(\\s*['"](?:[\\w.]*\\.)?${k}['"]\\s*\\)`).test(text)
  })
}

/** Spring Boot and Quarkus: the app's own placeholders where a property is one, else the relaxed-binding name. */
function jvmBindings(code: AppCode, out: Bindings, selectors: AppVariable[]): void {
  const spring = code.framework === 'spring-boot'
  const boot2 = spring && /<artifactId>spring-boot-starter-parent<\/artifactId>\s*<version>2\.|org\.springframework\.boot['"]?\)?\s*version\s*['"]2\./.test(code.f.read(code.p.manifest.slice(code.f.prefix.length)) ?? '')
  // The properties a profile carries when the base file does not: the app runs with that profile active.
  const keyFor = (props: readonly string[]) => {
    const base = jvmConfig(code)
    if (props.some((p) => base.has(p)) || !spring) return { cfg: base, profile: undefined }
    const engine = ENGINE[code.database]
    const profiles = springProfiles(code).filter((p) => props.some((k) => jvmConfig(code, p).has(k) && !base.has(k)))
    const profile = profiles.find((p) => engine?.test(p.toUpperCase())) ?? profiles.find((p) => /^(?:prod|production|docker)$/.test(p))
    return profile ? { cfg: jvmConfig(code, profile), profile } : { cfg: base, profile: undefined }
  }
  const bind = (kind: 'databaseEnv' | 'cacheEnv', props: readonly [string, string, ConnectionPart][]) => {
    const { cfg, profile } = keyFor(props.map((p) => p[0]))
    const list: EnvBinding[] = []
    const evidence: Evidence[] = []
    for (const [prop, relaxed, part] of props) {
      const v: ConfigValue | undefined = cfg.get(prop)
      const ph = v ? placeholders(v.value) : []
      if (v && ph.length === 1 && ph[0]!.whole) {
        list.push({ name: ph[0]!.name, part })
        evidence.push({ file: code.f.path(v.file), reason: `${prop}=${v.value}` })
      } else {
        list.push({ name: relaxed, part })
        evidence.push({ file: v ? code.f.path(v.file) : code.p.manifest, reason: `${relaxed} sets ${prop} (relaxed binding${v ? `, over ${v.value}` : ''})` })
      }
    }
    out[kind] = list
    out.evidence[kind].push(...evidence)
    if (profile && !selectors.some((s) => s.name === 'SPRING_PROFILES_ACTIVE')) {
      const file = code.config.find((c) => c.file.startsWith(`src/main/resources/application-${profile}.`))!.file
      selectors.push({ name: 'SPRING_PROFILES_ACTIVE', devValue: profile, secret: false, evidence: { file: code.f.path(file), reason: `the ${kind === 'databaseEnv' ? 'database' : 'cache'} settings are in the ${profile} profile only` } })
    }
  }
  const q = !spring
  if (code.database === 'mongodb') bind('databaseEnv', q ? [['quarkus.mongodb.connection-string', 'QUARKUS_MONGODB_CONNECTION_STRING', 'url']] : [['spring.data.mongodb.uri', 'SPRING_DATA_MONGODB_URI', 'url']])
  else if (code.database !== 'none') {
    bind(
      'databaseEnv',
      q
        ? [['quarkus.datasource.jdbc.url', 'QUARKUS_DATASOURCE_JDBC_URL', 'jdbc'], ['quarkus.datasource.username', 'QUARKUS_DATASOURCE_USERNAME', 'user'], ['quarkus.datasource.password', 'QUARKUS_DATASOURCE_PASSWORD', 'password']]
        : [['spring.datasource.url', 'SPRING_DATASOURCE_URL', 'jdbc'], ['spring.datasource.username', 'SPRING_DATASOURCE_USERNAME', 'user'], ['spring.datasource.password', 'SPRING_DATASOURCE_PASSWORD', 'password']],
    )
  }
  if (code.cache === 'redis' || code.cache === 'valkey') {
    const p = boot2 ? 'spring.redis' : 'spring.data.redis'
    const e = boot2 ? 'SPRING_REDIS' : 'SPRING_DATA_REDIS'
    const cfg = jvmConfig(code)
    if (q) bind('cacheEnv', [['quarkus.redis.hosts', 'QUARKUS_REDIS_HOSTS', 'url']])
    else if (cfg.has(`${p}.url`)) bind('cacheEnv', [[`${p}.url`, `${e}_URL`, 'url']])
    else bind('cacheEnv', [[`${p}.host`, `${e}_HOST`, 'host'], [`${p}.port`, `${e}_PORT`, 'port'], [`${p}.password`, `${e}_PASSWORD`, 'password']])
  }
}

/** ASP.NET Core: `ConnectionStrings__<Name>` for the connection strings appsettings.json declares or the code asks for. */
function dotnetBindings(code: AppCode, cands: Candidate[], out: Bindings): void {
  const entries: { name: string; value: string; file: string }[] = []
  for (const c of code.config.filter((x) => /appsettings(?:\.Development)?\.json$/.test(x.file))) {
    for (const [k, v] of flattenJson(c.text)) {
      const m = /^ConnectionStrings\.(\w+)$/.exec(k)
      if (m && !entries.some((e) => e.name === m[1])) entries.push({ name: m[1]!, value: v, file: c.file })
    }
  }
  for (const c of cands) {
    const m = /^ConnectionStrings__(\w+)$/.exec(c.name)
    if (m && !entries.some((e) => e.name === m[1])) entries.push({ name: m[1]!, value: '', file: c.evidence.file.slice(code.f.prefix.length) })
  }
  const isCache = (e: { name: string; value: string }) => /redis|cache|valkey|memcache/i.test(e.name) || /^[\w.-]+:\d+(?:,|$)/.test(e.value)
  const used = (e: { name: string }) => cands.some((c) => c.name === `ConnectionStrings__${e.name}`)
  const pick = (list: typeof entries) => list.find(used) ?? list[0]
  const db = pick(entries.filter((e) => !isCache(e)))
  const cache = pick(entries.filter(isCache))
  if (db && code.database !== 'none') {
    out.databaseEnv = [{ name: `ConnectionStrings__${db.name}`, part: /^mongodb(?:\+srv)?:\/\//.test(db.value) ? 'url' : 'connstring' }]
    out.evidence.databaseEnv.push({ file: code.f.path(db.file), reason: `ConnectionStrings:${db.name}${used(db) ? ', read with GetConnectionString' : ''}` })
  }
  if (cache && code.cache !== 'none') {
    out.cacheEnv = [{ name: `ConnectionStrings__${cache.name}`, part: 'connstring' }]
    out.evidence.cacheEnv.push({ file: code.f.path(cache.file), reason: `ConnectionStrings:${cache.name}${used(cache) ? ', read with GetConnectionString' : ''}` })
  } else if (code.cache !== 'none') {
    const chosen = choose('cache', code.cache, cands)
    if (chosen.length) {
      out.cacheEnv = chosen.map(bindingOf)
      out.evidence.cacheEnv.push(...chosen.map((c) => c.evidence))
    }
  }
}

const LARAVEL_DB: Readonly<Record<string, string>> = { postgres: 'pgsql', mysql: 'mysql', mariadb: 'mariadb', mongodb: 'mongodb' }

/** Laravel: its DB_* and REDIS_* (or MEMCACHED_*) names, and the selectors that make it use them. */
function laravelBindings(code: AppCode, cands: Candidate[], out: Bindings, selectors: AppVariable[]): void {
  const env = (name: string) => code.examples.get(name)
  const evFor = (name: string): Evidence => {
    const ex = env(name)
    const read = cands.find((c) => c.name === name)
    return read?.evidence ?? (ex ? { file: ex.file, reason: `${name}=${ex.value}` } : { file: code.p.manifest, reason: `Laravel reads ${name}` })
  }
  if (code.database !== 'none' && code.database !== 'mongodb') {
    const url = cands.find((c) => (c.name === 'DB_URL' || c.name === 'DATABASE_URL') && c.inExample)
    const names: [string, ConnectionPart][] = url ? [[url.name, 'url']] : [['DB_HOST', 'host'], ['DB_PORT', 'port'], ['DB_DATABASE', 'database'], ['DB_USERNAME', 'user'], ['DB_PASSWORD', 'password']]
    out.databaseEnv = names.map(([name, part]) => ({ name, part }))
    out.evidence.databaseEnv.push(...names.map(([n]) => evFor(n)))
  } else if (code.database === 'mongodb') {
    const chosen = choose('database', 'mongodb', cands)
    if (chosen.length) {
      out.databaseEnv = chosen.map(bindingOf)
      out.evidence.databaseEnv.push(...chosen.map((c) => c.evidence))
    }
  }
  if (code.database !== 'none') {
    const ex = env('DB_CONNECTION')
    const want = LARAVEL_DB[code.database]!
    selectors.push({ name: 'DB_CONNECTION', devValue: ex && ex.value ? ex.value : want, secret: false, evidence: ex ? { file: ex.file, reason: `DB_CONNECTION=${ex.value}` } : { file: code.p.manifest, reason: `Laravel uses sqlite unless DB_CONNECTION says ${want}` } })
  }
  if (code.cache === 'redis' || code.cache === 'valkey') {
    const names: [string, ConnectionPart][] = [['REDIS_HOST', 'host'], ['REDIS_PORT', 'port'], ['REDIS_PASSWORD', 'password']]
    out.cacheEnv = names.map(([name, part]) => ({ name, part }))
    out.evidence.cacheEnv.push(...names.map(([n]) => evFor(n)))
  } else if (code.cache === 'memcached') {
    out.cacheEnv = [{ name: 'MEMCACHED_HOST', part: 'host' }, { name: 'MEMCACHED_PORT', part: 'port' }]
    out.evidence.cacheEnv.push(evFor('MEMCACHED_HOST'), evFor('MEMCACHED_PORT'))
  }
  if (code.cache !== 'none') {
    // Laravel 11 renamed CACHE_DRIVER to CACHE_STORE; the example says which this app reads.
    const name = env('CACHE_DRIVER') && !env('CACHE_STORE') ? 'CACHE_DRIVER' : 'CACHE_STORE'
    const ex = env(name)
    const store = code.cache === 'memcached' ? 'memcached' : 'redis'
    selectors.push({ name, devValue: store, secret: false, evidence: ex ? { file: ex.file, reason: `${name}=${ex.value}${ex.value !== store ? `; the ${code.cache} cache needs ${store}` : ''}` } : { file: code.p.manifest, reason: `Laravel's cache store is the database unless ${name} says ${store}` } })
  }
}

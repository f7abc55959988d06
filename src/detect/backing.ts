import type { Cache, Database } from '../options.js'
import type { Folder } from './repo.js'
import type { DetectionWarning, Evidence, Finding } from './types.js'

/** A dependency as a manifest names it, with the manifest it came from. */
export interface Dependency {
  name: string
  file: string
}

type Kind = { database: Exclude<Database, 'none'> } | { cache: Exclude<Cache, 'none'> } | { embedded: string } | { broker: string }

/**
 * Client libraries, by the name each ecosystem gives them. Embedded databases (SQLite, H2,
 * DuckDB) are not services and message brokers are not caches: both are noted, not chosen.
 */
const CLIENTS: readonly [RegExp, Kind][] = [
  [/^(pg|postgres|pg-promise|@neondatabase\/serverless|psycopg|psycopg2|psycopg2-binary|psycopg-binary|asyncpg|github\.com\/lib\/pq|github\.com\/jackc\/pgx(\/v\d)?|org\.postgresql:postgresql|tokio-postgres|postgres-types|npgsql|npgsql\.entityframeworkcore\.postgresql|pg_search|ext-pdo_pgsql|ext-pgsql|r2dbc-postgresql|gorm\.io\/driver\/postgres|io\.quarkus:quarkus-jdbc-postgresql|io\.quarkus:quarkus-reactive-pg-client|diesel-postgres)$/i, { database: 'postgres' }],
  [/^(mysql|mysql2|pymysql|mysqlclient|aiomysql|mysql-connector-python|github\.com\/go-sql-driver\/mysql|com\.mysql:mysql-connector-j|mysql:mysql-connector-java|mysql_async|mysqlconnector|pomelo\.entityframeworkcore\.mysql|trilogy|ext-pdo_mysql|ext-mysqli|gorm\.io\/driver\/mysql|io\.quarkus:quarkus-jdbc-mysql|io\.quarkus:quarkus-reactive-mysql-client)$/i, { database: 'mysql' }],
  [/^(mariadb|org\.mariadb\.jdbc:mariadb-java-client|io\.quarkus:quarkus-jdbc-mariadb)$/i, { database: 'mariadb' }],
  [/^(mongodb|mongoose|pymongo|motor|beanie|mongoengine|go\.mongodb\.org\/mongo-driver(\/v\d)?|org\.mongodb:mongodb-driver-sync|org\.springframework\.boot:spring-boot-starter-data-mongodb|io\.quarkus:quarkus-mongodb-client|mongodb\.driver|mongoid|mongo|mongodb\/mongodb|ext-mongodb)$/i, { database: 'mongodb' }],
  [/^(redis|ioredis|@redis\/client|github\.com\/redis\/go-redis(\/v\d)?|github\.com\/go-redis\/redis(\/v\d)?|github\.com\/gomodule\/redigo|redis-py|org\.springframework\.boot:spring-boot-starter-data-redis|redis\.clients:jedis|io\.lettuce:lettuce-core|io\.quarkus:quarkus-redis-client|stackexchange\.redis|microsoft\.extensions\.caching\.stackexchangeredis|redis-rb|predis\/predis|ext-redis|django-redis|flask-caching|fred|deadpool-redis|bb8-redis)$/i, { cache: 'redis' }],
  [/^(iovalkey|@valkey\/valkey-glide|valkey|valkey-glide|github\.com\/valkey-io\/valkey-go|valkey-glide-java)$/i, { cache: 'valkey' }],
  [/^(memjs|memcached|pymemcache|pylibmc|python-memcached|github\.com\/bradfitz\/gomemcache|memcache|enyimmemcachedcore|dalli|ext-memcached|net\.spy:spymemcached)$/i, { cache: 'memcached' }],
  [/^(sqlite3|better-sqlite3|@libsql\/client|libsql|rusqlite|github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite|microsoft\.entityframeworkcore\.sqlite|microsoft\.data\.sqlite|org\.xerial:sqlite-jdbc|com\.h2database:h2|duckdb|aiosqlite|gorm\.io\/driver\/sqlite|github\.com\/glebarez\/sqlite|io\.quarkus:quarkus-jdbc-h2)$/i, { embedded: 'SQLite/H2/DuckDB' }],
  [/^(amqplib|amqp-connection-manager|kafkajs|@confluentinc\/kafka-javascript|nats|pika|aio-pika|kombu|confluent-kafka|kafka-python|github\.com\/rabbitmq\/amqp091-go|github\.com\/segmentio\/kafka-go|github\.com\/nats-io\/nats\.go|org\.springframework\.kafka:spring-kafka|org\.springframework\.boot:spring-boot-starter-amqp|lapin|rdkafka|rabbitmq\.client|confluent\.kafka|bunny|sneakers|php-amqplib\/php-amqplib|bullmq|bull|celery|sidekiq)$/i, { broker: 'message broker or job queue' }],
]

/** Images in an existing Compose file, and the service each one is. */
const IMAGES: readonly [RegExp, Kind][] = [
  [/^(?:[\w.-]+\/)*(?:postgres|postgis\/postgis|pgvector\/pgvector|timescale\/timescaledb)(?::|@|$)/, { database: 'postgres' }],
  [/^(?:[\w.-]+\/)*(?:mysql|percona)(?::|@|$)/, { database: 'mysql' }],
  [/^(?:[\w.-]+\/)*mariadb(?::|@|$)/, { database: 'mariadb' }],
  [/^(?:[\w.-]+\/)*(?:mongo|mongodb\/mongodb-community-server)(?::|@|$)/, { database: 'mongodb' }],
  [/^(?:[\w.-]+\/)*(?:redis|redis-stack|redis\/redis-stack)(?::|@|$)/, { cache: 'redis' }],
  [/^(?:[\w.-]+\/)*valkey(?::|@|$)/, { cache: 'valkey' }],
  [/^(?:[\w.-]+\/)*memcached(?::|@|$)/, { cache: 'memcached' }],
  [/^(?:[\w.-]+\/)*(?:rabbitmq|nats|apache\/kafka|confluentinc\/cp-kafka|bitnami\/kafka|redpandadata\/redpanda)(?::|@|$)/, { broker: 'message broker' }],
]

/** Connection URLs and settings in `.env.example` and its kin. */
const ENV_HINTS: readonly [RegExp, Kind][] = [
  [/^\s*(?:export\s+)?\w*(?:DATABASE_URL|DB_URL|DSN)\w*\s*=\s*['"]?(?:postgres(?:ql)?|pgsql)(?:\+\w+)?:\/\//im, { database: 'postgres' }],
  [/^\s*(?:export\s+)?\w*(?:DATABASE_URL|DB_URL|DSN)\w*\s*=\s*['"]?mysql(?:\+\w+)?:\/\//im, { database: 'mysql' }],
  [/^\s*(?:export\s+)?\w*(?:DATABASE_URL|DB_URL|DSN)\w*\s*=\s*['"]?mariadb(?:\+\w+)?:\/\//im, { database: 'mariadb' }],
  [/^\s*(?:export\s+)?\w*MONGO\w*\s*=\s*['"]?mongodb(?:\+srv)?:\/\//im, { database: 'mongodb' }],
  [/^\s*DB_CONNECTION\s*=\s*pgsql\b/im, { database: 'postgres' }],
  [/^\s*DB_CONNECTION\s*=\s*mysql\b/im, { database: 'mysql' }],
  [/^\s*DB_CONNECTION\s*=\s*mariadb\b/im, { database: 'mariadb' }],
  [/^\s*DB_CONNECTION\s*=\s*sqlite\b/im, { embedded: 'SQLite' }],
  [/^\s*(?:export\s+)?\w*(?:REDIS|CACHE)\w*URL\w*\s*=\s*['"]?rediss?:\/\//im, { cache: 'redis' }],
  [/^\s*(?:export\s+)?\w*VALKEY\w*\s*=\s*['"]?/im, { cache: 'valkey' }],
  [/^\s*(?:export\s+)?\w*MEMCACHE\w*\s*=/im, { cache: 'memcached' }],
  [/^\s*CACHE_(?:STORE|DRIVER)\s*=\s*redis\b/im, { cache: 'redis' }],
  [/^\s*CACHE_(?:STORE|DRIVER)\s*=\s*memcached\b/im, { cache: 'memcached' }],
]

export const ENV_EXAMPLES = /(^|\/)\.env(?:\.[\w-]+)*\.(?:example|sample|dist|template)$|(^|\/)(?:example|sample)\.env$/

export interface BackingResult {
  database: Finding<Database>
  cache: Finding<Cache>
  warnings: DetectionWarning[]
  notes: Evidence[]
}

/** Compose files at this folder (and the repository root, which often holds the services). */
export function composeFiles(f: Folder): string[] {
  return f.find(/^(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$/)
}

/** Image references of a Compose file's services (a line scan: no YAML parser at runtime). */
export function composeImages(text: string): string[] {
  return [...text.matchAll(/^\s+image:\s*['"]?([^\s'"#]+)/gm)].map((m) => m[1]!)
}

/**
 * Databases and caches the service uses: its dependencies first, then its env examples, then
 * services of an existing Compose file. Several candidates are a warning: the tool sets up one
 * database and one cache per service.
 */
export function detectBacking(f: Folder, deps: readonly Dependency[], extraFolders: readonly Folder[] = []): BackingResult {
  const db = new Map<Database, Evidence[]>()
  const cache = new Map<Cache, Evidence[]>()
  const notes: Evidence[] = []
  const add = (kind: Kind, ev: Evidence, strength: 'dep' | 'hint') => {
    if ('database' in kind) db.set(kind.database, [...(db.get(kind.database) ?? []), { ...ev, reason: `${ev.reason}${strength === 'hint' ? '' : ''}` }])
    else if ('cache' in kind) cache.set(kind.cache, [...(cache.get(kind.cache) ?? []), ev])
    else if ('embedded' in kind) notes.push({ file: ev.file, reason: `${ev.reason}: an embedded database (${kind.embedded}), not a service` })
    else notes.push({ file: ev.file, reason: `${ev.reason}: a ${kind.broker}, not a database or cache (not set up)` })
  }
  for (const d of deps) {
    const kind = CLIENTS.find(([re]) => re.test(d.name))?.[1]
    if (kind) add(kind, { file: d.file, reason: `depends on ${d.name}` }, 'dep')
  }
  const depFound = { db: db.size > 0, cache: cache.size > 0 }
  for (const folder of [f, ...extraFolders]) {
    for (const file of folder.find(ENV_EXAMPLES).filter((p) => !p.includes('/'))) {
      const text = folder.read(file) ?? ''
      for (const [re, kind] of ENV_HINTS) {
        const m = re.exec(text)
        if (m) add(kind, { file: folder.path(file), reason: `sets ${m[0].trim().split(/\s*=/)[0]}` }, 'hint')
      }
    }
    for (const file of composeFiles(folder)) {
      for (const image of composeImages(folder.read(file) ?? '')) {
        const kind = IMAGES.find(([re]) => re.test(image))?.[1]
        if (kind) add(kind, { file: folder.path(file), reason: `runs image ${image}` }, 'hint')
      }
    }
  }
  const warnings: DetectionWarning[] = []
  const pick = <T extends string>(found: Map<T, Evidence[]>, fromDeps: boolean, what: 'database' | 'cache'): Finding<T | 'none'> => {
    if (found.size === 0) return { value: 'none', confidence: 'medium', evidence: [{ file: f.path('.'), reason: `no ${what} client, env setting or Compose service found` }] }
    // The one with the most evidence wins; ties go to the order of the tool's choices.
    const ranked = [...found.entries()].sort((a, b) => b[1].length - a[1].length)
    const [value, evidence] = ranked[0]!
    if (ranked.length > 1) {
      warnings.push({
        code: what === 'database' ? 'several-databases' : 'several-caches',
        file: evidence[0]!.file,
        message: `uses several ${what === 'database' ? 'databases' : 'caches'} (${ranked.map(([k]) => k).join(', ')}); this tool sets up one, ${value}: pass --${what} to choose`,
      })
    }
    return { value, confidence: ranked.length > 1 ? 'low' : fromDeps ? 'high' : 'medium', evidence }
  }
  return {
    database: pick(db, depFound.db, 'database'),
    cache: pick(cache, depFound.cache, 'cache'),
    warnings,
    notes,
  }
}

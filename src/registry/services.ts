import type { ConnectionPart } from '../detect/types.js'
import type { Cache, Choice, Database } from '../options.js'

/**
 * A backing service as Compose runs it in dev and test, and as the app reaches it.
 * Image tags pin a supported major/minor line (patch updates arrive through Renovate or
 * Dependabot); credentials are interpolated from `.env` with dev-only defaults.
 */
export interface ServiceSpec {
  /** Compose service name and in-cluster host name. */
  host: string
  image: string
  port: number
  /** Which readiness probe the starter apps use for this service. */
  probe: Probe
  /** Environment variable through which the app receives the connection URL. */
  urlEnv: 'DATABASE_URL' | 'CACHE_URL'
  /** Container path of the data directory kept in a named volume; null when stateless. */
  dataDir: string | null
  /** Compose `healthcheck.test`. `$$` escapes Compose interpolation. */
  healthcheck: readonly string[]
  /** Extra `command` for the service container, when the image default needs changing. */
  command?: readonly string[]
  /** Container env: name → value (may reference `.env` variables by `${NAME}`). */
  environment: Readonly<Record<string, string>>
  /** Variables this service reads from `.env`, with the dev default and a description. */
  secrets: readonly EnvVar[]
  /** The connection URL, in Compose interpolation syntax. */
  url: string
  /**
   * The pieces apps read apart (`DB_USER`, `SPRING_DATASOURCE_PASSWORD`), as `${NAME}` references
   * to the variables above or literals; empty where the service has none (Memcached).
   */
  credentials: { user: string; password: string; database: string }
  /** The JDBC subprotocol (`jdbc:<it>://`); null where Java has no JDBC driver, so the URL is given. */
  jdbc: string | null
  /** The connection string .NET's client for it takes (Npgsql, MySqlConnector, StackExchange.Redis...). */
  connstring: 'npgsql' | 'mysql' | 'url' | 'redis' | 'hostport'
  /** Docker Hub docs, linked from the generated file. */
  docs: string
  /** How the image runs as a dev-only pod in Kubernetes (read-only root filesystem, non-root). */
  k8s: {
    /** The image's own unprivileged user; its entrypoint then skips the root-only setup. */
    uid: number
    /** Directories it writes besides its data directory (emptyDirs). */
    writableDirs: readonly string[]
    /** Memory limit for a dev-sized instance. */
    memory: string
  }
}

/** Readiness probes, one per wire protocol (MariaDB speaks MySQL's, Valkey speaks Redis'). */
export const PROBES = ['postgres', 'mysql', 'mongodb', 'redis', 'memcached'] as const
export type Probe = (typeof PROBES)[number]

export interface EnvVar {
  name: string
  devDefault: string
  description: string
  /** A secret must be set explicitly in production (Compose `:?` interpolation). */
  secret: boolean
}

export interface DatabaseChoice extends Choice<Database> {
  service: ServiceSpec | null
}
export interface CacheChoice extends Choice<Cache> {
  service: ServiceSpec | null
}

const pg: ServiceSpec = {
  host: 'postgres',
  image: 'postgres:18-trixie',
  port: 5432,
  probe: 'postgres',
  urlEnv: 'DATABASE_URL',
  // Postgres 18 images keep PGDATA in a versioned folder below this mount point.
  dataDir: '/var/lib/postgresql',
  healthcheck: ['CMD-SHELL', 'pg_isready -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}" -h 127.0.0.1'],
  environment: {
    POSTGRES_USER: '${POSTGRES_USER}',
    POSTGRES_PASSWORD: '${POSTGRES_PASSWORD}',
    POSTGRES_DB: '${POSTGRES_DB}',
  },
  secrets: [
    { name: 'POSTGRES_USER', devDefault: 'app', description: 'Database user', secret: false },
    { name: 'POSTGRES_PASSWORD', devDefault: 'dev-only-password', description: 'Database password', secret: true },
    { name: 'POSTGRES_DB', devDefault: 'app', description: 'Database name', secret: false },
  ],
  url: 'postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}',
  credentials: { user: '${POSTGRES_USER}', password: '${POSTGRES_PASSWORD}', database: '${POSTGRES_DB}' },
  jdbc: 'postgresql',
  connstring: 'npgsql',
  docs: 'https://hub.docker.com/_/postgres',
  k8s: { uid: 999, writableDirs: ['/var/run/postgresql', '/tmp'], memory: '256Mi' },
}

const mysqlLike = (kind: 'mysql' | 'mariadb'): ServiceSpec => {
  const P = kind === 'mysql' ? 'MYSQL' : 'MARIADB'
  return {
    host: kind,
    image: kind === 'mysql' ? 'mysql:8.4' : 'mariadb:11.8',
    port: 3306,
    probe: 'mysql',
    urlEnv: 'DATABASE_URL',
    dataDir: '/var/lib/mysql',
    // mysqladmin ping succeeds once the server accepts TCP, even before credentials are checked;
    // MariaDB images ship their own healthcheck.sh that also waits for InnoDB.
    healthcheck:
      kind === 'mysql'
        ? ['CMD', 'mysqladmin', 'ping', '--host=127.0.0.1', '--silent']
        : ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
    environment: {
      [`${P}_USER`]: `\${${P}_USER}`,
      [`${P}_PASSWORD`]: `\${${P}_PASSWORD}`,
      [`${P}_DATABASE`]: `\${${P}_DATABASE}`,
      [`${P}_ROOT_PASSWORD`]: `\${${P}_ROOT_PASSWORD}`,
    },
    secrets: [
      { name: `${P}_USER`, devDefault: 'app', description: 'Database user', secret: false },
      { name: `${P}_PASSWORD`, devDefault: 'dev-only-password', description: 'Database password', secret: true },
      { name: `${P}_DATABASE`, devDefault: 'app', description: 'Database name', secret: false },
      { name: `${P}_ROOT_PASSWORD`, devDefault: 'dev-only-root-password', description: 'Root password', secret: true },
    ],
    url: `${kind}://\${${P}_USER}:\${${P}_PASSWORD}@${kind}:3306/\${${P}_DATABASE}`,
    credentials: { user: `\${${P}_USER}`, password: `\${${P}_PASSWORD}`, database: `\${${P}_DATABASE}` },
    jdbc: kind,
    connstring: 'mysql',
    docs: `https://hub.docker.com/_/${kind}`,
    // Both images run mysqld as `mysql` (UID 999); the socket directory differs.
    k8s: { uid: 999, writableDirs: [kind === 'mysql' ? '/var/run/mysqld' : '/run/mysqld', '/tmp'], memory: '512Mi' },
  }
}

const mongo: ServiceSpec = {
  host: 'mongodb',
  image: 'mongo:8.0',
  port: 27017,
  probe: 'mongodb',
  urlEnv: 'DATABASE_URL',
  dataDir: '/data/db',
  // `ping` needs no authentication, so the check works before users exist.
  healthcheck: ['CMD', 'mongosh', '--quiet', '--eval', "db.adminCommand('ping').ok"],
  environment: {
    MONGO_INITDB_ROOT_USERNAME: '${MONGO_USER}',
    MONGO_INITDB_ROOT_PASSWORD: '${MONGO_PASSWORD}',
    MONGO_INITDB_DATABASE: '${MONGO_DB}',
  },
  secrets: [
    { name: 'MONGO_USER', devDefault: 'app', description: 'Root user created on first start', secret: false },
    { name: 'MONGO_PASSWORD', devDefault: 'dev-only-password', description: 'Root password', secret: true },
    { name: 'MONGO_DB', devDefault: 'app', description: 'Application database', secret: false },
  ],
  url: 'mongodb://${MONGO_USER}:${MONGO_PASSWORD}@mongodb:27017/${MONGO_DB}?authSource=admin',
  // The root user lives in the admin database: apps that take the parts must authenticate there.
  credentials: { user: '${MONGO_USER}', password: '${MONGO_PASSWORD}', database: '${MONGO_DB}' },
  jdbc: null,
  connstring: 'url',
  docs: 'https://hub.docker.com/_/mongo',
  k8s: { uid: 999, writableDirs: ['/data/configdb', '/tmp'], memory: '512Mi' },
}

const redisLike = (kind: 'redis' | 'valkey'): ServiceSpec => {
  const cli = kind === 'redis' ? 'redis-cli' : 'valkey-cli'
  const server = kind === 'redis' ? 'redis-server' : 'valkey-server'
  return {
    host: kind,
    image: kind === 'redis' ? 'redis:8.2' : 'valkey/valkey:9.0',
    port: 6379,
    probe: 'redis',
    urlEnv: 'CACHE_URL',
    dataDir: '/data',
    // The CLI exits 0 even on an auth error, so the reply itself is checked.
    healthcheck: ['CMD-SHELL', `${cli} -a "$$CACHE_PASSWORD" --no-auth-warning ping | grep -q PONG`],
    command: ['sh', '-c', `exec ${server} --requirepass "$$CACHE_PASSWORD" --appendonly yes`],
    environment: { CACHE_PASSWORD: '${CACHE_PASSWORD}' },
    secrets: [{ name: 'CACHE_PASSWORD', devDefault: 'dev-only-password', description: 'Cache password', secret: true }],
    url: `redis://:\${CACHE_PASSWORD}@${kind}:6379/0`,
    // `default` is the user `--requirepass` sets the password of (Redis 6 ACLs).
    credentials: { user: 'default', password: '${CACHE_PASSWORD}', database: '0' },
    jdbc: null,
    connstring: 'redis',
    docs: kind === 'redis' ? 'https://hub.docker.com/_/redis' : 'https://hub.docker.com/r/valkey/valkey',
    k8s: { uid: 999, writableDirs: ['/tmp'], memory: '128Mi' },
  }
}

const memcached: ServiceSpec = {
  host: 'memcached',
  image: 'memcached:1.6',
  port: 11211,
  probe: 'memcached',
  urlEnv: 'CACHE_URL',
  dataDir: null,
  // The image has no client tools; bash's /dev/tcp speaks the text protocol directly. CMD-SHELL
  // would run it in /bin/sh, which is dash in this Debian image and has no /dev/tcp.
  healthcheck: [
    'CMD',
    'bash',
    '-c',
    "exec 3<>/dev/tcp/127.0.0.1/11211 && printf 'version\\r\\n' >&3 && head -c 7 <&3 | grep -q VERSION",
  ],
  command: ['memcached', '--memory-limit=64'],
  environment: {},
  secrets: [],
  url: 'memcached://memcached:11211',
  credentials: { user: '', password: '', database: '' },
  jdbc: null,
  connstring: 'hostport',
  docs: 'https://hub.docker.com/_/memcached',
  // The image's `memcache` user.
  k8s: { uid: 11211, writableDirs: ['/tmp'], memory: '128Mi' },
}

/**
 * A service as an existing app's own client reads it. Postgres URLs take the `postgresql://`
 * scheme, which every client accepts (libpq, psycopg, SQLAlchemy, node-postgres, pgx, sqlx,
 * Prisma), while SQLAlchemy 1.4+ refuses `postgres://` and the app would exit at boot. A new
 * service keeps `postgres://`: its starter app parses that, and its output stays as it was.
 */
export function forExistingApp(spec: ServiceSpec): ServiceSpec {
  return spec.url.startsWith('postgres://') ? { ...spec, url: `postgresql://${spec.url.slice('postgres://'.length)}` } : spec
}

/** Where a connection points: Compose's service, an in-cluster Service, a managed endpoint. */
export interface Endpoint {
  host: string
  port: number
}

/**
 * One part of the connection to a service as an app reads it, in Compose interpolation syntax,
 * pointed at `at` (by default the service's own host and port, as Compose and the dev cluster
 * reach it). Every part that names the host names the port too, so a managed endpoint replaces
 * both.
 */
export function connectionValue(s: ServiceSpec, part: ConnectionPart, at: Endpoint = { host: s.host, port: s.port }): string {
  const hostport = `${at.host}:${at.port}`
  const { user, password, database } = s.credentials
  const url = s.url.replace(`${s.host}:${s.port}`, hostport)
  switch (part) {
    case 'url':
      return url
    case 'jdbc':
      // Credentials go apart (SPRING_DATASOURCE_USERNAME...), as JDBC URLs usually leave them out.
      return s.jdbc ? `jdbc:${s.jdbc}://${hostport}/${database}` : url
    case 'connstring':
      switch (s.connstring) {
        case 'npgsql':
          return `Host=${at.host};Port=${at.port};Database=${database};Username=${user};Password=${password}`
        case 'mysql':
          return `Server=${at.host};Port=${at.port};Database=${database};User=${user};Password=${password}`
        case 'redis':
          return `${hostport},password=${password}`
        case 'hostport':
          return hostport
        case 'url':
          return url
      }
      break
    case 'host':
      return at.host
    case 'port':
      return String(at.port)
    case 'hostport':
      return hostport
    case 'user':
      return user
    case 'password':
      return password
    case 'database':
      return database
  }
  throw new Error(`internal: no connection part ${String(part)}`)
}

export const DATABASE_CHOICES: readonly DatabaseChoice[] = [
  { id: 'none', label: 'None', available: true, service: null },
  { id: 'postgres', label: 'PostgreSQL', hint: '18', available: true, service: pg },
  { id: 'mysql', label: 'MySQL', hint: '8.4 LTS', available: true, service: mysqlLike('mysql') },
  { id: 'mariadb', label: 'MariaDB', hint: '11.8 LTS', available: true, service: mysqlLike('mariadb') },
  { id: 'mongodb', label: 'MongoDB', hint: '8.0', available: true, service: mongo },
]

export const CACHE_CHOICES: readonly CacheChoice[] = [
  { id: 'none', label: 'None', available: true, service: null },
  { id: 'redis', label: 'Redis', hint: '8.2', available: true, service: redisLike('redis') },
  { id: 'valkey', label: 'Valkey', hint: '9.0, the open-source Redis fork', available: true, service: redisLike('valkey') },
  { id: 'memcached', label: 'Memcached', hint: '1.6', available: true, service: memcached },
]

import type { Cache, Database } from '../options.js'
import { appComposeService, folderComposeServices, testComposeFiles, testOnlyCompose, composeServices, type ComposeService } from './compose.js'
import { configLeaves } from './config-files.js'
import { Folder, parentDir } from './repo.js'
import type { DetectionWarning, Evidence, Finding, UnprovidedService } from './types.js'
import { child, isMap, parseYaml } from './yaml-lite.js'

/** A dependency as a manifest names it, with the manifest it came from. */
export interface Dependency {
  name: string
  file: string
  /** Only for development or tests (devDependencies, [dev-dependencies], a test scope): never chooses a service. */
  dev?: boolean
  /** Why this dependency stands for a client when the name alone does not say (a Cargo feature, a project reference). */
  reason?: string
}

type Kind =
  | { database: Exclude<Database, 'none'> }
  | { cache: Exclude<Cache, 'none'> }
  | { embedded: string }
  | { broker: string }
  | { unprovided: string }
  /** A config setting that selects no service of its kind (`CACHE_STORE=file`). */
  | { noCache: string }

/**
 * Client libraries, by the name each ecosystem gives them. Embedded databases (SQLite, H2,
 * DuckDB) are not services; job queues that need Redis choose it; services the tool cannot set
 * up are reported as such.
 */
const CLIENTS: readonly [RegExp, Kind][] = [
  [/^(pg|postgres|pg-promise|@neondatabase\/serverless|psycopg|psycopg2|psycopg2-binary|psycopg-binary|asyncpg|github\.com\/lib\/pq|github\.com\/jackc\/pgx(\/v\d)?|org\.postgresql:postgresql|tokio-postgres|postgres-types|deadpool-postgres|bb8-postgres|npgsql|npgsql\.entityframeworkcore\.postgresql|pg_search|ext-pdo_pgsql|ext-pgsql|r2dbc-postgresql|org\.postgresql:r2dbc-postgresql|gorm\.io\/driver\/postgres|io\.quarkus:quarkus-jdbc-postgresql|io\.quarkus:quarkus-reactive-pg-client|diesel-postgres)$/i, { database: 'postgres' }],
  [/^(mysql|mysql2|pymysql|mysqlclient|aiomysql|asyncmy|mysql-connector-python|github\.com\/go-sql-driver\/mysql|com\.mysql:mysql-connector-j|mysql:mysql-connector-java|mysql_async|mysqlconnector|pomelo\.entityframeworkcore\.mysql|mysql\.entityframeworkcore|trilogy|ext-pdo_mysql|ext-mysqli|gorm\.io\/driver\/mysql|io\.quarkus:quarkus-jdbc-mysql|io\.quarkus:quarkus-reactive-mysql-client)$/i, { database: 'mysql' }],
  [/^(mariadb|org\.mariadb\.jdbc:mariadb-java-client|io\.quarkus:quarkus-jdbc-mariadb)$/i, { database: 'mariadb' }],
  [/^(mongodb|mongoose|pymongo|motor|beanie|mongoengine|go\.mongodb\.org\/mongo-driver(\/v\d)?|org\.mongodb:mongodb-driver-sync|org\.springframework\.boot:spring-boot-starter-data-mongodb|io\.quarkus:quarkus-mongodb-client|mongodb\.driver|mongodb\.entityframeworkcore|mongoid|mongo|mongodb\/mongodb|ext-mongodb)$/i, { database: 'mongodb' }],
  [/^(redis|ioredis|@redis\/client|github\.com\/redis\/go-redis(\/v\d)?|github\.com\/go-redis\/redis(\/v\d)?|github\.com\/gomodule\/redigo|redis-py|org\.springframework\.boot:spring-boot-starter-data-redis|redis\.clients:jedis|io\.lettuce:lettuce-core|io\.quarkus:quarkus-redis-client|stackexchange\.redis|microsoft\.extensions\.caching\.stackexchangeredis|redis-rb|predis\/predis|ext-redis|django-redis|flask-caching|fred|deadpool-redis|bb8-redis|tower-sessions-redis-store|bull|bullmq|bee-queue|sidekiq|resque|rq|django-rq|connect-redis|@socket\.io\/redis-adapter)$/i, { cache: 'redis' }],
  [/^(iovalkey|@valkey\/valkey-glide|valkey|valkey-glide|github\.com\/valkey-io\/valkey-go|valkey-glide-java)$/i, { cache: 'valkey' }],
  [/^(memjs|memcached|pymemcache|pylibmc|python-memcached|github\.com\/bradfitz\/gomemcache|memcache|enyimmemcachedcore|dalli|ext-memcached|net\.spy:spymemcached)$/i, { cache: 'memcached' }],
  [/^(sqlite3|better-sqlite3|@libsql\/client|libsql|rusqlite|github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite|microsoft\.entityframeworkcore\.sqlite|microsoft\.entityframeworkcore\.inmemory|microsoft\.data\.sqlite|org\.xerial:sqlite-jdbc|com\.h2database:h2|duckdb|aiosqlite|gorm\.io\/driver\/sqlite|github\.com\/glebarez\/sqlite|io\.quarkus:quarkus-jdbc-h2)$/i, { embedded: 'SQLite/H2/DuckDB' }],
  [/^(mssql|tedious|pymssql|mssql-django|com\.microsoft\.sqlserver:mssql-jdbc|github\.com\/microsoft\/go-mssqldb|github\.com\/denisenkom\/go-mssqldb|gorm\.io\/driver\/sqlserver|tiberius|microsoft\.entityframeworkcore\.sqlserver|microsoft\.data\.sqlclient|system\.data\.sqlclient|ext-pdo_sqlsrv|ext-sqlsrv|activerecord-sqlserver-adapter|tiny_tds|io\.quarkus:quarkus-jdbc-mssql)$/i, { unprovided: 'SQL Server' }],
  [/^(amqplib|amqp-connection-manager|pika|aio-pika|github\.com\/rabbitmq\/amqp091-go|github\.com\/streadway\/amqp|org\.springframework\.boot:spring-boot-starter-amqp|org\.springframework\.amqp:spring-rabbit|lapin|rabbitmq\.client|masstransit\.rabbitmq|bunny|sneakers|php-amqplib\/php-amqplib|io\.quarkus:quarkus-messaging-rabbitmq)$/i, { unprovided: 'RabbitMQ' }],
  [/^(kafkajs|@confluentinc\/kafka-javascript|node-rdkafka|confluent-kafka|kafka-python|aiokafka|github\.com\/segmentio\/kafka-go|github\.com\/ibm\/sarama|github\.com\/shopify\/sarama|github\.com\/confluentinc\/confluent-kafka-go(\/v\d)?|github\.com\/twmb\/franz-go|org\.springframework\.kafka:spring-kafka|org\.apache\.kafka:kafka-clients|rdkafka|confluent\.kafka|ruby-kafka|karafka|io\.quarkus:quarkus-messaging-kafka)$/i, { unprovided: 'Kafka' }],
  [/^(nats|nats-py|github\.com\/nats-io\/nats\.go|async-nats|nats\.net|nats\.client|io\.nats:jnats)$/i, { unprovided: 'NATS' }],
  [/^(@elastic\/elasticsearch|elasticsearch|elasticsearch-dsl|django-elasticsearch-dsl|github\.com\/elastic\/go-elasticsearch(\/v\d+)?|github\.com\/olivere\/elastic(\/v\d)?|org\.springframework\.boot:spring-boot-starter-data-elasticsearch|co\.elastic\.clients:elasticsearch-java|org\.elasticsearch\.client:elasticsearch-rest-high-level-client|nest|elastic\.clients\.elasticsearch|elasticsearch-model|elasticsearch-rails|searchkick|elasticsearch\/elasticsearch)$/i, { unprovided: 'Elasticsearch' }],
  [/^(@opensearch-project\/opensearch|opensearch-py|github\.com\/opensearch-project\/opensearch-go(\/v\d)?|opensearch|org\.opensearch\.client:opensearch-java|opensearch-ruby|opensearch-project\/opensearch-php)$/i, { unprovided: 'OpenSearch' }],
  [/^(cassandra-driver|github\.com\/gocql\/gocql|com\.datastax\.oss:java-driver-core|org\.springframework\.boot:spring-boot-starter-data-cassandra|scylla|cassandracsharpdriver)$/i, { unprovided: 'Cassandra' }],
  [/^(@clickhouse\/client|clickhouse-connect|clickhouse-driver|github\.com\/clickhouse\/clickhouse-go(\/v\d)?|clickhouse|com\.clickhouse:clickhouse-jdbc|clickhouse\.client)$/i, { unprovided: 'ClickHouse' }],
  [/^(meilisearch|meilisearch-python-sdk|github\.com\/meilisearch\/meilisearch-go|meilisearch-sdk|meilisearch-rails|meilisearch\/meilisearch-php|com\.meilisearch\.sdk:meilisearch-java)$/i, { unprovided: 'Meilisearch' }],
  [/^(typesense)$/i, { unprovided: 'Typesense' }],
  [/^(oracledb|cx-oracle|com\.oracle\.database\.jdbc:ojdbc\d+|github\.com\/sijms\/go-ora(\/v\d)?|oracle\.manageddataaccess\.core|oracle\.entityframeworkcore|ruby-oci8|activerecord-oracle_enhanced-adapter)$/i, { unprovided: 'Oracle Database' }],
  [/^(neo4j-driver|neo4j|github\.com\/neo4j\/neo4j-go-driver(\/v\d)?|org\.neo4j\.driver:neo4j-java-driver|org\.springframework\.boot:spring-boot-starter-data-neo4j|neo4j\.driver)$/i, { unprovided: 'Neo4j' }],
  [/^(@influxdata\/influxdb-client|influxdb-client|github\.com\/influxdata\/influxdb-client-go(\/v\d)?)$/i, { unprovided: 'InfluxDB' }],
  [/^(celery|dramatiq|hangfire|masstransit|kombu)$/i, { broker: 'job queue or message bus (its broker is set in its own config)' }],
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
  [/^mcr\.microsoft\.com\/(?:mssql\/server|azure-sql-edge)(?::|@|$)/, { unprovided: 'SQL Server' }],
  [/^(?:[\w.-]+\/)*rabbitmq(?::|@|$)/, { unprovided: 'RabbitMQ' }],
  [/^(?:[\w.-]+\/)*(?:apache\/kafka|confluentinc\/cp-kafka|bitnami\/kafka|redpandadata\/redpanda|vectorized\/redpanda)(?::|@|$)/, { unprovided: 'Kafka' }],
  [/^(?:[\w.-]+\/)*nats(?::|@|$)/, { unprovided: 'NATS' }],
  [/^(?:[\w.-]+\/)*elasticsearch(?:\/elasticsearch)?(?::|@|$)/, { unprovided: 'Elasticsearch' }],
  [/^(?:[\w.-]+\/)*opensearchproject\/opensearch(?::|@|$)/, { unprovided: 'OpenSearch' }],
  [/^(?:[\w.-]+\/)*(?:cassandra|scylladb\/scylla)(?::|@|$)/, { unprovided: 'Cassandra' }],
  [/^(?:[\w.-]+\/)*(?:clickhouse\/clickhouse-server|yandex\/clickhouse-server)(?::|@|$)/, { unprovided: 'ClickHouse' }],
  [/^(?:[\w.-]+\/)*getmeili\/meilisearch(?::|@|$)/, { unprovided: 'Meilisearch' }],
  [/^(?:[\w.-]+\/)*typesense\/typesense(?::|@|$)/, { unprovided: 'Typesense' }],
  [/^(?:[\w.-]+\/)*(?:gvenzl\/oracle-(?:free|xe)|database\/(?:free|enterprise|express))(?::|@|$)/, { unprovided: 'Oracle Database' }],
  [/^(?:[\w.-]+\/)*neo4j(?::|@|$)/, { unprovided: 'Neo4j' }],
  [/^(?:[\w.-]+\/)*influxdb(?::|@|$)/, { unprovided: 'InfluxDB' }],
]

/** A connection URL's scheme, and the service it names. */
const SCHEMES: readonly [RegExp, Kind][] = [
  [/^(?:postgres(?:ql)?|pgsql|postgis)(?:\+\w+)?$/, { database: 'postgres' }],
  [/^mysql(?:\+\w+)?$|^mysql2$/, { database: 'mysql' }],
  [/^mariadb(?:\+\w+)?$/, { database: 'mariadb' }],
  [/^mongodb(?:\+srv)?$/, { database: 'mongodb' }],
  [/^(?:sqlite3?|file)(?:\+\w+)?$/, { embedded: 'SQLite' }],
  [/^(?:mssql|sqlserver)(?:\+\w+)?$/, { unprovided: 'SQL Server' }],
  [/^rediss?$/, { cache: 'redis' }],
  [/^amqps?$/, { unprovided: 'RabbitMQ' }],
  [/^nats$/, { unprovided: 'NATS' }],
]

/** Connection settings in `.env.example` and its kin: hints, weaker than dependencies and config. */
const ENV_HINTS: readonly [RegExp, (m: RegExpExecArray) => Kind | undefined][] = [
  [/^\s*(?:export\s+)?(\w*(?:DATABASE_URL|DB_URL|DSN|DATABASE_URI|DB_URI)\w*)\s*=\s*['"]?([\w+]+):\/\//gim, (m) => schemeKind(m[2]!)],
  [/^\s*(?:export\s+)?(\w*MONGO\w*)\s*=\s*['"]?mongodb(?:\+srv)?:\/\//gim, () => ({ database: 'mongodb' })],
  [/^\s*(?:export\s+)?(\w*(?:REDIS|CACHE)\w*URL\w*)\s*=\s*['"]?rediss?:\/\//gim, () => ({ cache: 'redis' })],
  [/^\s*(?:export\s+)?(REDIS_HOST|REDIS_URL|REDIS_ADDR)\s*=\s*\S/gim, () => ({ cache: 'redis' })],
  [/^\s*(?:export\s+)?(\w*VALKEY\w*)\s*=/gim, () => ({ cache: 'valkey' })],
  [/^\s*(?:export\s+)?(\w*MEMCACHE\w*)\s*=/gim, () => ({ cache: 'memcached' })],
  [/^\s*(?:export\s+)?((?:ELASTIC(?:SEARCH)?|ES)_(?:URL|HOSTS?|NODES?|URI))\s*=/gim, () => ({ unprovided: 'Elasticsearch' })],
  [/^\s*(?:export\s+)?(\w*(?:AMQP|RABBITMQ)\w*)\s*=/gim, () => ({ unprovided: 'RabbitMQ' })],
  [/^\s*(?:export\s+)?(KAFKA_\w*(?:BROKERS?|BOOTSTRAP\w*|SERVERS?))\s*=/gim, () => ({ unprovided: 'Kafka' })],
  [/^\s*(?:export\s+)?(NATS_\w*(?:URL|SERVERS?))\s*=/gim, () => ({ unprovided: 'NATS' })],
  [/^\s*(?:export\s+)?(MEILI\w*_(?:HOST|URL))\s*=/gim, () => ({ unprovided: 'Meilisearch' })],
]

const HINTS: Readonly<Record<string, string>> = {
  'SQL Server': 'a SQL Server container (mcr.microsoft.com/mssql/server, ACCEPT_EULA=Y, MSSQL_SA_PASSWORD) in compose.yaml and the connection string the app reads (e.g. ConnectionStrings__DefaultConnection); a managed SQL Server in the cloud',
  RabbitMQ: 'a RabbitMQ service (rabbitmq:4-management) in compose.yaml and its AMQP URL in the variable the app reads; a managed broker in the cloud',
  Kafka: 'a Kafka broker (apache/kafka, KRaft mode) in compose.yaml and its bootstrap servers in the variable the app reads; a managed Kafka in the cloud',
  NATS: 'a NATS server (nats) in compose.yaml and its URL in the variable the app reads',
  Elasticsearch: 'an Elasticsearch node (docker.elastic.co/elasticsearch/elasticsearch, discovery.type=single-node) in compose.yaml and its URL in the variable the app reads; a managed cluster in the cloud',
  OpenSearch: 'an OpenSearch node (opensearchproject/opensearch, discovery.type=single-node) in compose.yaml and its URL in the variable the app reads',
  Cassandra: 'a Cassandra node (cassandra) in compose.yaml and its contact points in the variable the app reads',
  ClickHouse: 'a ClickHouse server (clickhouse/clickhouse-server) in compose.yaml and its URL in the variable the app reads',
  Meilisearch: 'a Meilisearch server (getmeili/meilisearch) in compose.yaml and its URL and master key in the variables the app reads',
  Typesense: 'a Typesense server (typesense/typesense) in compose.yaml and its URL and API key in the variables the app reads',
  'Oracle Database': 'an Oracle Database container (gvenzl/oracle-free) in compose.yaml and the connection settings the app reads',
  Neo4j: 'a Neo4j server (neo4j) in compose.yaml and its bolt URL in the variable the app reads',
  InfluxDB: 'an InfluxDB server (influxdb) in compose.yaml and its URL and token in the variables the app reads',
}

export const ENV_EXAMPLES = /(^|\/)\.env(?:\.[\w-]+)*\.(?:example|sample|dist|template)$|(^|\/)(?:example|sample)\.env$/

function schemeKind(scheme: string): Kind | undefined {
  return SCHEMES.find(([re]) => re.test(scheme.toLowerCase()))?.[1]
}

/** What a Kind is, in words for the report. */
function label(kind: Kind): string {
  if ('database' in kind) return kind.database
  if ('cache' in kind) return kind.cache
  if ('embedded' in kind) return kind.embedded
  if ('unprovided' in kind) return kind.unprovided
  if ('noCache' in kind) return 'no cache'
  return kind.broker
}

type Axis = 'database' | 'cache'
/** Services the tool cannot set up that take the database's place when the app's settings select them. */
const RELATIONAL: ReadonlySet<string> = new Set(['SQL Server', 'Oracle Database'])
const axisOf = (kind: Kind): Axis | undefined => ('database' in kind || 'embedded' in kind ? 'database' : 'cache' in kind || 'noCache' in kind ? 'cache' : undefined)

/** One place a service is named, and how much it says about the app. */
interface Mention {
  kind: Kind
  /** config: the app's own settings select it; dep: a runtime dependency; hint: an env example or the app's Compose file. */
  tier: 'config' | 'dep' | 'hint'
  evidence: Evidence
  /** From an env example line: names a service, but alone does not show the app uses it. */
  fromEnv?: boolean
}

// ---------------------------------------------------------------- the app's own config

const LARAVEL_DB: Readonly<Record<string, Kind>> = { pgsql: { database: 'postgres' }, postgres: { database: 'postgres' }, mysql: { database: 'mysql' }, mariadb: { database: 'mariadb' }, sqlite: { embedded: 'SQLite' }, sqlsrv: { unprovided: 'SQL Server' }, mongodb: { database: 'mongodb' } }
const CACHE_DRIVER = (value: string): Kind => (/^redis$/i.test(value) ? { cache: 'redis' } : /^memcached$/i.test(value) ? { cache: 'memcached' } : /^valkey$/i.test(value) ? { cache: 'valkey' } : { noCache: value })

/** DB_CONNECTION, CACHE_STORE/CACHE_DRIVER (and Redis-backed sessions or queues) in an env example. */
function envSelections(folder: Folder, file: string): Mention[] {
  const text = folder.read(file) ?? ''
  const out: Mention[] = []
  const ev = (line: string): Evidence => ({ file: folder.path(file), reason: line })
  const db = /^\s*DB_CONNECTION\s*=\s*['"]?(\w+)/m.exec(text)
  if (db && LARAVEL_DB[db[1]!.toLowerCase()]) out.push({ kind: LARAVEL_DB[db[1]!.toLowerCase()]!, tier: 'config', evidence: ev(`DB_CONNECTION=${db[1]}`) })
  for (const m of text.matchAll(/^\s*(CACHE_STORE|CACHE_DRIVER)\s*=\s*['"]?(\w+)/gm)) out.push({ kind: CACHE_DRIVER(m[2]!), tier: 'config', evidence: ev(`${m[1]}=${m[2]}`) })
  for (const m of text.matchAll(/^\s*(SESSION_DRIVER|QUEUE_CONNECTION|BROADCAST_CONNECTION)\s*=\s*['"]?(redis|memcached)\b/gm)) out.push({ kind: CACHE_DRIVER(m[2]!), tier: 'config', evidence: ev(`${m[1]}=${m[2]}`) })
  return out
}

/** Laravel's config/database.php and config/cache.php defaults (the env example overrides them). */
function laravelSelections(f: Folder): Mention[] {
  const out: Mention[] = []
  const db = /['"]default['"]\s*=>\s*env\(\s*['"]DB_CONNECTION['"]\s*,\s*['"](\w+)['"]/.exec(f.read('config/database.php') ?? '')
  if (db && LARAVEL_DB[db[1]!]) out.push({ kind: LARAVEL_DB[db[1]!]!, tier: 'config', evidence: { file: f.path('config/database.php'), reason: `default connection env('DB_CONNECTION', '${db[1]}')` } })
  const cache = /['"]default['"]\s*=>\s*env\(\s*['"](CACHE_STORE|CACHE_DRIVER)['"]\s*,\s*['"](\w+)['"]/.exec(f.read('config/cache.php') ?? '')
  if (cache) out.push({ kind: CACHE_DRIVER(cache[2]!), tier: 'config', evidence: { file: f.path('config/cache.php'), reason: `default store env('${cache[1]}', '${cache[2]}')` } })
  return out
}

const DJANGO_ENGINES: readonly [RegExp, Kind][] = [
  [/postgresql|postgis/, { database: 'postgres' }],
  [/mysql/, { database: 'mysql' }],
  [/sqlite3|spatialite/, { embedded: 'SQLite' }],
  [/oracle/, { unprovided: 'Oracle Database' }],
  [/^mssql$|sql_server/, { unprovided: 'SQL Server' }],
  [/djongo|mongodb/, { database: 'mongodb' }],
]

/** Django's DATABASES ENGINE (or dj-database-url's default) and CACHES BACKEND, production settings first. */
function djangoSelections(f: Folder): Mention[] {
  const rank = (p: string) => (/prod/.test(p) ? 0 : /base|common|settings\.py$/.test(p) ? 1 : /local|dev/.test(p) ? 3 : 2)
  const files = f.find(/^(?:src\/)?(?:[\w-]+\/){0,2}settings(?:\.py|\/[\w]+\.py)$/).filter((p) => !/test/.test(p)).sort((a, b) => rank(a) - rank(b))
  const out: Mention[] = []
  for (const file of files) {
    const text = f.read(file) ?? ''
    const engine = /['"]ENGINE['"]\s*:\s*(?:[\w.]+\(\s*['"]\w+['"]\s*,\s*)?['"](?:django\.(?:contrib\.gis\.)?db\.backends\.)?([\w.]+)['"]/.exec(text)
    const kind = engine && DJANGO_ENGINES.find(([re]) => re.test(engine[1]!))?.[1]
    if (kind) out.push({ kind, tier: 'config', evidence: { file: f.path(file), reason: `DATABASES ENGINE ${engine![1]}` } })
    const url = /(?:dj_database_url\.(?:config|parse)|env\.db(?:_url)?)\([^)]*?['"]([\w+]+):\/\//.exec(text)
    const urlKind = url && schemeKind(url[1]!)
    if (urlKind && !kind) out.push({ kind: urlKind, tier: 'config', evidence: { file: f.path(file), reason: `database URL default ${url![1]}://` } })
    const backend = /['"]BACKEND['"]\s*:\s*['"]([\w.]+)['"]/.exec(text.slice(text.indexOf('CACHES')))
    if (text.includes('CACHES') && backend) {
      const b = backend[1]!
      out.push({ kind: /redis/i.test(b) ? { cache: 'redis' } : /memcache/i.test(b) ? { cache: 'memcached' } : { noCache: b.split('.').pop()! }, tier: 'config', evidence: { file: f.path(file), reason: `CACHES BACKEND ${b}` } })
    }
  }
  return out
}

const RAILS_ADAPTERS: readonly [RegExp, Kind][] = [
  [/^(?:postgresql|postgis)$/, { database: 'postgres' }],
  [/^(?:mysql2?|trilogy)$/, { database: 'mysql' }],
  [/^sqlite3$/, { embedded: 'SQLite' }],
  [/^sqlserver$/, { unprovided: 'SQL Server' }],
  [/^oracle_enhanced$/, { unprovided: 'Oracle Database' }],
]

/** Rails' config/database.yml adapter (production, else the shared default) and the production cache store. */
function railsSelections(f: Folder): Mention[] {
  const out: Mention[] = []
  const text = f.read('config/database.yml')
  if (text !== undefined) {
    // ERB tags are not YAML; only the adapter lines matter.
    const doc = parseYaml(text.replace(/<%=?[\s\S]*?%>/g, 'erb'))
    const sections = ['production', 'default', 'development']
    for (const s of sections) {
      const adapter = child(child(doc, s), 'adapter')
      const kind = typeof adapter === 'string' ? RAILS_ADAPTERS.find(([re]) => re.test(adapter))?.[1] : undefined
      if (kind) {
        out.push({ kind, tier: 'config', evidence: { file: f.path('config/database.yml'), reason: `${s}: adapter: ${adapter as string}` } })
        break
      }
    }
  }
  const prod = /^\s*config\.cache_store\s*=\s*:(\w+)/m.exec(f.read('config/environments/production.rb') ?? '')
  if (prod) {
    const s = prod[1]!
    out.push({ kind: s === 'redis_cache_store' ? { cache: 'redis' } : s === 'mem_cache_store' ? { cache: 'memcached' } : { noCache: s }, tier: 'config', evidence: { file: f.path('config/environments/production.rb'), reason: `config.cache_store = :${s}` } })
  }
  return out
}

const JDBC: readonly [RegExp, Kind][] = [
  [/^postgresql$/, { database: 'postgres' }],
  [/^mysql$/, { database: 'mysql' }],
  [/^mariadb$/, { database: 'mariadb' }],
  [/^(?:h2|hsqldb|derby|sqlite)$/, { embedded: 'H2/SQLite' }],
  [/^sqlserver$|^mssql$/, { unprovided: 'SQL Server' }],
  [/^oracle$/, { unprovided: 'Oracle Database' }],
]

/** Spring's spring.datasource.url (its JDBC scheme) and cache type; Quarkus' db-kind. */
function springSelections(f: Folder): Mention[] {
  // The default profile and production's; other profiles (petclinic's -mysql, -postgres) are
  // alternatives the app may be started with, not a selection.
  const files = f.find(/^src\/main\/resources\/application(?:-prod\w*)?\.(?:properties|ya?ml)$/).sort((a, b) => Number(!/-prod/.test(a)) - Number(!/-prod/.test(b)) || a.length - b.length)
  const out: Mention[] = []
  for (const file of files) {
    const text = f.read(file) ?? ''
    const pairs: [string, string][] = /\.properties$/.test(file) ? [...text.matchAll(/^\s*([\w.-]+)\s*[=:]\s*(.*?)\s*$/gm)].map((m) => [m[1]!, m[2]!]) : configLeaves(file, text)
    for (const [key, value] of pairs) {
      if (/^spring\.(?:datasource|r2dbc)\.url$/.test(key)) {
        const m = /(?:jdbc|r2dbc):(\w+):/.exec(value)
        const kind = m && JDBC.find(([re]) => re.test(m[1]!))?.[1]
        if (kind) out.push({ kind, tier: 'config', evidence: { file: f.path(file), reason: `${key}=${value.slice(0, 60)}` } })
      } else if (/^quarkus\.datasource\.db-kind$/.test(key)) {
        const kind = JDBC.find(([re]) => re.test(value.replace(/^postgres$/, 'postgresql')))?.[1]
        if (kind) out.push({ kind, tier: 'config', evidence: { file: f.path(file), reason: `${key}=${value}` } })
      } else if (/^spring\.cache\.type$/.test(key)) {
        out.push({ kind: CACHE_DRIVER(value), tier: 'config', evidence: { file: f.path(file), reason: `${key}=${value}` } })
      }
    }
  }
  return out
}

/** The app's own settings that select a database or cache driver, strongest first. */
function configSelections(f: Folder): Mention[] {
  return [
    ...f.find(ENV_EXAMPLES).filter((p) => !p.includes('/')).flatMap((p) => envSelections(f, p)),
    ...laravelSelections(f),
    ...djangoSelections(f),
    ...railsSelections(f),
    ...springSelections(f),
  ]
}

// ---------------------------------------------------------------- the result

export interface BackingResult {
  database: Finding<Database>
  cache: Finding<Cache>
  unprovided: UnprovidedService[]
  warnings: DetectionWarning[]
  notes: Evidence[]
}

/** Image references of a Compose file's services. */
export function composeImages(text: string): string[] {
  return composeServices('compose.yaml', text)
    .map((s) => s.image)
    .filter((i): i is string => i !== undefined)
}

const kindOfDep = (name: string): Kind | undefined => CLIENTS.find(([re]) => re.test(name))?.[1]
const kindOfImage = (image: string): Kind | undefined => IMAGES.find(([re]) => re.test(image))?.[1]

/**
 * Compose services that stand for the app's backing services: all of a Compose file in the
 * app's own folder; above it, the services the app's own Compose service depends on (or all,
 * when `wholeRoot` says the root's file describes this one app).
 */
function composeMentions(f: Folder, wholeRoot: boolean): Mention[] {
  const out: Mention[] = []
  for (let dir = f.dir; ; dir = parentDir(dir)) {
    const folder = dir === f.dir ? f : new Folder(f.repo, dir)
    const services = folderComposeServices(folder)
    let picked: ComposeService[] = []
    if (dir === f.dir || (dir === '.' && wholeRoot)) picked = services
    else {
      const app = appComposeService(services, f.dir, dir, f.repo.files)
      if (app) picked = services.filter((s) => app.dependsOn.includes(s.name))
    }
    for (const s of picked) {
      const kind = s.image ? kindOfImage(s.image) : undefined
      if (kind) out.push({ kind, tier: 'hint', evidence: { file: s.file, reason: `service "${s.name}" runs image ${s.image}` } })
    }
    if (dir === '.') return out
  }
}

/**
 * Databases, caches and other services the app uses, by a stated order: the app's own config
 * (a selected driver: `DB_CONNECTION`, Django's ENGINE, database.yml's adapter, the JDBC URL,
 * `CACHE_STORE`), then its runtime dependencies, then hints (env examples, the app's Compose
 * services). A weaker source never overrides a stronger one; what it names instead is a note,
 * "mentioned in <file>, not chosen". Dev and test dependencies and test-only Compose files
 * never choose. Several candidates at the deciding tier are a warning: the tool sets up one
 * database and one cache per service.
 */
export function detectBacking(f: Folder, deps: readonly Dependency[], opts: { rootHints?: Folder } = {}): BackingResult {
  const notes: Evidence[] = []
  const mentioned = (what: string, ev: Evidence, why: string) => {
    if (!notes.some((n) => n.file === ev.file && n.reason.startsWith(`${what} (`))) notes.push({ file: ev.file, reason: `${what} (${ev.reason}): mentioned in ${ev.file}, not chosen: ${why}` })
  }
  const mentions: Mention[] = [...configSelections(f)]
  for (const d of deps) {
    const kind = kindOfDep(d.name)
    if (!kind) continue
    const ev = { file: d.file, reason: d.reason ?? `depends on ${d.name}` }
    if (d.dev) {
      if (!('broker' in kind) && !('embedded' in kind)) mentioned(label(kind), ev, 'a development or test dependency')
      continue
    }
    mentions.push({ kind, tier: 'dep', evidence: ev })
  }
  for (const folder of [f, ...(opts.rootHints ? [opts.rootHints] : [])]) {
    for (const file of folder.find(ENV_EXAMPLES).filter((p) => !p.includes('/'))) {
      const text = folder.read(file) ?? ''
      for (const [re, toKind] of ENV_HINTS) {
        for (const m of text.matchAll(re)) {
          const kind = toKind(m)
          if (kind) mentions.push({ kind, tier: 'hint', evidence: { file: folder.path(file), reason: `sets ${m[1]}` }, fromEnv: true })
        }
      }
    }
  }
  mentions.push(...composeMentions(f, opts.rootHints !== undefined))
  // One line of a file may match two hint patterns (REDIS_URL=redis://): one mention.
  const unique = mentions.filter((m, i) => mentions.findIndex((x) => x.evidence.file === m.evidence.file && x.evidence.reason === m.evidence.reason && label(x.kind) === label(m.kind)) === i)
  mentions.length = 0
  mentions.push(...unique)
  for (const file of testComposeFiles(f)) {
    for (const image of composeImages(f.read(file) ?? '')) {
      const kind = kindOfImage(image)
      if (kind) mentioned(label(kind), { file: f.path(file), reason: `runs image ${image}` }, testOnlyCompose(f.path(file))!)
    }
  }

  const warnings: DetectionWarning[] = []
  const decidedBy: Partial<Record<Axis, Mention>> = {}
  const choose = <T extends string>(axis: Axis): Finding<T | 'none'> => {
    const on = mentions.filter((m) => axisOf(m.kind) === axis)
    // A setting that selects a database the tool cannot set up (DB_CONNECTION=sqlsrv) still decides.
    const config = [...on, ...(axis === 'database' ? mentions.filter((m) => 'unprovided' in m.kind && RELATIONAL.has(m.kind.unprovided)) : [])].filter((m) => m.tier === 'config')
    const none: Finding<T | 'none'> = { value: 'none', confidence: 'medium', evidence: [{ file: f.path('.'), reason: `no ${axis} client, setting or Compose service found` }] }
    // An embedded database in the settings (Django's sqlite3 default, Spring's H2) is the
    // development setup when the app also depends on a database server's client.
    const serverDeps = on.filter((m) => m.tier === 'dep' && 'database' in m.kind)
    const deciding = config.find((m) => 'database' in m.kind || 'cache' in m.kind || ('embedded' in m.kind && serverDeps.length === 0) || 'unprovided' in m.kind) ?? config.find((m) => 'noCache' in m.kind)
    const yielded = config.find((m) => 'embedded' in m.kind && serverDeps.length > 0)
    if (yielded && deciding === undefined) notes.push({ file: yielded.evidence.file, reason: `${yielded.evidence.reason}: an embedded database for development; the app also depends on ${serverDeps.map((m) => label(m.kind)).join(', ')}, which production uses` })
    if (deciding) {
      decidedBy[axis] = deciding
      // The first service a setting selects wins; settings that select none only say "none".
      const why = `${deciding.evidence.reason} (${deciding.evidence.file}) selects ${'noCache' in deciding.kind ? 'no cache' : label(deciding.kind)}`
      for (const m of on) if (m !== deciding && label(m.kind) !== label(deciding.kind) && !('noCache' in m.kind)) mentioned(label(m.kind), m.evidence, why)
      if ('database' in deciding.kind || 'cache' in deciding.kind) {
        const value = ('database' in deciding.kind ? deciding.kind.database : (deciding.kind as { cache: string }).cache) as T
        const agreeing = on.filter((m) => m !== deciding && label(m.kind) === value).map((m) => m.evidence)
        return { value, confidence: 'high', evidence: [deciding.evidence, ...agreeing] }
      }
      if ('unprovided' in deciding.kind) return { value: 'none', confidence: 'high', evidence: [{ file: deciding.evidence.file, reason: `${deciding.evidence.reason} selects ${deciding.kind.unprovided}, which this tool does not set up` }] }
      if ('embedded' in deciding.kind) notes.push({ file: deciding.evidence.file, reason: `${deciding.evidence.reason}: an embedded database (${deciding.kind.embedded}), not a service` })
      return { value: 'none', confidence: 'high', evidence: [{ file: deciding.evidence.file, reason: `${deciding.evidence.reason} selects ${'noCache' in deciding.kind ? 'no cache service' : 'no database service'}` }] }
    }
    for (const tier of ['dep', 'hint'] as const) {
      const here = on.filter((m) => m.tier === tier && ('database' in m.kind || 'cache' in m.kind))
      if (here.length === 0) continue
      const counts = new Map<T, Evidence[]>()
      for (const m of here) {
        const v = label(m.kind) as T
        counts.set(v, [...(counts.get(v) ?? []), m.evidence])
      }
      // The one with the most evidence wins; ties go to the order found.
      const ranked = [...counts.entries()].sort((a, b) => b[1].length - a[1].length)
      const [value, evidence] = ranked[0]!
      if (ranked.length > 1) {
        warnings.push({
          code: axis === 'database' ? 'several-databases' : 'several-caches',
          file: evidence[0]!.file,
          message: `uses several ${axis === 'database' ? 'databases' : 'caches'} (${ranked.map(([k]) => k).join(', ')}); this tool sets up one, ${value}: pass --${axis} to choose`,
        })
      }
      const weaker = on.filter((m) => m.tier !== tier && m.tier !== 'config' && ('database' in m.kind || 'cache' in m.kind))
      for (const m of weaker) {
        const same = counts.get(label(m.kind) as T)
        if (same) same.push(m.evidence)
        else if (tier === 'dep') mentioned(label(m.kind), m.evidence, `the app's dependencies choose ${value}`)
      }
      return { value, confidence: ranked.length > 1 ? 'low' : tier === 'dep' ? 'high' : 'medium', evidence }
    }
    return none
  }
  const database = choose<Database>('database')
  const cache = choose<Cache>('cache')

  for (const m of mentions) {
    if ('embedded' in m.kind && m.tier === 'dep' && !notes.some((n) => n.reason.startsWith(m.evidence.reason))) notes.push({ file: m.evidence.file, reason: `${m.evidence.reason}: an embedded database (${m.kind.embedded}), not a service` })
    if ('broker' in m.kind && m.tier === 'dep') notes.push({ file: m.evidence.file, reason: `${m.evidence.reason}: a ${m.kind.broker}; not set up` })
  }

  // Services the tool does not set up: chosen from config, runtime dependencies and the app's
  // Compose services; an env line alone only mentions one.
  const unprovided: UnprovidedService[] = []
  const dbConfig = decidedBy.database
  for (const m of mentions) {
    if (!('unprovided' in m.kind)) continue
    const service = m.kind.unprovided
    if (unprovided.some((u) => u.service === service)) continue
    const firm = (x: Mention) => 'unprovided' in x.kind && x.kind.unprovided === service && !x.fromEnv
    if (!mentions.some(firm)) {
      mentioned(service, m.evidence, 'only an env example names it')
      continue
    }
    // The database the app's settings select is the one it uses; another SQL client is a leftover.
    if (RELATIONAL.has(service) && dbConfig && !('unprovided' in dbConfig.kind && dbConfig.kind.unprovided === service)) {
      mentioned(service, m.evidence, `${dbConfig.evidence.reason} (${dbConfig.evidence.file}) selects ${label(dbConfig.kind)}`)
      continue
    }
    const pick = mentions.find(firm)!
    unprovided.push({ service, evidence: pick.evidence, hint: HINTS[service] ?? `a ${service} service in compose.yaml and its address in the variable the app reads` })
  }
  const standIn = unprovided.find((u) => RELATIONAL.has(u.service))
  if (database.value === 'none' && standIn && !decidedBy.database) {
    database.evidence = [{ file: standIn.evidence.file, reason: `${standIn.evidence.reason}: ${standIn.service}, which this tool does not set up` }]
  }
  for (const u of unprovided) {
    warnings.push({ code: 'unprovided-service', file: u.evidence.file, message: `uses ${u.service} (${u.evidence.reason}), which this tool does not set up: add ${u.hint}` })
  }
  return { database, cache, unprovided, warnings, notes }
}

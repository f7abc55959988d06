import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { validateAnswers, type RawAnswers } from '../src/answers.js'
import { dotenvValue, yamlValue } from '../src/app-env.js'
import { buildContext } from '../src/context.js'
import type { AppFacts, ConnectionPart } from '../src/detect/types.js'
import { generate } from '../src/generate.js'

// The app container's environment from the runtime contract (issue 18): the names an existing app
// reads for its port, bind address, database and cache, and the variables it requires at boot,
// set the same way in Compose, .env.example, the chart, Kustomize, Terraform and the README.

type Obj = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const TOOL = { name: 't', version: '0' }
const answers = (raw: Partial<RawAnswers> = {}) => validateAnswers({ name: 'shop', language: 'node', port: 3000, ...raw } as RawAnswers)
const files = (raw: Partial<RawAnswers>, app: AppFacts) => new Map(generate(answers(raw), { retrofit: { dir: '.', app } }).files.map((f) => [f.path, f.content]))
const appEnv = (f: Map<string, string>, file = 'compose.yaml'): Record<string, string> => (parseYaml(f.get(file)!, { logLevel: 'error' }) as Obj).services.app.environment
const dotenv = (f: Map<string, string>) => Object.fromEntries([...f.get('.env.example')!.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]))

const PARTS: readonly ConnectionPart[] = ['url', 'jdbc', 'connstring', 'host', 'port', 'hostport', 'user', 'password', 'database']

// Each part of each service as Compose gives it in dev (compose.yaml); the evidence is the
// registry's URL and the client each part is for (JDBC, Npgsql/MySqlConnector, StackExchange.Redis).
const EXPECTED: Record<string, { kind: 'database' | 'cache' } & Record<ConnectionPart, string>> = {
  postgres: {
    kind: 'database',
    // An existing app's clients all read postgresql://; SQLAlchemy refuses postgres:// (a new service keeps it).
    url: 'postgresql://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD:-dev-only-password}@postgres:5432/${POSTGRES_DB:-app}',
    jdbc: 'jdbc:postgresql://postgres:5432/${POSTGRES_DB:-app}',
    connstring: 'Host=postgres;Port=5432;Database=${POSTGRES_DB:-app};Username=${POSTGRES_USER:-app};Password=${POSTGRES_PASSWORD:-dev-only-password}',
    host: 'postgres',
    port: '5432',
    hostport: 'postgres:5432',
    user: '${POSTGRES_USER:-app}',
    password: '${POSTGRES_PASSWORD:-dev-only-password}',
    database: '${POSTGRES_DB:-app}',
  },
  mysql: {
    kind: 'database',
    url: 'mysql://${MYSQL_USER:-app}:${MYSQL_PASSWORD:-dev-only-password}@mysql:3306/${MYSQL_DATABASE:-app}',
    jdbc: 'jdbc:mysql://mysql:3306/${MYSQL_DATABASE:-app}',
    connstring: 'Server=mysql;Port=3306;Database=${MYSQL_DATABASE:-app};User=${MYSQL_USER:-app};Password=${MYSQL_PASSWORD:-dev-only-password}',
    host: 'mysql',
    port: '3306',
    hostport: 'mysql:3306',
    user: '${MYSQL_USER:-app}',
    password: '${MYSQL_PASSWORD:-dev-only-password}',
    database: '${MYSQL_DATABASE:-app}',
  },
  mariadb: {
    kind: 'database',
    url: 'mariadb://${MARIADB_USER:-app}:${MARIADB_PASSWORD:-dev-only-password}@mariadb:3306/${MARIADB_DATABASE:-app}',
    jdbc: 'jdbc:mariadb://mariadb:3306/${MARIADB_DATABASE:-app}',
    connstring: 'Server=mariadb;Port=3306;Database=${MARIADB_DATABASE:-app};User=${MARIADB_USER:-app};Password=${MARIADB_PASSWORD:-dev-only-password}',
    host: 'mariadb',
    port: '3306',
    hostport: 'mariadb:3306',
    user: '${MARIADB_USER:-app}',
    password: '${MARIADB_PASSWORD:-dev-only-password}',
    database: '${MARIADB_DATABASE:-app}',
  },
  mongodb: {
    kind: 'database',
    url: 'mongodb://${MONGO_USER:-app}:${MONGO_PASSWORD:-dev-only-password}@mongodb:27017/${MONGO_DB:-app}?authSource=admin',
    // No JDBC driver: Java's MongoDB client takes the URL.
    jdbc: 'mongodb://${MONGO_USER:-app}:${MONGO_PASSWORD:-dev-only-password}@mongodb:27017/${MONGO_DB:-app}?authSource=admin',
    connstring: 'mongodb://${MONGO_USER:-app}:${MONGO_PASSWORD:-dev-only-password}@mongodb:27017/${MONGO_DB:-app}?authSource=admin',
    host: 'mongodb',
    port: '27017',
    hostport: 'mongodb:27017',
    user: '${MONGO_USER:-app}',
    password: '${MONGO_PASSWORD:-dev-only-password}',
    database: '${MONGO_DB:-app}',
  },
  redis: {
    kind: 'cache',
    url: 'redis://:${CACHE_PASSWORD:-dev-only-password}@redis:6379/0',
    jdbc: 'redis://:${CACHE_PASSWORD:-dev-only-password}@redis:6379/0',
    connstring: 'redis:6379,password=${CACHE_PASSWORD:-dev-only-password}',
    host: 'redis',
    port: '6379',
    hostport: 'redis:6379',
    user: 'default',
    password: '${CACHE_PASSWORD:-dev-only-password}',
    database: '0',
  },
  valkey: {
    kind: 'cache',
    url: 'redis://:${CACHE_PASSWORD:-dev-only-password}@valkey:6379/0',
    jdbc: 'redis://:${CACHE_PASSWORD:-dev-only-password}@valkey:6379/0',
    connstring: 'valkey:6379,password=${CACHE_PASSWORD:-dev-only-password}',
    host: 'valkey',
    port: '6379',
    hostport: 'valkey:6379',
    user: 'default',
    password: '${CACHE_PASSWORD:-dev-only-password}',
    database: '0',
  },
  memcached: {
    kind: 'cache',
    url: 'memcached://memcached:11211',
    jdbc: 'memcached://memcached:11211',
    connstring: 'memcached:11211',
    host: 'memcached',
    port: '11211',
    hostport: 'memcached:11211',
    user: '',
    password: '',
    database: '',
  },
}

describe('connection bindings: every part of every service, in the app\'s own variable', () => {
  const cases = Object.entries(EXPECTED).flatMap(([id, e]) => PARTS.map((part) => [`${id} ${part}`, id, e.kind, part, e[part]] as const))
  it.each(cases)('%s', (_n, id, kind, part, want) => {
    const raw = kind === 'database' ? { database: id } : { cache: id }
    const binding = [{ name: 'APP_SETTING', part }]
    const f = files(raw as Partial<RawAnswers>, kind === 'database' ? { databaseEnv: binding } : { cacheEnv: binding })
    const env = appEnv(f)
    expect(env.APP_SETTING).toBe(want)
    // The app's name replaces ours: no DATABASE_URL / CACHE_URL beside it.
    expect(Object.keys(env)).toEqual(['PORT', 'LOG_LEVEL', 'APP_SETTING'])
    // Production requires every secret the value uses instead of falling back to the dev one.
    const prod = appEnv(f, 'compose.prod.yaml').APP_SETTING
    expect(prod).toBe(want.replace(/\$\{([A-Z_]+PASSWORD):-[^}]*\}/g, '${$1:?Set $1 in .env (see .env.example)}'))
  })
})

describe('the app\'s environment in Compose and .env.example', () => {
  const app: AppFacts = {
    portEnv: 'HTTP_PORT',
    hostEnv: 'HOST',
    databaseEnv: [{ name: 'DB_HOST', part: 'host' }, { name: 'DB_PORT', part: 'port' }, { name: 'DB_PASSWORD', part: 'password' }],
    cacheEnv: [{ name: 'REDIS_URL', part: 'url' }],
    requiredEnv: [
      { name: 'JWT_SECRET', devValue: 'dev-jwt-secret', secret: true, evidence: { file: 'src/config.js', reason: 'Joi: JWT_SECRET is required' } },
      { name: 'APP_URL', devValue: 'http://localhost:3000', secret: false, evidence: { file: '.env.example', reason: 'APP_URL=' } },
      // Already set as a connection: the binding wins, nothing is doubled.
      { name: 'DB_HOST', devValue: 'localhost', secret: false, evidence: { file: '.env.example', reason: 'DB_HOST=' } },
    ],
  }
  const f = files({ database: 'postgres', cache: 'redis' }, app)

  it('compose.yaml: the port in the app\'s variable, every interface, connections, required variables with dev values', () => {
    expect(appEnv(f)).toEqual({
      HTTP_PORT: '3000',
      HOST: '0.0.0.0',
      LOG_LEVEL: '${LOG_LEVEL:-info}',
      DB_HOST: 'postgres',
      DB_PORT: '5432',
      DB_PASSWORD: '${POSTGRES_PASSWORD:-dev-only-password}',
      REDIS_URL: 'redis://:${CACHE_PASSWORD:-dev-only-password}@redis:6379/0',
      JWT_SECRET: '${JWT_SECRET:-dev-jwt-secret}',
      APP_URL: '${APP_URL:-http://localhost:3000}',
    })
    // Numbers and addresses are quoted, so Compose hands the app the strings it wrote.
    expect(f.get('compose.yaml')).toContain('      HTTP_PORT: "3000"\n      HOST: "0.0.0.0"\n')
  })

  it('compose.prod.yaml: secrets are required, non-secrets keep their dev value; the port comes from compose.yaml', () => {
    expect(appEnv(f, 'compose.prod.yaml')).toEqual({
      LOG_LEVEL: '${LOG_LEVEL:-info}',
      DB_HOST: 'postgres',
      DB_PORT: '5432',
      DB_PASSWORD: '${POSTGRES_PASSWORD:?Set POSTGRES_PASSWORD in .env (see .env.example)}',
      REDIS_URL: 'redis://:${CACHE_PASSWORD:?Set CACHE_PASSWORD in .env (see .env.example)}@redis:6379/0',
      JWT_SECRET: '${JWT_SECRET:?Set JWT_SECRET in .env (see .env.example)}',
      APP_URL: '${APP_URL:-http://localhost:3000}',
    })
  })

  it('.env.example: every required variable with where it was found; secrets empty', () => {
    const env = f.get('.env.example')!
    expect(dotenv(f)).toMatchObject({ JWT_SECRET: '', APP_URL: 'http://localhost:3000', POSTGRES_PASSWORD: '', CACHE_PASSWORD: '' })
    expect(env).toContain('# Required by the app at boot (src/config.js: Joi: JWT_SECRET is required) (secret: required in production)\nJWT_SECRET=\n')
    expect(env).toContain('# Required by the app at boot (.env.example: APP_URL=)\nAPP_URL=http://localhost:3000\n')
    expect(env).not.toMatch(/^DB_HOST=/m)
  })

  it('a required variable that is a service\'s own, or one of .env.example\'s fixed lines, is not listed twice', () => {
    const g = files({ database: 'postgres' }, {
      requiredEnv: [
        { name: 'POSTGRES_PASSWORD', devValue: 'x', secret: true, evidence: { file: 'a', reason: 'b' } },
        { name: 'IMAGE_TAG', devValue: '1', secret: false, evidence: { file: 'a', reason: 'b' } },
      ],
    })
    const lines = [...g.get('.env.example')!.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1])
    expect(lines.filter((n) => n === 'POSTGRES_PASSWORD')).toHaveLength(1)
    expect(lines.filter((n) => n === 'IMAGE_TAG')).toHaveLength(1)
    // The app gets the service's credential under the name it requires.
    expect(appEnv(g).POSTGRES_PASSWORD).toBe('${POSTGRES_PASSWORD:-dev-only-password}')
  })

  it('dev values Compose or .env could misread are escaped, quoted or left for the user', () => {
    const g = files({}, {
      requiredEnv: [
        { name: 'PRICE_FORMAT', devValue: '$0.00', secret: false, evidence: { file: 'a', reason: 'b' } },
        { name: 'GREETING', devValue: 'hello world', secret: false, evidence: { file: 'a', reason: 'b' } },
        { name: 'FLAGS', devValue: '{"a":1}', secret: false, evidence: { file: 'a', reason: 'b' } },
      ],
    })
    expect(appEnv(g)).toMatchObject({ PRICE_FORMAT: '${PRICE_FORMAT:-$$0.00}', GREETING: '${GREETING:-hello world}', FLAGS: '${FLAGS:-}' })
    expect(dotenv(g)).toMatchObject({ PRICE_FORMAT: "'$0.00'", GREETING: "'hello world'", FLAGS: '' })
    expect(g.get('README.containers.md')).toContain('| `FLAGS` | no | `a`: b | none: set it in `.env` |')
  })

  it('a port variable that holds an address or a URL gets one (Go\'s ADDR, ASPNETCORE_URLS)', () => {
    const addr = files({}, { portEnv: 'ADDR' })
    expect(appEnv(addr).ADDR).toBe('0.0.0.0:3000')
    expect(addr.get('README.containers.md')).toContain('| `ADDR` | Listening address, `0.0.0.0:3000` |')
    expect(files({}, { portEnv: 'HTTP_PORT' }).get('README.containers.md')).toContain('| `HTTP_PORT` | Listening port, 3000 |')
    expect(appEnv(files({ language: 'dotnet' }, { portEnv: 'ASPNETCORE_URLS' })).ASPNETCORE_URLS).toBe('http://+:3000')
    expect(appEnv(files({}, { portEnv: 'LISTEN_PORT' })).LISTEN_PORT).toBe('3000')
    // Helm's ConfigMap only puts the number in portEnv: the address is a setting beside containerPort.
    const helm = files({ platform: 'kubernetes', k8sFormat: 'helm' }, { portEnv: 'ADDR' })
    const values = parseYaml(helm.get('deploy/helm/shop/values.yaml')!) as Obj
    expect(values.portEnv).toBeUndefined()
    expect(values.config.ADDR).toBe('0.0.0.0:3000')
    const kz = files({ platform: 'kubernetes', k8sFormat: 'kustomize' }, { portEnv: 'ADDR' })
    expect((parseYaml(kz.get('deploy/kustomize/base/kustomization.yaml')!) as Obj).configMapGenerator[0].literals[0]).toBe('ADDR=0.0.0.0:3000')
  })

  it('YAML and .env quoting keep plain values plain', () => {
    expect(yamlValue('postgres')).toBe('postgres')
    expect(yamlValue('${LOG_LEVEL:-info}')).toBe('${LOG_LEVEL:-info}')
    expect(yamlValue('5432')).toBe('"5432"')
    expect(yamlValue('')).toBe('""')
    expect(yamlValue('true')).toBe('"true"')
    expect(yamlValue('a: b')).toBe('"a: b"')
    expect(yamlValue('a #b')).toBe('"a #b"')
    expect(dotenvValue('http://localhost:3000')).toBe('http://localhost:3000')
    expect(dotenvValue("it's")).toBe('"it\'s"')
  })

  it('without bindings the app gets DATABASE_URL and CACHE_URL, as a new service does', () => {
    const retro = files({ database: 'mysql', cache: 'memcached' }, {})
    const fresh = new Map(generate(answers({ database: 'mysql', cache: 'memcached' })).files.map((x) => [x.path, x.content]))
    expect(Object.keys(appEnv(retro))).toEqual(['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'CACHE_URL'])
    for (const file of ['compose.prod.yaml', 'compose.override.yaml', 'compose.test.yaml', '.env.example']) expect(retro.get(file), file).toBe(fresh.get(file))
    expect(appEnv(retro)).toEqual(appEnv(fresh))
  })
})

describe("Postgres URLs: postgresql:// for an existing app's client, postgres:// for a new service", () => {
  it('Compose, .env-free prod, Helm values per environment and the README all say postgresql:// in a retrofit', () => {
    const raw = { language: 'python', framework: 'flask', packageManager: 'pip', port: 5000, database: 'postgres', platform: 'aks', k8sFormat: 'helm', registry: 'acr' } as Partial<RawAnswers>
    const g = generate(answers(raw), { retrofit: { dir: '.', app: { databaseEnv: [{ name: 'SQLALCHEMY_DATABASE_URI', part: 'url' }] } } })
    const f = new Map(g.files.map((x) => [x.path, x.content]))
    expect(appEnv(f).SQLALCHEMY_DATABASE_URI).toMatch(/^postgresql:\/\/\$\{POSTGRES_USER:-app\}:/)
    expect(appEnv(f, 'compose.prod.yaml').SQLALCHEMY_DATABASE_URI).toMatch(/^postgresql:\/\//)
    const url = g.context.k8s!.connections.find((c) => c.name === 'SQLALCHEMY_DATABASE_URI')!
    for (const v of [url.default, url.staging, url.prod]) expect(v).toMatch(/^postgresql:\/\/\$\(POSTGRES_USER\):\$\(POSTGRES_PASSWORD\)@/)
    // No file of the retrofit names the scheme SQLAlchemy refuses.
    for (const [path, text] of f) expect(text, path).not.toMatch(/\bpostgres:\/\//)
  })

  it('a new service is unchanged: its starter app reads postgres://', () => {
    const f = new Map(generate(answers({ database: 'postgres' })).files.map((x) => [x.path, x.content]))
    expect(appEnv(f).DATABASE_URL).toBe('postgres://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD:-dev-only-password}@postgres:5432/${POSTGRES_DB:-app}')
  })
})

describe('the Compose build and watch paths', () => {
  const ctx = (app: AppFacts) => buildContext(answers({ packageManager: 'pnpm' }), TOOL, { dir: '.', app })

  it('default: the service folder and its Dockerfile', () => {
    expect(ctx({}).build).toEqual({ context: '.', dockerfile: 'Dockerfile', file: 'Dockerfile' })
    const f = files({}, {})
    expect(f.get('compose.yaml')).toContain('    build:\n      context: "."\n      target: prod\n')
  })

  it('alongside the user\'s own Dockerfile: ours under its own name', () => {
    expect(ctx({ dockerfile: 'Dockerfile.generated' }).build).toEqual({ context: '.', dockerfile: 'Dockerfile.generated', file: 'Dockerfile.generated' })
    const f = files({}, { dockerfile: 'Dockerfile.generated' })
    expect((parseYaml(f.get('compose.yaml')!) as Obj).services.app.build).toEqual({ context: '.', dockerfile: 'Dockerfile.generated', target: 'prod' })
  })

  it('a workspace member: the workspace root as context, the Dockerfile named from there; watch paths from compose.yaml\'s folder', () => {
    const app: AppFacts = { buildContext: '../..', memberDir: 'apps/api', dockerfile: 'Dockerfile.generated', installFiles: ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', 'apps/api/package.json'] }
    const c = ctx(app)
    expect(c.build).toEqual({ context: '../..', dockerfile: 'apps/api/Dockerfile.generated', file: 'Dockerfile.generated' })
    // Run from the service folder, as the README says.
    expect(files({ packageManager: 'pnpm' }, app).get('README.containers.md')).toContain('docker build --target prod -f Dockerfile.generated -t ghcr.io/your-org/shop:1.0.0 ../..')
    expect(c.watch.filter((w) => w.action === 'rebuild').map((w) => w.path)).toEqual(['../../pnpm-lock.yaml', '../../pnpm-workspace.yaml', '../../package.json', './package.json'])
    // The member's files sit below its folder in the image, as in the context.
    expect(c.watch.filter((w) => w.action !== 'rebuild').map((w) => [w.path, w.target])).toEqual([['./src', '/app/apps/api/src']])
    const compose = parseYaml(files({ packageManager: 'pnpm' }, app).get('compose.yaml')!) as Obj
    expect(compose.services.app.build).toEqual({ context: '../..', dockerfile: 'apps/api/Dockerfile.generated', target: 'prod' })
  })

  it('rebuilds on the install files the app has, not on the package manager\'s whole list', () => {
    const c = ctx({ installFiles: ['package.json'], unlocked: true })
    expect(c.watch.filter((w) => w.action === 'rebuild').map((w) => w.path)).toEqual(['./package.json'])
    expect(ctx({}).watch.filter((w) => w.action === 'rebuild').map((w) => w.path)).toEqual(['./package.json', './pnpm-lock.yaml'])
  })
})

describe('Kubernetes: the same names, per environment', () => {
  const app: AppFacts = {
    portEnv: 'SERVER_PORT',
    hostEnv: 'BIND_HOST',
    databaseEnv: [
      { name: 'MONGO_HOST', part: 'host' },
      { name: 'MONGO_PORT', part: 'port' },
      { name: 'MONGO_USER', part: 'user' },
      { name: 'MONGO_PASS', part: 'password' },
      { name: 'MONGO_URL', part: 'url' },
      { name: 'ConnectionStrings__Mongo', part: 'connstring' },
    ],
    cacheEnv: [{ name: 'REDIS_ADDR', part: 'hostport' }, { name: 'REDIS_JDBCISH', part: 'jdbc' }],
    requiredEnv: [
      { name: 'SESSION_KEY', devValue: 'dev-session-key', secret: true, evidence: { file: 'config.go', reason: 'os.Getenv without default' } },
      { name: 'PUBLIC_URL', devValue: 'http://localhost:9898', secret: false, evidence: { file: '.env.sample', reason: 'PUBLIC_URL=' } },
    ],
  }
  // AKS: Azure DocumentDB listens on 10260, Azure Managed Redis on 10000, so hosts AND ports change.
  const g = generate(answers({ language: 'go', port: 9898, database: 'mongodb', cache: 'valkey', platform: 'aks', k8sFormat: 'helm', registry: 'acr' }), { retrofit: { dir: '.', app } })
  const k = g.context.k8s!

  it('connections: in-cluster in dev, the managed host and port in staging and prod, credentials as $(NAME)', () => {
    expect(k.connections.map((c) => [c.name, c.default, c.staging])).toEqual([
      ['MONGO_HOST', 'mongodb', 'shop-mongodb.staging.example.internal'],
      ['MONGO_PORT', '27017', '10260'],
      ['MONGO_PASS', '$(MONGO_PASSWORD)', '$(MONGO_PASSWORD)'],
      ['MONGO_URL', 'mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@mongodb:27017/$(MONGO_DB)?authSource=admin', 'mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@shop-mongodb.staging.example.internal:10260/$(MONGO_DB)?authSource=admin'],
      ['ConnectionStrings__Mongo', 'mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@mongodb:27017/$(MONGO_DB)?authSource=admin', 'mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@shop-mongodb.staging.example.internal:10260/$(MONGO_DB)?authSource=admin'],
      ['REDIS_ADDR', 'valkey:6379', 'shop-valkey.staging.example.internal:10000'],
      ['REDIS_JDBCISH', 'redis://:$(CACHE_PASSWORD)@valkey:6379/0', 'redis://:$(CACHE_PASSWORD)@shop-valkey.staging.example.internal:10000/0'],
    ])
    expect(k.connections.find((c) => c.name === 'REDIS_ADDR')!.prod).toBe('shop-valkey.prod.example.internal:10000')
    // MONGO_USER is the service's own variable: the ConfigMap gives it, so no env entry repeats it.
    expect(k.connections.map((c) => c.name)).not.toContain('MONGO_USER')
    expect(k.managedConnections.map((c) => c.name)).toEqual(['MONGO_HOST', 'MONGO_PORT', 'MONGO_URL', 'ConnectionStrings__Mongo', 'REDIS_ADDR', 'REDIS_JDBCISH'])
    expect(k.urlsOnly).toBe(false)
  })

  it('secrets: the service passwords the connections use and the app\'s required secrets; the dev Secret has them all', () => {
    expect(k.secretEnv).toEqual(['MONGO_PASSWORD', 'CACHE_PASSWORD', 'SESSION_KEY'])
    expect(k.devSecrets).toContainEqual(expect.objectContaining({ name: 'SESSION_KEY', value: 'dev-session-key' }))
    expect(k.config.map((c) => [c.name, c.value])).toEqual([['LOG_LEVEL', 'info'], ['BIND_HOST', '0.0.0.0'], ['PUBLIC_URL', 'http://localhost:9898'], ['MONGO_USER', 'app'], ['MONGO_DB', 'app']])
    expect(k.portEnv).toBe('SERVER_PORT')
    expect(k.connections[0]!.envIndex).toBe(3)
  })

  it('Helm values: portEnv, the settings in config, and each environment\'s managed endpoints', () => {
    const values = parseYaml(g.files.find((f) => f.path === 'deploy/helm/shop/values.yaml')!.content) as Obj
    expect(values.portEnv).toBe('SERVER_PORT')
    expect(values.config).toMatchObject({ BIND_HOST: '0.0.0.0', PUBLIC_URL: 'http://localhost:9898' })
    expect(values.secretEnv).toEqual(['MONGO_PASSWORD', 'CACHE_PASSWORD', 'SESSION_KEY'])
    expect(values.connectionUrls).toMatchObject({ MONGO_HOST: 'mongodb', MONGO_PORT: '27017', MONGO_PASS: '$(MONGO_PASSWORD)' })
    const prod = parseYaml(g.files.find((f) => f.path === 'deploy/helm/shop/values-prod.yaml')!.content) as Obj
    expect(Object.keys(prod.connectionUrls)).toEqual(['MONGO_HOST', 'MONGO_PORT', 'MONGO_URL', 'ConnectionStrings__Mongo', 'REDIS_ADDR', 'REDIS_JDBCISH'])
    expect(prod.connectionUrls.MONGO_PORT).toBe('10260')
    const dev = parseYaml(g.files.find((f) => f.path === 'deploy/helm/shop/values-dev.yaml')!.content) as Obj
    expect(dev.secrets.devValues).toMatchObject({ SESSION_KEY: 'dev-session-key', MONGO_PASSWORD: 'dev-only-password' })
  })

  it('Terraform: the app\'s required secret is a key of the cloud secret, generated unless app_secrets sets it', () => {
    const tf = g.context.terraform!
    expect(tf.appSecrets).toEqual(['SESSION_KEY'])
    expect(tf.secretEntries).toEqual(['MONGO_PASSWORD = local.database_password', 'CACHE_PASSWORD = local.cache_password', 'SESSION_KEY    = local.app_secrets["SESSION_KEY"]'])
    const secrets = g.files.find((f) => f.path === 'infra/terraform/azure/secrets.tf')!.content
    expect(secrets).toContain('resource "random_password" "app" {\n  for_each = toset(["SESSION_KEY"])\n')
    expect(g.files.find((f) => f.path === 'infra/terraform/azure/variables.tf')!.content).toMatch(/variable "app_secrets" \{[\s\S]*sensitive {3}= true/)
  })

  it('Kustomize: the port variable in the ConfigMap, env entries in order, overlays patch only what moves', () => {
    const kz = new Map(generate(answers({ language: 'go', port: 9898, database: 'mongodb', cache: 'valkey', platform: 'aks', k8sFormat: 'kustomize', registry: 'acr' }), { retrofit: { dir: '.', app } }).files.map((f) => [f.path, f.content]))
    const base = kz.get('deploy/kustomize/base/kustomization.yaml')!
    expect(base).toContain('      - SERVER_PORT=9898\n')
    expect(base).toContain('      - BIND_HOST=0.0.0.0\n')
    const deploy = parseYaml(kz.get('deploy/kustomize/base/deployment.yaml')!) as Obj
    const env = deploy.spec.template.spec.containers[0].env as Obj[]
    expect(env.map((e) => e.name)).toEqual(['MONGO_PASSWORD', 'CACHE_PASSWORD', 'SESSION_KEY', 'MONGO_HOST', 'MONGO_PORT', 'MONGO_PASS', 'MONGO_URL', 'ConnectionStrings__Mongo', 'REDIS_ADDR', 'REDIS_JDBCISH'])
    const prod = kz.get('deploy/kustomize/overlays/prod/kustomization.yaml')!
    expect(prod).toContain('path: /spec/template/spec/containers/0/env/4/name\n        value: MONGO_PORT\n')
    expect(prod).toContain('path: /spec/template/spec/containers/0/env/4/value\n        value: "10260"\n')
    // The password reference is the same everywhere: no patch for it.
    expect(prod).not.toContain('value: MONGO_PASS\n')
    expect(kz.get('deploy/kustomize/overlays/dev/kustomization.yaml')).toContain('      - SESSION_KEY=dev-session-key\n')
  })

  it('settings the app requires: staging and prod set their own; literals YAML would misread are quoted', () => {
    const required = [
      { name: 'PUBLIC_URL', devValue: 'http://localhost:9898', secret: false, evidence: { file: 'a', reason: 'b' } },
      { name: 'BANNER', devValue: 'note: $5 off', secret: false, evidence: { file: 'a', reason: 'b' } },
    ]
    const kz = new Map(generate(answers({ platform: 'kubernetes', k8sFormat: 'kustomize' }), { retrofit: { dir: '.', app: { requiredEnv: required } } }).files.map((f) => [f.path, f.content]))
    const base = parseYaml(kz.get('deploy/kustomize/base/kustomization.yaml')!) as Obj
    expect(base.configMapGenerator[0].literals).toEqual(['PORT=3000', 'SHUTDOWN_TIMEOUT_MS=10000', 'LOG_LEVEL=info', 'PUBLIC_URL=http://localhost:9898', 'BANNER=note: $5 off'])
    for (const env of ['staging', 'prod']) {
      const overlay = parseYaml(kz.get(`deploy/kustomize/overlays/${env}/kustomization.yaml`)!) as Obj
      expect(overlay.configMapGenerator, env).toEqual([{ name: 'shop', behavior: 'merge', literals: ['PUBLIC_URL=http://localhost:9898', 'BANNER=note: $5 off'] }])
    }
    const helm = new Map(generate(answers({ platform: 'kubernetes', k8sFormat: 'helm' }), { retrofit: { dir: '.', app: { requiredEnv: required } } }).files.map((f) => [f.path, f.content]))
    expect((parseYaml(helm.get('deploy/helm/shop/values-prod.yaml')!) as Obj).config).toEqual({ PUBLIC_URL: 'http://localhost:9898', BANNER: 'note: $5 off' })
    expect((parseYaml(helm.get('deploy/helm/shop/values.yaml')!) as Obj).config.BANNER).toBe('note: $5 off')
  })

  it('required secrets without any service still reach the app from the Secret', () => {
    const kz = new Map(generate(answers({ platform: 'kubernetes', k8sFormat: 'kustomize' }), { retrofit: { dir: '.', app: { requiredEnv: [app.requiredEnv![0]!] } } }).files.map((f) => [f.path, f.content]))
    const deploy = parseYaml(kz.get('deploy/kustomize/base/deployment.yaml')!) as Obj
    expect(deploy.spec.template.spec.containers[0].env).toEqual([{ name: 'SESSION_KEY', valueFrom: { secretKeyRef: { name: 'shop', key: 'SESSION_KEY' } } }])
    expect(kz.get('deploy/kustomize/base/deployment.yaml')).not.toContain('Built by the kubelet')
  })
})

describe('health: the app\'s routes, or TCP on the port', () => {
  const tcp: AppFacts = { health: { liveness: null, readiness: null } }

  it('Helm: empty paths in values.yaml (the templates probe by TCP)', () => {
    const f = files({ platform: 'kubernetes', k8sFormat: 'helm' }, tcp)
    const values = parseYaml(f.get('deploy/helm/shop/values.yaml')!) as Obj
    expect(values.health).toMatchObject({ livenessPath: '', readinessPath: '' })
    expect(f.get('deploy/helm/shop/values.yaml')).toContain('empty: a TCP connect to containerPort')
    const own = files({ platform: 'kubernetes', k8sFormat: 'helm' }, { health: { liveness: '/actuator/health/liveness', readiness: '/actuator/health/readiness' } })
    expect((parseYaml(own.get('deploy/helm/shop/values.yaml')!) as Obj).health).toMatchObject({ livenessPath: '/actuator/health/liveness', readinessPath: '/actuator/health/readiness' })
  })

  it('Kustomize: tcpSocket probes on the named port; a path where the app has one', () => {
    const probes = (app: AppFacts) => {
      const c = (parseYaml(files({ platform: 'kubernetes', k8sFormat: 'kustomize' }, app).get('deploy/kustomize/base/deployment.yaml')!) as Obj).spec.template.spec.containers[0]
      return [c.startupProbe, c.livenessProbe, c.readinessProbe].map((p: Obj) => p.httpGet ?? p.tcpSocket)
    }
    expect(probes(tcp)).toEqual([{ port: 'http' }, { port: 'http' }, { port: 'http' }])
    expect(probes({ health: { liveness: '/up', readiness: null } })).toEqual([{ path: '/up', port: 'http' }, { path: '/up', port: 'http' }, { port: 'http' }])
  })

  it('EKS: the ALB, which checks HTTP only, asks / and takes any answer below 500', () => {
    const k = buildContext(answers({ platform: 'eks', k8sFormat: 'helm', registry: 'ecr' }), TOOL, { dir: '.', app: tcp }).k8s!
    const a = Object.fromEntries(k.cluster.ingress.annotations.map((x) => [x.key, x.value]))
    expect(a['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/')
    expect(a['alb.ingress.kubernetes.io/success-codes']).toBe('200-499')
    const own = buildContext(answers({ platform: 'eks', k8sFormat: 'helm', registry: 'ecr' }), TOOL, { dir: '.', app: { health: { liveness: '/health', readiness: '/health/ready' } } }).k8s!
    const b = Object.fromEntries(own.cluster.ingress.annotations.map((x) => [x.key, x.value]))
    expect(b['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/health/ready')
    expect(b['alb.ingress.kubernetes.io/success-codes']).toBeUndefined()
  })

  it('README: which check is used, and how to add /healthz and /readyz; GKE\'s load balancer needs a 200', () => {
    const readme = files({ platform: 'gke', k8sFormat: 'helm', registry: 'gar', database: 'postgres' }, tcp).get('README.containers.md')!
    expect(readme).toContain('The app has no health route, so every check is one that works on it unchanged')
    expect(readme).toContain('`GET /healthz`: 200 while the process runs')
    expect(readme).toContain('`GET /readyz`: 200 when the app can serve (PostgreSQL answers)')
    expect(readme).toContain("GKE's load balancer checks `GET /` and needs a 200")
    expect(readme).toContain('TCP\nprobes (startup, liveness, readiness) on port 3000')
    expect(readme).not.toContain('/healthz   # liveness')
    const own = files({}, { health: { liveness: '/health', readiness: '/health' } }).get('README.containers.md')!
    expect(own).toContain('curl http://localhost:3000/health   # the app\'s health route\n```')
    expect(own).toContain("The image's `HEALTHCHECK` asks `/health`: the app's own route.")
    expect(own).not.toContain('add two routes')
    // Detection found no route and said nothing: the tool's own paths, which the app must serve.
    const convention = files({ platform: 'kubernetes', k8sFormat: 'helm' }, {}).get('README.containers.md')!
    expect(convention).toContain("The checks ask `/healthz` (liveness) and `/readyz` (readiness), this tool's convention")
    expect(convention).toContain('add two routes')
    const split = files({ platform: 'kubernetes', k8sFormat: 'kustomize' }, { health: { liveness: '/up', readiness: null } }).get('README.containers.md')!
    expect(split).toContain("The image's `HEALTHCHECK` and the startup and liveness probes ask `/up`, and the\nreadiness probe connects to port 3000 (there is no readiness route): the app's own route.")
  })
})

describe('README.containers.md for an existing app', () => {
  const f = files({ database: 'postgres', platform: 'kubernetes', k8sFormat: 'helm' }, {
    databaseEnv: [{ name: 'SPRING_DATASOURCE_URL', part: 'jdbc' }, { name: 'SPRING_DATASOURCE_USERNAME', part: 'user' }, { name: 'SPRING_DATASOURCE_PASSWORD', part: 'password' }],
    requiredEnv: [{ name: 'STRIPE_KEY', devValue: 'sk_test_placeholder', secret: true, evidence: { file: 'src/main/resources/application.yml', reason: 'stripe.key: ${STRIPE_KEY} | no default' } }],
    unprovided: [
      { service: 'RabbitMQ', evidence: { file: 'pom.xml', reason: 'spring-boot-starter-amqp' }, hint: 'a RabbitMQ service in compose.yaml and SPRING_RABBITMQ_HOST' },
      { service: 'Elasticsearch', evidence: { file: 'application.yml', reason: 'spring.elasticsearch.uris' }, hint: 'an Elasticsearch service and SPRING_ELASTICSEARCH_URIS' },
    ],
  })
  const readme = f.get('README.containers.md')!

  it('names each service it does not set up, with where it was found and what to add', () => {
    expect(readme).toContain('## Not set up here: the app is not complete without these')
    expect(readme).toContain('| RabbitMQ | `pom.xml`: spring-boot-starter-amqp | a RabbitMQ service in compose.yaml and SPRING_RABBITMQ_HOST |')
    expect(readme).toContain('| Elasticsearch | `application.yml`: spring.elasticsearch.uris | an Elasticsearch service and SPRING_ELASTICSEARCH_URIS |')
    // Before the first run: nobody should believe the app is complete.
    expect(readme.indexOf('## Not set up here')).toBeLessThan(readme.indexOf('## First run'))
  })

  it('lists the variables the app is given and those it requires, with where each came from and whether it is secret', () => {
    expect(readme).toContain('| `SPRING_DATASOURCE_URL` | PostgreSQL JDBC URL |')
    expect(readme).toContain('| `SPRING_DATASOURCE_PASSWORD` | PostgreSQL password |')
    // A pipe in the evidence would split the table cell.
    expect(readme).toContain('| `STRIPE_KEY` | yes: required in production | `src/main/resources/application.yml`: stripe.key: ${STRIPE_KEY} \\| no default | `sk_test_placeholder` |')
    expect(readme).not.toContain('| `GET /healthz` |')
  })

  it('a new service keeps the starter app\'s contract', () => {
    const fresh = generate(answers({ database: 'postgres' })).files.find((x) => x.path === 'README.containers.md')!.content
    expect(fresh).toContain('| `GET /healthz` | 200 while the process runs')
    expect(fresh).not.toContain('Not set up here')
  })
})

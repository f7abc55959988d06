import { describe, expect, it } from 'vitest'
import { codes, expectEvidence, expectNote, json, run, service } from './helpers.js'

const express = (deps: Record<string, string>, devDeps: Record<string, string> = {}, files: Record<string, string> = {}) =>
  service(
    run({
      'package.json': json({ name: 'api', scripts: { start: 'node index.js' }, dependencies: { express: '5.0.0', ...deps }, devDependencies: devDeps }),
      'package-lock.json': '{}',
      'index.js': 'app.listen(process.env.PORT || 3000)\n',
      ...files,
    }),
  )

const laravel = (env: string, extra: Record<string, string> = {}, require: Record<string, string> = {}) =>
  service(
    run({
      'composer.json': json({ name: 'acme/crm', require: { php: '^8.3', 'laravel/framework': '^12.0', ...require } }),
      'composer.lock': '{}',
      artisan: '#!/usr/bin/env php\n',
      'public/index.php': '<?php\n',
      '.env.example': env,
      ...extra,
    }),
  )

describe('backing services: test-only Compose files and dev dependencies are mentioned, never chosen', () => {
  it('Redis only in compose.test.yml', () => {
    const s = express({ pg: '8.0.0' }, {}, { 'compose.test.yml': 'services:\n  redis:\n    image: redis:7\n  db:\n    image: postgres:17\n' })
    expect(s.cache.value).toBe('none')
    expect(s.database.value).toBe('postgres')
    expectNote(s, 'compose.test.yml', /^redis \(runs image redis:7\): mentioned in compose\.test\.yml, not chosen: a Compose file for tests or CI$/)
  })

  it('docker-compose.ci.yml and tests/docker-compose.yml', () => {
    const s = express({}, {}, { 'docker-compose.ci.yml': 'services:\n  cache:\n    image: valkey/valkey:8\n', 'tests/docker-compose.yml': 'services:\n  mongo:\n    image: mongo:8\n' })
    expect([s.database.value, s.cache.value]).toEqual(['none', 'none'])
    expectNote(s, 'docker-compose.ci.yml', /valkey.*not chosen: a Compose file for tests or CI/)
    expectNote(s, 'tests/docker-compose.yml', /mongodb.*not chosen: a Compose file for tests or CI/)
  })

  it('a client in devDependencies (a test helper) chooses nothing', () => {
    const s = express({ pg: '8.0.0' }, { ioredis: '5.0.0', 'redis-memory-server': '0.10.0' })
    expect(s.cache.value).toBe('none')
    expectNote(s, 'package.json', /^redis \(depends on ioredis\): mentioned in package\.json, not chosen: a development or test dependency$/)
  })

  it('Python dependency groups and optional test extras are dev-only', () => {
    const s = service(
      run({
        'pyproject.toml': '[project]\nname = "svc"\ndependencies = [\n  "fastapi>=0.115",\n  "asyncpg",\n]\n\n[project.optional-dependencies]\ntest = ["pymongo"]\n\n[dependency-groups]\ndev = [\n  "pytest",\n  "redis>=5",\n]\n',
        'uv.lock': 'version = 1\n',
        'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      }),
    )
    expect([s.database.value, s.cache.value]).toEqual(['postgres', 'none'])
    expectEvidence(s.database.evidence, 'pyproject.toml', /depends on asyncpg/)
    expectNote(s, 'pyproject.toml', /^redis \(depends on redis\): mentioned in pyproject\.toml, not chosen: a development or test dependency$/)
    expectNote(s, 'pyproject.toml', /^mongodb \(depends on pymongo\).*development or test dependency/)
  })

  it("Rust [dev-dependencies], Gradle's testImplementation and Ruby's test group are dev-only", () => {
    const rust = service(run({ 'Cargo.toml': '[package]\nname = "api"\n\n[dependencies]\naxum = "0.8"\n\n[dev-dependencies]\nredis = "0.27"\n', 'Cargo.lock': '', 'src/main.rs': 'fn main() {}\n' }))
    expect(rust.cache.value).toBe('none')
    expectNote(rust, 'Cargo.toml', /redis.*development or test dependency/)
    const gradle = service(
      run({
        'build.gradle.kts': 'plugins { id("org.springframework.boot") version "3.5.0" }\ndependencies {\n    runtimeOnly("com.mysql:mysql-connector-j")\n    testImplementation("org.postgresql:postgresql")\n}\n',
        'src/main/kotlin/App.kt': 'class App\n',
      }),
    )
    expect(gradle.database).toMatchObject({ value: 'mysql', confidence: 'high' })
    expect(codes(gradle)).not.toContain('several-databases')
    const ruby = service(run({ Gemfile: "gem 'sinatra'\ngem 'puma'\ngroup :development, :test do\n  gem 'redis'\nend\n", 'Gemfile.lock': '', 'config.ru': 'run App\n' }))
    expect(ruby.cache.value).toBe('none')
    expectNote(ruby, 'Gemfile', /redis.*development or test dependency/)
  })
})

describe("backing services: the app's own config selects among drivers", () => {
  it('Laravel: CACHE_STORE=database means no cache; the MEMCACHED_HOST and REDIS_HOST lines are orphans', () => {
    const s = laravel('APP_NAME=crm\nDB_CONNECTION=pgsql\nSESSION_DRIVER=database\nCACHE_STORE=database\nMEMCACHED_HOST=127.0.0.1\nREDIS_CLIENT=phpredis\nREDIS_HOST=127.0.0.1\nREDIS_PORT=6379\nMAIL_PORT=2525\n')
    expect(s.cache).toMatchObject({ value: 'none', confidence: 'high' })
    expectEvidence(s.cache.evidence, '.env.example', /CACHE_STORE=database selects no cache service/)
    expect(s.database.value).toBe('postgres')
    expectEvidence(s.database.evidence, '.env.example', /^DB_CONNECTION=pgsql$/)
    expectNote(s, '.env.example', /^memcached \(sets MEMCACHED_HOST\): mentioned in \.env\.example, not chosen: CACHE_STORE=database \(\.env\.example\) selects no cache$/)
    expectNote(s, '.env.example', /^redis \(sets REDIS_HOST\): mentioned in \.env\.example, not chosen/)
  })

  it('CACHE_DRIVER=file means no cache', () => {
    const s = laravel('DB_CONNECTION=mysql\nCACHE_DRIVER=file\nMEMCACHED_HOST=127.0.0.1\n')
    expect(s.cache.value).toBe('none')
    expectEvidence(s.cache.evidence, '.env.example', /CACHE_DRIVER=file/)
  })

  it('Laravel with Redis-backed queues needs Redis though the cache is the database', () => {
    const s = laravel('DB_CONNECTION=mysql\nCACHE_STORE=database\nQUEUE_CONNECTION=redis\nREDIS_HOST=127.0.0.1\n')
    expect(s.cache.value).toBe('redis')
    expectEvidence(s.cache.evidence, '.env.example', /QUEUE_CONNECTION=redis/)
  })

  it('Laravel: DB_CONNECTION picks one of several PDO drivers; config/database.php is the fallback', () => {
    const s = laravel('DB_CONNECTION=mysql\n', {}, { 'ext-pdo_pgsql': '*', 'ext-pdo_mysql': '*' })
    expect(s.database).toMatchObject({ value: 'mysql', confidence: 'high' })
    expect(codes(s)).not.toContain('several-databases')
    expectNote(s, 'composer.json', /^postgres \(depends on ext-pdo_pgsql\): mentioned in composer\.json, not chosen: DB_CONNECTION=mysql/)
    const fallback = laravel('APP_NAME=crm\n', { 'config/database.php': "<?php\nreturn [\n    'default' => env('DB_CONNECTION', 'pgsql'),\n];\n" }, { 'ext-pdo_pgsql': '*', 'ext-pdo_mysql': '*' })
    expect(fallback.database.value).toBe('postgres')
    expectEvidence(fallback.database.evidence, 'config/database.php', /env\('DB_CONNECTION', 'pgsql'\)/)
  })

  it('Django: DATABASES ENGINE picks between psycopg and mysqlclient; CACHES BACKEND picks Redis', () => {
    const s = service(
      run({
        'requirements.txt': 'django==5.2 --hash=sha256:a\npsycopg==3.2 --hash=sha256:b\nmysqlclient==2.2 --hash=sha256:c\npymemcache==4 --hash=sha256:d\nredis==5 --hash=sha256:e\n',
        'requirements-dev.txt': '',
        'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n',
        'site/settings.py': "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.mysql',\n        'NAME': 'site',\n    }\n}\nCACHES = {\n    'default': {\n        'BACKEND': 'django.core.cache.backends.redis.RedisCache',\n        'LOCATION': 'redis://127.0.0.1:6379',\n    }\n}\n",
        'site/wsgi.py': 'application = get_wsgi_application()\n',
      }),
    )
    expect(s.database).toMatchObject({ value: 'mysql', confidence: 'high' })
    expectEvidence(s.database.evidence, 'site/settings.py', /DATABASES ENGINE mysql/)
    expect(s.cache.value).toBe('redis')
    expectEvidence(s.cache.evidence, 'site/settings.py', /CACHES BACKEND django\.core\.cache\.backends\.redis\.RedisCache/)
    expect(codes(s)).not.toContain('several-databases')
    expect(codes(s)).not.toContain('several-caches')
  })

  it("Rails: config/database.yml's production adapter", () => {
    const s = service(
      run({
        Gemfile: 'gem "rails"\ngem "pg"\ngem "mysql2"\n',
        'Gemfile.lock': '',
        'config/database.yml': 'default: &default\n  adapter: postgresql\n  pool: 5\n\nproduction:\n  <<: *default\n  adapter: mysql2\n  url: <%= ENV["DATABASE_URL"] %>\n',
        'config/environments/production.rb': 'Rails.application.configure do\n  config.cache_store = :solid_cache_store\nend\n',
      }),
    )
    expect(s.database.value).toBe('mysql')
    expectEvidence(s.database.evidence, 'config/database.yml', /production: adapter: mysql2/)
    expect(s.cache.value).toBe('none')
    expectEvidence(s.cache.evidence, 'config/environments/production.rb', /solid_cache_store/)
  })

  it("Spring: spring.datasource.url's JDBC scheme", () => {
    const s = service(
      run({
        'pom.xml': '<project><parent><groupId>org.springframework.boot</groupId></parent><artifactId>app</artifactId><dependencies><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency><dependency><groupId>com.mysql</groupId><artifactId>mysql-connector-j</artifactId></dependency><dependency><groupId>com.h2database</groupId><artifactId>h2</artifactId><scope>test</scope></dependency></dependencies></project>\n',
        mvnw: '',
        'src/main/resources/application.properties': 'spring.datasource.url=${SPRING_DATASOURCE_URL:jdbc:postgresql://localhost:5432/app}\n',
      }),
    )
    expect(s.database).toMatchObject({ value: 'postgres', confidence: 'high' })
    expectEvidence(s.database.evidence, 'src/main/resources/application.properties', /spring\.datasource\.url=.*jdbc:postgresql/)
    expectNote(s, 'pom.xml', /^mysql \(depends on com\.mysql:mysql-connector-j\): mentioned in pom\.xml, not chosen: spring\.datasource\.url/)
  })
})

describe('backing services: settings that are the development setup', () => {
  it("Django's sqlite3 default yields to the psycopg dependency production uses", () => {
    const s = service(
      run({
        'requirements.txt': 'django==5 --hash=sha256:a\npsycopg[binary]==3 --hash=sha256:b\ndj-database-url==2 --hash=sha256:c\n',
        'requirements-dev.txt': '',
        'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")\n',
        'blog/settings.py': "DATABASES = {'default': dj_database_url.config(default=f'sqlite:///{BASE_DIR}/db.sqlite3')}\n",
        'blog/wsgi.py': 'application = get_wsgi_application()\n',
      }),
    )
    expect(s.database).toMatchObject({ value: 'postgres', confidence: 'high' })
    expectNote(s, 'blog/settings.py', /database URL default sqlite:\/\/: an embedded database for development; the app also depends on postgres/)
  })

  it("Spring profiles other than prod (petclinic's -mysql and -postgres) are alternatives, not a selection", () => {
    const s = service(
      run({
        'pom.xml': '<project><parent><groupId>org.springframework.boot</groupId></parent><artifactId>petclinic</artifactId><dependencies><dependency><groupId>com.h2database</groupId><artifactId>h2</artifactId><scope>runtime</scope></dependency><dependency><groupId>com.mysql</groupId><artifactId>mysql-connector-j</artifactId><scope>runtime</scope></dependency><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><scope>runtime</scope></dependency></dependencies></project>\n',
        mvnw: '',
        'src/main/resources/application.properties': 'database=h2\nspring.sql.init.schema-locations=classpath*:db/${database}/schema.sql\n',
        'src/main/resources/application-mysql.properties': 'spring.datasource.url=${MYSQL_URL:jdbc:mysql://localhost/petclinic}\n',
        'src/main/resources/application-postgres.properties': 'spring.datasource.url=${POSTGRES_URL:jdbc:postgresql://localhost/petclinic}\n',
      }),
    )
    expect(s.database.confidence).toBe('low')
    expect(codes(s)).toContain('several-databases')
  })
})

describe('backing services: Cargo features', () => {
  const crate = (deps: string, extra: Record<string, string> = {}) => service(run({ 'Cargo.toml': `[package]\nname = "svc"\n\n[dependencies]\nactix-web = "4"\n${deps}`, 'Cargo.lock': '', 'src/main.rs': 'fn main() {}\n', ...extra }))

  it('sqlx in a [dependencies.sqlx] table with a multi-line features array', () => {
    const s = crate('\n[dependencies.sqlx]\nversion = "0.8"\ndefault-features = false\nfeatures = [\n  "runtime-tokio-rustls",\n  "macros",\n  "postgres",\n  "uuid",\n]\n')
    expect(s.database).toMatchObject({ value: 'postgres', confidence: 'high' })
    expectEvidence(s.database.evidence, 'Cargo.toml', /^depends on sqlx with the "postgres" feature$/)
  })

  it('sqlx inline with features over several lines', () => {
    const s = crate('sqlx = { version = "0.8", features = [\n  "runtime-tokio",\n  "mysql",\n] }\n')
    expect(s.database.value).toBe('mysql')
    expectEvidence(s.database.evidence, 'Cargo.toml', /sqlx with the "mysql" feature/)
  })

  it("actix-session's redis-session feature, sea-orm's sqlx-postgres, diesel's postgres", () => {
    const s = crate('actix-session = { version = "0.10", features = ["redis-session-rustls"] }\nsea-orm = { version = "1", features = ["sqlx-postgres", "runtime-tokio-rustls"] }\n')
    expect(s.cache.value).toBe('redis')
    expectEvidence(s.cache.evidence, 'Cargo.toml', /actix-session with the "redis-session-rustls" feature/)
    expectEvidence(s.database.evidence, 'Cargo.toml', /sea-orm with the "sqlx-postgres" feature/)
    for (const feature of ['redis-session', 'redis-rs-session', 'redis-pool']) {
      expect(crate(`actix-session = { version = "0.9", features = ["${feature}"] }\n`).cache.value, feature).toBe('redis')
    }
    expect(crate('diesel = { version = "2", features = ["postgres", "r2d2"] }\n').database.value).toBe('postgres')
  })

  it("a workspace member's `sqlx = { workspace = true }` takes the workspace's features", () => {
    const d = run({
      'Cargo.toml': '[workspace]\nmembers = ["api"]\n\n[workspace.dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n',
      'Cargo.lock': '',
      'api/Cargo.toml': '[package]\nname = "api"\n\n[dependencies]\naxum = "0.8"\nsqlx = { workspace = true, features = ["macros"] }\n',
      'api/src/main.rs': 'fn main() {}\n',
    })
    const s = service(d, 'api')
    expect(s.database.value).toBe('postgres')
    expectEvidence(s.database.evidence, 'api/Cargo.toml', /sqlx with the "postgres" feature \(api\/Cargo\.toml and Cargo\.toml\)/)
  })
})

describe('backing services: .NET project references and Directory.*.props', () => {
  const files = {
    'Shop.sln': 'Microsoft Visual Studio Solution File\n',
    'Directory.Build.props': '<Project>\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include="Microsoft.Extensions.Caching.StackExchangeRedis" />\n  </ItemGroup>\n</Project>\n',
    'src/Shop.Web/Shop.Web.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <ItemGroup>\n    <ProjectReference Include="..\\Shop.Infrastructure\\Shop.Infrastructure.csproj" />\n  </ItemGroup>\n</Project>\n',
    'src/Shop.Web/Program.cs': 'var app = WebApplication.Create(args);\napp.Run();\n',
    'src/Shop.Infrastructure/Shop.Infrastructure.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" />\n    <ProjectReference Include="..\\Shop.Core\\Shop.Core.csproj" />\n  </ItemGroup>\n</Project>\n',
    'src/Shop.Core/Shop.Core.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="RabbitMQ.Client" />\n  </ItemGroup>\n</Project>\n',
    'tests/Shop.Tests/Shop.Tests.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="Microsoft.NET.Test.Sdk" />\n    <PackageReference Include="xunit" />\n    <PackageReference Include="Testcontainers.MongoDb" />\n    <PackageReference Include="MongoDB.Driver" />\n    <ProjectReference Include="..\\..\\src\\Shop.Web\\Shop.Web.csproj" />\n  </ItemGroup>\n</Project>\n',
  }

  it('follows ProjectReference to the EF Core provider; reads TargetFramework and PackageReference from Directory.Build.props; ignores the test project', () => {
    const s = service(run(files))
    expect(s.database).toMatchObject({ value: 'postgres', confidence: 'high' })
    expectEvidence(s.database.evidence, 'src/Shop.Infrastructure/Shop.Infrastructure.csproj', /depends on Npgsql\.EntityFrameworkCore\.PostgreSQL \(a project the web project references: src\/Shop\.Web\/Shop\.Web\.csproj → src\/Shop\.Infrastructure\/Shop\.Infrastructure\.csproj\)/)
    expect(s.cache.value).toBe('redis')
    expectEvidence(s.cache.evidence, 'Directory.Build.props', /depends on Microsoft\.Extensions\.Caching\.StackExchangeRedis/)
    expect(s.languageVersion?.value).toBe('10.0')
    expectEvidence(s.languageVersion?.evidence, 'Directory.Build.props', /<TargetFramework>net10\.0/)
    expect(s.app.unprovided?.map((u) => u.service)).toEqual(['RabbitMQ'])
    expect(s.app.testProject).toBe('tests/Shop.Tests/Shop.Tests.csproj')
  })

  it('TargetFramework in Directory.Packages.props (eShopOnWeb)', () => {
    const s = service(
      run({
        'App.sln': '',
        'Directory.Packages.props': '<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageVersion Include="Pomelo.EntityFrameworkCore.MySql" Version="9.0.0" />\n  </ItemGroup>\n</Project>\n',
        'src/Web/Web.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <ItemGroup>\n    <PackageReference Include="Pomelo.EntityFrameworkCore.MySql" />\n  </ItemGroup>\n</Project>\n',
      }),
    )
    expect(s.languageVersion?.value).toBe('10.0')
    expectEvidence(s.languageVersion?.evidence, 'Directory.Packages.props', /net10\.0/)
    expect(s.database.value).toBe('mysql')
  })
})

describe('services the tool cannot provide: app.unprovided and an unprovided-service warning', () => {
  it('SQL Server through EF Core; SQLite stays a note', () => {
    const s = service(
      run({
        'Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="Microsoft.EntityFrameworkCore.SqlServer" Version="10.0.0" /><PackageReference Include="Microsoft.Data.Sqlite" Version="10.0.0" /></ItemGroup></Project>\n',
      }),
    )
    expect(s.database.value).toBe('none')
    expect(s.app.unprovided).toEqual([{ service: 'SQL Server', evidence: { file: 'Api.csproj', reason: 'depends on Microsoft.EntityFrameworkCore.SqlServer' }, hint: expect.stringMatching(/mcr\.microsoft\.com\/mssql\/server/) }])
    const w = s.warnings.find((x) => x.code === 'unprovided-service')
    expect(w).toMatchObject({ file: 'Api.csproj', message: expect.stringMatching(/^uses SQL Server \(depends on Microsoft\.EntityFrameworkCore\.SqlServer\), which this tool does not set up: add /) })
    expectNote(s, 'Api.csproj', /Microsoft\.Data\.Sqlite: an embedded database/)
  })

  it('RabbitMQ, Kafka and Elasticsearch from dependencies and the Compose file', () => {
    const s = express({ amqplib: '0.10.0', kafkajs: '2.0.0' }, {}, { 'docker-compose.yml': 'services:\n  api:\n    build: .\n  search:\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0\n' })
    expect(s.app.unprovided?.map((u) => u.service)).toEqual(['RabbitMQ', 'Kafka', 'Elasticsearch'])
    expect(s.app.unprovided?.[2]?.evidence).toEqual({ file: 'docker-compose.yml', reason: 'service "search" runs image docker.elastic.co/elasticsearch/elasticsearch:8.15.0' })
    expect(s.warnings.filter((w) => w.code === 'unprovided-service')).toHaveLength(3)
    expect(s.database.value).toBe('none')
  })

  it('Go NATS and Meilisearch; Python ClickHouse; Java Cassandra', () => {
    const go = service(run({ 'go.mod': 'module x/api\n\ngo 1.25\n\nrequire (\n\tgithub.com/nats-io/nats.go v1.37.0\n\tgithub.com/meilisearch/meilisearch-go v0.29.0\n)\n', 'main.go': 'package main\nfunc main() { http.ListenAndServe(":8080", nil) }\n' }))
    expect(go.app.unprovided?.map((u) => u.service)).toEqual(['NATS', 'Meilisearch'])
    const py = service(run({ 'requirements.txt': 'fastapi==1 --hash=sha256:a\nclickhouse-connect==0.8 --hash=sha256:b\n', 'requirements-dev.txt': '', 'main.py': 'app = FastAPI()\n' }))
    expect(py.app.unprovided?.[0]).toMatchObject({ service: 'ClickHouse', evidence: { file: 'requirements.txt', reason: 'depends on clickhouse-connect' } })
    const java = service(run({ 'pom.xml': '<project><parent><groupId>org.springframework.boot</groupId></parent><artifactId>a</artifactId><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-data-cassandra</artifactId></dependency></dependencies></project>\n', mvnw: '' }))
    expect(java.app.unprovided?.[0]?.service).toBe('Cassandra')
  })

  it('an env example line alone only mentions one', () => {
    const s = express({}, {}, { '.env.example': 'RABBITMQ_URL=amqp://guest:guest@localhost:5672\n' })
    expect(s.app.unprovided).toBeUndefined()
    expect(codes(s)).not.toContain('unprovided-service')
    expectNote(s, '.env.example', /^RabbitMQ \(sets RABBITMQ_URL\): mentioned in \.env\.example, not chosen: only an env example names it$/)
  })

  it('Laravel DB_CONNECTION=sqlsrv selects SQL Server', () => {
    const s = laravel('DB_CONNECTION=sqlsrv\n', {}, { 'ext-pdo_mysql': '*' })
    expect(s.database.value).toBe('none')
    expect(s.app.unprovided?.[0]).toMatchObject({ service: 'SQL Server', evidence: { file: '.env.example', reason: 'DB_CONNECTION=sqlsrv' } })
  })
})

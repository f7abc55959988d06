import { describe, expect, it } from 'vitest'
import { evidenceOf, json, service } from './contract-helpers.js'

const nodeApp = (deps: Record<string, string>, files: Record<string, string>) => service({ 'package.json': json({ name: 'api', scripts: { start: 'node src/index.js' }, dependencies: deps }), 'package-lock.json': '{}', ...files })

describe('database and cache env names', () => {
  it('a Joi-validated config (a boilerplate shape): MONGODB_URL, JWT_SECRET required; NODE_ENV and PORT left to the image', () => {
    const s = nodeApp(
      { express: '^4', mongoose: '^8', joi: '^17', dotenv: '^16' },
      {
        'src/index.js': "const config = require('./config/config')\nconst app = require('./app')\napp.listen(config.port)\n",
        'src/app.js': "const express = require('express')\nmodule.exports = express()\n",
        'src/config/config.js': [
          "const Joi = require('joi')",
          'const envVarsSchema = Joi.object()',
          '  .keys({',
          "    NODE_ENV: Joi.string().valid('production', 'development', 'test').required(),",
          '    PORT: Joi.number().default(3000),',
          "    MONGODB_URL: Joi.string().required().description('Mongo DB url'),",
          "    JWT_SECRET: Joi.string().required().description('JWT secret key'),",
          '    JWT_ACCESS_EXPIRATION_MINUTES: Joi.number().default(30),',
          '    SMTP_HOST: Joi.string(),',
          '  })',
          '  .unknown()',
          'const { value: envVars, error } = envVarsSchema.validate(process.env)',
          'module.exports = { port: envVars.PORT, mongoose: { url: envVars.MONGODB_URL } }',
          '',
        ].join('\n'),
        '.env.example': 'PORT=3000\nMONGODB_URL=mongodb://127.0.0.1:27017/node-boilerplate\nJWT_SECRET=thisisasamplesecret\n',
      },
    )
    expect(s.database.value).toBe('mongodb')
    expect(s.app.databaseEnv).toEqual([{ name: 'MONGODB_URL', part: 'url' }])
    expect(evidenceOf(s, 'databaseEnv')).toEqual(["src/config/config.js: reads MONGODB_URL: `MONGODB_URL: Joi.string().required().description('Mongo DB url') (line 6)`"])
    expect(s.app.requiredEnv).toEqual([
      { name: 'JWT_SECRET', devValue: 'thisisasamplesecret', secret: true, evidence: { file: 'src/config/config.js', reason: "`JWT_SECRET: Joi.string().required().description('JWT secret key') (line 7)`; .env.example has JWT_SECRET=…" } },
    ])
  })

  it('DATABASE_URL exactly as the tool names it: no databaseEnv; REDIS_URL for the cache', () => {
    const s = nodeApp({ express: '^4', pg: '^8', ioredis: '^5' }, { 'src/index.js': "const { Pool } = require('pg')\nconst Redis = require('ioredis')\nnew Pool({ connectionString: process.env.DATABASE_URL })\nnew Redis(process.env.REDIS_URL)\nrequire('express')().listen(3000)\n" })
    expect(s.app.databaseEnv).toBeUndefined()
    expect(evidenceOf(s, 'databaseEnv')).toContain('src/index.js: DATABASE_URL is the name the generated files set already')
    expect(s.app.cacheEnv).toEqual([{ name: 'REDIS_URL', part: 'url' }])
  })

  it('split DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME and REDIS_HOST/REDIS_PORT/REDIS_PASSWORD', () => {
    const s = nodeApp(
      { express: '^4', mysql2: '^3', redis: '^4' },
      {
        'src/db.js': "module.exports = mysql.createPool({ host: process.env.DB_HOST, port: process.env.DB_PORT || 3306, user: process.env.DB_USER, password: process.env.DB_PASSWORD, database: process.env.DB_NAME, connectionLimit: process.env.DB_POOL_SIZE })\n",
        'src/cache.js': "createClient({ socket: { host: process.env.REDIS_HOST, port: process.env.REDIS_PORT }, password: process.env.REDIS_PASSWORD })\n",
        'src/index.js': "require('express')().listen(3000)\n",
      },
    )
    expect(s.app.databaseEnv).toEqual([
      { name: 'DB_HOST', part: 'host' },
      { name: 'DB_PORT', part: 'port' },
      { name: 'DB_USER', part: 'user' },
      { name: 'DB_PASSWORD', part: 'password' },
      { name: 'DB_NAME', part: 'database' },
    ])
    expect(s.app.cacheEnv).toEqual([
      { name: 'REDIS_HOST', part: 'host' },
      { name: 'REDIS_PORT', part: 'port' },
      { name: 'REDIS_PASSWORD', part: 'password' },
    ])
  })

  it('go-redis REDIS_ADDR is a hostport; a DSN for MySQL is a url', () => {
    const s = service({
      'go.mod': 'module x\n\ngo 1.25\n\nrequire (\n\tgithub.com/redis/go-redis/v9 v9.7.0\n\tgithub.com/go-sql-driver/mysql v1.9.0\n)\n',
      'go.sum': '',
      'main.go': 'package main\n\nfunc main() {\n\trdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})\n\tdb, _ := sql.Open("mysql", os.Getenv("MYSQL_DSN"))\n\thttp.ListenAndServe(":8080", nil)\n}\n',
    })
    expect(s.app.cacheEnv).toEqual([{ name: 'REDIS_ADDR', part: 'hostport' }])
    expect(s.app.databaseEnv).toEqual([{ name: 'MYSQL_DSN', part: 'url' }])
  })

  it('the example value decides the part: REDIS_URL=localhost:6379 is a hostport', () => {
    const s = nodeApp({ express: '^4', ioredis: '^5' }, { 'src/index.js': "new Redis(process.env.REDIS_URL)\nrequire('express')().listen(3000)\n", '.env.example': 'REDIS_URL=localhost:6379\n' })
    expect(s.app.cacheEnv).toEqual([{ name: 'REDIS_URL', part: 'hostport' }])
  })

  it('another engine’s variables are not the database’s (MONGO_URL read while the database is postgres)', () => {
    const s = nodeApp({ express: '^4', pg: '^8' }, { 'src/index.js': "const legacy = process.env.MONGO_URL\nnew Pool({ host: process.env.PGHOST, user: process.env.PGUSER, password: process.env.PGPASSWORD, database: process.env.PGDATABASE })\nrequire('express')().listen(3000)\n" })
    expect(s.app.databaseEnv).toEqual([
      { name: 'PGHOST', part: 'host' },
      { name: 'PGUSER', part: 'user' },
      { name: 'PGPASSWORD', part: 'password' },
      { name: 'PGDATABASE', part: 'database' },
    ])
  })

  it('pydantic BaseSettings with POSTGRES_SERVER... (an older full-stack template shape): bound, and the other required fields', () => {
    const s = service({
      'pyproject.toml': '[project]\nname = "app"\nrequires-python = ">=3.10"\ndependencies = ["fastapi", "psycopg", "pydantic-settings"]\n',
      'uv.lock': 'version = 1\n',
      'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'app/core/config.py': [
        'from typing import Literal',
        'from pydantic import EmailStr, computed_field',
        'from pydantic_settings import BaseSettings, SettingsConfigDict',
        '',
        'class Settings(BaseSettings):',
        '    model_config = SettingsConfigDict(env_file="../.env", extra="ignore")',
        '    API_V1_STR: str = "/api/v1"',
        '    SECRET_KEY: str',
        '    ENVIRONMENT: Literal["local", "staging", "production"] = "local"',
        '    PROJECT_NAME: str',
        '    POSTGRES_SERVER: str',
        '    POSTGRES_PORT: int = 5432',
        '    POSTGRES_USER: str',
        '    POSTGRES_PASSWORD: str = ""',
        '    POSTGRES_DB: str = ""',
        '    FIRST_SUPERUSER: EmailStr',
        '    FIRST_SUPERUSER_PASSWORD: str',
        '    SMTP_PORT: int = 587',
        '',
        'settings = Settings()  # type: ignore',
        '',
      ].join('\n'),
      '.env.example': 'PROJECT_NAME="Full Stack FastAPI Project"\nSECRET_KEY=changethis\nFIRST_SUPERUSER=admin@example.com\nPOSTGRES_SERVER=localhost\n',
    })
    expect(s.database.value).toBe('postgres')
    expect(s.app.databaseEnv).toEqual([
      { name: 'POSTGRES_SERVER', part: 'host' },
      { name: 'POSTGRES_PORT', part: 'port' },
      { name: 'POSTGRES_USER', part: 'user' },
      { name: 'POSTGRES_PASSWORD', part: 'password' },
      { name: 'POSTGRES_DB', part: 'database' },
    ])
    expect(s.app.requiredEnv?.map((v) => [v.name, v.devValue, v.secret])).toEqual([
      ['SECRET_KEY', 'changethis', true],
      ['PROJECT_NAME', 'Full Stack FastAPI Project', false],
      ['FIRST_SUPERUSER', 'admin@example.com', false],
      // No example value: a placeholder long enough for a secret.
      ['FIRST_SUPERUSER_PASSWORD', 'dev-only-first-superuser-password', true],
    ])
    expect(s.app.requiredEnv![0]!.evidence).toEqual({ file: 'app/core/config.py', reason: '`SECRET_KEY: str in a BaseSettings class (line 8)`; .env.example has SECRET_KEY=…' })
  })

  it('Django settings with dj-database-url on another name, and django-environ cache', () => {
    const s = service({
      'requirements.txt': 'django==5.2\ndj-database-url==2.3\ndjango-environ==0.12\npsycopg==3.2\ndjango-redis==5.4\n',
      'manage.py': '',
      'site/wsgi.py': 'application = None\n',
      'site/settings.py': 'import environ, dj_database_url, os\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY")\nDATABASES = {"default": dj_database_url.parse(os.environ["PG_URL"])}\nCACHES = {"default": env.cache("REDIS_URL")}\nDEBUG = env.bool("DEBUG", default=False)\n',
    })
    expect(s.app.databaseEnv).toEqual([{ name: 'PG_URL', part: 'url' }])
    expect(s.app.cacheEnv).toEqual([{ name: 'REDIS_URL', part: 'url' }])
    expect(s.app.requiredEnv?.map((v) => v.name)).toEqual(['DJANGO_SECRET_KEY'])
  })
})

describe('framework defaults that match the tool’s names', () => {
  it('dj_database_url.config() and env.cache() read DATABASE_URL and CACHE_URL: nothing to bind', () => {
    const s = service({
      'requirements.txt': 'django==5.2\ndj-database-url==2.3\ndjango-environ==0.12\npsycopg==3.2\ndjango-redis==5.4\n',
      'manage.py': '',
      'site/wsgi.py': 'application = None\n',
      'site/settings.py': 'import environ, dj_database_url\nenv = environ.Env()\nDATABASES = {"default": dj_database_url.config(conn_max_age=600)}\nCACHES = {"default": env.cache()}\n',
    })
    expect(s.app.databaseEnv).toBeUndefined()
    expect(s.app.cacheEnv).toBeUndefined()
    expect(evidenceOf(s, 'databaseEnv')).toEqual(['site/settings.py: reads DATABASE_URL: `dj_database_url.config(conn_max_age=600) (line 3)`', 'site/settings.py: DATABASE_URL is the name the generated files set already'])
  })
})

describe('framework conventions', () => {
  const pom = (deps: string[], version = '3.5.0') =>
    `<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>${version}</version>\n  </parent>\n  <artifactId>svc</artifactId>\n  <dependencies>\n${deps.map((d) => `    <dependency>\n      <groupId>${d.split(':')[0]}</groupId>\n      <artifactId>${d.split(':')[1]}</artifactId>\n    </dependency>\n`).join('')}  </dependencies>\n</project>\n`
  const spring = ['org.springframework.boot:spring-boot-starter-web', 'org.postgresql:postgresql', 'org.springframework.boot:spring-boot-starter-data-redis']

  it('Spring Boot without placeholders: relaxed binding names, SERVER_PORT', () => {
    const s = service({ 'pom.xml': pom(spring), mvnw: '', 'src/main/java/a/App.java': 'class App {}\n', 'src/main/resources/application.properties': 'spring.datasource.url=jdbc:postgresql://localhost:5432/app\nspring.datasource.username=app\n' })
    expect(s.app.databaseEnv).toEqual([
      { name: 'SPRING_DATASOURCE_URL', part: 'jdbc' },
      { name: 'SPRING_DATASOURCE_USERNAME', part: 'user' },
      { name: 'SPRING_DATASOURCE_PASSWORD', part: 'password' },
    ])
    expect(s.app.cacheEnv).toEqual([
      { name: 'SPRING_DATA_REDIS_HOST', part: 'host' },
      { name: 'SPRING_DATA_REDIS_PORT', part: 'port' },
      { name: 'SPRING_DATA_REDIS_PASSWORD', part: 'password' },
    ])
    expect(s.app.portEnv).toBe('SERVER_PORT')
    expect(evidenceOf(s, 'databaseEnv')[0]).toBe('src/main/resources/application.properties: SPRING_DATASOURCE_URL sets spring.datasource.url (relaxed binding, over jdbc:postgresql://localhost:5432/app)')
  })

  it('Spring Boot with the app’s own placeholders (${JDBC_DATABASE_URL}); ${JWT_SECRET} without default is required', () => {
    const s = service({
      'pom.xml': pom(spring),
      'src/main/java/a/App.java': 'class App {}\n',
      'src/main/resources/application.yml': 'spring:\n  datasource:\n    url: ${JDBC_DATABASE_URL}\n    username: ${JDBC_DATABASE_USERNAME:app}\n    password: ${JDBC_DATABASE_PASSWORD:app}\n  data:\n    redis:\n      url: ${REDIS_URL:redis://localhost:6379}\nserver:\n  port: ${PORT:8080}\napp:\n  jwt:\n    secret: ${JWT_SECRET}\n',
    })
    expect(s.app.databaseEnv).toEqual([
      { name: 'JDBC_DATABASE_URL', part: 'jdbc' },
      { name: 'JDBC_DATABASE_USERNAME', part: 'user' },
      { name: 'JDBC_DATABASE_PASSWORD', part: 'password' },
    ])
    expect(s.app.cacheEnv).toEqual([{ name: 'REDIS_URL', part: 'url' }])
    expect(s.app.portEnv).toBeUndefined()
    expect(s.app.requiredEnv?.map((v) => [v.name, v.secret])).toEqual([['JWT_SECRET', true]])
    expect(s.app.requiredEnv![0]!.devValue.length).toBeGreaterThanOrEqual(32)
  })

  it('Spring Boot 2: SPRING_REDIS_*; the postgres settings in a profile make SPRING_PROFILES_ACTIVE required (a petclinic-like shape)', () => {
    const s = service({
      'pom.xml': pom(spring, '2.7.18'),
      'src/main/java/a/App.java': 'class App {}\n',
      'src/main/resources/application.properties': 'database=h2\nspring.sql.init.mode=always\n',
      'src/main/resources/application-postgres.properties': 'spring.datasource.url=${POSTGRES_URL:jdbc:postgresql://localhost/petclinic}\nspring.datasource.username=${POSTGRES_USER:petclinic}\nspring.datasource.password=${POSTGRES_PASS:petclinic}\n',
    })
    expect(s.app.databaseEnv).toEqual([
      { name: 'POSTGRES_URL', part: 'jdbc' },
      { name: 'POSTGRES_USER', part: 'user' },
      { name: 'POSTGRES_PASS', part: 'password' },
    ])
    expect(s.app.cacheEnv?.map((b) => b.name)).toEqual(['SPRING_REDIS_HOST', 'SPRING_REDIS_PORT', 'SPRING_REDIS_PASSWORD'])
    expect(s.app.requiredEnv?.[0]).toEqual({ name: 'SPRING_PROFILES_ACTIVE', devValue: 'postgres', secret: false, evidence: { file: 'src/main/resources/application-postgres.properties', reason: 'the database settings are in the postgres profile only' } })
  })

  it('Quarkus: QUARKUS_DATASOURCE_* names', () => {
    const s = service({
      'build.gradle.kts': 'plugins { id("io.quarkus") }\ndependencies {\n  implementation("io.quarkus:quarkus-rest")\n  implementation("io.quarkus:quarkus-jdbc-postgresql")\n}\n',
      'settings.gradle.kts': 'rootProject.name = "svc"\n',
      'src/main/java/a/R.java': 'class R {}\n',
    })
    expect(s.app.databaseEnv).toEqual([
      { name: 'QUARKUS_DATASOURCE_JDBC_URL', part: 'jdbc' },
      { name: 'QUARKUS_DATASOURCE_USERNAME', part: 'user' },
      { name: 'QUARKUS_DATASOURCE_PASSWORD', part: 'password' },
    ])
  })

  it('.NET: ConnectionStrings__<Name> from appsettings.json (an eShop-like shape)', () => {
    const s = service({
      'Web/Web.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="10.0.0" /><PackageReference Include="StackExchange.Redis" Version="2.9.0" /></ItemGroup></Project>\n',
      'Web/Program.cs': 'var builder = WebApplication.CreateBuilder(args);\nbuilder.Services.AddDbContext<CatalogContext>(o => o.UseNpgsql(builder.Configuration.GetConnectionString("CatalogConnection")));\nvar app = builder.Build();\napp.Run();\n',
      'Web/appsettings.json': '{\n  // local development\n  "ConnectionStrings": {\n    "CatalogConnection": "Host=localhost;Database=catalog;Username=app;Password=app",\n    "Redis": "localhost:6379"\n  }\n}\n',
    })
    expect(s.app.databaseEnv).toEqual([{ name: 'ConnectionStrings__CatalogConnection', part: 'connstring' }])
    expect(s.app.cacheEnv).toEqual([{ name: 'ConnectionStrings__Redis', part: 'connstring' }])
    expect(evidenceOf(s, 'databaseEnv')).toEqual(['Web/appsettings.json: ConnectionStrings:CatalogConnection, read with GetConnectionString'])
  })

  it('Rails: DATABASE_URL is Rails’ own (no binding); redis gem → REDIS_URL; SECRET_KEY_BASE required; ENV.fetch without default required', () => {
    const s = service({
      Gemfile: 'gem "rails", "~> 8.0"\ngem "pg"\ngem "redis"\n',
      'Gemfile.lock': '',
      'config/application.rb': '',
      'config/initializers/stripe.rb': 'Stripe.api_key = ENV.fetch("STRIPE_SECRET_KEY")\nSTRIPE_PLAN = ENV.fetch("STRIPE_PLAN", "basic")\n',
    })
    expect(s.app.databaseEnv).toBeUndefined()
    expect(s.app.cacheEnv).toEqual([{ name: 'REDIS_URL', part: 'url' }])
    expect(s.app.requiredEnv?.map((v) => [v.name, v.secret])).toEqual([
      ['SECRET_KEY_BASE', true],
      ['STRIPE_SECRET_KEY', true],
    ])
    expect(s.app.requiredEnv![0]!.devValue).toMatch(/^[0-9a-f]{128}$/)
  })

  // The app's config selects its stores: with CACHE_STORE=database the Redis lines are only
  // mentioned (backing.test.ts); here the sessions live in Redis, so Redis is the cache and
  // CACHE_STORE must say so for the cache to be used.
  it('Laravel: DB_*, REDIS_*, DB_CONNECTION and CACHE_STORE from the example; APP_KEY base64 of 32 bytes', () => {
    const s = service({
      'composer.json': json({ require: { 'laravel/framework': '^12.0', 'predis/predis': '^2' } }),
      'composer.lock': '{}',
      artisan: '',
      '.env.example': 'APP_KEY=\nDB_CONNECTION=pgsql\nDB_HOST=127.0.0.1\nDB_PORT=5432\nDB_DATABASE=laravel\nDB_USERNAME=root\nDB_PASSWORD=\nSESSION_DRIVER=redis\nCACHE_STORE=database\nREDIS_HOST=127.0.0.1\nREDIS_PASSWORD=null\nREDIS_PORT=6379\n',
    })
    expect(s.database.value).toBe('postgres')
    expect(s.app.databaseEnv?.map((b) => `${b.name}:${b.part}`)).toEqual(['DB_HOST:host', 'DB_PORT:port', 'DB_DATABASE:database', 'DB_USERNAME:user', 'DB_PASSWORD:password'])
    expect(s.app.cacheEnv?.map((b) => `${b.name}:${b.part}`)).toEqual(['REDIS_HOST:host', 'REDIS_PORT:port', 'REDIS_PASSWORD:password'])
    const req = Object.fromEntries(s.app.requiredEnv!.map((v) => [v.name, v]))
    expect(req.DB_CONNECTION!.devValue).toBe('pgsql')
    expect(req.CACHE_STORE!.devValue).toBe('redis')
    expect(req.CACHE_STORE!.evidence.reason).toBe('CACHE_STORE=database; the redis cache needs redis')
    expect(Buffer.from(req.APP_KEY!.devValue.replace(/^base64:/, ''), 'base64')).toHaveLength(32)
    expect(req.APP_KEY!.secret).toBe(true)
  })

  it('the config crate (a zero2prod-like shape): APP_DATABASE__HOST..., APP_REDIS_URI, APP_APPLICATION__PORT and __HOST', () => {
    const s = service({
      'Cargo.toml': '[package]\nname = "zero2prod"\nversion = "0.1.0"\n\n[dependencies]\nactix-web = "4"\nconfig = "0.14"\nsqlx = { version = "0.8", features = ["postgres", "runtime-tokio"] }\nredis = "0.27"\n',
      'Cargo.lock': '',
      'src/main.rs': 'fn main() {}\n',
      'src/configuration.rs': 'pub fn get_configuration() -> Result<Settings, config::ConfigError> {\n    let base_path = std::env::current_dir().expect("Failed to determine the current directory");\n    let configuration_directory = base_path.join("configuration");\n    let settings = config::Config::builder()\n        .add_source(config::File::from(configuration_directory.join("base.yaml")))\n        .add_source(\n            config::Environment::with_prefix("APP")\n                .prefix_separator("_")\n                .separator("__"),\n        )\n        .build()?;\n    settings.try_deserialize::<Settings>()\n}\n',
      'configuration/base.yaml': 'application:\n  port: 8000\n  host: 0.0.0.0\n  hmac_secret: "long-and-secret"\ndatabase:\n  host: "127.0.0.1"\n  port: 5432\n  username: "postgres"\n  password: "password"\n  database_name: "newsletter"\n  require_ssl: false\nredis_uri: "redis://127.0.0.1:6379"\n',
      'configuration/local.yaml': 'application:\n  host: 127.0.0.1\n',
    })
    expect(s.app.databaseEnv).toEqual([
      { name: 'APP_DATABASE__HOST', part: 'host' },
      { name: 'APP_DATABASE__PORT', part: 'port' },
      { name: 'APP_DATABASE__USERNAME', part: 'user' },
      { name: 'APP_DATABASE__PASSWORD', part: 'password' },
      { name: 'APP_DATABASE__DATABASE_NAME', part: 'database' },
    ])
    expect(s.app.cacheEnv).toEqual([{ name: 'APP_REDIS_URI', part: 'url' }])
    expect(s.app.portEnv).toBe('APP_APPLICATION__PORT')
    expect(s.app.hostEnv).toBe('APP_APPLICATION__HOST')
    expect(evidenceOf(s, 'portEnv')).toEqual([
      'src/configuration.rs: the config crate reads APP_<key__…> from the environment over configuration/base.yaml',
      'configuration/base.yaml: application.port: 8000 → APP_APPLICATION__PORT',
    ])
  })
})

describe('a variable that selects the settings file per environment', () => {
  it('zero2prod: APP_ENVIRONMENT picks configuration/<env>.yaml (default local, which binds 127.0.0.1): required as production; the host key of the environment files is hostEnv', () => {
    const s = service({
      'Cargo.toml': '[package]\nname = "zero2prod"\n\n[dependencies]\nactix-web = "4"\nconfig = "0.15"\nsqlx = { version = "0.8", features = ["postgres"] }\n',
      'Cargo.lock': '',
      'src/main.rs': 'fn main() {}\n',
      'src/configuration.rs': 'pub fn get_configuration() -> Result<Settings, config::ConfigError> {\n    let base_path = std::env::current_dir().expect("no cwd");\n    let configuration_directory = base_path.join("configuration");\n    let environment: Environment = std::env::var("APP_ENVIRONMENT")\n        .unwrap_or_else(|_| "local".into())\n        .try_into()\n        .expect("Failed to parse APP_ENVIRONMENT.");\n    let environment_filename = format!("{}.yaml", environment.as_str());\n    let settings = config::Config::builder()\n        .add_source(config::File::from(configuration_directory.join("base.yaml")))\n        .add_source(config::File::from(configuration_directory.join(environment_filename)))\n        .add_source(config::Environment::with_prefix("APP").prefix_separator("_").separator("__"))\n        .build()?;\n    settings.try_deserialize::<Settings>()\n}\n',
      'configuration/base.yaml': 'application:\n  port: 8000\ndatabase:\n  host: "127.0.0.1"\n  port: 5432\n  username: "postgres"\n  password: "password"\n  database_name: "newsletter"\n',
      'configuration/local.yaml': 'application:\n  host: 127.0.0.1\n',
      'configuration/production.yaml': 'application:\n  host: 0.0.0.0\n',
    })
    expect(s.app.hostEnv).toBe('APP_APPLICATION__HOST')
    expect(evidenceOf(s, 'hostEnv')).toContain('configuration/local.yaml: application.host: 127.0.0.1 → APP_APPLICATION__HOST')
    expect(s.app.requiredEnv).toEqual([
      {
        name: 'APP_ENVIRONMENT',
        devValue: 'production',
        secret: false,
        evidence: { file: 'src/configuration.rs', reason: 'APP_ENVIRONMENT selects the settings file in configuration/ (default local): `env::var("APP_ENVIRONMENT") (line 4)`; configuration/production.yaml holds the production settings, so containers run with APP_ENVIRONMENT=production' },
      },
    ])
  })

  it('Go with viper: APP_ENV names the config file in ./config; no production file, no selector', () => {
    const main = 'package main\n\nfunc main() {\n\tviper.SetConfigName(getEnv("APP_ENV", "development"))\n\tviper.AddConfigPath("./config")\n\t_ = viper.ReadInConfig()\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    const s = service({ 'go.mod': 'module x\n\ngo 1.25\n', 'main.go': main, 'config/development.yaml': 'debug: true\n', 'config/production.yaml': 'debug: false\n' })
    expect(s.app.requiredEnv).toEqual([expect.objectContaining({ name: 'APP_ENV', devValue: 'production', secret: false })])
    expect(s.app.requiredEnv![0]!.evidence.reason).toMatch(/^APP_ENV selects the settings file in config\/ \(default development\)/)
    const none = service({ 'go.mod': 'module x\n\ngo 1.25\n', 'main.go': main, 'config/development.yaml': 'debug: true\n', 'config/test.yaml': 'debug: true\n' })
    expect(none.app.requiredEnv).toBeUndefined()
  })

  it('NODE_ENV choosing config/production.json is the image’s already; a selector defaulting to production is not asked for', () => {
    const node = nodeApp({ express: '^4', config: '^3' }, { 'src/index.js': "const config = require('config')\nconst env = process.env.NODE_ENV || 'development'\nrequire('express')().listen(3000)\n", 'config/default.json': '{}', 'config/production.json': '{}' })
    expect(node.app.requiredEnv).toBeUndefined()
    const prod = service({ 'go.mod': 'module x\n\ngo 1.25\n', 'main.go': 'package main\n\nfunc main() {\n\tviper.SetConfigName(getEnv("STAGE", "production"))\n\tviper.AddConfigPath("./config")\n\thttp.ListenAndServe(":8080", nil)\n}\n', 'config/local.yaml': '', 'config/production.yaml': '' })
    expect(prod.app.requiredEnv).toBeUndefined()
  })
})

describe('port and bind address variables', () => {
  it('APP_PORT read by the listen call is portEnv; HOST read there is hostEnv', () => {
    const s = nodeApp({ express: '^4' }, { 'src/index.js': "const app = require('express')()\napp.listen(process.env.APP_PORT || 4000, process.env.HOST || 'localhost')\n" })
    expect(s.app.portEnv).toBe('APP_PORT')
    expect(s.app.hostEnv).toBe('HOST')
    expect(evidenceOf(s, 'hostEnv')[0]).toMatch(/^src\/index\.js: the server binds to HOST/)
  })

  it('envalid in another module: `HOST: host({ default: \'127.0.0.1\' })`, and listen({ host: env.HOST }) (a fastify-nolock shape)', () => {
    const s = service({
      'package.json': json({ name: 'inventory', type: 'module', scripts: { start: 'node server.js' }, dependencies: { fastify: '^5', envalid: '^8', pg: '^8' } }),
      'server.js': "import { build } from './app.js'\nimport { env } from './lib/env.js'\nconst app = build()\nawait app.listen({ port: env.PORT, host: env.HOST })\n",
      'app.js': "import Fastify from 'fastify'\nexport function build() {\n  const app = Fastify()\n  app.get('/health', async () => ({ ok: true }))\n  return app\n}\n",
      'lib/env.js': "import { cleanEnv, host, port, str } from 'envalid'\nexport const env = cleanEnv(process.env, {\n  HOST: host({ default: '127.0.0.1' }),\n  PORT: port({ default: 8080 }),\n  SESSION_SECRET: str(),\n  DB_HOST: str({ default: 'localhost' }),\n})\n",
    })
    expect(s.app.hostEnv).toBe('HOST')
    expect(evidenceOf(s, 'hostEnv')).toEqual([
      'server.js: the server binds to HOST: `.listen({ port: env.PORT, host: env.HOST })`',
      "lib/env.js: HOST is read here: `HOST: host({ default: '127.0.0.1' }) (line 3)` (its default is not the container’s: set to 0.0.0.0)",
    ])
  })

  it('a zod schema re-exported as config.host, handed to serve({ hostname })', () => {
    const s = service({
      'package.json': json({ name: 'api', scripts: { start: 'node src/index.js' }, dependencies: { hono: '^4', '@hono/node-server': '^1', zod: '^3' } }),
      'package-lock.json': '{}',
      'src/index.js': "import { serve } from '@hono/node-server'\nimport { config } from './config.js'\nserve({ fetch: app.fetch, port: config.port, hostname: config.host })\n",
      'src/config.js': "import { z } from 'zod'\nconst env = z.object({ HOST: z.string().default('localhost'), PORT: z.coerce.number().default(3000) }).parse(process.env)\nexport const config = { host: env.HOST, port: env.PORT }\n",
    })
    expect(s.app.hostEnv).toBe('HOST')
    expect(evidenceOf(s, 'hostEnv')[0]).toBe('src/index.js: the server binds to HOST: `serve({ fetch: app.fetch, port: config.port, hostname: config.host })`')
  })

  it('Joi: `HOST: Joi.string().default(\'localhost\')` exported as `host: envVars.HOST`, used as app.listen(config.port, config.host)', () => {
    const s = nodeApp({ express: '^4', joi: '^17' }, {
      'src/index.js': "const config = require('./config/config')\nconst app = require('./app')\napp.listen(config.port, config.host, () => {})\n",
      'src/app.js': "module.exports = require('express')()\n",
      'src/config/config.js': "const Joi = require('joi')\nconst { value: envVars } = Joi.object({\n  HOST: Joi.string().default('localhost'),\n  PORT: Joi.number().default(3000),\n}).unknown().validate(process.env)\nmodule.exports = {\n  host: envVars.HOST,\n  port: envVars.PORT,\n}\n",
    })
    expect(s.app.hostEnv).toBe('HOST')
    expect(evidenceOf(s, 'hostEnv')).toEqual([
      'src/index.js: the server binds to HOST: `.listen(config.port, config.host, () => {})`',
      "src/config/config.js: HOST is read here: `HOST: Joi.string().default('localhost') (line 3)` (its default is not the container’s: set to 0.0.0.0)",
    ])
  })

  it('a config object (`server: { host: process.env.BIND_HOST ?? ... }`) and a destructured `const { host, port } = config.server`', () => {
    const s = nodeApp({ express: '^4' }, {
      'src/index.js': "const config = require('./config')\nconst { host, port } = config.server\nrequire('express')().listen(port, host)\n",
      'src/config.js': "module.exports = {\n  server: {\n    host: process.env.BIND_HOST ?? '127.0.0.1',\n    port: Number(process.env.PORT ?? 3000),\n  },\n  upstream: { apiHost: process.env.API_HOST },\n}\n",
    })
    expect(s.app.hostEnv).toBe('BIND_HOST')
  })

  it('convict: `host: { default: \'127.0.0.1\', env: \'LISTEN_HOST\' }` and config.get(\'host\')', () => {
    const s = nodeApp({ express: '^4', convict: '^6' }, {
      'src/index.js': "const config = require('./config')\nrequire('express')().listen(config.get('port'), config.get('host'))\n",
      'src/config.js': "const convict = require('convict')\nmodule.exports = convict({\n  host: {\n    doc: 'The IP address to bind.',\n    format: 'ipaddress',\n    default: '127.0.0.1',\n    env: 'LISTEN_HOST',\n  },\n  port: { format: 'port', default: 8080, env: 'PORT' },\n})\n",
    })
    expect(s.app.hostEnv).toBe('LISTEN_HOST')
  })

  it('Go: a struct with env tags in config.go, `addr := fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)` in main.go', () => {
    const s = service({
      'go.mod': 'module x\n\ngo 1.25\n\nrequire github.com/caarlos0/env/v11 v11.3.1\n',
      'go.sum': '',
      'config.go': 'package main\n\ntype Config struct {\n\tHost string `env:"SERVER_HOST" envDefault:"127.0.0.1"`\n\tPort int    `env:"PORT" envDefault:"8080"`\n}\n',
      'main.go': 'package main\n\nfunc main() {\n\tvar cfg Config\n\t_ = env.Parse(&cfg)\n\taddr := fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)\n\tlog.Fatal(http.ListenAndServe(addr, routes()))\n}\n',
    })
    expect(s.app.hostEnv).toBe('SERVER_HOST')
    expect(evidenceOf(s, 'hostEnv')).toEqual(['main.go: the server binds to SERVER_HOST: `ListenAndServe(addr, routes())`', 'config.go: SERVER_HOST is read here: `env:"SERVER_HOST" (line 4)` (its default is not the container’s: set to 0.0.0.0)'])
  })

  it('a host variable read elsewhere and not handed to the listen call is not the bind address', () => {
    const s = nodeApp({ express: '^4' }, {
      'src/index.js': "const config = require('./config')\nconst app = require('express')()\napp.get('/', (q, r) => fetch(`http://${config.apiHost}/x`))\napp.listen(3000)\n",
      'src/config.js': "module.exports = { apiHost: process.env.API_HOST }\n",
    })
    expect(s.app.hostEnv).toBeUndefined()
  })

  it('an APP_PORT only in the env example (Laravel Sail’s host port) is not portEnv', () => {
    const s = service({ 'composer.json': json({ require: { 'laravel/framework': '^12.0' } }), 'composer.lock': '{}', artisan: '', '.env.example': 'APP_PORT=8000\n' })
    expect(s.app.portEnv).toBeUndefined()
    const node = nodeApp({ express: '^4' }, { 'src/index.js': "require('express')().listen(process.env.PORT || 3000)\n", '.env.example': 'APP_PORT=8080\n' })
    expect(node.app.portEnv).toBeUndefined()
  })

  it('a database port variable is never portEnv, and DB_HOST is never hostEnv', () => {
    const s = nodeApp({ express: '^4', pg: '^8' }, { 'src/index.js': "const app = require('express')()\nnew Pool({ host: process.env.DB_HOST, port: process.env.DB_PORT })\napp.listen(process.env.PORT || 3000)\n" })
    expect(s.app.portEnv).toBeUndefined()
    expect(s.app.hostEnv).toBeUndefined()
  })

  it('Go: os.Getenv("HTTP_PORT") and os.Getenv("BIND_HOST") in the ListenAndServe file', () => {
    const s = service({ 'go.mod': 'module x\n\ngo 1.25\n', 'main.go': 'package main\n\nfunc main() {\n\tport := os.Getenv("HTTP_PORT")\n\tif port == "" {\n\t\tport = "9000"\n\t}\n\thttp.ListenAndServe(os.Getenv("BIND_HOST")+":"+port, nil)\n}\n' })
    expect(s.app.portEnv).toBe('HTTP_PORT')
    expect(s.app.hostEnv).toBe('BIND_HOST')
  })
})

describe('variables required at boot', () => {
  it('zod env schema: required unless optional/default; placeholders pass the validator', () => {
    const s = nodeApp(
      { express: '^4', zod: '^3' },
      {
        'src/index.js': "require('./env')\nrequire('express')().listen(3000)\n",
        'src/env.js': "const { z } = require('zod')\nconst schema = z.object({\n  NODE_ENV: z.enum(['development', 'production']),\n  API_KEY: z.string().min(40),\n  WEBHOOK_URL: z.string().url(),\n  ADMIN_EMAIL: z.string().email(),\n  WORKERS: z.coerce.number().int().min(2),\n  REGION: z.enum(['eu', 'us']),\n  SENTRY_DSN: z.string().optional(),\n  TIMEOUT_MS: z.coerce.number().default(5000),\n})\nmodule.exports = schema.parse(process.env)\n",
      },
    )
    expect(s.app.requiredEnv?.map((v) => [v.name, v.devValue, v.secret])).toEqual([
      ['API_KEY', 'dev-only-api-key-xxxxxxxxxxxxxxxxxxxxxxx', true],
      ['WEBHOOK_URL', 'http://localhost', false],
      ['ADMIN_EMAIL', 'dev@example.com', false],
      ['WORKERS', '2', false],
      ['REGION', 'eu', false],
    ])
    expect(s.app.requiredEnv![0]!.devValue).toHaveLength(40)
  })

  it('t3-env createEnv: server and client variables', () => {
    const s = service({
      'package.json': json({ name: 'web', scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '15.5.0', react: '19', 'react-dom': '19', '@t3-oss/env-nextjs': '^0.13', zod: '^3' } }),
      'package-lock.json': '{}',
      'src/env.js': 'import { createEnv } from "@t3-oss/env-nextjs";\nimport { z } from "zod";\nexport const env = createEnv({\n  server: {\n    AUTH_SECRET: z.string(),\n    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),\n  },\n  client: {\n    NEXT_PUBLIC_SITE_URL: z.string().url(),\n  },\n  runtimeEnv: {\n    AUTH_SECRET: process.env.AUTH_SECRET,\n    NODE_ENV: process.env.NODE_ENV,\n    NEXT_PUBLIC_SITE_URL: process.env.NEXT_PUBLIC_SITE_URL,\n  },\n});\n',
      '.env.example': 'AUTH_SECRET=""\nNEXT_PUBLIC_SITE_URL="http://localhost:3000"\n',
    })
    expect(s.app.requiredEnv?.map((v) => [v.name, v.devValue, v.secret])).toEqual([
      ['AUTH_SECRET', 'dev-only-auth-secret-xxxxxxxxxxx', true],
      ['NEXT_PUBLIC_SITE_URL', 'http://localhost:3000', false],
    ])
  })

  it('envalid: no default means required in production (devDefault does not count)', () => {
    const s = nodeApp(
      { express: '^4', envalid: '^8' },
      { 'src/index.js': "const { cleanEnv, str, port, bool } = require('envalid')\nconst env = cleanEnv(process.env, {\n  PORT: port({ default: 3000 }),\n  SESSION_SECRET: str({ devDefault: 'x' }),\n  LOG_FORMAT: str({ choices: ['json', 'pretty'] }),\n  FEATURE_X: bool({ default: false }),\n})\nrequire('express')().listen(env.PORT)\n" },
    )
    expect(s.app.requiredEnv?.map((v) => [v.name, v.devValue])).toEqual([
      ['SESSION_SECRET', 'dev-only-session-secret-xxxxxxxx'],
      ['LOG_FORMAT', 'json'],
    ])
  })

  it('Python os.environ["SECRET_KEY"] and Go mustGetenv / log.Fatal on empty', () => {
    const py = service({ 'requirements.txt': 'flask==3.1.0\n', 'app.py': 'import os\nfrom flask import Flask\napp = Flask(__name__)\napp.secret_key = os.environ["SECRET_KEY"]\nDEBUG = os.environ.get("DEBUG")\n' })
    expect(py.app.requiredEnv).toEqual([{ name: 'SECRET_KEY', devValue: 'dev-only-secret-key-xxxxxxxxxxxx', secret: true, evidence: { file: 'app.py', reason: '`os.environ["SECRET_KEY"] (line 4)` fails when SECRET_KEY is unset' } }])
    const go = service({
      'go.mod': 'module x\n\ngo 1.25\n',
      'main.go': 'package main\n\nfunc main() {\n\tkey := mustGetenv("SIGNING_KEY")\n\ttoken := os.Getenv("API_TOKEN")\n\tif token == "" {\n\t\tlog.Fatal("API_TOKEN is required")\n\t}\n\thttp.ListenAndServe(":8080", nil)\n}\n',
    })
    expect(go.app.requiredEnv?.map((v) => v.name).sort()).toEqual(['API_TOKEN', 'SIGNING_KEY'])
  })

  it('another binary’s and a script’s requirements are not the service’s', () => {
    const s = service({
      'go.mod': 'module example.com/shop\n\ngo 1.25\n',
      'cmd/shop/main.go': 'package main\n\nfunc main() {\n\tkey := mustGetenv("SESSION_KEY")\n\thttp.ListenAndServe(":8080", nil)\n}\n',
      'cmd/backfill/main.go': 'package main\n\nfunc main() {\n\tmustGetenv("BACKFILL_TOKEN")\n}\n',
      'scripts/release.go': 'package main\n\nfunc main() { mustGetenv("GITHUB_TOKEN") }\n',
    })
    expect(s.app.mainPackage).toBe('./cmd/shop')
    expect(s.app.requiredEnv?.map((v) => v.name)).toEqual(['SESSION_KEY'])
  })

  it('Rust env::var("X").expect(...) is required; with unwrap_or it is not', () => {
    const s = service({ 'Cargo.toml': '[package]\nname = "svc"\n\n[dependencies]\naxum = "0.8"\n', 'Cargo.lock': '', 'src/main.rs': 'fn main() {\n    let key = std::env::var("JWT_SECRET").expect("JWT_SECRET must be set");\n    let lvl = std::env::var("RUST_LOG").unwrap_or("info".into());\n}\n' })
    expect(s.app.requiredEnv?.map((v) => v.name)).toEqual(['JWT_SECRET'])
  })
})

describe('the evidence report', () => {
  it('shows the contract with its evidence', async () => {
    const { formatService } = await import('../../src/detect/report.js')
    const s = nodeApp({ express: '^4', ioredis: '^5' }, { 'src/index.js': "const app = require('express')()\nnew Redis(process.env.REDIS_URL)\napp.get('/healthz', h)\napp.listen(3000)\n" })
    const text = formatService(s)
    expect(text).toMatch(/health check +GET \/healthz +src\/index\.js: liveness and readiness: GET \/healthz/)
    expect(text).toMatch(/entry point +node src\/index\.js +package\.json: "start": "node src\/index\.js" runs src\/index\.js/)
    expect(text).toMatch(/install files +package\.json, package-lock\.json/)
    expect(text).toMatch(/cache env +REDIS_URL +src\/index\.js: reads REDIS_URL/)
  })
})

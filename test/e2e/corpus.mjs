/**
 * The retrofit corpus (issue 18, "Proof"): existing apps written for this repository, each
 * modeled on the shape of a real open-source project (its layout, config style, env-var
 * names, lockfile variant, health route or none); none of their code is copied. The apps live
 * in test/e2e/corpus/<id>/ (a `_gitignore` there becomes `.gitignore` when the app is copied:
 * a real one would hide the fixture's own files from this repository).
 *
 * Every entry states the app's truth: the port it listens on, its health route (or none), the
 * variables it reads its database and cache from, the ones it needs at boot. The container
 * tier (corpus.e2e.test.ts) copies the app, makes its lockfiles with its own package manager,
 * runs `create-containerized-app --cwd <dir> --yes` with only the flags listed (each with the
 * reason the CLI asks for it), then checks the generated files against that truth, builds the
 * image exactly as generated, runs it alone and with `docker compose up`.
 *
 * Apps whose package registry or runtime image this machine cannot reach are retrofitted and
 * checked statically only (`build.static` says why): RubyGems, Packagist, NuGet and the
 * Gradle distribution are unreachable here, and FrankenPHP ships only from Docker Hub and
 * GitHub. MongoDB is kept out: no image or Debian package for it exists here.
 */
// Plain ESM (types in corpus.d.mts) so `npm run bench` runs the same corpus.

const NPM_LOCK = ['npm', 'install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']
// Locked with the machine's own Python: uv may not download interpreters here.
const UV_LOCK = ['uv', 'lock', '--quiet', '--no-python-downloads']
// The Maven wrapper the project would commit: the script only (it downloads Maven itself).
const MAVEN_WRAPPER = ['mvn', '-q', '-B', '-N', 'org.apache.maven.plugins:maven-wrapper-plugin:3.3.4:wrapper', '-Dmaven=3.9.11', '-Dtype=only-script']

const STATIC = {
  ruby: 'RubyGems is unreachable here: `bundle install` cannot run in a build',
  dotnet: 'NuGet is unreachable here: `dotnet restore` cannot run in a build',
  php: 'Packagist is unreachable (no `composer install`), and FrankenPHP, the runtime image, ships only from Docker Hub and GitHub',
  gradle: 'the Gradle distribution and plugin portal are unreachable here: the wrapper cannot download Gradle',
}

/** @type {import('./corpus.d.mts').CorpusApp[]} */
export const CORPUS = [
  // ------------------------------------------------------------------------------------ Node
  {
    id: 'express-boilerplate',
    language: 'node',
    modeledOn: ['hagopj13/node-express-boilerplate'],
    shape: 'Express REST API, plain JavaScript: `main` and `start` are src/index.js (no build step), config validated by Joi from .env, yarn.lock (Yarn 1), its own Alpine Dockerfile and docker-compose.yml, a pm2 ecosystem file',
    traps: [
      'entry point is src/index.js with no build step (Why: the Dockerfile starts dist/server.js)',
      'database URL read from POSTGRES_URL, not DATABASE_URL (Why: env names)',
      'JWT_SECRET and NODE_ENV required by a Joi schema at boot (Why: required variables)',
      'no health route: only a TCP check works (Why: /healthz that no app has)',
      'SMTP_PORT=587 in .env.example is not the app port (Why: port from the nearest number)',
      'own Dockerfile and .dockerignore kept (Why: alongside mode)',
      'own .env.example (Why: conflicts that stop a non-interactive run)',
    ],
    flags: [{ args: ['--on-conflict', 'alongside'], why: 'the app has its own Dockerfile and .dockerignore: keep them, ours goes alongside' }],
    prepare: [{ run: ['npx', '--yes', 'yarn@1.22.22', 'install', '--ignore-scripts', '--non-interactive', '--silent'] }, { run: ['rm', '-rf', 'node_modules'] }],
    port: 3000,
    health: null,
    backing: { database: 'postgres' },
    env: { database: ['POSTGRES_URL'], required: ['JWT_SECRET'] },
    alone: { env: { POSTGRES_URL: 'postgresql://app:app@127.0.0.1:1/app', JWT_SECRET: 'e2e-jwt-secret' } },
  },
  {
    id: 'next-standalone',
    language: 'node',
    modeledOn: ['vercel/next.js examples/with-docker', 'a Next.js App Router app with output: standalone'],
    shape: "Next.js 15 App Router in JavaScript, `output: 'standalone'`, public/ assets, a route handler at /api/health, package-lock.json",
    traps: [
      'health route /api/health (Why: /healthz that no app has)',
      'public/ and .next/static are outside the standalone output (Why: folders read at run time)',
      'the standalone server binds to HOSTNAME, which Docker sets to the container id',
    ],
    flags: [],
    prepare: [{ run: NPM_LOCK }],
    port: 3000,
    health: '/api/health',
    backing: {},
    env: {},
    alone: { env: {} },
  },
  {
    id: 'turbo-pnpm',
    language: 'node',
    modeledOn: ['vercel/turborepo examples/kitchen-sink'],
    shape: 'Turborepo + pnpm workspace: apps/api (Express in TypeScript, depends on the workspace package @acme/logger, which must be built first), apps/admin (Vite), packages/*; pnpm-lock.yaml at the root only; .nvmrc 22; a root CI workflow',
    traps: [
      'the lockfile is at the workspace root, not in apps/api (Why: monorepos; workspace build context)',
      'workspace dependency @acme/logger has its own build step (turbo dependsOn ^build)',
      'cache URL read from REDIS_URL (Why: env names)',
      'health route /status (Why: /healthz that no app has)',
      'port default 3001 in the listen call (Why: port source order)',
      '.nvmrc asks for Node 22',
      'existing .github/workflows/ci.yml (Why: conflicts that stop a non-interactive run)',
    ],
    service: 'apps/api',
    flags: [],
    // This machine's npm registry serves no signatures, so pnpm may not switch to the declared version.
    prepare: [{ run: ['pnpm', 'install', '--lockfile-only', '--ignore-scripts', '--config.manage-package-manager-versions=false'] }],
    port: 3001,
    health: '/status',
    backing: { cache: 'redis' },
    env: { cache: ['REDIS_URL'] },
    alone: { env: { REDIS_URL: 'redis://127.0.0.1:1' } },
  },
  {
    id: 'fastify-nolock',
    language: 'node',
    modeledOn: ['fastify/demo', 'an envalid-configured Fastify API'],
    shape: 'Fastify 5 ESM API with envalid: HOST defaults to 127.0.0.1, PORT to 8080, split DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME, SESSION_SECRET required; no lockfile at all (package-lock.json is git-ignored); its own .env.example and CI workflow',
    traps: [
      'no lockfile: a non-frozen install (Why: install mounts files that are not there)',
      'binds 127.0.0.1 unless HOST is set (Why: localhost bind from the server\'s own call)',
      'split DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME (Why: env names)',
      'SESSION_SECRET and DB_PASSWORD required by envalid (Why: required variables)',
      'port default 8080 in an envalid spec',
      'health route /health',
      'own .env.example and .github/workflows/ci.yml (Why: conflicts that stop a non-interactive run)',
    ],
    flags: [{ args: ['--package-manager', 'npm'], why: 'no lockfile and no packageManager field: the CLI cannot tell which package manager the team uses' }],
    prepare: [],
    port: 8080,
    health: '/health',
    backing: { database: 'postgres' },
    env: { database: ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD', 'DB_NAME'], required: ['SESSION_SECRET'], host: 'HOST' },
    alone: { env: { SESSION_SECRET: 'e2e-session-secret', DB_PASSWORD: 'e2e-db-password' } },
  },

  {
    id: 'bun-hono',
    language: 'node',
    modeledOn: ['the `bun create hono` starter (honojs/starter, bun template)'],
    shape: 'Hono on Bun in TypeScript run directly (no build step, no start script: the dev script names src/index.ts, which default-exports the app), the binary bun.lockb of Bun before 1.2, /health',
    traps: [
      'only bun.lockb, no bun.lock (Why: the wrong lockfile mounted)',
      'no start script and no build: Bun runs src/index.ts, whose default export Bun serves on PORT or 3000 (Why: the start command the app really has)',
      'health route /health',
    ],
    // Bun serves a default export on PORT, else 3000: detection knows Bun's default, so nothing is asked.
    flags: [],
    // Bun 1.2+ writes the text bun.lock by default; the app was locked by an older Bun.
    prepare: [{ run: ['sh', '-c', 'printf "[install]\\nsaveTextLockfile = false\\n" >bunfig.toml && bun install --lockfile-only --silent && rm bunfig.toml'] }],
    port: 3000,
    health: '/health',
    backing: {},
    env: {},
    alone: { env: {} },
  },

  // ---------------------------------------------------------------------------------- Python
  {
    id: 'fastapi-fullstack',
    language: 'python',
    modeledOn: ['fastapi/full-stack-fastapi-template'],
    shape: 'backend/ (FastAPI, SQLModel, pydantic-settings, uv.lock frozen in January 2025 by exclude-newer) and frontend/ (Vite + nginx), a committed root .env, docker-compose.yml with db, adminer, mailcatcher; its own backend/Dockerfile; workflows and dependabot.yml',
    traps: [
      'uv.lock wheels stop at Python 3.13 (httptools, uvloop, pydantic-core, psycopg-binary): 3.14 would compile them (Why: runtime version the lockfile can install)',
      'split POSTGRES_SERVER/POSTGRES_PORT/POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB (Why: env names)',
      'PROJECT_NAME, POSTGRES_SERVER, POSTGRES_USER, FIRST_SUPERUSER, FIRST_SUPERUSER_PASSWORD required by pydantic-settings (Why: required variables)',
      'health route /api/v1/utils/health-check/ (Why: /healthz that no app has)',
      'adminer 8080, mailcatcher 1025/1080 published in Compose (Why: another service\'s port)',
      'own backend/Dockerfile (Why: alongside mode); existing dependabot.yml and workflows',
    ],
    service: 'backend',
    flags: [{ args: ['--on-conflict', 'alongside'], why: 'backend/ has its own Dockerfile and .dockerignore: keep them' }],
    prepare: [{ cwd: 'backend', run: UV_LOCK }],
    port: 8000,
    health: '/api/v1/utils/health-check/',
    backing: { database: 'postgres' },
    env: {
      database: ['POSTGRES_SERVER', 'POSTGRES_PORT', 'POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'],
      required: ['PROJECT_NAME', 'FIRST_SUPERUSER', 'FIRST_SUPERUSER_PASSWORD'],
    },
    alone: {
      env: { PROJECT_NAME: 'e2e', POSTGRES_SERVER: '127.0.0.1', POSTGRES_USER: 'app', FIRST_SUPERUSER: 'admin@example.com', FIRST_SUPERUSER_PASSWORD: 'e2e-superuser-password' },
    },
  },
  {
    id: 'flask-factory',
    language: 'python',
    modeledOn: ['testdrivenio/flask-on-docker', 'the Flask tutorial (flaskr) application factory'],
    shape: 'Flask app factory `project.create_app()` with templates/ and static/ in the package, manage.py built on flask.cli.FlaskGroup, a pip-freeze requirements.txt (SQLAlchemy 2.0, psycopg2) without hashes and no requirements-dev.txt, .env.dev, a dev docker-compose.yml publishing 5001:5000',
    traps: [
      'manage.py that imports flask.cli is not Django (Why: framework from layout)',
      'the WSGI app is a factory call, project:create_app() (no module-level app)',
      'requirements.txt without hashes, no requirements-dev.txt (Why: --require-hashes, mounted files that are not there)',
      'SECRET_KEY required: os.environ["SECRET_KEY"] at import (Why: required variables)',
      'cache URL read from CACHE_REDIS_URL (Flask-Caching\'s name) (Why: env names)',
      'SQLAlchemy accepts postgresql:// URLs, not postgres://',
      'no health route',
      'Flask has no port of its own: the app\'s own Compose service runs it on 5000 (published as 5001)',
    ],
    flags: [],
    prepare: [],
    port: 5000,
    health: null,
    backing: { database: 'postgres', cache: 'redis' },
    env: { database: ['DATABASE_URL'], cache: ['CACHE_REDIS_URL'], required: ['SECRET_KEY'] },
    alone: { env: { SECRET_KEY: 'e2e-secret-key', DATABASE_URL: 'postgresql://app:app@127.0.0.1:1/app' } },
  },
  {
    id: 'django-env',
    language: 'python',
    modeledOn: ['cookiecutter/cookiecutter-django', 'the Django tutorial polls app'],
    shape: 'Django 5.2 project config/ + app polls/, settings from django-environ (DJANGO_SECRET_KEY required, env.db("DATABASE_URL"), REDIS_URL cache), Poetry 2 (PEP 621 + package-mode = false) with poetry.lock, .env.example, a Django CI workflow',
    traps: [
      'DJANGO_SECRET_KEY required and DATABASE_URL without default (Why: required variables)',
      'ALLOWED_HOSTS defaults to localhost: an HTTP check from another host name gets 400; no health route (Why: a check that works on the unchanged app)',
      'cache URL read from REDIS_URL (Why: env names)',
      'own .env.example (Why: conflicts)',
    ],
    flags: [],
    prepare: [{ run: ['poetry', 'lock', '--no-interaction'] }],
    port: 8000,
    health: null,
    backing: { database: 'postgres', cache: 'redis' },
    env: { database: ['DATABASE_URL'], cache: ['REDIS_URL'], required: ['DJANGO_SECRET_KEY'] },
    alone: { env: { DJANGO_SECRET_KEY: 'e2e-django-secret', DATABASE_URL: 'postgres://app:app@127.0.0.1:1/app' } },
  },
  {
    id: 'uv-workspace',
    language: 'python',
    modeledOn: ['the uv workspace layout (astral-sh/uv docs: "albatross")'],
    shape: 'uv workspace: a virtual root project, packages/api (FastAPI, pydantic-settings with env_prefix ACME_) depending on packages/core; one uv.lock at the root',
    traps: [
      'the lockfile is the workspace root\'s uv.lock (Why: uv workspaces\' root lockfile)',
      'ACME_API_TOKEN required (env_prefix) (Why: required variables)',
      'cache URL read from ACME_REDIS_URL (Why: env names)',
      'health route /health',
    ],
    service: 'packages/api',
    flags: [],
    prepare: [{ run: UV_LOCK }],
    port: 8000,
    health: '/health',
    backing: { cache: 'redis' },
    env: { cache: ['ACME_REDIS_URL'], required: ['ACME_API_TOKEN'] },
    alone: { env: { ACME_API_TOKEN: 'e2e-token' } },
  },

  // -------------------------------------------------------------------------------------- Go
  {
    id: 'go-podinfo',
    language: 'go',
    modeledOn: ['stefanprodan/podinfo'],
    shape: 'module github.com/acme/kiosk/v2, the server in cmd/kiosk with flag.Int("port", 9898, …) (KIOSK_PORT overrides), a helper CLI in cmd/kioskctl, HTML templates in ui/ parsed at start-up, /healthz and /readyz, no dependencies (so no go.sum), a .gitignore with `.*`',
    traps: [
      'port is a flag default, 9898 (Why: flag defaults)',
      'the module path ends in /v2: the name is kiosk (Why: names)',
      'ui/ is read at run time and the server exits without it (Why: folders read at run time)',
      'cmd/kioskctl is a helper binary, not a service',
      'no go.sum (no dependencies) (Why: mounted files that are not there)',
      '.gitignore ignores `.*`, which would hide .github/ (Why: names / .gitignore)',
    ],
    flags: [],
    prepare: [],
    port: 9898,
    health: '/healthz',
    backing: {},
    env: {},
    alone: { env: {} },
  },
  {
    id: 'go-chi-ui',
    language: 'go',
    modeledOn: ['gotify/server', 'pocketbase/pocketbase (ui/dist embedded)'],
    shape: 'chi + pgx API at the module root with a Vite UI in ui/ that `//go:embed all:ui/dist` compiles into the binary (ui/dist is git-ignored), split DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME, PORT default 8090, /api/health',
    traps: [
      'a server with its UI in ui/ is one service whose build runs the UI build first (Why: server + UI subfolder)',
      'split DB_* variables (Why: env names)',
      'health route /api/health',
      'port default 8090 from getenv("PORT", "8090")',
    ],
    flags: [],
    prepare: [{ run: ['go', 'mod', 'tidy'] }, { cwd: 'ui', run: NPM_LOCK }],
    port: 8090,
    health: '/api/health',
    backing: { database: 'postgres' },
    env: { database: ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD', 'DB_NAME'] },
    alone: { env: {} },
  },

  // ------------------------------------------------------------------------------------ Rust
  {
    id: 'rust-zero2prod',
    language: 'rust',
    modeledOn: ['LukeMathWalker/zero2prod'],
    shape: 'actix-web + sqlx (postgres feature, lazy pool); settings from configuration/base.yaml, then configuration/$APP_ENVIRONMENT.yaml (local binds 127.0.0.1, production 0.0.0.0), then APP_-prefixed variables with __ (APP_APPLICATION__PORT, APP_DATABASE__HOST); /health_check; a migrations/ folder and init_db.sh',
    traps: [
      'port 8000 is in configuration/base.yaml (Why: config files)',
      'configuration/ is read at run time (Why: folders read at run time)',
      'APP_ENVIRONMENT defaults to local, which binds 127.0.0.1 (Why: localhost bind)',
      'database settings are APP_DATABASE__HOST/PORT/USERNAME/PASSWORD/DATABASE_NAME (Why: env names)',
      'postgres comes from sqlx\'s `postgres` feature (Why: Cargo features)',
      'health route /health_check',
    ],
    flags: [],
    prepare: [{ run: ['cargo', 'generate-lockfile', '--quiet'] }],
    port: 8000,
    health: '/health_check',
    backing: { database: 'postgres' },
    env: { database: ['APP_DATABASE__HOST', 'APP_DATABASE__PASSWORD'], host: 'APP_ENVIRONMENT' },
    alone: { env: {} },
  },
  {
    id: 'rust-axum-workspace',
    language: 'rust',
    modeledOn: ['a SeaORM/axum workspace (crates/api, crates/migration, crates/entity)'],
    shape: 'Cargo virtual workspace: crates/api (axum, binary bookmarks-api, PORT default 3000, REDIS_URL), crates/migration and crates/admin (helper binaries), crates/entity (library); Cargo.lock at the root; rust-toolchain.toml on stable',
    traps: [
      'migration and admin binaries are not services (Why: workspace helper binaries)',
      'the binary name differs from the crate name (bookmarks-api in crate api)',
      'cache URL read from REDIS_URL (Why: env names)',
      'health route /health',
    ],
    service: 'crates/api',
    flags: [],
    prepare: [{ run: ['cargo', 'generate-lockfile', '--quiet'] }],
    port: 3000,
    health: '/health',
    backing: { cache: 'redis' },
    env: { cache: ['REDIS_URL'] },
    alone: { env: {} },
  },

  // ------------------------------------------------------------------------------------ Java
  {
    id: 'spring-petclinic',
    language: 'java',
    modeledOn: ['spring-projects/spring-petclinic'],
    shape: 'Spring Boot 3.5 (Maven wrapper), web + data-jpa + actuator, Postgres and MySQL drivers with application.properties selecting Postgres through ${POSTGRES_URL} (a JDBC URL), ${POSTGRES_USER}, ${POSTGRES_PASS}; schema.sql per database; H2 only for tests; java.version 21; a docker-compose.yml with mysql and postgres',
    traps: [
      'two drivers (postgresql, mysql): the config selects Postgres (Why: the driver the config selects)',
      'connection from POSTGRES_URL/POSTGRES_USER/POSTGRES_PASS in JDBC form; SPRING_DATASOURCE_* also binds (Why: env names)',
      'health route /actuator/health (Why: /healthz that no app has)',
      'MySQL 3306 and Postgres 5432 published in Compose (Why: another service\'s port)',
      'Java 21 from java.version',
    ],
    flags: [],
    prepare: [{ run: MAVEN_WRAPPER }],
    port: 8080,
    health: '/actuator/health',
    backing: { database: 'postgres' },
    env: { database: ['POSTGRES_URL|SPRING_DATASOURCE_URL'] },
    alone: false,
    aloneWhy: 'Spring Data JPA opens its database at boot: the app runs with its database (Compose) only',
  },
  {
    id: 'quarkus-rest',
    language: 'java',
    modeledOn: ['a code.quarkus.io project (quarkus-rest, smallrye-health, redis-client; io.quarkus:quarkus-bom 3.33.2, a BOM whose deployment artifacts the Maven mirror here serves)'],
    shape: 'Quarkus 3 REST service (Maven wrapper), quarkus.http.port=8081, Redis from ${REDIS_URL}, SmallRye Health at /q/health/live and /q/health/ready, the generated src/main/docker/Dockerfile.jvm and a .dockerignore that excludes everything but target/',
    traps: [
      'port 8081 in application.properties (Why: framework config)',
      'health routes /q/health/live and /q/health/ready (Why: /healthz that no app has)',
      'fast-jar layout target/quarkus-app/ (Why: folders read at run time)',
      'cache URL read from REDIS_URL through quarkus.redis.hosts (Why: env names)',
      'its .dockerignore (`*` then `!target/…`) excludes the sources a multi-stage build needs',
    ],
    flags: [{ args: ['--on-conflict', 'alongside'], why: 'the app has its own .dockerignore (for src/main/docker/Dockerfile.jvm): keep it' }],
    prepare: [{ run: MAVEN_WRAPPER }],
    port: 8081,
    health: '/q/health/live',
    backing: { cache: 'redis' },
    env: { cache: ['REDIS_URL|QUARKUS_REDIS_HOSTS'] },
    alone: { env: {} },
  },
  {
    id: 'spring-gradle-kotlin',
    language: 'java',
    modeledOn: ['a start.spring.io project (Kotlin, Gradle Kotlin DSL, Docker Compose support)'],
    shape: 'Spring Boot 3.5 in Kotlin, build.gradle.kts with a Java 21 toolchain, application.yml with ${SERVER_PORT:8081}, ${SPRING_DATASOURCE_URL:…}, ${REDIS_HOST}/${REDIS_PORT}, Flyway, actuator with probes enabled, and Spring\'s own compose.yaml for local development',
    traps: [
      'port 8081 from server.port in application.yml (Why: config files)',
      'SPRING_DATASOURCE_URL and split REDIS_HOST/REDIS_PORT (Why: env names)',
      'health /actuator/health with liveness/readiness groups',
      'the app\'s own compose.yaml (Spring Boot Docker Compose support) (Why: conflicts)',
    ],
    flags: [{ args: ['--on-conflict', 'alongside'], why: "the app has its own compose.yaml (Spring Boot's Docker Compose support): keep it" }],
    prepare: [],
    port: 8081,
    // management.endpoint.health.probes.enabled: the liveness group is the check that fits.
    health: '/actuator/health/liveness',
    backing: { database: 'postgres', cache: 'redis' },
    env: { database: ['SPRING_DATASOURCE_URL'], cache: ['REDIS_HOST|SPRING_DATA_REDIS_HOST'] },
    build: { static: STATIC.gradle },
  },

  // ------------------------------------------------------------------------------------ .NET
  {
    id: 'dotnet-eshop',
    language: 'dotnet',
    modeledOn: ['dotnet-architecture/eShopOnWeb'],
    shape: 'solution with src/Web (Razor Pages, health at /health), src/PublicApi (both Microsoft.NET.Sdk.Web), src/ApplicationCore, src/Infrastructure (EF Core on SQL Server), tests/UnitTests; TargetFramework in Directory.Build.props, central package versions, ConnectionStrings:CatalogConnection; its own Dockerfiles and a compose file with SQL Server on 1433',
    traps: [
      'two web projects: src/Web is picked with --service (Why: .NET solution web projects)',
      'EF Core is in Infrastructure, reached through a ProjectReference (Why: project references)',
      'TargetFramework net10.0 in Directory.Build.props (Why: Directory.*.props)',
      'SQL Server is not provided by this tool: reported, not dropped (Why: unprovided services)',
      '1433 published in Compose is not the app port (Why: SQL Server port)',
      'own src/Web/Dockerfile (Why: alongside mode)',
    ],
    service: 'src/Web',
    flags: [
      { args: ['--service', 'src/Web'], why: 'the solution has two web projects (Web, PublicApi): the CLI asks which one' },
      { args: ['--on-conflict', 'alongside'], why: 'src/Web has its own Dockerfile: keep it' },
    ],
    prepare: [],
    port: 8080,
    health: '/health',
    // SQL Server is not provided, so Compose has nothing to point ConnectionStrings__CatalogConnection at: the README says what to add.
    backing: {},
    env: {},
    unprovided: ['SQL Server'],
    build: { static: STATIC.dotnet },
  },
  {
    id: 'dotnet-aspnet-sample',
    language: 'dotnet',
    modeledOn: ['dotnet/dotnet-docker samples/aspnetapp'],
    shape: 'a samples/ repository: samples/aspnetapp (aspnetapp.slnx, aspnetapp/aspnetapp.csproj web app with /healthz, EF Core on Npgsql via ConnectionStrings:Default, its own Dockerfile and .dockerignore) and samples/dotnetapp (console)',
    traps: [
      '--service samples/aspnetapp must be accepted although discovery classes samples as examples (Why: --service refuses real app folders)',
      'the web project is one folder down (aspnetapp/aspnetapp.csproj)',
      'ConnectionStrings__Default in Npgsql form (Why: env names)',
      'health route /healthz (the sample maps it)',
      'own Dockerfile (Why: alongside mode)',
    ],
    service: 'samples/aspnetapp',
    flags: [
      { args: ['--service', 'samples/aspnetapp'], why: 'a repository of samples: the CLI asks which folder' },
      { args: ['--on-conflict', 'alongside'], why: 'samples/aspnetapp has its own Dockerfile and .dockerignore: keep them' },
    ],
    prepare: [],
    port: 8080,
    health: '/healthz',
    backing: { database: 'postgres' },
    env: { database: ['ConnectionStrings__Default'] },
    build: { static: STATIC.dotnet },
  },

  // ------------------------------------------------------------------------------------ Ruby
  {
    id: 'rails-app',
    language: 'ruby',
    modeledOn: ['a `rails new` Rails 8 app (its Dockerfile, Kamal config and CI workflow)'],
    shape: 'Rails 8 with Postgres (split DB_HOST/DB_PORT/DB_USERNAME/DB_PASSWORD/DB_NAME in database.yml), Redis cache store from REDIS_URL, SECRET_KEY_BASE fetched in production.rb, /up, config/puma.rb `port ENV.fetch("PORT", 3000)`; its own Dockerfile (Thruster on 80), Kamal config and CI workflow; hand-written Gemfile.lock',
    traps: [
      'puma.rb `port ENV.fetch(...)` without parentheses on port (Why: puma.rb)',
      'EXPOSE 80 in its own Dockerfile is Thruster\'s, not Puma\'s (Why: port source order)',
      'split DB_* in database.yml (Why: env names)',
      'SECRET_KEY_BASE required (Why: required variables)',
      'health route /up',
      'own Dockerfile, .dockerignore and ci.yml (Why: alongside mode, workflow conflicts)',
    ],
    flags: [{ args: ['--on-conflict', 'alongside'], why: 'the app has its own Dockerfile, .dockerignore and .github/workflows/ci.yml: keep them' }],
    prepare: [],
    port: 3000,
    health: '/up',
    backing: { database: 'postgres', cache: 'redis' },
    env: { database: ['DB_HOST', 'DB_PASSWORD'], cache: ['REDIS_URL'], required: ['SECRET_KEY_BASE'] },
    build: { static: STATIC.ruby },
  },
  {
    id: 'sinatra-app',
    language: 'ruby',
    modeledOn: ['a Sinatra + Sequel app with a Procfile (Heroku style)'],
    shape: 'Sinatra 4 modular app (config.ru, app.rb) with its own config/application.rb loader and no rails gem, Sequel on Postgres from DATABASE_URL, Redis from REDIS_URL, config/puma.rb `port ENV.fetch "PORT", 4567` with no parentheses at all, a Procfile, /health; hand-written Gemfile.lock',
    traps: [
      'config/application.rb without the rails gem is not Rails (Why: framework from layout)',
      'puma.rb written without parentheses (Why: puma.rb)',
      'health route /health',
    ],
    flags: [],
    prepare: [],
    port: 4567,
    health: '/health',
    backing: { database: 'postgres', cache: 'redis' },
    env: { database: ['DATABASE_URL'], cache: ['REDIS_URL'] },
    build: { static: STATIC.ruby },
  },

  // ------------------------------------------------------------------------------------- PHP
  {
    id: 'laravel-app',
    language: 'php',
    modeledOn: ['laravel/laravel (12.x) with Sail'],
    shape: 'Laravel 12 skeleton: bootstrap/app.php with health /up, config/database.php and cache.php reading DB_* and CACHE_STORE, .env.example with DB_CONNECTION=mysql, CACHE_STORE=file, MEMCACHED_HOST, REDIS_HOST, MAIL_PORT=1025 and Sail\'s APP_PORT, Sail\'s docker-compose.yml publishing ${APP_PORT:-80}:80 and 3306; APP_KEY empty; hand-written composer.lock',
    traps: [
      'APP_PORT (Sail\'s host port), MAIL_PORT, FORWARD_DB_PORT are not the app port (Why: port from the nearest number)',
      'CACHE_STORE=file: MEMCACHED_HOST and REDIS_HOST lines do not make a cache (Why: orphan env lines)',
      'database from DB_CONNECTION=mysql with split DB_HOST/DB_PORT/DB_DATABASE/DB_USERNAME/DB_PASSWORD (Why: env names)',
      'APP_KEY required (Why: required variables)',
      'health route /up',
      'own .env.example and workflow (Why: conflicts)',
    ],
    flags: [],
    prepare: [],
    port: 8080,
    health: '/up',
    backing: { database: 'mysql' },
    env: { database: ['DB_HOST', 'DB_DATABASE', 'DB_USERNAME', 'DB_PASSWORD'], required: ['APP_KEY'] },
    build: { static: STATIC.php },
  },
  {
    id: 'slim-php',
    language: 'php',
    modeledOn: ['slimphp/Slim-Skeleton'],
    shape: 'Slim 4 API: public/index.php front controller, phpdotenv, PDO on Postgres from split DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD, /health; no composer.lock (git-ignored); its own .env.example and CI workflow',
    traps: [
      'no composer.lock: a non-frozen install (Why: install mounts files that are not there)',
      'split DB_* variables (Why: env names)',
      'health route /health',
      'own .env.example and ci.yml (Why: conflicts)',
    ],
    flags: [],
    prepare: [],
    port: 8080,
    health: '/health',
    backing: { database: 'postgres' },
    env: { database: ['DB_HOST', 'DB_NAME', 'DB_USER', 'DB_PASSWORD'] },
    build: { static: STATIC.php },
  },
]

/**
 * Failures the corpus expects, each for a stated reason the test checks: while the reason
 * holds, the step must fail with a message matching `match`; once it passes the test fails
 * and asks for the entry to go, so a fix is never silent. Empty while every app is expected
 * to pass (issue 18's fixes land); failures without an entry are plain failures.
 * @type {import('./corpus.d.mts').KnownFailure[]}
 */
export const KNOWN_FAILURES = []

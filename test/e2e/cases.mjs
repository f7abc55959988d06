/**
 * What the container tier builds: every starter app whose package registry this machine
 * reaches, with each of its package managers. A `full` case also proves layer caching and
 * brings its Compose stack (base + prod, with a database and a cache) up to healthy.
 *
 * Not built here, and why:
 * - Ruby, .NET: their package registries (rubygems.org, NuGet) are unreachable, so
 *   `bundle install` and `dotnet restore` cannot run in a build.
 * - PHP: the starter needs no Composer package, but FrankenPHP (the runtime image) ships only
 *   from GitHub and Docker Hub, and building it needs a thread-safe embeddable PHP.
 * - Gradle: its distribution and plugin portal are unreachable (the Maven wrapper is built).
 * - Frameworks without a starter app (NestJS, Next.js, SPA, Flask, Django, Quarkus, Rails,
 *   Laravel): there is no app to build; their Dockerfiles are linted by the main suite.
 * - MongoDB: neither its image nor a Debian package exists here, so no Compose stack uses it.
 */
// Plain ESM (types in cases.d.mts) so `npm run bench` builds the same cases.

const lang = (language, ...rest) => ['--language', language, ...rest]

/** @type {import('./cases.d.mts').E2ECase[]} */
export const CASES = [
  {
    id: 'node-npm',
    flags: lang('node', '--package-manager', 'npm', '--database', 'postgres', '--cache', 'redis'),
    port: 3000,
    runtime: 'node:24.21.0-trixie-slim',
    full: { edit: 'src/app.ts', comment: '//' },
  },
  { id: 'node-pnpm', flags: lang('node', '--package-manager', 'pnpm'), port: 3000, runtime: 'node:24.21.0-trixie-slim' },
  { id: 'node-yarn', flags: lang('node', '--package-manager', 'yarn'), port: 3000, runtime: 'node:24.21.0-trixie-slim' },
  { id: 'node-yarn-classic', flags: lang('node', '--package-manager', 'yarn-classic'), port: 3000, runtime: 'node:24.21.0-trixie-slim' },
  { id: 'node-bun', flags: lang('node', '--package-manager', 'bun'), port: 3000, runtime: 'oven/bun:1.4.5-slim' },
  {
    id: 'python-uv',
    flags: lang('python', '--package-manager', 'uv', '--database', 'mariadb', '--cache', 'valkey'),
    port: 8000,
    runtime: 'python:3.14.10-slim-trixie',
    full: { edit: 'src/app/web.py', comment: '#' },
  },
  { id: 'python-pip', flags: lang('python', '--package-manager', 'pip'), port: 8000, runtime: 'python:3.14.10-slim-trixie' },
  { id: 'python-poetry', flags: lang('python', '--package-manager', 'poetry'), port: 8000, runtime: 'python:3.14.10-slim-trixie' },
  { id: 'python-pipenv', flags: lang('python', '--package-manager', 'pipenv'), port: 8000, runtime: 'python:3.14.10-slim-trixie' },
  {
    id: 'go',
    flags: lang('go', '--database', 'mysql', '--cache', 'memcached'),
    port: 8080,
    runtime: 'scratch',
    full: { edit: 'internal/server/app.go', comment: '//' },
  },
  {
    id: 'rust',
    flags: lang('rust', '--database', 'postgres', '--cache', 'valkey'),
    port: 8080,
    runtime: 'gcr.io/distroless/cc-debian13:nonroot',
    full: { edit: 'src/app.rs', comment: '//', cacheMountedDeps: true },
  },
  {
    id: 'java-maven',
    flags: lang('java', '--package-manager', 'maven', '--database', 'postgres', '--cache', 'redis'),
    port: 8080,
    runtime: 'eclipse-temurin:25.0.4.1_1-jre-noble',
    full: { edit: 'src/main/java/com/example/app/Application.java', comment: '//' },
  },
]

/** Steps that install dependencies: a source-only change must find them in the cache. */
export const DEPENDENCY_STEP =
  /\b(npm ci|pnpm install|yarn install|yarn workspaces focus|bun install|uv sync|pip install|poetry install|pipenv (install|sync)|go mod download|dependency:go-offline)\b/

/** Compilers and package-manager caches: neither belongs in a runtime image. */
/** @type {RegExp[]} */
export const FORBIDDEN_IN_RUNTIME = [
  /\/bin\/(gcc|cc|c\+\+|g\+\+|javac|rustc|cargo|go|tsc)$/,
  /^\/usr\/local\/go\//,
  /\/node_modules\/typescript\//,
  /^\/root\/\.(npm|cache|m2|cargo|gradle|bun|yarn|local\/share\/pnpm)\/./,
  /\/node_modules\/\.cache\//,
  /\/\.yarn\/cache\//,
  /^\/usr\/local\/share\/\.cache\//,
  /^\/go\/pkg\/mod\//,
  /^\/usr\/local\/(cargo|rustup)\//,
  /^\/var\/cache\/apt\/archives\/.*\.deb$/,
  /^\/var\/lib\/apt\/lists\/(?!partial|lock|auxfiles).+/,
]

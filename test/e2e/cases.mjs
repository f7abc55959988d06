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
 * - Frameworks without a starter app (NestJS, Next.js, SPA, Django, Quarkus, Rails, Laravel):
 *   there is no app to build; their Dockerfiles are linted by the main suite. Two existing
 *   apps are retrofitted and built here (an Express app without a build step, a Flask app at
 *   its repository root); the retrofit corpus (corpus.mjs, corpus.e2e.test.ts) builds and runs
 *   existing Next.js, Django, Quarkus and monorepo apps, and checks the Rails, Laravel, .NET and
 *   Gradle ones statically, for the reasons above.
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
  // Existing apps, not starters: detection picks the language, framework, package manager and
  // port; the Dockerfile's variants for apps without a build step or a src/ layout are built.
  {
    id: 'retrofit-node-express',
    flags: [],
    port: 3000,
    runtime: 'node:24.21.0-trixie-slim',
    retrofit: {
      files: {
        'package.json': `${JSON.stringify({ name: 'shop-api', private: true, scripts: { start: 'node server.js', test: 'node --test' }, dependencies: { express: '5.1.0' } }, null, 2)}\n`,
        'server.js': [
          "const express = require('express')",
          'const app = express()',
          "app.get('/healthz', (_req, res) => res.json({ status: 'ok' }))",
          "app.get('/readyz', (_req, res) => res.json({ status: 'ready', checks: {} }))",
          "const server = app.listen(process.env.PORT || 3000, '0.0.0.0')",
          "process.on('SIGTERM', () => server.close(() => process.exit(0)))",
          '',
        ].join('\n'),
      },
      prepare: [['npm', 'install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']],
    },
    full: { edit: 'server.js', comment: '//' },
  },
  {
    id: 'retrofit-python-flask',
    // Flask's own port is a guess (5000 for its dev server, 8000 for gunicorn): a flag settles it.
    flags: ['--port', '8000'],
    port: 8000,
    runtime: 'python:3.14.10-slim-trixie',
    retrofit: {
      files: {
        'pyproject.toml': [
          '[project]',
          'name = "notes"',
          'version = "0.1.0"',
          'requires-python = ">=3.11"',
          'dependencies = ["flask==3.1.1", "gunicorn==23.0.0"]',
          '',
          '[dependency-groups]',
          'dev = ["pytest==8.4.1"]',
          '',
        ].join('\n'),
        'app.py': [
          'from flask import Flask',
          '',
          'app = Flask(__name__)',
          '',
          '',
          '@app.get("/healthz")',
          'def healthz():',
          '    return {"status": "ok"}',
          '',
          '',
          '@app.get("/readyz")',
          'def readyz():',
          '    return {"status": "ready", "checks": {}}',
          '',
        ].join('\n'),
      },
      // Locked with the machine's own Python: uv may not download interpreters here.
      prepare: [['uv', 'lock', '--quiet', '--no-python-downloads']],
    },
    full: { edit: 'app.py', comment: '#' },
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

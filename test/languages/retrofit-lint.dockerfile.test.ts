import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type RawAnswers } from '../../src/answers.js'
import type { AppFacts, UiBuild } from '../../src/detect/types.js'
import { generate } from '../../src/generate.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Retrofit Dockerfiles, one per shape the runtime contract gives them (unlocked installs, TCP
// or route checks, port and host variables, run-time files, web UI stages on every package
// manager, workspace members, compiled probes), each passing BuildKit's checks and hadolint
// with zero findings, like the new-service matrix.
let buildkitLint: string
let hadolint: string
beforeAll(() => {
  buildkitLint = requireTool('dockerfile-lint')
  hadolint = requireTool('hadolint')
})

const TCP = { liveness: null, readiness: null }
const route = (p: string) => ({ liveness: p, readiness: p })
const ui = (packageManager: string, lock: string | null, extra: Partial<UiBuild> = {}): UiBuild => ({
  dir: 'ui',
  packageManager,
  installFiles: ['package.json', ...(lock ? [lock] : [])],
  script: 'build',
  output: 'ui/dist',
  ...extra,
})
const pnpmMember: AppFacts = {
  buildContext: '../..',
  memberDir: 'apps/api',
  workspacePackage: '@acme/api',
  installFiles: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'apps/api/package.json', 'packages/shared/package.json'],
}

const CASES: [string, RawAnswers, AppFacts][] = [
  ['node: npm, no lockfile, no build, TCP on APP_PORT, HOST, run-time files', { language: 'node', packageManager: 'npm' }, { installFiles: ['package.json'], unlocked: true, hasBuildScript: false, nodeEntry: ['node', 'src/index.js'], health: TCP, portEnv: 'APP_PORT', hostEnv: 'HOST', runtimePaths: ['views'] }],
  ['node: npm build output, route, pnpm UI', { language: 'node', packageManager: 'npm' }, { hasBuildScript: true, nodeEntry: ['node', 'build/main.js'], health: route('/health'), runtimePaths: ['views', 'public'], ui: ui('pnpm', 'pnpm-lock.yaml') }],
  ['node: yarn classic, entry beside the build (whole tree)', { language: 'node', packageManager: 'yarn-classic' }, { hasBuildScript: true, nodeEntry: ['node', 'server.js'], health: TCP }],
  ['node: bun.lockb, bun UI without lockfile', { language: 'node', packageManager: 'bun' }, { installFiles: ['package.json', 'bun.lockb'], hasBuildScript: false, nodeEntry: ['node', 'index.js'], health: TCP, ui: ui('bun', null) }],
  ['node: Yarn Berry unlocked, Yarn classic UI (two Yarn pins)', { language: 'node', packageManager: 'yarn' }, { installFiles: ['package.json', '.yarnrc.yml'], unlocked: true, hasBuildScript: true, nodeEntry: ['node', 'dist/index.js'], health: route('/api/health'), ui: ui('yarn-classic', 'yarn.lock') }],
  ['node: NestJS entry', { language: 'node', framework: 'nest', packageManager: 'pnpm' }, { hasBuildScript: true, nodeEntry: ['node', 'dist/src/main'], health: TCP }],
  ['node: Next.js, run-time files, HOSTNAME', { language: 'node', framework: 'next', packageManager: 'npm' }, { hostEnv: 'HOSTNAME', runtimePaths: ['content'], health: route('/api/health') }],
  ['node: SPA on nginx', { language: 'node', framework: 'spa', packageManager: 'npm' }, { installFiles: ['package.json'], unlocked: true, health: TCP }],
  ['node: pnpm workspace member with an npm UI', { language: 'node', packageManager: 'pnpm' }, { ...pnpmMember, hasBuildScript: true, nodeEntry: ['node', 'dist/index.js'], health: route('/health'), runtimePaths: ['views'], ui: ui('npm', 'package-lock.json') }],
  ['node: npm workspace member', { language: 'node', packageManager: 'npm' }, { ...pnpmMember, installFiles: ['package.json', 'package-lock.json', 'apps/api/package.json'], hasBuildScript: true, nodeEntry: ['node', 'dist/index.js'], health: TCP }],
  ['node: Yarn Berry workspace member', { language: 'node', packageManager: 'yarn' }, { ...pnpmMember, installFiles: ['package.json', 'yarn.lock', '.yarnrc.yml', 'apps/api/package.json'], hasBuildScript: true, nodeEntry: ['node', 'dist/index.js'], health: TCP }],
  ['node: pnpm workspace member on the pnpm the app pins', { language: 'node', packageManager: 'pnpm' }, { ...pnpmMember, packageManagerVersion: '10.18.0', hasBuildScript: true, nodeEntry: ['node', 'dist/index.js'], health: route('/status') }],
  ['node: Bun runtime from source, route', { language: 'node', packageManager: 'bun' }, { runtime: 'bun', hasBuildScript: false, devScript: 'dev', nodeEntry: ['bun', 'src/index.ts'], installFiles: ['package.json', 'bun.lockb'], health: route('/health') }],
  ['node: Bun runtime, npm installs, build output, TCP, run-time files', { language: 'node', packageManager: 'npm' }, { runtime: 'bun', hasBuildScript: true, nodeEntry: ['bun', 'dist/index.js'], health: TCP, portEnv: 'APP_PORT', hostEnv: 'HOST', runtimePaths: ['views'] }],
  ['python: pip without hashes or dev file, Flask, TCP', { language: 'python', framework: 'flask', packageManager: 'pip' }, { wsgiApp: 'app:app', srcLayout: false, requirements: { prod: 'requirements/prod.txt', hashes: false }, installFiles: ['requirements/prod.txt', 'requirements/base.txt'], health: TCP, portEnv: 'FLASK_PORT' }],
  ['python: pip with hashes and dev file, src layout, run-time files', { language: 'python', framework: 'flask', packageManager: 'pip' }, { wsgiApp: 'app:create_app()', srcLayout: true, requirements: { prod: 'requirements.txt', dev: 'requirements-dev.txt', hashes: true }, runtimePaths: ['templates', 'static'], health: route('/health') }],
  ['python: uv unlocked, ASGI, HOST, pnpm UI', { language: 'python', framework: 'fastapi', packageManager: 'uv' }, { asgiApp: 'main:app', srcLayout: false, installFiles: ['pyproject.toml'], unlocked: true, hostEnv: 'HOST', portEnv: 'APP_PORT', health: TCP, ui: ui('pnpm', 'pnpm-lock.yaml') }],
  ['python: Poetry unlocked', { language: 'python', framework: 'fastapi', packageManager: 'poetry' }, { asgiApp: 'app.main:app', srcLayout: true, installFiles: ['pyproject.toml'], unlocked: true, health: route('/healthz') }],
  ['python: Pipenv unlocked', { language: 'python', framework: 'flask', packageManager: 'pipenv' }, { wsgiApp: 'app:app', srcLayout: false, installFiles: ['Pipfile'], unlocked: true, health: TCP }],
  ['python: Django with a UI collected as static files', { language: 'python', framework: 'django', packageManager: 'uv' }, { wsgiApp: 'config.wsgi:application', srcLayout: false, health: route('/health/'), ui: ui('npm', 'package-lock.json', { output: 'static/ui' }) }],
  ['python: Django, collectstatic with placeholders (quoted ones too)', { language: 'python', framework: 'django', packageManager: 'poetry', database: 'postgres', cache: 'redis' }, { wsgiApp: 'config.wsgi:application', srcLayout: false, installFiles: ['pyproject.toml', 'poetry.lock'], cacheEnv: [{ name: 'REDIS_URL', part: 'url' }], requiredEnv: [{ name: 'DJANGO_SECRET_KEY', devValue: "change me, it's $ecret", secret: true, evidence: { file: 'config/settings.py', reason: 'env()' } }], health: TCP }],
  ['python: uv workspace member', { language: 'python', framework: 'fastapi', packageManager: 'uv' }, { asgiApp: 'api.main:app', srcLayout: true, buildContext: '../..', memberDir: 'packages/api', workspacePackage: 'api', installFiles: ['pyproject.toml', 'uv.lock', 'packages/api/pyproject.toml', 'packages/lib/pyproject.toml'], health: TCP }],
  ['python: Poetry path-dependency member', { language: 'python', framework: 'fastapi', packageManager: 'poetry' }, { asgiApp: 'api.main:app', srcLayout: true, buildContext: '../..', memberDir: 'services/api', workspacePackage: 'api', installFiles: ['pyproject.toml', 'poetry.lock', 'services/api/pyproject.toml', 'libs/core/pyproject.toml'], health: route('/health') }],
  ['go: no go.sum, TCP on HTTP_PORT, run-time files, embedded Yarn UI', { language: 'go' }, { mainPackage: './cmd/api', installFiles: ['go.mod'], unlocked: true, health: TCP, portEnv: 'HTTP_PORT', hostEnv: 'HOST', runtimePaths: ['templates'], ui: ui('yarn', 'yarn.lock', { installFiles: ['package.json', 'yarn.lock', '.yarnrc.yml'], embedded: true }) }],
  ['go: route, served pnpm UI', { language: 'go' }, { mainPackage: '.', installFiles: ['go.mod', 'go.sum'], health: route('/healthz'), ui: ui('pnpm', 'pnpm-lock.yaml') }],
  ['rust: no Cargo.lock, TCP, run-time files, bun UI', { language: 'rust' }, { binary: 'api-server', installFiles: ['Cargo.toml'], unlocked: true, health: TCP, portEnv: 'APP_PORT', hostEnv: 'APP_HOST', runtimePaths: ['config'], ui: ui('bun', 'bun.lockb') }],
  ['rust: route, embedded UI', { language: 'rust' }, { binary: 'server', installFiles: ['Cargo.toml', 'Cargo.lock'], health: route('/api/health'), ui: ui('npm', 'package-lock.json', { embedded: true }) }],
  ['rust: Cargo workspace member, run-time files, embedded UI', { language: 'rust' }, { binary: 'bookmarks-api', buildContext: '../..', memberDir: 'crates/api', workspacePackage: 'api', installFiles: ['Cargo.toml', 'Cargo.lock', 'crates/api/Cargo.toml'], health: route('/health'), runtimePaths: ['config'], ui: ui('npm', 'package-lock.json', { embedded: true }) }],
  ['java: Maven without its wrapper', { language: 'java', packageManager: 'maven' }, { installFiles: ['pom.xml'], health: TCP }],
  ['java: Maven, actuator route, SERVER_PORT', { language: 'java', packageManager: 'maven' }, { health: route('/actuator/health'), portEnv: 'SERVER_PORT' }],
  ['java: Gradle Kotlin DSL, TCP, run-time files', { language: 'java', packageManager: 'gradle-kotlin' }, { installFiles: ['build.gradle.kts', 'settings.gradle.kts', 'gradle/libs.versions.toml'], health: TCP, runtimePaths: ['config'] }],
  ['java: Quarkus, its own port variable', { language: 'java', framework: 'quarkus', packageManager: 'gradle' }, { health: route('/q/health/live'), portEnv: 'QUARKUS_HTTP_PORT', hostEnv: 'QUARKUS_HTTP_HOST' }],
  ['dotnet: route', { language: 'dotnet' }, { appProject: 'Api/Api.csproj', assembly: 'Api.dll', health: route('/health') }],
  ['dotnet: solution project, TCP, run-time files', { language: 'dotnet' }, { appProject: 'src/Web/Web.csproj', assembly: 'Web.dll', buildContext: '../..', memberDir: 'src/Web', health: TCP, portEnv: 'ASPNETCORE_HTTP_PORTS', runtimePaths: ['Data/seed.json'] }],
  ['ruby: Sinatra without Gemfile.lock, TCP', { language: 'ruby', framework: 'sinatra', port: 9292 }, { installFiles: ['Gemfile'], unlocked: true, health: TCP, hostEnv: 'HOST' }],
  ['ruby: Rails, /up', { language: 'ruby', framework: 'rails' }, { health: route('/up'), runtimePaths: ['storage'] }],
  ['php: plain without composer.lock, TCP', { language: 'php', framework: 'plain' }, { installFiles: ['composer.json'], unlocked: true, health: TCP, portEnv: 'APP_PORT' }],
  ['php: Laravel, route', { language: 'php', framework: 'laravel', database: 'postgres', cache: 'redis' }, { health: route('/up') }],
]

describe.concurrent.each(CASES)('retrofit Dockerfile lint: %s', (_name, raw, app) => {
  it('BuildKit checks and hadolint report nothing', async () => {
    const { files } = generate(validateAnswers({ name: 'lint-retro', ...raw }), { retrofit: { dir: '.', app } })
    const dir = writeTree(files, 'cca-retro-df-')
    const file = join(dir, 'Dockerfile')
    const bk = await execa(buildkitLint, ['--json', file], { reject: false, env: toolsEnv() })
    expect(bk.exitCode, bk.stderr).toBe(0)
    expect(JSON.parse(bk.stdout || '[]')).toEqual([])
    const hl = await execa(hadolint, ['--no-color', '--format', 'json', file], { reject: false, env: toolsEnv() })
    expect(hl.exitCode, hl.stdout).toBe(0)
    expect(JSON.parse(hl.stdout || '[]')).toEqual([])
  })
})

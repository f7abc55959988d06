import { describe, expect, it } from 'vitest'
import { detect, memoryRepo } from '../../src/detect/index.js'
import { codes, evidenceOf, json, service } from './contract-helpers.js'

const express = (extra: Record<string, unknown> = {}) => json({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '^5.0.0' }, ...extra })
const server = { 'server.js': "require('express')().listen(3000)\n" }

describe('install files: exactly the manifests and lockfile present', () => {
  it('bun with only the binary bun.lockb mounts bun.lockb, never bun.lock', () => {
    const s = service({ 'package.json': express(), 'bun.lockb': 'binary', ...server })
    expect(s.packageManager?.value).toBe('bun')
    expect(s.app.installFiles).toEqual(['package.json', 'bun.lockb'])
    expect(s.app.unlocked).toBeUndefined()
    expect(evidenceOf(s, 'installFiles')).toEqual(['bun.lockb: installs package.json, bun.lockb'])
  })

  it('bun with the text bun.lock mounts bun.lock and bunfig.toml', () => {
    const s = service({ 'package.json': express(), 'bun.lock': '{}', 'bunfig.toml': '[install]\n', ...server })
    expect(s.app.installFiles).toEqual(['package.json', 'bun.lock', 'bunfig.toml'])
  })

  it('npm with npm-shrinkwrap.json and .npmrc', () => {
    const s = service({ 'package.json': express(), 'npm-shrinkwrap.json': '{}', '.npmrc': 'engine-strict=true\n', ...server })
    expect(s.app.installFiles).toEqual(['package.json', 'npm-shrinkwrap.json', '.npmrc'])
  })

  it('pnpm: the lockfile, pnpm-workspace.yaml settings and patches applied at install', () => {
    const s = service({
      'package.json': express({ pnpm: { patchedDependencies: { 'left-pad@1.0.0': 'patches/left-pad@1.0.0.patch' } } }),
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'pnpm-workspace.yaml': 'onlyBuiltDependencies:\n  - esbuild\n',
      'patches/left-pad@1.0.0.patch': 'diff\n',
      ...server,
    })
    expect(s.app.installFiles).toEqual(['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'patches/left-pad@1.0.0.patch'])
    expect(evidenceOf(s, 'installFiles')).toContain('patches: 1 patch file(s) applied at install')
  })

  it('Yarn Berry: yarn.lock, .yarnrc.yml and the release it pins', () => {
    const s = service({
      'package.json': express({ packageManager: 'yarn@4.9.0' }),
      'yarn.lock': '__metadata:\n  version: 8\n',
      '.yarnrc.yml': 'nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.9.0.cjs\n',
      ...server,
    })
    expect(s.app.installFiles).toEqual(['package.json', 'yarn.lock', '.yarnrc.yml', '.yarn/releases/yarn-4.9.0.cjs'])
    expect(codes(s)).not.toContain('missing-manifest')
  })

  it('Yarn Berry without .yarnrc.yml: not mounted, and the Plug’n’Play install is reported', () => {
    const s = service({ 'package.json': express({ packageManager: 'yarn@4.9.0' }), 'yarn.lock': '__metadata:\n  version: 8\n', ...server })
    expect(s.app.installFiles).toEqual(['package.json', 'yarn.lock'])
    expect(s.warnings.find((w) => w.code === 'missing-manifest')?.message).toMatch(/Plug’n’Play.*nodeLinker node-modules/)
  })

  it('yarn classic mounts yarn.lock only', () => {
    const s = service({ 'package.json': express(), 'yarn.lock': '# yarn lockfile v1\n', ...server })
    expect(s.packageManager?.value).toBe('yarn-classic')
    expect(s.app.installFiles).toEqual(['package.json', 'yarn.lock'])
  })

  it('no lockfile: package.json alone, unlocked, and the warning says the image installs without one', () => {
    const s = service({ 'package.json': express(), ...server })
    expect(s.app.installFiles).toEqual(['package.json'])
    expect(s.app.unlocked).toBe(true)
    const w = s.warnings.filter((x) => x.code === 'no-lockfile')
    expect(w).toHaveLength(1)
    expect(w[0]!.message).toMatch(/^no lockfile: the image installs without one \(npm install\)/)
    expect(w[0]!.message).not.toMatch(/exactly what a lockfile says/)
    expect(evidenceOf(s, 'installFiles')).toEqual(['package.json: installs package.json: no lockfile of npm'])
  })

  it('two lockfiles: only the chosen manager’s is mounted', () => {
    const s = service({ 'package.json': express({ packageManager: 'pnpm@10.0.0' }), 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n", 'package-lock.json': '{}', ...server })
    expect(s.app.installFiles).toEqual(['package.json', 'pnpm-lock.yaml'])
  })
})

describe('the package manager release the app pins', () => {
  it('a pnpm workspace member: the root\'s "packageManager": "pnpm@10.18.0+sha512…" without the integrity suffix', () => {
    const d = detect(memoryRepo({
      'package.json': json({ name: 'acme', private: true, packageManager: 'pnpm@10.18.0+sha512.e804f889f1cecc40d572db084eec3e4881739f8dec69c0ff10d2d1beff9a4e309383ba27b5b750059d7f4c149535b6cd0d2cb1ed3aeb739239a4284a68f40cfa', devDependencies: { turbo: '^2.5.8' } }),
      'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'apps/api/package.json': json({ name: 'api', scripts: { start: 'node src/index.js' }, dependencies: { express: '^4.21.2' } }),
      'apps/api/src/index.js': "require('express')().listen(3001)\n",
    }), { rootName: 'acme' })
    const s = d.services.find((x) => x.dir === 'apps/api')!
    expect(s.app.packageManagerVersion).toBe('10.18.0')
    expect(evidenceOf(s, 'packageManagerVersion')).toEqual([expect.stringMatching(/^package\.json: "packageManager": "pnpm@10\.18\.0\+sha512\./)])
  })

  it('Yarn Berry: the release yarnPath names, before packageManager', () => {
    const s = service({ 'package.json': express({ packageManager: 'yarn@4.5.0' }), 'yarn.lock': '__metadata:\n  version: 8\n', '.yarnrc.yml': 'nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.9.2.cjs\n', ...server })
    expect(s.packageManager?.value).toBe('yarn')
    expect(s.app.packageManagerVersion).toBe('4.9.2')
    expect(evidenceOf(s, 'packageManagerVersion')).toEqual([
      '.yarnrc.yml: yarnPath: .yarn/releases/yarn-4.9.2.cjs (Yarn runs this release)',
      'package.json: "packageManager": "yarn@4.5.0": not used, .yarnrc.yml pins 4.9.2',
    ])
  })

  it('Bun: packageManager bun@1.2.21; .bun-version when the field is absent', () => {
    expect(service({ 'package.json': express({ packageManager: 'bun@1.2.21' }), 'bun.lock': '{}', ...server }).app.packageManagerVersion).toBe('1.2.21')
    const s = service({ 'package.json': express(), 'bun.lockb': 'binary', '.bun-version': '1.1.38\n', ...server })
    expect(s.app.packageManagerVersion).toBe('1.1.38')
    expect(evidenceOf(s, 'packageManagerVersion')).toEqual(['.bun-version: bun 1.1.38'])
  })

  it('devEngines and .tool-versions pin exact releases; a range pins nothing', () => {
    expect(service({ 'package.json': express({ devEngines: { packageManager: { name: 'pnpm', version: '10.12.4' } } }), 'pnpm-lock.yaml': '', ...server }).app.packageManagerVersion).toBe('10.12.4')
    expect(service({ 'package.json': express(), 'pnpm-lock.yaml': '', '.tool-versions': 'nodejs 22.20.0\npnpm 9.15.9\n', ...server }).app.packageManagerVersion).toBe('9.15.9')
    expect(service({ 'package.json': express({ devEngines: { packageManager: { name: 'pnpm', version: '^10' } } }), 'pnpm-lock.yaml': '', ...server }).app.packageManagerVersion).toBeUndefined()
    expect(service({ 'package.json': express(), 'package-lock.json': '{}', ...server }).app.packageManagerVersion).toBeUndefined()
  })
})

describe('install files: Python', () => {
  const flask = 'flask==3.1.0\ngunicorn==23.0.0\n'
  const app = { 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }

  it('requirements.txt without hashes and no dev file: no --require-hashes, no requirements-dev.txt', () => {
    const s = service({ 'requirements.txt': flask, ...app })
    expect(s.app.requirements).toEqual({ prod: 'requirements.txt', hashes: false })
    expect(s.app.installFiles).toEqual(['requirements.txt'])
    // Pinned with ==: a lock in all but hashes.
    expect(s.app.unlocked).toBeUndefined()
    expect(codes(s)).not.toContain('missing-manifest')
    expect(s.warnings.find((w) => w.code === 'no-lockfile')?.message).toMatch(/carries no hashes: the image installs it without --require-hashes/)
    expect(evidenceOf(s, 'installFiles')).toContain('requirements.txt: not every requirement carries --hash: installed without --require-hashes')
  })

  it('unpinned requirements are unlocked', () => {
    const s = service({ 'requirements.txt': 'flask\ngunicorn>=22\n', ...app })
    expect(s.app.unlocked).toBe(true)
    expect(s.warnings.find((w) => w.code === 'no-lockfile')?.message).toMatch(/pins no exact versions/)
  })

  it('hashes only when every requirement line carries one (continuation lines joined)', () => {
    const hashed = 'flask==3.1.0 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb\ngunicorn==23.0.0 --hash=sha256:ccc\n'
    const s = service({ 'requirements.txt': hashed, 'requirements-dev.txt': '-r requirements.txt\npytest==8.3.0 --hash=sha256:ddd\n', ...app })
    expect(s.app.requirements).toEqual({ prod: 'requirements.txt', dev: 'requirements-dev.txt', hashes: true })
    expect(s.app.installFiles).toEqual(['requirements.txt', 'requirements-dev.txt'])
    expect(codes(s)).not.toContain('no-lockfile')
    const partly = service({ 'requirements.txt': 'flask==3.1.0 --hash=sha256:aaa\ngunicorn==23.0.0\n', ...app })
    expect(partly.app.requirements?.hashes).toBe(false)
  })

  it('requirements/ folder: prod.txt with its -r base.txt, dev.txt; real names', () => {
    const s = service({
      'requirements/base.txt': 'django==5.2\n',
      'requirements/prod.txt': '-r base.txt\ngunicorn==23.0.0\n',
      'requirements/dev.txt': '-r base.txt\npytest==8.3.0\n',
      'manage.py': 'import django\n',
      'shop/wsgi.py': 'application = None\n',
    })
    expect(s.app.requirements).toEqual({ prod: 'requirements/prod.txt', dev: 'requirements/dev.txt', hashes: false })
    expect(s.app.installFiles).toEqual(['requirements/prod.txt', 'requirements/base.txt', 'requirements/dev.txt'])
  })

  it('dev-requirements.txt is the dev file when requirements-dev.txt is absent', () => {
    const s = service({ 'requirements.txt': flask, 'dev-requirements.txt': 'pytest==8.3.0\n', ...app })
    expect(s.app.requirements?.dev).toBe('dev-requirements.txt')
  })

  it('uv with uv.lock; uv without a lockfile is unlocked', () => {
    const py = '[project]\nname = "api"\nrequires-python = ">=3.12"\ndependencies = ["fastapi"]\n'
    const main = { 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' }
    expect(service({ 'pyproject.toml': py, 'uv.lock': 'version = 1\n', ...main }).app.installFiles).toEqual(['pyproject.toml', 'uv.lock'])
    const open = service({ 'pyproject.toml': py, ...main })
    expect(open.app.installFiles).toEqual(['pyproject.toml'])
    expect(open.app.unlocked).toBe(true)
    expect(open.warnings.find((w) => w.code === 'no-lockfile')?.message).toMatch(/uv sync \(not --frozen\).*`uv lock`/)
  })

  it('poetry.lock with poetry.toml; Pipfile with Pipfile.lock', () => {
    const py = '[tool.poetry]\nname = "api"\n[tool.poetry.dependencies]\npython = "^3.12"\nflask = "^3"\n'
    expect(service({ 'pyproject.toml': py, 'poetry.lock': '', 'poetry.toml': '[virtualenvs]\n', ...app }).app.installFiles).toEqual(['pyproject.toml', 'poetry.lock', 'poetry.toml'])
    expect(service({ Pipfile: '[packages]\nflask = "*"\n', 'Pipfile.lock': '{}', ...app }).app.installFiles).toEqual(['Pipfile', 'Pipfile.lock'])
    const noLock = service({ Pipfile: '[packages]\nflask = "*"\n', ...app })
    expect(noLock.app).toMatchObject({ installFiles: ['Pipfile'], unlocked: true })
  })
})

describe('install files: Go, Rust, Java, Ruby, PHP', () => {
  it('Go: go.mod and go.sum when present; a module with requirements but no go.sum is unlocked', () => {
    const main = { 'main.go': 'package main\n\nfunc main() {}\n' }
    expect(service({ 'go.mod': 'module x\n\ngo 1.25\n', 'go.sum': '', ...main }).app.installFiles).toEqual(['go.mod', 'go.sum'])
    const bare = service({ 'go.mod': 'module x\n\ngo 1.25\n', ...main })
    expect(bare.app.installFiles).toEqual(['go.mod'])
    expect(bare.app.unlocked).toBeUndefined()
    const needs = service({ 'go.mod': 'module x\n\ngo 1.25\n\nrequire github.com/go-chi/chi/v5 v5.2.0\n', ...main })
    expect(needs.app.unlocked).toBe(true)
  })

  it('Rust: Cargo.lock when present, else unlocked with the warning', () => {
    const toml = '[package]\nname = "svc"\n\n[dependencies]\naxum = "0.8"\n'
    expect(service({ 'Cargo.toml': toml, 'Cargo.lock': 'version = 4\n', 'src/main.rs': 'fn main() {}\n' }).app.installFiles).toEqual(['Cargo.toml', 'Cargo.lock'])
    const open = service({ 'Cargo.toml': toml, 'src/main.rs': 'fn main() {}\n' })
    expect(open.app).toMatchObject({ installFiles: ['Cargo.toml'], unlocked: true })
    expect(open.warnings.find((w) => w.code === 'no-lockfile')?.message).toMatch(/without --locked/)
  })

  it('Maven: pom.xml, mvnw and the .mvn/wrapper files', () => {
    const pom = '<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent><artifactId>svc</artifactId></project>\n'
    const s = service({ 'pom.xml': pom, mvnw: '#!/bin/sh\n', '.mvn/wrapper/maven-wrapper.properties': 'distributionUrl=x\n', 'src/main/java/A.java': 'class A {}\n' })
    expect(s.app.installFiles).toEqual(['pom.xml', 'mvnw', '.mvn/wrapper/maven-wrapper.properties'])
    expect(codes(s)).not.toContain('missing-manifest')
  })

  it('Gradle Kotlin: build files, wrapper and version catalog', () => {
    const s = service({
      'build.gradle.kts': 'plugins { id("org.springframework.boot") version "3.5.0" }\n',
      'settings.gradle.kts': 'rootProject.name = "svc"\n',
      gradlew: '#!/bin/sh\n',
      'gradle/wrapper/gradle-wrapper.properties': 'distributionUrl=x\n',
      'gradle/libs.versions.toml': '[versions]\n',
      'src/main/kotlin/A.kt': 'class A\n',
    })
    expect(s.app.installFiles).toEqual(['build.gradle.kts', 'settings.gradle.kts', 'gradlew', 'gradle/libs.versions.toml', 'gradle/wrapper/gradle-wrapper.properties'])
    expect(s.app.unlocked).toBeUndefined()
  })

  it('Ruby: Gemfile, Gemfile.lock and the .ruby-version the Gemfile reads', () => {
    const s = service({ Gemfile: 'source "https://rubygems.org"\nruby file: ".ruby-version"\ngem "rails"\n', 'Gemfile.lock': 'GEM\n', '.ruby-version': '3.4.1\n', 'config/application.rb': '' })
    expect(s.app.installFiles).toEqual(['Gemfile', 'Gemfile.lock', '.ruby-version'])
    const open = service({ Gemfile: 'gem "sinatra"\n', 'app.rb': "require 'sinatra'\n" })
    expect(open.app).toMatchObject({ installFiles: ['Gemfile'], unlocked: true })
    expect(open.warnings.find((w) => w.code === 'no-lockfile')?.message).toMatch(/without BUNDLE_FROZEN/)
  })

  it('PHP: composer.json and composer.lock when present', () => {
    const composer = json({ require: { 'laravel/framework': '^12.0' } })
    expect(service({ 'composer.json': composer, 'composer.lock': '{}', artisan: '' }).app.installFiles).toEqual(['composer.json', 'composer.lock'])
    expect(service({ 'composer.json': composer, artisan: '' }).app).toMatchObject({ installFiles: ['composer.json'], unlocked: true })
  })
})

import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { parseDockerfile, type Stage } from '../helpers/dockerfile.js'
import { renderMap } from '../helpers/render.js'

// One case per framework (Bundler is the only package manager), plus a non-default port and
// runtime version.
const ruby = LANGUAGE_CHOICES.find((l) => l.id === 'ruby')!
const bundler = ruby.packageManagers.find((p) => p.id === 'bundler')!
const cases = [
  ...ruby.frameworks.map((fw) => validateAnswers({ name: `df-${fw.id}`, language: 'ruby', framework: fw.id, database: 'postgres', cache: 'redis' })),
  validateAnswers({ name: 'df-port', language: 'ruby', port: 8443, languageVersion: '4.0.6' }),
]

describe.each(cases.map((a) => [`${a.framework} port ${a.port}`, a] as const))('Ruby Dockerfile practices: %s', (_n, answers) => {
  const files = renderMap(answers)
  const text = files.get('Dockerfile')!
  const { global, stages } = parseDockerfile(text)
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name)
    if (!s) throw new Error(`no stage ${name}`)
    return s
  }
  const rails = answers.framework === 'rails'
  const prod = stage('prod')
  const all = [...global, ...stages.flatMap((s) => s.body)]

  it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
    expect(text).toMatch(/^# check=error=true$/m)
  })

  it('pins Ruby (slim trixie) and Bundler through ARGs, with one place to switch registries', () => {
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `RUBY_VERSION=${answers.languageVersion}` }))
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'RUBY_IMAGE=ruby:${RUBY_VERSION}-slim-trixie' }))
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `BUNDLER_VERSION=${bundler.version}` }))
    const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
    expect(new Set(external)).toEqual(new Set(['${RUBY_IMAGE}']))
    expect(stage('build-base').body.find((i) => i.keyword === 'RUN' && i.args.includes('gem install'))!.args).toContain('gem install bundler:${BUNDLER_VERSION} --no-document')
  })

  it('has named dev, test and prod targets, with prod last (the default build)', () => {
    for (const n of ['base', 'build-base', 'deps', 'prod-deps', 'source', 'dev', 'test', 'prod', ...(rails ? ['build'] : [])]) {
      expect(stages.map((s) => s.name)).toContain(n)
    }
    expect(stages.at(-1)!.name).toBe('prod')
  })

  it('installs exactly from Gemfile.lock, manifests mounted before any source copy, with a gem cache mount', () => {
    expect(stage('base').body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: 'BUNDLE_FROZEN=true' }))
    expect(stage('prod-deps').body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: 'BUNDLE_WITHOUT=development:test' }))
    for (const name of ['deps', 'prod-deps']) {
      const run = stage(name).body.find((i) => i.keyword === 'RUN')!
      for (const m of bundler.manifests) expect(run.args).toContain(`--mount=type=bind,source=${m},target=/app/${m}`)
      expect(run.args).toContain(`--mount=type=cache,target=${bundler.cacheDir}`)
      expect(run.args).toMatch(/bundle install$/)
      expect(stage(name).body.some((i) => i.keyword === 'COPY')).toBe(false)
    }
    expect(bundler.cacheDir).toBe('/usr/local/bundle/cache')
  })

  it('compiles native extensions in a build stage only; apt uses cache mounts and no recommends', () => {
    const apt = stage('build-base').body.find((i) => i.keyword === 'RUN' && i.args.includes('apt-get'))!
    expect(apt.args).toContain('--mount=type=cache,target=/var/lib/apt/lists')
    expect(apt.args).toContain('apt-get install -y --no-install-recommends build-essential')
    // The hadolint exception carries its reason on the line above.
    expect(text).toMatch(/# Debian stable only takes security fixes[^\n]*\n# hadolint ignore=DL3008\n/)
    expect(prod.from).toBe('base')
    expect(stage('base').body.some((i) => i.args.includes('build-essential'))).toBe(false)
    expect(prod.body.some((i) => i.keyword === 'RUN' && i.args.includes('apt-get'))).toBe(false)
  })

  it('ships production gems and the app only, owned by root', () => {
    const copies = prod.body.filter((i) => i.keyword === 'COPY').map((i) => i.args)
    expect(copies[0]).toBe('--from=prod-deps /usr/local/bundle /usr/local/bundle')
    if (rails) {
      expect(copies).toEqual(['--from=prod-deps /usr/local/bundle /usr/local/bundle', '--from=build /app /app'])
      const build = stage('build')
      expect(build.from).toBe('prod-deps')
      // A throw-away secret for asset precompilation, never an ENV or ARG.
      expect(build.body.find((i) => i.keyword === 'RUN')!.args).toMatch(/^SECRET_KEY_BASE_DUMMY=1 bundle exec rails assets:precompile/)
      // Migrations are documented as a separate command, never run by an instruction.
      for (const i of all) expect(i.args).not.toMatch(/db:migrate|db:prepare/)
      expect(text).toMatch(/docker compose run --rm app bin\/rails db:migrate/)
    } else {
      expect(copies).toEqual(['--from=prod-deps /usr/local/bundle /usr/local/bundle', 'Gemfile Gemfile.lock ./', 'src ./src'])
    }
    expect(copies.some((c) => c.includes('--chown'))).toBe(false)
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining('BUNDLE_WITHOUT=development:test') }))
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining('RACK_ENV=production') }))
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining(`PORT=${answers.port}`) }))
  })

  it('runs as a fixed non-root UID, exec-form CMD, exposes the real port, HEALTHCHECK with the image’s Ruby', () => {
    const user = prod.body.filter((i) => i.keyword === 'USER').at(-1)!
    expect(user.args).toMatch(/^[1-9]\d*:[1-9]\d*$/)
    const cmd = JSON.parse(prod.body.find((i) => i.keyword === 'CMD')!.args) as string[]
    expect(cmd).toEqual(rails ? ['bundle', 'exec', 'puma', '--config', 'config/puma.rb'] : ['bundle', 'exec', 'ruby', 'src/server.rb'])
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: String(answers.port) }))
    const hc = prod.body.find((i) => i.keyword === 'HEALTHCHECK')!
    expect(hc.args).toMatch(/--interval=\S+ --timeout=\S+ .*CMD \[/)
    const probe = JSON.parse(hc.args.slice(hc.args.indexOf('CMD ') + 4)) as string[]
    expect(probe.slice(0, 3)).toEqual(['ruby', '-rnet/http', '-e'])
    expect(probe[3]).toContain("ENV.fetch('PORT')")
    expect(probe[3]).toContain('/healthz')
    for (const s of ['dev', 'test']) {
      expect(JSON.parse(stage(s).body.find((i) => i.keyword === 'CMD')!.args).slice(0, 2)).toEqual(['bundle', 'exec'])
    }
    expect(stage('source').body.find((i) => i.keyword === 'USER')!.args).toBe('1000:1000')
    expect(JSON.parse(stage('test').body.find((i) => i.keyword === 'CMD')!.args)).toEqual(rails ? ['bundle', 'exec', 'rails', 'test'] : ['bundle', 'exec', 'rake', 'test'])
  })

  it('carries OCI labels last and keeps secrets out of ENV and ARG', () => {
    expect(prod.body.at(-1)!.keyword).toBe('LABEL')
    const label = prod.body.at(-1)!.args
    for (const k of ['title', 'version', 'revision', 'base.name']) expect(label).toContain(`org.opencontainers.image.${k}=`)
    for (const i of all.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE)/i)
  })

  it('.dockerignore drops VCS, installed gems, secrets and deploy files but keeps what the build needs', () => {
    const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
    for (const p of ['.git', '.bundle', 'vendor/bundle', '**/.env', '**/.env.*', '!.env.example', '!.env.sample', 'compose*.yaml', '.containerized']) expect(ignore).toContain(p)
    if (rails) for (const p of ['config/master.key', 'node_modules', 'tmp/*']) expect(ignore).toContain(p)
    const needed = [...bundler.manifests, 'test', ...(rails ? ['app', 'config', 'db', 'lib', 'public', 'bin', 'spec'] : ['src', 'Rakefile', 'bin'])]
    for (const n of needed) expect(ignore.some((p) => p === n || p === `${n}*` || (p.endsWith('*') && !p.includes('/') && n.startsWith(p.slice(0, -1))))).toBe(false)
  })

  it('the starter app files exist exactly when the framework has a starter', () => {
    expect(files.has('Gemfile')).toBe(!rails)
    expect(files.has('Gemfile.lock')).toBe(!rails)
    expect(files.has('src/server.rb')).toBe(!rails)
    expect(files.has('.gitignore')).toBe(true)
  })
})

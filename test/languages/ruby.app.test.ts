import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { basename, join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { CACHES, DATABASES } from '../../src/options.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { renderToDisk } from '../helpers/render.js'
import { requireTool, TOOLS_HOME } from '../helpers/tools.js'
import { CLOSED_PORT } from '../helpers/ports.js'

// rubygems.org is not reachable here, so the locked gems cannot be installed. What runs instead
// (templates/ruby/app/PINS.md says why the lock holds what it holds):
//  - the committed Gemfile.lock is checked by Bundler's own parser: every dependency is locked,
//    DEPENDENCIES match the Gemfile, platform `ruby`, BUNDLED WITH the pinned Bundler;
//  - the starter app runs its own tests (`rake test`) and its contract for every database × cache
//    on Debian 13's Ruby 3.3 and Debian's packaged Sinatra 4.1, Rack 3.1 and Puma 6.6 (the same
//    major lines as the lock, except Puma 8), in a trixie root built once with debootstrap and
//    cached outside the clone. The machine itself runs bookworm, whose Ruby 3.1 and Rack 2 are
//    too old for the app.
const ruby = LANGUAGE_CHOICES.find((l) => l.id === 'ruby')!
const bundler = ruby.packageManagers.find((p) => p.id === 'bundler')!

const PACKAGES = ['ruby', 'ruby-sinatra', 'ruby-rack', 'puma', 'ruby-minitest', 'rake', 'ruby-bundler']
const ROOT = join(TOOLS_HOME, 'ruby-trixie-root')
const STAMP = `trixie ${PACKAGES.join(',')}`
const MIRROR = process.env.CCA_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian'

const run = (cmd: string, args: string[], opts: { timeout?: number } = {}) =>
  execa(cmd, args, { reject: false, all: true, timeout: opts.timeout ?? 300_000, env: { ...process.env, LC_ALL: 'C.UTF-8' } })

/** A command inside the trixie root, from the project folder /work/<dir>. */
const inRoot = (dir: string, script: string, env: Record<string, string> = {}): [string, string[]] => {
  const vars = Object.entries({ PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', LANG: 'C.UTF-8', ...env }).map(([k, v]) => `${k}=${v}`)
  return ['chroot', [ROOT, '/usr/bin/env', '-i', ...vars, '/bin/sh', '-c', `cd /work/${dir} && ${script}`]]
}

/** Builds the Debian 13 root once (about 2–3 minutes); reused while the package list is unchanged. */
async function ensureRoot(): Promise<void> {
  const stampFile = join(ROOT, '.cca-stamp')
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === STAMP) return
  if (process.getuid?.() !== 0) throw new Error('the Ruby starter-app suite needs root (debootstrap and chroot): run it as root, as CI does')
  const debootstrap = requireTool('debootstrap')
  const tmp = `${ROOT}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  const r = await run(debootstrap, ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'trixie', tmp, MIRROR], { timeout: 900_000 })
  if (r.exitCode !== 0) throw new Error(`debootstrap of Debian trixie failed:\n${r.all?.slice(-4000)}`)
  writeFileSync(join(tmp, '.cca-stamp'), STAMP)
  rmSync(ROOT, { recursive: true, force: true })
  renameSync(tmp, ROOT)
}

/** Copies a rendered project into the root; returns its folder name under /work. */
function intoRoot(dir: string): string {
  const name = basename(dir)
  mkdirSync(join(ROOT, 'work'), { recursive: true })
  cpSync(dir, join(ROOT, 'work', name), { recursive: true })
  return name
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** Starts src/server.rb inside the root; returns a fetcher and a stopper that sends SIGTERM. */
async function startApp(dir: string, env: Record<string, string>) {
  const port = await freePort()
  const [cmd, args] = inRoot(dir, 'exec ruby src/server.rb', { PORT: String(port), ...env })
  // chroot, env and sh all exec, so the pid is Ruby's and SIGTERM reaches the app itself.
  const child = spawn(cmd, args)
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  const get = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init)
  for (let i = 0; i < 200; i++) {
    try {
      await get('/healthz')
      break
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return { get, output: () => out, stop: async () => (child.kill('SIGTERM'), exited) }
}

beforeAll(async () => {
  await ensureRoot()
})

describe('Gemfile.lock (Bundler checks it without reaching rubygems.org)', () => {
  it('is the same file under any project name, and consistent by Bundler’s own parser', async () => {
    const a = renderToDisk(validateAnswers({ name: 'lock-a', language: 'ruby' }), 'cca-rb-lock-')
    const b = renderToDisk(validateAnswers({ name: 'zz-other-name', language: 'ruby', database: 'mysql', cache: 'redis' }), 'cca-rb-lock-')
    expect(readFileSync(join(a, 'Gemfile.lock'), 'utf8')).toBe(readFileSync(join(b, 'Gemfile.lock'), 'utf8'))
    const dir = intoRoot(b)
    try {
      const check = `
        require 'bundler'
        lock = Bundler::LockfileParser.new(File.read('Gemfile.lock'))
        gemfile = Bundler::Dsl.new.tap { |d| d.eval_gemfile('Gemfile') }.dependencies
        locked = lock.specs.to_h { |s| [s.name, s] }
        problems = []
        lock.specs.each do |spec|
          spec.dependencies.each do |dep|
            target = locked[dep.name]
            problems << "#{spec.name} needs #{dep}, not locked" unless target && dep.requirement.satisfied_by?(target.version)
          end
        end
        gemfile.each do |dep|
          target = locked[dep.name]
          problems << "Gemfile wants #{dep}, not locked" unless target && dep.requirement.satisfied_by?(target.version)
        end
        wanted = gemfile.to_h { |d| [d.name, d.requirement.to_s] }
        declared = lock.dependencies.transform_values { |d| d.requirement.to_s }
        problems << "DEPENDENCIES #{declared} differ from the Gemfile #{wanted}" unless wanted == declared
        problems << "PLATFORMS #{lock.platforms.map(&:to_s)}" unless lock.platforms.map(&:to_s) == ['ruby']
        problems << "BUNDLED WITH #{lock.bundler_version}" unless lock.bundler_version.to_s == ENV.fetch('BUNDLER_PIN')
        # Every locked gem is reachable from the Gemfile: nothing stale is left in the lock.
        reach = ->(name, seen) { seen.add?(name) && locked[name].dependencies.each { |d| reach.(d.name, seen) }; seen }
        seen = gemfile.each_with_object(Set.new) { |d, s| reach.(d.name, s) }
        problems << "unused: #{locked.keys - seen.to_a}" unless (locked.keys - seen.to_a).empty?
        abort problems.join("\\n") unless problems.empty?
        puts "ok #{lock.specs.size} gems"`
      writeFileSync(join(ROOT, 'work', dir, 'check_lock.rb'), check)
      const [cmd, args] = inRoot(dir, 'ruby check_lock.rb', { BUNDLER_PIN: bundler.version! })
      const r = await run(cmd, args)
      expect(r.exitCode, r.all).toBe(0)
      expect(r.all).toMatch(/^ok 12 gems$/m)
    } finally {
      rmSync(join(ROOT, 'work', dir), { recursive: true, force: true })
    }
  })
})

describe('starter app for every database × cache (Debian 13 Ruby)', () => {
  const combos: Answers[] = DATABASES.flatMap((database) =>
    CACHES.map((cache) => validateAnswers({ name: `rb-${database}-${cache}`, language: 'ruby', database, cache })),
  )

  it.concurrent.each(combos.map((a) => [`${a.database} + ${a.cache}`, a] as const))('%s: passes its own tests and serves its contract', async (_n, answers) => {
    const ctx = buildContext(answers, { name: 't', version: '0' })
    const dir = intoRoot(renderToDisk(answers, 'cca-rb-'))
    try {
      // The project's own test command, less `bundle exec` (the locked versions are not here).
      const [tcmd, targs] = inRoot(dir, 'rake test')
      const test = await run(tcmd, targs)
      expect(test.exitCode, test.all).toBe(0)
      expect(test.all).toMatch(/\d+ runs, \d+ assertions, 0 failures, 0 errors, 0 skips/)

      // Each configured dependency points at a closed port: alive, but not ready.
      const closed = CLOSED_PORT
      const env: Record<string, string> = { LOG_LEVEL: 'debug' }
      for (const s of ctx.services) {
        env[s.urlEnv] = s.url
          .replace(/\$\{[A-Z_]+\}/g, 'x')
          .replace(/@[a-z]+:\d+/, `@127.0.0.1:${closed}`)
          .replace(/^memcached:\/\/[a-z]+:\d+/, `memcached://127.0.0.1:${closed}`)
      }
      const app = await startApp(dir, env)
      const health = await app.get('/healthz')
      expect(health.status).toBe(200)
      expect(await health.json()).toEqual({ status: 'ok' })
      const ready = await app.get('/readyz')
      if (ctx.services.length === 0) expect(ready.status).toBe(200)
      else {
        expect(ready.status).toBe(503)
        const body = (await ready.json()) as { checks: Record<string, string> }
        expect(Object.keys(body.checks).sort()).toEqual(ctx.services.map((s) => s.id).sort())
      }
      expect((await app.get('/nope')).status).toBe(404)
      expect((await app.get('/healthz', { method: 'DELETE' })).status).toBe(405)
      expect(await app.stop()).toBe(0)
      // JSON lines only, every one with a level and a message.
      const lines = app.output().trim().split('\n')
      for (const l of lines) expect(JSON.parse(l)).toEqual(expect.objectContaining({ level: expect.any(String), msg: expect.any(String) }))
      expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(expect.arrayContaining(['listening', 'shutting down', 'shutdown complete']))

      // A missing connection URL is refused at start with exit code 1 and one JSON line.
      if (ctx.services.length) {
        const [bcmd, bargs] = inRoot(dir, 'exec ruby src/server.rb')
        const bad = await run(bcmd, bargs, { timeout: 60_000 })
        expect(bad.exitCode).toBe(1)
        expect(JSON.parse(bad.all!.trim())).toEqual(expect.objectContaining({ level: 'error', msg: 'invalid configuration' }))
      }
    } finally {
      rmSync(join(ROOT, 'work', dir), { recursive: true, force: true })
    }
  }, 300_000)
})

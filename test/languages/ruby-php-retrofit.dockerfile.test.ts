import { describe, expect, it } from 'vitest'
import type { AppFacts } from '../../src/detect/types.js'
import { binds, command, retrofit, setsVar } from './retrofit-helpers.js'

// Ruby and PHP Dockerfiles of existing apps, field by field of the runtime contract (issue 18).
const ruby = (app: AppFacts, raw: Record<string, unknown> = {}) => retrofit({ name: 'app', language: 'ruby', framework: 'sinatra', port: 9292, ...raw }, app)
const php = (app: AppFacts, raw: Record<string, unknown> = {}) => retrofit({ name: 'app', language: 'php', framework: 'plain', ...raw }, app)
const TCP = { liveness: null, readiness: null }

describe('Ruby retrofit', () => {
  it('no Gemfile.lock: Bundler is not frozen, installs from the Gemfile alone, and the lock it writes ships', () => {
    const r = ruby({ installFiles: ['Gemfile'], unlocked: true })
    expect(r.text).not.toContain('BUNDLE_FROZEN')
    expect(r.text).toMatch(/^# No Gemfile\.lock in the app/m)
    for (const s of ['deps', 'prod-deps']) expect(binds(r.runs(s)[0]!)).toEqual(['Gemfile'])
    expect(r.copies('prod')).toContain('--from=prod-deps /app/Gemfile.lock ./')
    expect(r.copies('prod')).not.toContain('Gemfile Gemfile.lock ./')
  })

  it('with Gemfile.lock: frozen, as a new service', () => {
    const r = ruby({ installFiles: ['Gemfile', 'Gemfile.lock'] })
    expect(r.env('base')).toBe('BUNDLE_FROZEN=true')
    expect(r.text).not.toContain('--from=prod-deps /app/Gemfile.lock')
  })

  it('a Rack app ships its own tree and runs on Puma bound to its port (not the starter’s src/server.rb)', () => {
    const r = ruby({ installFiles: ['Gemfile', 'Gemfile.lock'] })
    expect(r.copies('prod')).toEqual(['--from=prod-deps /usr/local/bundle /usr/local/bundle', '. .'])
    expect(r.cmd('prod')).toEqual(['bundle', 'exec', 'puma', '--bind', 'tcp://0.0.0.0:9292'])
    expect(r.cmd('dev')).toEqual(['bundle', 'exec', 'puma', '--bind', 'tcp://0.0.0.0:9292'])
    expect(r.text).not.toContain('src/server.rb')
  })

  it('Rails keeps its config/puma.rb', () => {
    expect(ruby({}, { framework: 'rails', port: 3000 }).cmd('prod')).toEqual(['bundle', 'exec', 'puma', '--config', 'config/puma.rb'])
  })

  it('health: the route with Net::HTTP, or a TCP connect, on the app’s port variable', () => {
    const path = ruby({ health: { liveness: '/up', readiness: '/up' }, portEnv: 'APP_PORT' })
    expect(path.probe()).toEqual(['ruby', '-rnet/http', '-e', "exit((Net::HTTP.start('127.0.0.1', ENV.fetch('APP_PORT'), open_timeout: 2, read_timeout: 2) { |h| h.get('/up').is_a?(Net::HTTPSuccess) } rescue false) ? 0 : 1)"])
    expect(path.env('prod')).toContain('APP_PORT=9292')
    expect(setsVar(path.env('prod'), 'PORT')).toBe(false)
    expect(ruby({ health: TCP }).probe()).toEqual(['ruby', '-rsocket', '-e', "exit((Socket.tcp('127.0.0.1', ENV.fetch('PORT'), connect_timeout: 2) { true } rescue false) ? 0 : 1)"])
  })

  it('run-time files stay in the context', () => {
    expect(ruby({ runtimePaths: ['views', 'public'] }).ignore.slice(-2)).toEqual(['!views', '!public'])
  })
})

describe('PHP retrofit', () => {
  it('no composer.lock: mounts composer.json alone and says the install resolves', () => {
    const r = php({ installFiles: ['composer.json'], unlocked: true })
    for (const s of ['deps', 'prod-deps']) expect(binds(r.runs(s)[0]!)).toEqual(['composer.json'])
    expect(command(r.runs('deps')[0]!)).toMatch(/^composer install /)
    expect(r.text).toMatch(/^# No composer\.lock in the app/m)
  })

  it('a plain-PHP app ships its whole tree and starts FrankenPHP directly (it has no bin/preflight.php)', () => {
    const r = php({})
    expect(r.copies('prod')).toEqual(['--from=build /app ./'])
    expect(r.cmd('prod')).toEqual(['frankenphp', 'run', '--config', '/etc/frankenphp/Caddyfile'])
    expect(r.cmd('test')).toEqual(['vendor/bin/phpunit'])
    expect(r.text).not.toContain('preflight')
  })

  it('Laravel keeps its config:cache start', () => {
    expect(php({}, { framework: 'laravel' }).cmd('prod')[2]).toMatch(/^php artisan config:cache/)
  })

  it('health: the route, or fsockopen on the port; the Caddyfile and the check read the app’s port variable', () => {
    const r = php({ health: TCP, portEnv: 'APP_PORT' })
    expect(r.probe()).toEqual(['php', '-r', "exit(@fsockopen('127.0.0.1', (int) getenv('APP_PORT'), $errno, $errstr, 2) === false ? 1 : 0);"])
    expect(r.text).toContain("'http://:{$APP_PORT:8080} {'")
    expect(r.env('runtime')).toContain('APP_PORT=8080')
    const path = php({ health: { liveness: '/health.php', readiness: '/health.php' } }).probe()!
    expect(path[2]).toContain("getenv('PORT') . '/health.php'")
  })
})

import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { FRANKENPHP_VERSION } from '../../src/registry/languages/php.js'
import { parseDockerfile, type Instruction, type Stage } from '../helpers/dockerfile.js'
import { renderMap, writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// The PHP Dockerfile's shape depends on the framework (plain starter or Laravel) and, for
// Laravel, on the services (PHP extensions). Laravel is not selectable yet (see php.ts), so
// its answers are built from a plain set with the framework swapped in: generate() renders
// any framework the registry lists.
const php = LANGUAGE_CHOICES.find((l) => l.id === 'php')!
const pm = php.packageManagers[0]!
const plain = (raw: Record<string, unknown>): Answers => validateAnswers({ language: 'php', ...raw })
const laravel = (raw: Record<string, unknown>): Answers => ({ ...plain(raw), framework: 'laravel' })

const cases: Answers[] = [
  plain({ name: 'df-plain', database: 'postgres', cache: 'redis' }),
  plain({ name: 'df-plain-port', port: 8443, languageVersion: '8.4' }),
  laravel({ name: 'df-laravel' }),
  laravel({ name: 'df-laravel-pg', database: 'postgres', cache: 'redis' }),
  laravel({ name: 'df-laravel-mongo', database: 'mongodb', cache: 'memcached' }),
  laravel({ name: 'df-laravel-maria', database: 'mariadb', cache: 'valkey' }),
]

/** The Caddyfile the runtime stage writes with printf: one single-quoted argument per line. */
function caddyfileOf(dockerfile: string): string {
  const { stages } = parseDockerfile(dockerfile)
  const run = stages.find((s) => s.name === 'runtime')!.body.find((i) => i.keyword === 'RUN' && i.args.includes('/etc/frankenphp/Caddyfile'))!
  const printf = run.args.slice(run.args.indexOf("printf '%b\\n'") + "printf '%b\\n'".length, run.args.indexOf('> /etc/frankenphp/Caddyfile'))
  // %b expands the \t escapes into tabs.
  return [...printf.matchAll(/'([^']*)'/g)].map((m) => m[1]!.replaceAll('\\t', '\t')).join('\n') + '\n'
}

describe.each(cases.map((a) => [`${a.framework} ${a.database}/${a.cache} port ${a.port}`, a] as const))('PHP Dockerfile practices: %s', (_n, answers) => {
  const files = renderMap(answers)
  const text = files.get('Dockerfile')!
  const { global, stages } = parseDockerfile(text)
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name)
    if (!s) throw new Error(`no stage ${name}`)
    return s
  }
  const all = (name: string, keyword: string): Instruction[] => stage(name).body.filter((i) => i.keyword === keyword)
  const isLaravel = answers.framework === 'laravel'
  const prod = stage('prod')
  const cmd = (name: string): string[] => JSON.parse(all(name, 'CMD').at(-1)!.args) as string[]

  it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
    expect(text).toMatch(/^# check=error=true$/m)
  })

  it('pins FrankenPHP, PHP and Composer through ARGs, with one place to switch registries', () => {
    const args = global.filter((i) => i.keyword === 'ARG').map((i) => i.args)
    expect(args).toEqual([
      `PHP_VERSION=${answers.languageVersion}`,
      `FRANKENPHP_VERSION=${FRANKENPHP_VERSION}`,
      'PHP_IMAGE=dunglas/frankenphp:${FRANKENPHP_VERSION}-php${PHP_VERSION}-trixie',
      `COMPOSER_VERSION=${pm.version}`,
      'COMPOSER_IMAGE=composer:${COMPOSER_VERSION}',
    ])
    expect(FRANKENPHP_VERSION).toMatch(/^\d+\.\d+\.\d+$/)
    expect(pm.version).toMatch(/^\d+\.\d+\.\d+$/)
    const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
    expect(external.sort()).toEqual(['${COMPOSER_IMAGE}', '${PHP_IMAGE}'])
  })

  it('has named dev, test and prod targets, with prod last (the default build)', () => {
    expect(stages.map((s) => s.name)).toEqual(['composer', 'runtime', 'toolchain', 'deps', 'prod-deps', 'build', 'source', 'dev', 'test', 'prod'])
    expect(stage('prod').from).toBe('runtime')
  })

  it('installs exactly from composer.lock, with the manifests mounted before any source copy and a cache mount', () => {
    for (const [name, command] of [['deps', pm.install], ['prod-deps', pm.installProd]] as const) {
      const runs = all(name, 'RUN')
      expect(runs).toHaveLength(1)
      for (const m of pm.manifests) expect(runs[0]!.args).toContain(`--mount=type=bind,source=${m},target=/app/${m}`)
      expect(runs[0]!.args).toContain(`--mount=type=cache,target=${pm.cacheDir}`)
      expect(runs[0]!.args.endsWith(command)).toBe(true)
      expect(all(name, 'COPY')).toEqual([])
    }
    expect(pm.manifests).toEqual(['composer.json', 'composer.lock'])
    expect(pm.install).toMatch(/^composer install .*--no-scripts --no-autoloader --prefer-dist$/)
    expect(pm.installProd).toMatch(/^composer install .*--no-dev .*--no-scripts --no-autoloader --prefer-dist$/)
    expect(pm.install).not.toContain('--no-dev')
    // The autoloader (and Laravel's scripts) run after the source is in.
    expect(stage('build').body.map((i) => i.keyword)).toEqual(['COPY', 'RUN'])
    expect(all('build', 'RUN')[0]!.args).toMatch(/^composer dump-autoload --no-dev --optimize/)
    expect(stage('toolchain').body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining(`COMPOSER_CACHE_DIR=${pm.cacheDir}`) }))
  })

  it('takes Composer from the official image, into the build stages only', () => {
    expect(stage('composer').from).toBe('${COMPOSER_IMAGE}')
    expect(all('toolchain', 'COPY').map((i) => i.args)).toEqual(['--from=composer /usr/bin/composer /usr/local/bin/composer'])
    for (const s of ['runtime', 'prod']) expect(stage(s).body.some((i) => i.args.includes('composer /usr'))).toBe(false)
    expect(['deps', 'prod-deps'].map((s) => stage(s).from)).toEqual(['toolchain', 'toolchain'])
  })

  it('ships only production dependencies and the app, owned by root; no tests, no source tree extras', () => {
    const copies = all('prod', 'COPY').map((i) => i.args)
    for (const c of copies) expect(c).toMatch(/^--from=build /)
    if (isLaravel) {
      expect(copies).toEqual([
        '--from=build /app ./',
        '--from=build --chown=1000:1000 /app/storage ./storage',
        '--from=build --chown=1000:1000 /app/bootstrap/cache ./bootstrap/cache',
      ])
      expect(all('build', 'RUN')[0]!.args).toMatch(/&& rm -rf tests$/)
    } else {
      expect(copies).toEqual(['--from=build /app/vendor ./vendor', '--from=build /app/bin ./bin', '--from=build /app/public ./public', '--from=build /app/src ./src'])
      expect(all('build', 'RUN')[0]!.args).toContain('--classmap-authoritative')
    }
  })

  it('runs PHP with the production php.ini and OPcache without file checks; dev and test use the development one', () => {
    const run = all('prod', 'RUN')[0]!.args
    expect(run).toContain('cp "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini"')
    for (const line of ['expose_php = Off', 'opcache.enable = 1', 'opcache.validate_timestamps = 0']) expect(run).toContain(`'${line}'`)
    expect(run).toMatch(/rm -f \/usr\/local\/bin\/install-php-extensions .*\/usr\/local\/bin\/pecl/)
    expect(all('source', 'RUN')[0]!.args).toContain('php.ini-development')
  })

  it('runs as a fixed non-root UID, exec-form CMD that execs FrankenPHP, exposes the real port, has a HEALTHCHECK', () => {
    expect(all('prod', 'USER').at(-1)!.args).toMatch(/^[1-9]\d*:[1-9]\d*$/)
    expect(all('source', 'USER').at(-1)!.args).toBe('1000:1000')
    const prodCmd = cmd('prod')
    expect(prodCmd.slice(0, 2)).toEqual(['sh', '-c'])
    expect(prodCmd[2]).toMatch(/ && exec frankenphp run --config \/etc\/frankenphp\/Caddyfile$/)
    expect(prodCmd[2]).toMatch(isLaravel ? /^php artisan config:cache / : /^php bin\/preflight\.php /)
    expect(all('prod', 'EXPOSE').map((i) => i.args)).toEqual([String(answers.port)])
    expect(all('dev', 'EXPOSE').map((i) => i.args)).toEqual([String(answers.port)])
    expect(cmd('dev').join(' ')).toContain('frankenphp run --config /etc/frankenphp/Caddyfile')
    expect(cmd('test')).toEqual(isLaravel ? expect.arrayContaining(['sh', '-c']) : ['php', 'tests/run.php'])
    if (isLaravel) expect(cmd('test')[2]).toMatch(/exec php artisan test$/)
    const hc = all('prod', 'HEALTHCHECK')[0]!.args
    expect(hc).toMatch(/^--interval=\S+ --timeout=\S+ .*CMD \[/)
    const probe = JSON.parse(hc.slice(hc.indexOf('CMD ') + 4)) as string[]
    expect(probe.slice(0, 2)).toEqual(['php', '-r'])
    expect(probe[2]).toContain(`getenv('PORT') . '${isLaravel ? '/up' : '/healthz'}'`)
    expect(stage('runtime').body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining(`PORT=${answers.port}`) }))
    expect(prod.body.some((i) => i.keyword === 'STOPSIGNAL')).toBe(false)
  })

  it('removes the binary capability and configures FrankenPHP from the environment', () => {
    const run = stage('runtime').body.find((i) => i.keyword === 'RUN')!.args
    expect(run).toMatch(/^setcap -r \/usr\/local\/bin\/frankenphp /)
    const caddyfile = caddyfileOf(text)
    for (const line of [
      'auto_https off',
      'admin off',
      'persist_config off',
      'shutdown_delay {$SHUTDOWN_DELAY_MS:0}ms',
      'grace_period {$SHUTDOWN_TIMEOUT_MS:10000}ms',
      'output stdout',
      'format json',
      'level {$LOG_LEVEL:info}',
      `http://:{$PORT:${answers.port}} {`,
      'bind {$HOST:0.0.0.0}',
      'root /app/public',
      'request_header X-Server-Shutting-Down {http.shutting_down}',
      'php_server',
    ]) {
      expect(caddyfile.split('\n').map((l) => l.trim())).toContain(line)
    }
    // Balanced braces: the file parses as blocks.
    const structural = caddyfile.replace(/\{\$[A-Z_]+(:[^}]*)?\}|\{http\.[a-z_]+\}/g, '')
    expect((structural.match(/\{/g) ?? []).length).toBe((structural.match(/\}/g) ?? []).length)
    if (!isLaravel) expect(files.get('src/App.php')).toContain("SHUTTING_DOWN_HEADER = 'X-Server-Shutting-Down'")
    // Caddy's state directories live on the writable /tmp.
    expect(stage('runtime').body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringMatching(/XDG_CONFIG_HOME=\/tmp\/.* XDG_DATA_HOME=\/tmp\//) }))
  })

  it('Laravel: extensions for the chosen services, caches at build, config:cache at start into /tmp', () => {
    const ext = stage('runtime').body.filter((i) => i.keyword === 'RUN' && i.args.startsWith('install-php-extensions'))
    if (!isLaravel || (answers.database === 'none' && answers.cache === 'none')) {
      expect(ext).toEqual([])
      return
    }
    const wanted = { postgres: 'pdo_pgsql', mysql: 'pdo_mysql', mariadb: 'pdo_mysql', mongodb: 'mongodb', none: '' }[answers.database]
    const cacheExt = { redis: 'redis', valkey: 'redis', memcached: 'memcached', none: '' }[answers.cache]
    expect(ext.map((i) => i.args)).toEqual([['install-php-extensions', wanted, cacheExt].filter(Boolean).join(' ')])
    expect(all('build', 'RUN')[0]!.args).toMatch(/php artisan route:cache\s+&&\s+php artisan view:cache\s+&&\s+php artisan event:cache/)
    const env = all('prod', 'ENV').map((i) => i.args).join(' ')
    for (const v of ['APP_ENV=production', 'APP_DEBUG=false', 'APP_CONFIG_CACHE=/tmp/', 'LOG_CHANNEL=stderr', 'LOG_STDERR_FORMATTER=']) expect(env).toContain(v)
  })

  it('removes package managers from the runtime and carries OCI labels', () => {
    const label = all('prod', 'LABEL')[0]!.args
    for (const k of ['title', 'version', 'revision', 'base.name']) expect(label).toContain(`org.opencontainers.image.${k}=`)
    expect(prod.body.at(-1)!.keyword).toBe('LABEL')
  })

  it('keeps secrets out of ENV and ARG', () => {
    const envs = [...global, ...stages.flatMap((s) => s.body)].filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
    for (const i of envs) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE|APP_KEY)/i)
  })

  it('.dockerignore drops dependencies, VCS, secrets and deploy files but keeps what the build needs', () => {
    const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
    for (const p of ['.git', 'vendor', '**/.env', '**/.env.*', '!.env.example', '!.env.sample', 'auth.json', 'compose*.yaml', '.containerized']) expect(ignore).toContain(p)
    const needed = isLaravel
      ? [...pm.manifests, 'artisan', 'app', 'bootstrap', 'config', 'database', 'public', 'resources', 'routes', 'storage', 'tests']
      : [...pm.manifests, 'bin', 'public', 'src', 'tests']
    for (const n of needed) expect(ignore.some((p) => p === n || p === `${n}*` || (p.endsWith('*') && !p.includes('/') && n.startsWith(p.slice(0, -1))))).toBe(false)
    // Every top-level file the starter writes reaches the build context.
    if (!isLaravel) for (const f of files.keys()) if (/^(bin|public|src|tests)\//.test(f)) expect(ignore.some((p) => f.startsWith(`${p}/`) || f === p)).toBe(false)
  })
})

// The shared linter suite covers the frameworks users can pick; Laravel is linted here.
describe('PHP Dockerfile linters (Laravel variants)', () => {
  let buildkitLint: string
  let hadolint: string
  beforeAll(() => {
    buildkitLint = requireTool('dockerfile-lint')
    hadolint = requireTool('hadolint')
  })
  it.concurrent.each(cases.filter((a) => a.framework === 'laravel').map((a) => [a.name, a] as const))('%s: BuildKit checks and hadolint report nothing', async (_n, answers) => {
    const dir = writeTree(generate(answers).files.filter((f) => f.path === 'Dockerfile'), 'cca-php-lint-')
    const file = join(dir, 'Dockerfile')
    const bk = await execa(buildkitLint, ['--json', file], { reject: false, env: toolsEnv() })
    expect(bk.exitCode, bk.stderr).toBe(0)
    expect(JSON.parse(bk.stdout || '[]')).toEqual([])
    const hl = await execa(hadolint, ['--no-color', '--format', 'json', file], { reject: false, env: toolsEnv() })
    expect(hl.exitCode, hl.stdout).toBe(0)
    expect(JSON.parse(hl.stdout || '[]')).toEqual([])
  })
})

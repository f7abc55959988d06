import { createHash } from 'node:crypto'
import { commonContract, relPath, unlockedNote } from './contract.js'
import type { LanguageChoice, PackageManagerChoice, TemplateDataInput } from './types.js'
import { wrap } from './ui-stage.js'
import { cacheOf } from './cache-mounts.js'

const COMPOSER: PackageManagerChoice = {
  id: 'composer',
  label: 'Composer',
  available: true,
  // The official `composer` image the Dockerfile copies the binary from.
  version: '2.10.2',
  manifests: ['composer.json', 'composer.lock'],
  ...cacheOf('/root/.cache/composer'),
  // Scripts and the autoloader wait for the source: `composer dump-autoload` runs after COPY.
  install: 'composer install --no-interaction --no-scripts --no-autoloader --prefer-dist',
  installProd: 'composer install --no-interaction --no-dev --no-scripts --no-autoloader --prefer-dist',
  run: 'composer run-script',
}

/** FrankenPHP release the runtime image is built from (dunglas/frankenphp:<this>-php<PHP>-trixie). */
export const FRANKENPHP_VERSION = '1.12.7'

/**
 * Composer's `content-hash` of the starter's composer.json, which Composer compares with
 * composer.lock on every install. The name is part of it, so it is computed per project
 * exactly as Composer does (Locker::getContentHash): the relevant keys, sorted, encoded by
 * json_encode without flags (slashes escaped), md5.
 */
export function composerContentHash(composerName: string): string {
  // Same key order as composer.json.hbs: only the top level is sorted.
  const relevant = { name: composerName, require: { php: '>=8.2', 'ext-openssl': '*' } }
  return createHash('md5').update(JSON.stringify(relevant).replaceAll('/', '\\/')).digest('hex')
}

/**
 * Composer package names are `vendor/project`: the project name becomes the package name
 * (Composer allows at most two hyphens in a row).
 */
export function composerName(name: string): string {
  return `app/${name.replace(/-{3,}/g, '--')}`
}

function templateData({ name, port, framework, packageManager, app = {} }: TemplateDataInput): Readonly<Record<string, unknown>> {
  const laravel = framework.id === 'laravel'
  // The web server binds, not the app: its address is the Caddyfile's, so no host variable.
  const common = commonContract(app, { hostEnv: null })
  const files = (app.installFiles ?? packageManager.manifests).map(relPath).filter((f): f is string => f !== null)
  const locked = !app.unlocked && files.includes('composer.lock')
  const serve = ['frankenphp', 'run', '--config', '/etc/frankenphp/Caddyfile']
  // Exec-form argv of each target (rendered with the `json` helper). The server reads its
  // settings at start, so a shell runs the start-up step, then `exec` hands PID 1 (or
  // tini's child) to FrankenPHP, which receives SIGTERM itself.
  const commands = laravel
    ? {
        prod: ['sh', '-c', 'php artisan config:cache --no-interaction --quiet && exec frankenphp run --config /etc/frankenphp/Caddyfile'],
        dev: serve,
        // Laravel's tests need an APP_KEY; a throw-away one is made unless the environment sets one.
        test: ['sh', '-c', 'APP_KEY="${APP_KEY:-$(php artisan key:generate --show --no-ansi)}" exec php artisan test'],
      }
    : {
        prod: ['sh', '-c', 'php bin/preflight.php && exec frankenphp run --config /etc/frankenphp/Caddyfile'],
        dev: ['sh', '-c', 'php bin/preflight.php && exec frankenphp run --config /etc/frankenphp/Caddyfile'],
        test: ['php', 'tests/run.php'],
      }
  return {
    ...common,
    frankenphpVersion: FRANKENPHP_VERSION,
    composerName: composerName(name),
    composerContentHash: composerContentHash(composerName(name)),
    laravel,
    // Caddyfile site address: plain HTTP on the port variable (read when the server starts), this default.
    caddyAddress: `http://:{$${common.portEnv}:${port}}`,
    commands,
    // An existing plain-PHP app has no bin/preflight.php: the server starts at once, and its
    // tests are PHPUnit's. Laravel's commands fit every Laravel app.
    retrofitCommands: laravel ? commands : { prod: serve, dev: serve, test: ['vendor/bin/phpunit'] },
    mounts: files,
    // Composer's install resolves and locks by itself when there is no composer.lock.
    unlockedNote: locked ? [] : wrap(unlockedNote('composer.lock')),
    // The health endpoint the image's HEALTHCHECK calls: Laravel 11+ serves `/up` out of the box.
    healthPath: laravel ? '/up' : '/healthz',
  }
}

/**
 * PHP on FrankenPHP (Caddy with PHP built in): one process per container that serves HTTP,
 * runs PHP in threads and stops gracefully on SIGTERM. The starter app needs no Composer
 * packages besides the autoloader.
 */
export const PHP: LanguageChoice = {
  id: 'php',
  label: 'PHP',
  available: true,
  defaultPort: 8080,
  // PHP reads source files on every request: synced changes apply without a restart.
  dev: { debugPort: null, environment: {}, sync: ['src', 'public'] },
  defaultVersion: '8.5.9',
  // FrankenPHP publishes images for PHP 8.2 to 8.5, tagged by minor or patch version.
  versionPattern: /^8\.[2-9](\.\d{1,2})?$/,
  versionHint: 'a PHP version FrankenPHP publishes images for, such as 8.5, 8.4 or 8.5.9',
  templateData,
  packageManagers: [COMPOSER],
  frameworks: [
    { id: 'plain', label: 'Plain PHP (no framework)', available: true, starter: 'php/app' },
    // Container files only. Not available until the shared matrix test skips the starter-source
    // checks for frameworks without a starter app (see the report).
    {
      id: 'laravel',
      label: 'Laravel (container files only)',
      available: true,
      starter: null,
      // Laravel's code lives in its own top-level folders, not src/ (bootstrap/cache is the container's).
      dev: { sync: ['app', 'config', 'database', 'public', 'resources', 'routes'] },
    },
  ],
}

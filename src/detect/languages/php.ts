import type { DetectionWarning, Evidence } from '../types.js'
import { firstVersion, toolVersionFiles } from '../versions.js'
import { found, record, type LanguageRule, type ProjectFindings } from './types.js'


/** PHP: composer.json; Laravel, or any app with a public/index.php front controller. */
export const phpRule: LanguageRule = {
  id: 'php',
  manifests: /^composer\.json$/,
  detect(f, root) {
    const composer = f.json('composer.json')
    if (!composer) return undefined
    const file = f.path('composer.json')
    const require = record(composer.require)
    const all = { ...record(composer['require-dev']), ...require }
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const name = typeof composer.name === 'string' ? composer.name.split('/').pop() : undefined
    const out: ProjectFindings = { language: 'php', manifest: file, strength: 1, sourceExt: /\.php$|(^|\/)Caddyfile$/, deps: Object.keys(all).map((n) => ({ name: n, file, ...(n in require ? {} : { dev: true }) })), app: {}, warnings, notes, ...(name ? { name } : {}) }
    if ('laravel/framework' in require || f.has('artisan')) {
      out.framework = found('laravel', 'laravel/framework' in require ? 'high' : 'medium', file, 'laravel/framework' in require ? 'requires laravel/framework' : 'an artisan script')
    } else if (f.has('public/index.php') || f.has('index.php')) {
      const symfony = 'symfony/framework-bundle' in require ? 'Symfony' : 'slim/slim' in require ? 'Slim' : undefined
      out.framework = found('plain', symfony ? 'high' : 'medium', f.path(f.first('public/index.php', 'index.php')!), `a front controller${symfony ? ` (${symfony}); the FrankenPHP files serve public/ the same way` : ''}`)
      if (symfony) out.frameworkName = symfony
    } else out.notRunnable = 'no front controller (public/index.php) and not Laravel: a library'
    if (out.framework) {
      out.strength = out.framework.confidence === 'high' ? 3 : 2
      // The app does not choose its port: the web server does.
      out.defaultPort = { port: 8080, confidence: 'medium', reason: 'FrankenPHP serves the app on 8080 in the image' }
    }
    out.packageManager = found('composer', 'high', file, 'Composer')
    if (!f.has('composer.lock') && out.strength > 1) warnings.push({ code: 'no-lockfile', file, message: 'no composer.lock: the image installs exactly what it locks; run `composer update --lock` and commit it' })
    const platform = record(record(composer.config).platform).php
    const v = firstVersion('php', [
      toolVersionFiles(f, 'php'),
      platform ? { text: platform, file, reason: `config.platform.php ${platform}` } : undefined,
      require.php ? { text: require.php, file, reason: `"php": "${require.php}"`, minimum: /^\s*>/.test(require.php) } : undefined,
      ...(f.dir !== root.dir ? [toolVersionFiles(root, 'php')] : []),
    ])
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

import type { Folder } from '../repo.js'
import type { DetectionWarning, Evidence } from '../types.js'
import { firstVersion, toolVersionFiles, versionFile } from '../versions.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

/** Ruby: a Gemfile; Rails or Sinatra (anything Rack-based runs like Sinatra, on Puma). */
export const rubyRule: LanguageRule = {
  id: 'ruby',
  manifests: /^(?:Gemfile|config\.ru)$/,
  detect(f: Folder, root: Folder) {
    const gemfile = f.read('Gemfile')
    if (gemfile === undefined) return undefined
    const file = f.path('Gemfile')
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const gems = [...gemfile.matchAll(/^\s*gem\s+["']([\w-]+)["']/gm)].map((m) => m[1]!)
    const out: ProjectFindings = { language: 'ruby', manifest: file, strength: 1, sourceExt: /\.rb$|(^|\/)config\.ru$|(^|\/)Procfile$/, deps: gems.map((name) => ({ name, file })), app: {}, warnings, notes }
    if (gems.includes('rails') || gems.includes('railties') || f.has('bin/rails') || f.has('config/application.rb')) {
      out.framework = found('rails', gems.includes('rails') ? 'high' : 'medium', file, gems.includes('rails') ? 'gem "rails"' : 'a Rails application layout')
      out.defaultPort = { port: 3000, confidence: 'medium', reason: 'Rails (Puma) listens on 3000' }
      if (f.files.some((p) => p.startsWith('app/assets/') || p.startsWith('app/javascript/'))) {
        notes.push({ file: f.path('app/assets'), reason: 'assets:precompile runs in the image build with SECRET_KEY_BASE_DUMMY=1; no real secret is needed' })
      }
    } else if (gems.includes('sinatra') || f.has('config.ru')) {
      out.framework = found('sinatra', gems.includes('sinatra') ? 'high' : 'medium', gems.includes('sinatra') ? file : f.path('config.ru'), gems.includes('sinatra') ? 'gem "sinatra"' : 'a Rack app (config.ru) on Puma')
      out.defaultPort = { port: 3000, confidence: 'low', reason: 'no port found; Puma listens on the PORT the container sets' }
    } else out.notRunnable = 'neither Rails nor a Rack app (config.ru): a gem or tooling'
    if (out.framework) out.strength = out.framework.confidence === 'high' ? 3 : 2
    out.packageManager = found('bundler', f.has('Gemfile.lock') ? 'high' : 'medium', f.path(f.has('Gemfile.lock') ? 'Gemfile.lock' : 'Gemfile'), 'Bundler')
    if (!f.has('Gemfile.lock') && out.strength > 1) warnings.push({ code: 'no-lockfile', file, message: 'no Gemfile.lock: the image installs with BUNDLE_FROZEN; run `bundle lock` and commit it' })
    const web = /^web:\s*(.+)$/m.exec(f.read('Procfile') ?? '')
    if (web) out.startCommand = found(web[1]!.trim(), 'high', f.path('Procfile'), 'Procfile web process')
    const gemRuby = /^\s*ruby\s+["']([\d.]+)["']/m.exec(gemfile)
    const lockRuby = /RUBY VERSION\s+ruby (\d+\.\d+\.\d+)/.exec(f.read('Gemfile.lock') ?? '')
    const v = firstVersion('ruby', [
      versionFile(f, '.ruby-version'),
      toolVersionFiles(f, 'ruby'),
      gemRuby ? { text: gemRuby[1]!, file, reason: `ruby "${gemRuby[1]}"` } : undefined,
      lockRuby ? { text: lockRuby[1]!, file: f.path('Gemfile.lock'), reason: `RUBY VERSION ${lockRuby[1]}` } : undefined,
      ...(f.dir !== root.dir ? [versionFile(root, '.ruby-version')] : []),
    ])
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

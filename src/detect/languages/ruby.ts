import type { Dependency } from '../backing.js'
import type { Folder } from '../repo.js'
import type { DetectionWarning, Evidence } from '../types.js'
import { firstVersion, toolVersionFiles, versionFile } from '../versions.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

/** Gems of a Gemfile; those only in development and test groups are flagged. */
function gemDeps(gemfile: string, file: string): Dependency[] {
  const out: Dependency[] = []
  const groups: string[][] = []
  const devOnly = (gs: string[]) => gs.length > 0 && gs.every((g) => /^(?:development|test)$/.test(g))
  for (const line of gemfile.split('\n')) {
    const group = /^\s*group\s+(.+?)\s+do\b/.exec(line)
    if (group) {
      groups.push([...group[1]!.matchAll(/:(\w+)|["'](\w+)["']/g)].map((m) => m[1] ?? m[2]!))
      continue
    }
    if (/^\s*end\b/.test(line) && groups.length) {
      groups.pop()
      continue
    }
    const gem = /^\s*gem\s+["']([\w-]+)["'](.*)$/.exec(line)
    if (!gem) continue
    const inline = /\bgroups?:\s*(\[[^\]]*\]|:\w+)/.exec(gem[2]!)
    const own = inline ? [...inline[1]!.matchAll(/:(\w+)/g)].map((m) => m[1]!) : []
    const dev = devOnly(own.length ? own : groups.flat())
    out.push({ name: gem[1]!, file, ...(dev ? { dev } : {}) })
  }
  return out
}

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
    const deps = gemDeps(gemfile, file)
    const gems = deps.filter((d) => !d.dev).map((d) => d.name)
    const out: ProjectFindings = { language: 'ruby', manifest: file, strength: 1, sourceExt: /\.rb$|(^|\/)config\.ru$|(^|\/)Procfile$/, deps, app: {}, warnings, notes }
    // The Gemfile decides: config/application.rb without the rails gem is some other Rack app's.
    const rails = gems.find((g) => g === 'rails' || g === 'railties')
    const rack = ['sinatra', 'roda', 'hanami', 'grape', 'cuba', 'rack'].find((g) => gems.includes(g))
    if (rails) {
      out.framework = found('rails', 'high', file, `gem "${rails}"`)
      out.defaultPort = { port: 3000, confidence: 'medium', reason: 'Rails (Puma) listens on 3000' }
      if (f.files.some((p) => p.startsWith('app/assets/') || p.startsWith('app/javascript/'))) {
        notes.push({ file: f.path('app/assets'), reason: 'assets:precompile runs in the image build with SECRET_KEY_BASE_DUMMY=1; no real secret is needed' })
      }
    } else if (rack || f.has('config.ru')) {
      const layout = f.has('config/application.rb') ? '; config/application.rb is not Rails without the rails gem' : ''
      out.framework = found('sinatra', rack ? 'high' : 'medium', rack ? file : f.path('config.ru'), rack ? `gem "${rack}"${rack === 'sinatra' ? '' : ': a Rack app, run on Puma like Sinatra'}${layout}` : `a Rack app (config.ru) on Puma${layout}`)
      if (rack && rack !== 'sinatra') out.frameworkName = rack === 'rack' ? 'Rack' : rack.charAt(0).toUpperCase() + rack.slice(1)
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

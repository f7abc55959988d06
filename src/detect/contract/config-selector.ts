import { posix } from 'node:path'
import type { AppVariable } from '../types.js'
import type { EnvRead } from './env-reads.js'
import { isServerSource, type AppCode } from './sources.js'

/** Names of a variable that picks the environment's settings (APP_ENVIRONMENT, APP_ENV, RUN_MODE, STAGE...). */
const SELECTOR = /^(?:[A-Z][A-Z0-9]*_)?(?:ENV|ENVIRONMENT|PROFILE|STAGE|RUN_MODE|CONFIG_ENV)$/
/** Selectors the language's image sets to production already. */
const SET_BY_THE_IMAGE: Readonly<Record<string, readonly string[]>> = {
  node: ['NODE_ENV'],
  ruby: ['RAILS_ENV', 'RACK_ENV', 'APP_ENV'],
  dotnet: ['ASPNETCORE_ENVIRONMENT', 'DOTNET_ENVIRONMENT'],
  php: ['APP_ENV'],
  python: ['DJANGO_SETTINGS_MODULE'],
}
const PRODUCTION = /^(?:production|prod)$/
/** Other environments a settings folder names its files for. */
const OTHER = /^(?:local|development|dev|test|testing|staging|stage|default|base|qa)$/
const SETTINGS = /^(?:(?:[\w-]+\/){0,2})([\w-]+)\.(ya?ml|toml|json)$/

/**
 * Variables that choose which settings file the app loads (zero2prod's APP_ENVIRONMENT picks
 * configuration/<env>.yaml, `local` by default, which binds 127.0.0.1): when the folder has a
 * production file beside files for other environments, and the code that reads the variable
 * builds a path in that folder from it, containers must set it to production.
 */
export function configSelectors(code: AppCode, reads: readonly EnvRead[]): AppVariable[] {
  const { f } = code
  // Settings folders with a production file and a file for another environment, same format.
  const sets: { dir: string; prod: string; stem: string }[] = []
  for (const file of f.files) {
    const m = SETTINGS.exec(file)
    if (!m || !PRODUCTION.test(m[1]!) || !isServerSource(code.p.language, file)) continue
    const dir = posix.dirname(file)
    const siblings = f.files.filter((x) => posix.dirname(x) === dir && x.endsWith(`.${m[2]}`)).map((x) => posix.basename(x, `.${m[2]}`))
    if (siblings.some((s) => OTHER.test(s))) sets.push({ dir, prod: file, stem: m[1]! })
  }
  if (sets.length === 0) return []
  const skip = SET_BY_THE_IMAGE[code.p.language] ?? []
  const out: AppVariable[] = []
  for (const r of reads) {
    if (!SELECTOR.test(r.name) || skip.includes(r.name) || out.some((v) => v.name === r.name)) continue
    if (r.defaultValue !== undefined && PRODUCTION.test(r.defaultValue)) continue
    const text = code.sources.find((s) => s.file === r.file)?.text ?? ''
    // The reading code names the folder or builds a file name from the value (`format!("{}.yaml", env)`).
    const set = sets.find((s) => new RegExp(`["'\`/]${s.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["'\`/]`).test(text)) ?? (/(?:\{\w*\}|%s|\$\{\w+\})\.(?:ya?ml|toml|json)["'`]/.test(text) ? sets[0] : undefined)
    if (!set) continue
    out.push({
      name: r.name,
      devValue: set.stem,
      secret: false,
      evidence: {
        file: f.path(r.file),
        reason: `${r.name} selects the settings file in ${set.dir}/ (${r.defaultValue !== undefined ? `default ${r.defaultValue}` : 'no default'}): \`${r.snippet}\`; ${set.prod} holds the production settings, so containers run with ${r.name}=${set.stem}`,
      },
    })
  }
  return out
}

import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { readRegularFile } from '../utils/read-regular-file.js'
import { ConfigError, checkConfigShape, resolveConfig, type ConfigLayer, type ResolvedConfig } from './resolve.js'
import { resolvePackage, type PackageEnv } from './packages.js'
import type { ConfigFile } from './types.js'

/** The names a folder's config may have; package.json's "containerized" key counts too. */
export const CONFIG_FILES = ['containerized.config.json', 'containerized.config.yaml', 'containerized.config.yml'] as const

function parseConfigText(text: string, path: string): unknown {
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new ConfigError(`${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`)
  }
}

/**
 * A config file's text, undefined when there is none. A FIFO or device is never opened (it
 * would block the run), and one that cannot be read is an error: it may hold the policy.
 */
function configText(path: string): string | undefined {
  const r = readRegularFile(path, { followLinks: true })
  if (r.kind === 'missing') return undefined
  if (r.kind === 'not-read') throw new ConfigError(`cannot read ${path}: ${r.why}; it may hold configuration, so the run does not go on without it.`)
  return r.text
}

/** The config a folder holds, if any. Two in one folder is an error: which one wins would be a guess. */
function folderConfig(dir: string): { path: string; config: ConfigFile; root: boolean } | undefined {
  const found: { path: string; data: unknown }[] = []
  for (const name of CONFIG_FILES) {
    const path = join(dir, name)
    const text = configText(path)
    if (text !== undefined) found.push({ path, data: parseConfigText(text, path) })
  }
  const pkgPath = join(dir, 'package.json')
  const pkgText = configText(pkgPath)
  if (pkgText !== undefined) {
    try {
      const pkg = JSON.parse(pkgText) as { containerized?: unknown }
      if (pkg.containerized !== undefined) found.push({ path: `${pkgPath}#containerized`, data: pkg.containerized })
    } catch {
      // A broken package.json is the app's business; it holds no config we can read.
    }
  }
  if (found.length > 1) throw new ConfigError(`${dir} has ${found.length} configs (${found.map((f) => f.path).join(', ')}); keep one.`)
  const f = found[0]
  if (!f) return undefined
  const root = typeof f.data === 'object' && f.data !== null && (f.data as { root?: unknown }).root === true
  return { path: f.path, config: checkConfigShape(f.data, f.path), root }
}

/** A preset's config: a config file, a folder holding one, or a package (path or npm spec). */
function readPreset(spec: string, fromDir: string, env: PackageEnv): { source: string; dir: string; config: ConfigFile } {
  const local = /^(\.{1,2}[\\/]|\/|~[\\/])/.test(spec) || isAbsolute(spec)
  const abs = local ? resolve(fromDir, spec.replace(/^~(?=[\\/])/, env.home ?? '~')) : undefined
  if (abs && existsSync(abs) && statSync(abs).isFile() && !abs.endsWith('.tgz')) {
    return { source: abs, dir: dirname(abs), config: checkConfigShape(parseConfigText(readFileSync(abs, 'utf8'), abs), abs) }
  }
  const pkg = resolvePackage(spec, fromDir, env, 'preset')
  const inFolder = folderConfig(pkg.dir)
  if (!inFolder) throw new ConfigError(`preset ${spec} (${pkg.dir}) holds no ${CONFIG_FILES.join(' / ')} and no "containerized" key in its package.json.`)
  return { source: pkg.label === pkg.dir ? inFolder.path : `${pkg.label} (${inFolder.path})`, dir: pkg.dir, config: inFolder.config }
}

/** The user's own config: $XDG_CONFIG_HOME/create-containerized-app/config.{json,yaml,yml}. */
export function userConfigPath(env: PackageEnv): string | undefined {
  const base = env.xdgConfigHome ?? (env.home ? join(env.home, '.config') : undefined)
  if (!base) return undefined
  for (const ext of ['json', 'yaml', 'yml']) {
    const p = join(base, 'create-containerized-app', `config.${ext}`)
    if (existsSync(p)) return p
  }
  return undefined
}

export interface LoadOptions {
  /** `--preset` specs, applied first (the organization's). */
  presets: readonly string[]
  env: PackageEnv
  /** Ignore config files (`--no-config`); presets given on the command line still apply. */
  noConfig?: boolean
}

/**
 * Reads every config that applies to `target` and merges them: the --preset files (each after
 * what it extends), the user's file, then the folders' files from the outermost down to the
 * target. A file with `root: true` stops the walk up, as ESLint's does.
 */
export function loadConfig(target: string, opts: LoadOptions): ResolvedConfig {
  const layers: ConfigLayer[] = []
  const seen = new Set<string>()
  const add = (entry: { source: string; dir: string; config: ConfigFile }, kind: ConfigLayer['kind'], chain: readonly string[]): void => {
    if (seen.has(entry.source)) return
    if (chain.includes(entry.source)) throw new ConfigError(`${entry.source} extends itself through ${chain.join(' → ')}.`)
    const ext = entry.config.extends
    for (const spec of typeof ext === 'string' ? [ext] : (ext ?? [])) add(readPreset(spec, entry.dir, opts.env), 'preset', [...chain, entry.source])
    seen.add(entry.source)
    layers.push({ ...entry, kind })
  }
  for (const spec of opts.presets) add(readPreset(spec, target, opts.env), 'preset', [])
  if (!opts.noConfig) {
    const user = userConfigPath(opts.env)
    const userText = user === undefined ? undefined : configText(user)
    if (user && userText !== undefined) add({ source: user, dir: dirname(user), config: checkConfigShape(parseConfigText(userText, user), user) }, 'user', [])
    const folders: { path: string; dir: string; config: ConfigFile }[] = []
    // A new service's folder may not exist yet: its configs are its parents'.
    let d = resolve(target)
    while (!existsSync(d) && dirname(d) !== d) d = dirname(d)
    for (; ; d = dirname(d)) {
      const f = folderConfig(d)
      if (f) {
        folders.unshift({ path: f.path, dir: d, config: f.config })
        if (f.root) break
      }
      if (dirname(d) === d) break
    }
    for (const f of folders) add({ source: f.path, dir: f.dir, config: f.config }, 'directory', [])
  }
  return resolveConfig(layers)
}

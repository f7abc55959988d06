import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { temporary } from '../disk/cleanup.js'
import { ConfigError } from './resolve.js'

/** The environment the loaders read: where the user's config and the package cache live. */
export interface PackageEnv {
  home?: string | undefined
  xdgConfigHome?: string | undefined
  xdgCacheHome?: string | undefined
}

export function packageEnv(env: Readonly<Record<string, string | undefined>>): PackageEnv {
  return { home: env.HOME ?? env.USERPROFILE, xdgConfigHome: env.XDG_CONFIG_HOME || undefined, xdgCacheHome: env.XDG_CACHE_HOME || undefined }
}

export interface ResolvedPackage {
  /** The folder holding the package's files. */
  dir: string
  /** How messages and the answers record name it: the folder, or `<name>@<version>`. */
  label: string
  name: string | undefined
  version: string | undefined
}

function cacheDir(env: PackageEnv): string {
  const base = env.xdgCacheHome ?? (env.home ? join(env.home, '.cache') : undefined)
  if (!base) throw new ConfigError('cannot find a cache folder for npm packages: set HOME or XDG_CACHE_HOME.')
  return join(base, 'create-containerized-app', 'packages')
}

function readManifest(dir: string): { name?: string; version?: string } {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
  } catch {
    return {}
  }
}

/** A path (folder, file, .tgz) rather than an npm package spec. */
export const isLocalSpec = (spec: string): boolean => /^(\.{1,2}[\\/]|\/|~[\\/])/.test(spec) || isAbsolute(spec) || spec === '.' || spec === '..'

/** `@acme/preset@^1.2` → name and range; a bare name has no range. */
export function parseSpec(spec: string): { name: string; range: string | undefined } {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0)
  return at === -1 ? { name: spec, range: undefined } : { name: spec.slice(0, at), range: spec.slice(at + 1) }
}

/**
 * Unpacks a package tarball into the cache, once per content. Entries are listed first: an
 * absolute path, a `..` segment or a link is refused before anything is extracted, so a
 * hostile tarball cannot write outside its folder.
 */
export function unpackTarball(tgz: string, env: PackageEnv, what: string): string {
  const hash = createHash('sha256').update(readFileSync(tgz)).digest('hex').slice(0, 16)
  const dest = join(cacheDir(env), 'unpacked', hash)
  if (existsSync(join(dest, 'package'))) return join(dest, 'package')
  const listing = execFileSync('tar', ['-tvzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean)
  for (const line of listing) {
    const path = line.split(/\s+/).slice(5).join(' ')
    if (!/^[-d]/.test(line)) throw new ConfigError(`${what} ${tgz} holds a link (${path}); packages must hold plain files.`)
    if (isAbsolute(path) || path.split('/').includes('..')) throw new ConfigError(`${what} ${tgz} holds a path outside its folder: ${path}.`)
  }
  const tmp = `${dest}.${process.pid}.tmp`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const done = temporary(tmp)
  try {
    execFileSync('tar', ['-xzf', tgz, '-C', tmp, '--no-same-owner', '--no-same-permissions'])
    const top = readdirSync(tmp)
    // npm tarballs keep everything under package/; others may use any single top folder.
    const inner = top.length === 1 && statSync(join(tmp, top[0]!)).isDirectory() ? top[0]! : '.'
    mkdirSync(dest, { recursive: true })
    renameSync(join(tmp, inner), join(dest, 'package'))
  } finally {
    done()
  }
  return join(dest, 'package')
}

/**
 * Finds a preset or pack: a folder, a .tgz, or an npm package spec. An npm package is taken
 * from node_modules (the repository's devDependency) when installed there, else fetched with
 * `npm pack` into the user's cache.
 */
export function resolvePackage(spec: string, fromDir: string, env: PackageEnv, what: string): ResolvedPackage {
  if (isLocalSpec(spec)) {
    const abs = resolve(fromDir, spec.replace(/^~(?=[\\/])/, env.home ?? '~'))
    if (!existsSync(abs)) throw new ConfigError(`${what} ${spec}: ${abs} does not exist.`)
    const dir = abs.endsWith('.tgz') ? unpackTarball(abs, env, what) : abs
    if (!statSync(dir).isDirectory()) throw new ConfigError(`${what} ${spec}: ${abs} is not a folder or a .tgz package.`)
    const m = readManifest(dir)
    return { dir, label: abs.endsWith('.tgz') && m.name ? `${m.name}@${m.version}` : dir, name: m.name, version: m.version }
  }
  const { name, range } = spec.startsWith('file:') ? { name: spec, range: undefined } : parseSpec(spec)
  if (!spec.startsWith('file:')) {
    for (let d = resolve(fromDir); ; d = dirname(d)) {
      const dir = join(d, 'node_modules', name)
      if (existsSync(join(dir, 'package.json')) && !lstatSync(dir).isSymbolicLink()) {
        const m = readManifest(dir)
        // An exact version asks for that version; a range or none takes what the repository installed.
        if (range === undefined || !/^\d+\.\d+\.\d+/.test(range) || m.version === range) return { dir, label: `${m.name ?? name}@${m.version}`, name: m.name ?? name, version: m.version }
      }
      if (dirname(d) === d) break
    }
  }
  // `npm pack` runs in a folder of its own and drops the tarball there: never in the target,
  // which may not exist yet (a new service) and must not get npm's files. A `file:` spec is
  // made absolute first, as it was written relative to `fromDir`.
  const work = mkdtempSync(join(tmpdir(), 'cca-npm-pack-'))
  const done = temporary(work)
  try {
    const packed = spec.startsWith('file:') ? `file:${resolve(fromDir, spec.slice('file:'.length).replace(/^~(?=[\\/])/, env.home ?? '~'))}` : spec
    let out: string
    try {
      out = execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', packed, '--json', '--pack-destination', work, '--ignore-scripts'], {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim().split('\n').slice(-3).join(' ')
      throw new ConfigError(`${what} ${spec}: not installed in node_modules, and \`npm pack ${spec}\` failed: ${stderr || (err as Error).message}`)
    }
    const info = (JSON.parse(out) as { name: string; version: string; filename: string }[])[0]!
    const dir = unpackTarball(join(work, info.filename.replace(/^@/, '').replace('/', '-')), env, what)
    return { dir, label: `${info.name}@${info.version}`, name: info.name, version: info.version }
  } finally {
    done()
  }
}

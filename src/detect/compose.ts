import { posix } from 'node:path'
import type { Folder } from './repo.js'
import { child, isMap, parseYaml, type YamlValue } from './yaml-lite.js'

/** One service of an existing Compose file, as far as detection reads it. */
export interface ComposeService {
  name: string
  /** The file that declares it (repository path); an override file may add to it. */
  file: string
  image?: string
  /** The build context and Dockerfile, as repository paths. */
  build?: { context: string; dockerfile?: string }
  /** Port mappings: the container side, the host side as written (it may be `${APP_PORT:-80}`), the file that maps it. */
  ports: { target: number; published?: string; file: string }[]
  expose: number[]
  environment: Record<string, string>
  dependsOn: string[]
}

const COMPOSE_NAME = /^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/

/**
 * Compose files made for tests or CI start what the test suite needs, not what the app runs
 * with: their services are mentioned, never chosen.
 */
export function testOnlyCompose(path: string): string | undefined {
  if (/(^|\/)(?:tests?|spec|e2e|\.github|ci|\.ci)\//.test(path)) return 'a Compose file for tests or CI'
  if (/[.-](?:test|tests|testing|ci|e2e|integration|it)(?=[.-])/.test(posix.basename(path))) return 'a Compose file for tests or CI'
  return undefined
}

/** Compose files at the top of a folder. */
export function composeFiles(f: Folder): string[] {
  return f.find(COMPOSE_NAME)
}

/** Compose files anywhere below a folder that only tests use (reported, never read for the app). */
export function testComposeFiles(f: Folder): string[] {
  return f.find(/(^|\/)(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/).filter((p) => testOnlyCompose(p) !== undefined && p.split('/').length <= 4)
}

const str = (v: YamlValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

const joinPath = (dir: string, rel: string): string => {
  const p = posix.normalize(posix.join(dir === '.' ? '' : dir, rel)).replace(/\/$/, '')
  return p === '' || p === '.' ? '.' : p
}

/** The container side of a short-syntax mapping: `8080`, `5106:8080`, `127.0.0.1:80:8080/tcp`, `${APP_PORT:-80}:80`. */
function shortPort(raw: string): { target: number; published?: string } | undefined {
  const s = raw.replace(/\/(?:tcp|udp)$/, '')
  // Variables may hold colons (`${PORT:-80}`): split outside them.
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const c of s) {
    if (c === '{') depth++
    if (c === '}') depth--
    if (c === ':' && depth === 0) {
      parts.push(cur)
      cur = ''
    } else cur += c
  }
  parts.push(cur)
  const target = /^(\d{2,5})(?:-\d+)?$/.exec(parts[parts.length - 1]!.trim())
  if (!target) return undefined
  return { target: Number(target[1]), ...(parts.length > 1 ? { published: parts[parts.length - 2]!.trim() } : {}) }
}

function environment(v: YamlValue | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (Array.isArray(v)) {
    for (const item of v) {
      const m = typeof item === 'string' ? /^([\w.]+)=(.*)$/.exec(item) : null
      if (m) out[m[1]!] = m[2]!
    }
  } else if (isMap(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x
  return out
}

/** The services of one Compose file. */
export function composeServices(repoFile: string, text: string): ComposeService[] {
  const doc = parseYaml(text)
  const services = child(doc, 'services')
  if (!isMap(services)) return []
  const dir = posix.dirname(repoFile) === '' ? '.' : posix.dirname(repoFile)
  const out: ComposeService[] = []
  for (const [name, body] of Object.entries(services)) {
    if (!isMap(body)) continue
    const build = body.build
    let b: ComposeService['build']
    if (typeof build === 'string' && build !== '') b = { context: joinPath(dir, build) }
    else if (isMap(build)) {
      const context = joinPath(dir, str(build.context) ?? '.')
      const df = str(build.dockerfile)
      b = { context, ...(df ? { dockerfile: joinPath(context, df) } : {}) }
    }
    const ports: ComposeService['ports'] = []
    for (const p of Array.isArray(body.ports) ? body.ports : []) {
      if (typeof p === 'string') {
        const sp = shortPort(p)
        if (sp) ports.push({ ...sp, file: repoFile })
      } else if (isMap(p) && /^\d+$/.test(str(p.target) ?? '')) ports.push({ target: Number(p.target), ...(str(p.published) ? { published: str(p.published)! } : {}), file: repoFile })
    }
    const expose = (Array.isArray(body.expose) ? body.expose : []).map((e) => Number(String(e).replace(/\/\w+$/, ''))).filter((n) => n > 0)
    const deps = body.depends_on
    const dependsOn = Array.isArray(deps) ? deps.filter((d): d is string => typeof d === 'string') : isMap(deps) ? Object.keys(deps) : []
    const image = str(body.image)
    out.push({ name, file: repoFile, ...(image ? { image } : {}), ...(b ? { build: b } : {}), ports, expose, environment: environment(body.environment), dependsOn })
  }
  return out
}

/**
 * The services of a folder's Compose files, an override file's additions merged into the base
 * file's service of the same name (eShopOnWeb publishes its ports in docker-compose.override.yml).
 */
export function folderComposeServices(f: Folder, opts: { testOnly?: boolean } = {}): ComposeService[] {
  const files = composeFiles(f)
    .filter((p) => (opts.testOnly ? true : testOnlyCompose(f.path(p)) === undefined))
    .sort((a, b) => Number(/override/.test(a)) - Number(/override/.test(b)) || a.length - b.length)
  const byName = new Map<string, ComposeService>()
  for (const file of files) {
    for (const s of composeServices(f.path(file), f.read(file) ?? '')) {
      const prev = byName.get(s.name)
      if (!prev) byName.set(s.name, s)
      else {
        byName.set(s.name, {
          ...prev,
          ...(s.image ? { image: s.image } : {}),
          ...(s.build ? { build: s.build } : {}),
          ports: s.ports.length ? s.ports : prev.ports,
          expose: [...prev.expose, ...s.expose],
          environment: { ...prev.environment, ...s.environment },
          dependsOn: [...new Set([...prev.dependsOn, ...s.dependsOn])],
        })
      }
    }
  }
  return [...byName.values()]
}

/** Manifests that make a folder an app of its own. */
const MANIFEST = /^(?:package\.json|pyproject\.toml|requirements\.txt|go\.mod|Cargo\.toml|pom\.xml|build\.gradle(?:\.kts)?|Gemfile|composer\.json|[\w.-]+\.(?:csproj|fsproj))$/

/**
 * The service that builds the app in `serviceDir`: the one whose Dockerfile lies in that
 * folder, else one built from that folder whose Dockerfile is not another app's (eShopOnWeb
 * builds every project from the solution folder, each with its project's Dockerfile). A
 * Compose file in the app's own folder whose single built service builds from a folder the
 * repository does not hold (Laravel Sail's vendor/ runtimes) is taken to build the app.
 * Test runners built from the app's folder (Playwright, Cypress) are never the app.
 */
export function appComposeService(services: readonly ComposeService[], serviceDir: string, composeDir: string, repoFiles: readonly string[] = []): ComposeService | undefined {
  const under = (dir: string) => (dir === '.' ? '' : `${dir}/`)
  const holdsFiles = (dir: string) => repoFiles.some((x) => x.startsWith(under(dir)))
  const holdsManifest = (dir: string) => repoFiles.some((x) => x.startsWith(under(dir)) && !x.slice(under(dir).length).includes('/') && MANIFEST.test(x.slice(under(dir).length)))
  const built = services.filter((s) => s.build && !/test|playwright|cypress|e2e|selenium/i.test(`${s.name} ${s.build.dockerfile ? posix.basename(s.build.dockerfile) : ''}`))
  const dockerfileDir = (s: ComposeService) => (s.build!.dockerfile ? posix.dirname(s.build!.dockerfile) : undefined)
  const byDockerfile = built.find((s) => dockerfileDir(s) === serviceDir)
  if (byDockerfile) return byDockerfile
  const byContext = built.find((s) => s.build!.context === serviceDir && (dockerfileDir(s) === undefined || !holdsManifest(dockerfileDir(s)!)))
  if (byContext) return byContext
  if (composeDir === serviceDir && built.length === 1 && !holdsFiles(built[0]!.build!.context)) return built[0]
  return undefined
}

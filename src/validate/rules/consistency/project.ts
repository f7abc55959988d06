import { posix } from 'node:path'
import { COMPOSE_BASE_NAMES, dirOf, isWithin, joinPath, ownerFolder, serviceFolders } from '../folders.js'
import { isComposeFile } from '../../../policy/images.js'
import { composeStacks } from '../../compose-stacks.js'
import { parseDockerfile, type Dockerfile } from './dockerfile.js'
import { asList, asObj, asText, isObj, parseYaml, type Obj, type YamlDoc } from './yaml.js'

/**
 * A repository read as services: each folder with a Dockerfile or Compose file, and the files
 * that describe the same app (Compose files, Helm chart, Kustomize tree, pipelines), found by
 * what they are and where they sit rather than by fixed paths.
 */

export interface ComposeFile {
  path: string
  doc: YamlDoc
  services: Record<string, Obj>
}

export interface Compose {
  /** The file `docker compose` reads first, then the files layered on it (override, test, prod...). */
  files: ComposeFile[]
  /** The services built from this folder's source: the app (and workers built the same way). */
  apps: string[]
  /** Dockerfile stages the apps are built at (`build.target`). */
  targets: Set<string>
}

export interface EnvExample {
  path: string
  vars: { name: string; value: string; line: number }[]
}

export interface ValuesFile {
  path: string
  doc: YamlDoc
  value: Obj
}

export interface Chart {
  dir: string
  /** values.yaml first, then the environments' files. */
  values: ValuesFile[]
  templates: { path: string; text: string }[]
}

export interface YamlFile {
  path: string
  docs: YamlDoc[]
}

export interface Kustomize {
  kustomizations: YamlFile[]
  /** Manifests the kustomizations list (Deployment, Service, in-cluster services...). */
  resources: YamlFile[]
}

export interface Workflow {
  path: string
  gitlab: boolean
  doc: YamlDoc
  value: Obj
  /** Top-level `env:` (GitHub) or `variables:` (GitLab). */
  env: Obj
}

export interface Service {
  dir: string
  dockerfile?: { path: string; parsed: Dockerfile }
  compose: Compose
  envExample?: EnvExample
  charts: Chart[]
  kustomize?: Kustomize
  workflows: Workflow[]
}

// The rules each read the same services: parsed once per file map, and again if it changed.
const cache = new WeakMap<ReadonlyMap<string, string>, { seen: Map<string, string>; services: Service[] }>()

/** The services of a repository and the files that describe each. */
export function readServices(files: ReadonlyMap<string, string>): Service[] {
  const hit = cache.get(files)
  if (hit && hit.seen.size === files.size && [...files].every(([p, text]) => hit.seen.get(p) === text)) return hit.services
  const services = buildServices(files)
  cache.set(files, { seen: new Map(files), services })
  return services
}

function buildServices(files: ReadonlyMap<string, string>): Service[] {
  const folders = serviceFolders(files)
  // Files outside every service folder belong to the only service, when there is one.
  const owner = (path: string) => ownerFolder(path, folders) ?? (folders.length === 1 ? folders[0] : undefined)
  const charts = readCharts(files)
  const trees = readKustomize(files, charts.map((c) => c.dir))
  const workflows = readWorkflows(files, folders)
  return folders.map((dir) => {
    const compose = readCompose(files, dir)
    const dockerfile = readDockerfile(files, dir, compose)
    const envPath = joinPath(dir, '.env.example')
    const envText = files.get(envPath)
    // One kustomization that does not parse leaves the others' merges and references dangling.
    const kustomizations = trees.filter((k) => owner(k.path) === dir)
    const whole = kustomizations.every((k) => k.docs.length > 0)
    return {
      dir,
      ...(dockerfile ? { dockerfile } : {}),
      compose,
      ...(envText !== undefined ? { envExample: { path: envPath, vars: parseEnvFile(envText) } } : {}),
      charts: charts.filter((c) => owner(c.dir) === dir),
      ...(kustomizations.length && whole ? { kustomize: { kustomizations, resources: kustomizeResources(files, kustomizations) } } : {}),
      workflows: workflows.filter((w) => w.dir === dir || (w.dir === undefined && (folders.length === 1 || dir === '.'))).map((w) => w.workflow),
    }
  })
}

function readCompose(files: ReadonlyMap<string, string>, dir: string): Compose {
  const names = [...files.keys()].filter((p) => dirOf(p) === dir && isComposeFile(p)).map((p) => posix.basename(p))
  const picked = COMPOSE_BASE_NAMES.find((n) => names.includes(n))
  // The stack that builds the app from this folder: the one Compose picks, else one run with -f
  // (compose.app.yaml beside the app's own dev-services compose.yaml).
  const stacks = composeStacks(names)
    .filter((st): st is { base: string; layers: string[] } => st.base !== undefined)
    .sort((a, b) => Number(b.base === picked) - Number(a.base === picked))
    .map((st) => readStack(files, dir, st.base, st.layers))
  const { built: _built, ...compose } = stacks.find((c) => c.built) ?? stacks[0] ?? { built: false, files: [], apps: [], targets: new Set<string>() }
  return compose
}

function readStack(files: ReadonlyMap<string, string>, dir: string, name: string, layers: readonly string[]): Compose & { built: boolean } {
  const compose: Compose & { built: boolean } = { files: [], apps: [], targets: new Set(), built: false }
  const layered = layers.map((l) => joinPath(dir, l)).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  for (const path of [joinPath(dir, name), ...layered]) {
    const doc = parseYaml(files.get(path)!)?.[0]
    // Layered files mean nothing without the file they are layered on.
    if (!doc && compose.files.length === 0) return compose
    if (!doc) continue
    const services = asObj(asObj(doc.value).services)
    compose.files.push({ path, doc, services: Object.fromEntries(Object.entries(services).map(([k, v]) => [k, asObj(v)])) })
  }
  const builds = (f: ComposeFile, s: string) => f.services[s]?.build !== undefined && f.doc.node(['services', s, 'build'])?.tag !== '!reset'
  const building = compose.files.flatMap((f) => Object.keys(f.services).filter((s) => builds(f, s)).map((s) => ({ f, s })))
  // The app is built from this folder; a database built from ./db beside it is not the app.
  const here = building.filter(({ f, s }) => buildContext(f.services[s]!.build) !== undefined && joinPath(dirOf(f.path), buildContext(f.services[s]!.build)!) === dir)
  compose.built = here.length > 0
  for (const { s } of here.length ? here : building) if (!compose.apps.includes(s)) compose.apps.push(s)
  for (const f of compose.files) {
    for (const s of compose.apps) {
      const target = asText(asObj(f.services[s]?.build).target)
      if (target) compose.targets.add(target.toLowerCase())
    }
  }
  return compose
}

/** A build's context folder as written; undefined for a remote or computed one. */
function buildContext(build: unknown): string | undefined {
  const context = typeof build === 'string' ? build : (asText(asObj(build).context) ?? '.')
  return /^[a-z]+:\/\//i.test(context) || context.includes('$') ? undefined : context
}

// The override first (it is what `docker compose up` adds), then the others by name.
const rank = (p: string) => (/\.override\.ya?ml$/.test(p) ? 0 : 1)

function readDockerfile(files: ReadonlyMap<string, string>, dir: string, compose: Compose): Service['dockerfile'] {
  const candidates: string[] = []
  for (const f of compose.files) {
    for (const s of compose.apps) {
      const build = f.services[s]?.build
      const context = build === undefined ? undefined : buildContext(build)
      if (context === undefined) continue
      candidates.push(joinPath(joinPath(dirOf(f.path), context), asText(asObj(build).dockerfile) ?? 'Dockerfile'))
    }
  }
  candidates.push(joinPath(dir, 'Dockerfile'))
  const path = candidates.find((p) => files.has(p))
  return path ? { path, parsed: parseDockerfile(files.get(path)!) } : undefined
}

/** `NAME=value` lines; `export NAME=value` too. */
export function parseEnvFile(text: string): EnvExample['vars'] {
  const out: EnvExample['vars'] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw)
    if (!m) return
    let value = m[2]!.trim()
    const quoted = /^(["'])(.*)\1$/.exec(value)
    value = quoted ? quoted[2]! : value.replace(/\s+#.*$/, '')
    out.push({ name: m[1]!, value, line: i + 1 })
  })
  return out
}

function readCharts(files: ReadonlyMap<string, string>): Chart[] {
  const out: Chart[] = []
  for (const path of files.keys()) {
    if (posix.basename(path) !== 'Chart.yaml') continue
    const dir = dirOf(path)
    const values: ValuesFile[] = []
    const inChart = [...files.keys()].filter((p) => dirOf(p) === dir && /^values([.-][\w.-]+)?\.ya?ml$/.test(posix.basename(p)))
    const isBase = (p: string) => /^values\.ya?ml$/.test(posix.basename(p))
    inChart.sort((a, b) => Number(isBase(b)) - Number(isBase(a)) || a.localeCompare(b))
    for (const p of inChart) {
      const doc = parseYaml(files.get(p)!)?.[0]
      if (doc) values.push({ path: p, doc, value: asObj(doc.value) })
      // An environment's values mean nothing without the defaults they override.
      else if (isBase(p)) break
    }
    const templates = [...files.entries()].filter(([p]) => p.startsWith(`${dir === '.' ? '' : `${dir}/`}templates/`)).map(([p, text]) => ({ path: p, text }))
    out.push({ dir, values, templates })
  }
  return out
}

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/

function readKustomize(files: ReadonlyMap<string, string>, chartDirs: readonly string[]): YamlFile[] {
  const out: YamlFile[] = []
  for (const [path, text] of files) {
    if (!KUSTOMIZATION.test(posix.basename(path)) || chartDirs.some((c) => isWithin(path, c))) continue
    // Kept without documents when it does not parse, so its tree is known to be incomplete.
    out.push({ path, docs: parseYaml(text) ?? [] })
  }
  return out.sort((a, b) => a.path.localeCompare(b.path))
}

/** The manifest and patch files the kustomizations list (folders are kustomizations already read). */
function kustomizeResources(files: ReadonlyMap<string, string>, kustomizations: readonly YamlFile[]): YamlFile[] {
  const listed = new Set<string>()
  for (const k of kustomizations) {
    const spec = asObj(k.docs[0]?.value)
    const dir = dirOf(k.path)
    const entries = [...asList(spec.resources), ...asList(spec.components), ...asList(spec.patchesStrategicMerge), ...asList(spec.patches).map((p) => asObj(p).path)]
    for (const e of entries) {
      const rel = asText(e)
      if (rel && !rel.includes('://')) listed.add(joinPath(dir, rel))
    }
  }
  const out: YamlFile[] = []
  for (const path of [...listed].sort()) {
    const text = files.get(path)
    const docs = text === undefined ? undefined : parseYaml(text)
    if (docs) out.push({ path, docs })
  }
  return out
}

function readWorkflows(files: ReadonlyMap<string, string>, folders: readonly string[]): { dir: string | undefined; workflow: Workflow }[] {
  const out: { dir: string | undefined; workflow: Workflow }[] = []
  for (const [path, text] of files) {
    const gitlab = path === '.gitlab-ci.yml'
    if (!gitlab && !/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) continue
    const doc = parseYaml(text)?.[0]
    if (!doc || !isObj(doc.value)) continue
    const value = doc.value
    const env = asObj(gitlab ? value.variables : value.env)
    // A pipeline names its service's folder in its settings (APP_DIR, the chart or the tree).
    const hint = ['APP_DIR', 'CHART', 'KUSTOMIZE_DIR'].map((k) => asText(env[k])).find((v) => v && !v.includes('$'))
    out.push({ dir: hint ? ownerFolder(joinPath('.', hint), folders) : undefined, workflow: { path, gitlab, doc, value, env } })
  }
  return out.sort((a, b) => a.workflow.path.localeCompare(b.workflow.path))
}

import { posix } from 'node:path'
import { parseAllDocuments } from 'yaml'
import type { Policy } from '../config/types.js'
import { dockerfileBaseImages, mirrorImage, hasAllowedPrefix, isDockerfile } from './images.js'
import { compareQuantities, parseQuantity, requireQuantity } from './quantity.js'
import { RESOURCE_KINDS, RESOURCE_NAMES, type ResourceKind, type ResourceName } from './resources.js'
import { scanSeverities } from './scan.js'

export interface Violation {
  /** The policy rule broken, as the config file spells it (`resources.requests.memory`). */
  rule: string
  /** The config file that set the rule. */
  source: string
  /** The project-relative file that breaks it. */
  file?: string
  message: string
}

type Obj = Record<string, unknown>
type Report = (rule: string, file: string, message: string) => void

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/** Every document of a YAML file; null when it does not parse (other checks report that). */
function yamlDocs(text: string): unknown[] | null {
  // Compose's `!reset`/`!override` tags are not YAML core: Compose resolves them, so no warning on stderr.
  const docs = [...parseAllDocuments(text, { logLevel: 'error' })]
  if (docs.some((d) => d.errors.length > 0)) return null
  return docs.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined)
}

function yamlObj(text: string | undefined): Obj | null {
  if (text === undefined) return null
  const docs = yamlDocs(text)
  return docs && docs.length === 1 && isObj(docs[0]) ? docs[0] : null
}

const dirOf = (path: string) => posix.dirname(path)
const baseName = (path: string) => posix.basename(path)

/**
 * Checks the files on disk against the policy's rules that shape generated files: base images
 * from allowed registries, required labels and annotations, resource floors and the image scan's
 * severities. Files are found by what they are (a Chart.yaml, a kustomization), not where the
 * generator put them, so services in sub-folders and hand-moved files are covered.
 */
export function inspectFiles(files: ReadonlyMap<string, string>, policy: Policy, sourceOf: (rule: string) => string): Violation[] {
  const out: Violation[] = []
  const report: Report = (rule, file, message) => {
    const source = sourceOf(rule)
    out.push({ rule, source, file, message: `${file}: ${message} (${rule} in ${source})` })
  }
  const paths = [...files.keys()].sort()
  inspectBaseImages(files, paths, policy, report)
  inspectCharts(files, paths, policy, report)
  inspectKustomize(files, paths, policy, report)
  inspectScans(files, paths, policy, report)
  return out
}

function inspectBaseImages(files: ReadonlyMap<string, string>, paths: readonly string[], policy: Policy, report: Report): void {
  const mirrors = policy.baseImages?.mirrors ?? {}
  const prefixes = policy.baseImages?.allowedPrefixes
  if (!prefixes && Object.keys(mirrors).length === 0) return
  for (const path of paths.filter(isDockerfile)) {
    for (const image of dockerfileBaseImages(files.get(path)!)) {
      if (prefixes) {
        if (!hasAllowedPrefix(image, prefixes)) report('baseImages.allowedPrefixes', path, `base image ${image} does not come from an allowed registry; policy requires a prefix of ${prefixes.join(', ')}`)
        continue
      }
      // Mirrors alone name the registries that must be pulled through them; others are not the rule's business.
      const mirrored = mirrorImage(image, mirrors)
      if (mirrored !== image && !hasAllowedPrefix(image, Object.values(mirrors))) report('baseImages.mirrors', path, `base image ${image} is pulled directly; policy requires it through the mirror: ${mirrored}`)
    }
  }
}

/** The floors the policy sets, parsed; a floor that is not a quantity is the config's error, named here. */
function floors(policy: Policy): { kind: ResourceKind; name: ResourceName; rule: string; floor: ReturnType<typeof requireQuantity> }[] {
  return RESOURCE_KINDS.flatMap((kind) =>
    RESOURCE_NAMES.flatMap((name) => {
      const v = policy.resources?.[kind]?.[name]
      const rule = `resources.${kind}.${name}`
      return v === undefined ? [] : [{ kind, name, rule, floor: requireQuantity(v, `policy ${rule}`) }]
    }),
  )
}

/**
 * Resources one file sets for the app container, checked against the floors. `whole`: the file
 * defines them (values.yaml, a base Deployment), so a missing one breaks the floor too.
 */
function checkResources(resources: unknown, whole: boolean, what: string, file: string, policy: Policy, report: Report): void {
  const r = isObj(resources) ? resources : {}
  for (const { kind, name, rule, floor } of floors(policy)) {
    const section = r[kind]
    const value = isObj(section) ? section[name] : undefined
    if (value === undefined || value === null) {
      if (whole) report(rule, file, `${what}.${kind}.${name} is not set; policy requires at least ${floor.text}`)
      continue
    }
    const q = typeof value === 'string' || typeof value === 'number' ? parseQuantity(value) : null
    if (!q) report(rule, file, `${what}.${kind}.${name} is ${str(value)}, not a quantity; policy requires at least ${floor.text}`)
    else if (compareQuantities(q, floor) < 0) report(rule, file, `${what}.${kind}.${name} is ${q.text}; policy requires at least ${floor.text}`)
  }
}

/**
 * Required keys and values in a map (commonLabels, podAnnotations, kustomize labels). `whole`:
 * the map is where they must be; otherwise only a different value (an override) breaks the rule.
 */
function checkMap(actual: unknown, required: Readonly<Record<string, string>> | undefined, whole: boolean, rule: string, what: string, file: string, report: Report): void {
  for (const [key, value] of Object.entries(required ?? {})) {
    const found = isObj(actual) ? actual[key] : undefined
    if (found === undefined || found === null) {
      if (whole) report(rule, file, `${what} has no ${key}; policy requires ${key}: ${value}`)
    } else if (String(found) !== String(value)) report(rule, file, `${what}.${key} is ${str(found)}; policy requires ${value}`)
  }
}

function inspectCharts(files: ReadonlyMap<string, string>, paths: readonly string[], policy: Policy, report: Report): void {
  const charts = paths.filter((p) => baseName(p) === 'Chart.yaml').map(dirOf)
  // A vendored subchart (charts/<dependency>/) is not the app's chart.
  const own = charts.filter((c) => !charts.some((other) => other !== c && (other === '.' || c.startsWith(`${other}/`))))
  for (const chart of own) {
    const prefix = chart === '.' ? '' : `${chart}/`
    const valuesFiles = paths.filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && /^values(-[\w.-]+)?\.ya?ml$/.test(baseName(p)))
    for (const file of valuesFiles) {
      const values = yamlObj(files.get(file))
      if (!values) continue
      const defaults = /^values\.ya?ml$/.test(baseName(file))
      checkMap(values['commonLabels'], policy.labels, defaults, 'labels', 'commonLabels', file, report)
      checkMap(values['podAnnotations'], policy.annotations, defaults, 'annotations', 'podAnnotations', file, report)
      if (defaults || 'resources' in values) checkResources(values['resources'], defaults, 'resources', file, policy, report)
    }
  }
}

const KUSTOMIZATION = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization'])

interface Kustomization {
  path: string
  dir: string
  doc: Obj
  /** Other kustomizations it builds on (resources or bases that are directories). */
  bases: string[]
  /** Manifest files it lists. */
  resourceFiles: string[]
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
const isRemote = (ref: string) => /^[a-z]+:\/\/|^(github\.com|gitlab\.com|bitbucket\.org)\/|\?ref=/.test(ref)

function kustomizations(files: ReadonlyMap<string, string>, paths: readonly string[]): Kustomization[] {
  const found = paths
    .filter((p) => KUSTOMIZATION.has(baseName(p)))
    .map((path) => ({ path, doc: yamlObj(files.get(path)) }))
    .filter((k): k is { path: string; doc: Obj } => k.doc !== null && k.doc['kind'] !== 'Component')
  const byDir = new Map(found.map((k) => [dirOf(k.path), k.path]))
  return found.map(({ path, doc }) => {
    const dir = dirOf(path)
    const refs = [...strings(doc['resources']), ...strings(doc['bases'])].filter((r) => !isRemote(r)).map((r) => posix.normalize(posix.join(dir, r)))
    return { path, dir, doc, bases: refs.filter((r) => byDir.has(r)), resourceFiles: refs.filter((r) => files.has(r)) }
  })
}

/** The app container of a Deployment (or a patch of one): the one named `app`, else the first. */
function appContainer(deployment: Obj): Obj | null {
  const spec = deployment['spec']
  const template = isObj(spec) ? spec['template'] : undefined
  const podSpec = isObj(template) ? template['spec'] : undefined
  const containers = isObj(podSpec) && Array.isArray(podSpec['containers']) ? podSpec['containers'].filter(isObj) : []
  return containers.find((c) => c['name'] === 'app') ?? containers[0] ?? null
}

function podAnnotations(deployment: Obj): unknown {
  const spec = deployment['spec']
  const template = isObj(spec) ? spec['template'] : undefined
  const metadata = isObj(template) ? template['metadata'] : undefined
  return isObj(metadata) ? metadata['annotations'] : undefined
}

/**
 * The resources a patch sets for the Deployment's container: a strategic merge patch (a partial
 * Deployment) or JSON 6902 operations on `/spec/template/spec/containers/<n>/resources…`.
 */
function patchedResources(text: string, target: unknown): Obj[] {
  const docs = yamlDocs(text)
  if (!docs) return []
  const targetKind = isObj(target) ? target['kind'] : undefined
  const found: Obj[] = []
  for (const doc of docs) {
    if (isObj(doc)) {
      if (doc['kind'] !== 'Deployment') continue
      const c = appContainer(doc)
      if (c && 'resources' in c) found.push(isObj(c['resources']) ? c['resources'] : {})
      continue
    }
    if (!Array.isArray(doc) || (targetKind !== undefined && targetKind !== 'Deployment')) continue
    for (const op of doc.filter(isObj)) {
      if (op['op'] !== 'add' && op['op'] !== 'replace') continue
      const m = /^\/spec\/template\/spec\/containers\/(?:\d+|-)\/resources(?:\/(requests|limits)(?:\/(cpu|memory))?)?$/.exec(String(op['path']))
      if (!m) continue
      const [, kind, name] = m
      const value = op['value']
      found.push(!kind ? (isObj(value) ? value : {}) : !name ? { [kind]: value } : { [kind]: { [name]: value } })
    }
  }
  return found
}

function inspectKustomize(files: ReadonlyMap<string, string>, paths: readonly string[], policy: Policy, report: Report): void {
  for (const k of kustomizations(files, paths)) {
    const isBase = k.bases.length === 0
    const deployments = k.resourceFiles.flatMap((file) =>
      (yamlDocs(files.get(file)!) ?? []).filter((d): d is Obj => isObj(d) && d['kind'] === 'Deployment').map((doc) => ({ file, doc })),
    )
    // Labels and annotations belong in the base; an overlay may only not change them.
    const labels = [...(Array.isArray(k.doc['labels']) ? k.doc['labels'].filter(isObj).map((l) => l['pairs']) : []), k.doc['commonLabels']]
      .filter(isObj)
      .reduce<Obj>((all, pairs) => ({ ...all, ...pairs }), {})
    checkMap(labels, policy.labels, isBase, 'labels', 'labels', k.path, report)
    const annotations = isObj(k.doc['commonAnnotations']) ? k.doc['commonAnnotations'] : {}
    const onPods = deployments.map((d) => podAnnotations(d.doc)).filter(isObj).reduce<Obj>((all, a) => ({ ...all, ...a }), {})
    checkMap({ ...onPods, ...annotations }, policy.annotations, isBase, 'annotations', 'commonAnnotations', k.path, report)

    for (const { file, doc } of deployments) {
      const c = appContainer(doc)
      const metadata = doc['metadata']
      const name = isObj(metadata) && typeof metadata['name'] === 'string' ? ` ${metadata['name']}` : ''
      if (c) checkResources(c['resources'], true, `Deployment${name}: resources`, file, policy, report)
    }
    const patches: { text: string; target: unknown; file: string }[] = []
    const patchEntry = (p: unknown) => {
      if (typeof p === 'string') {
        // patchesStrategicMerge: a file, or the patch itself.
        const file = posix.normalize(posix.join(k.dir, p))
        patches.push(files.has(file) ? { text: files.get(file)!, target: undefined, file } : { text: p, target: undefined, file: k.path })
      } else if (isObj(p)) {
        if (typeof p['patch'] === 'string') patches.push({ text: p['patch'], target: p['target'], file: k.path })
        else if (typeof p['path'] === 'string') {
          const file = posix.normalize(posix.join(k.dir, p['path']))
          if (files.has(file)) patches.push({ text: files.get(file)!, target: p['target'], file })
        }
      }
    }
    for (const key of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) if (Array.isArray(k.doc[key])) k.doc[key].forEach(patchEntry)
    for (const p of patches) for (const r of patchedResources(p.text, p.target)) checkResources(r, false, 'the Deployment patch\'s resources', p.file, policy, report)
  }
}

const WORKFLOW = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/
const isGitlabCi = (path: string) => baseName(path) === '.gitlab-ci.yml' || baseName(path).endsWith('.gitlab-ci.yml')
const SEVERITY_FLAG = /--severity[ =]+["']?([A-Za-z,]+)/g
const SEVERITY_VARS = new Set(['SCAN_SEVERITY', 'TRIVY_SEVERITY'])

function inspectScans(files: ReadonlyMap<string, string>, paths: readonly string[], policy: Policy, report: Report): void {
  const failOn = policy.scan?.failOn
  if (!failOn) return
  const required = scanSeverities(failOn)
  for (const file of paths.filter((p) => WORKFLOW.test(p) || isGitlabCi(p))) {
    const docs = yamlDocs(files.get(file)!)
    if (!docs) continue
    const check = (what: string, list: string) => {
      // A variable (`$SCAN_SEVERITY`, `${{ env.X }}`) is checked where it is set.
      if (list.includes('$')) return
      const have = new Set(list.split(',').map((s) => s.trim().toUpperCase()))
      const missing = required.filter((s) => !have.has(s))
      if (missing.length) report('scan.failOn', file, `${what} is ${list}; policy requires ${required.join(',')} (missing ${missing.join(', ')})`)
    }
    const walk = (node: unknown): void => {
      if (typeof node === 'string') {
        for (const m of node.matchAll(SEVERITY_FLAG)) check('trivy --severity', m[1]!)
      } else if (Array.isArray(node)) node.forEach(walk)
      else if (isObj(node)) {
        for (const [key, value] of Object.entries(node)) {
          if (SEVERITY_VARS.has(key) && (typeof value === 'string' || Array.isArray(value))) check(key, Array.isArray(value) ? value.join(',') : value)
          else walk(value)
        }
        const uses = node['uses']
        const inputs = node['with']
        if (typeof uses === 'string' && uses.startsWith('aquasecurity/trivy-action@') && isObj(inputs) && typeof inputs['severity'] === 'string') check('the trivy-action severity input', inputs['severity'])
      }
    }
    docs.forEach(walk)
  }
}

/**
 * Kubernetes rules from PRACTICES.md: a hardened securityContext, liveness and readiness probes,
 * and resource requests and limits for the app. For each Helm chart (a folder with Chart.yaml) the
 * values files and the Deployment template are read as text: templates are Go templates, not
 * YAML. For Kustomize, every Deployment a kustomization holds, and the patches that could undo it.
 */
import { posix } from 'node:path'
import { LineCounter, parseAllDocuments, type Document } from 'yaml'
import type { Finding, Rule, Severity } from '../types.js'
import { yamlLine } from './compose.js'

type Obj = Record<string, unknown>
type Path = readonly (string | number)[]
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const filled = (v: unknown) => isObj(v) && Object.keys(v).length > 0

interface YamlDoc {
  file: string
  doc: Document
  lines: LineCounter
  data: unknown
}

/** Every document of a YAML file; null when it does not parse (these rules skip such files). */
function loadYaml(file: string, text: string | undefined): YamlDoc[] | null {
  if (text === undefined) return null
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: lines, logLevel: 'silent' })
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return null
  return docs.map((doc) => ({ file, doc, lines, data: doc.toJS({ maxAliasCount: -1 }) as unknown }))
}

const lineOf = (d: YamlDoc, path: Path) => yamlLine(d.doc, d.lines, path)

function get(v: unknown, path: Path): unknown {
  let cur = v
  for (const k of path) cur = isObj(cur) ? cur[k] : Array.isArray(cur) && typeof k === 'number' ? cur[k] : undefined
  return cur
}

/** Helm's merge of a values file over values.yaml: maps merge, null removes a key, the rest replaces. */
function mergeValues(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over
  const out: Obj = { ...base }
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k]
    else out[k] = mergeValues(base[k], v)
  }
  return out
}

/** The 1-based line of the first match of `re` in a text; 1 when there is none. */
function textLine(text: string, re: RegExp): number {
  const m = re.exec(text)
  return m ? text.slice(0, m.index).split('\n').length : 1
}

// ---------------------------------------------------------------- Helm

interface Chart {
  dir: string
  values?: YamlDoc
  /** values-dev.yaml, values-prod.yaml...: each read over values.yaml, as `helm -f` does. */
  envValues: YamlDoc[]
  /** Templates that render a Deployment; absent when the chart's templates are not among the files. */
  deployments: { file: string; text: string }[]
}

function charts(files: ReadonlyMap<string, string>): Chart[] {
  const out: Chart[] = []
  for (const path of files.keys()) {
    if (posix.basename(path) !== 'Chart.yaml') continue
    const dir = posix.dirname(path)
    // A dependency unpacked below a chart's charts/ folder is someone else's chart, with its own values layout.
    const vendored = /^(.*)\/charts\/[^/]+$/.exec(dir)
    if (vendored && files.has(`${vendored[1]}/Chart.yaml`)) continue
    const inDir = (p: string) => (dir === '.' ? p : `${dir}/${p}`)
    const values = loadYaml(inDir('values.yaml'), files.get(inDir('values.yaml')))?.[0]
    const envValues: YamlDoc[] = []
    const deployments: Chart['deployments'] = []
    for (const [p, text] of files) {
      if (posix.dirname(p) === dir && /^values[-.].+\.ya?ml$/.test(posix.basename(p))) envValues.push(...(loadYaml(p, text)?.slice(0, 1) ?? []))
      if (p.startsWith(inDir('templates/')) && /\.ya?ml$/.test(p) && /^kind:\s*Deployment\s*$/m.test(text)) deployments.push({ file: p, text })
    }
    out.push({ dir, values: isObj(values?.data) ? values : undefined, envValues: envValues.filter((v) => isObj(v.data)), deployments })
  }
  return out
}

// ---------------------------------------------------------------- Kustomize

interface Deployment {
  at: YamlDoc
  name: string
  containers: Obj[]
}

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/

/** The container a rule about "the app" reads: the one named app, else the first. */
const appIndex = (d: Deployment) => Math.max(0, d.containers.findIndex((c) => c.name === 'app'))
const containersPath: Path = ['spec', 'template', 'spec', 'containers']

interface Kustomization {
  at: YamlDoc
  dir: string
  data: Obj
}

function kustomizations(files: ReadonlyMap<string, string>): Kustomization[] {
  return [...files]
    .filter(([p]) => KUSTOMIZATION.test(posix.basename(p)))
    .flatMap(([p, text]) => {
      const at = loadYaml(p, text)?.[0]
      return at && isObj(at.data) ? [{ at, dir: posix.dirname(p), data: at.data }] : []
    })
}

const inKustomizeDir = (k: Kustomization, ref: string) => posix.join(k.dir, ref)

/** Patch files a kustomization names: partial Deployments, not Deployments of their own. */
function patchFiles(k: Kustomization): string[] {
  const entries = [...(Array.isArray(k.data.patches) ? k.data.patches : []), ...(Array.isArray(k.data.patchesStrategicMerge) ? k.data.patchesStrategicMerge : []), ...(Array.isArray(k.data.patchesJson6902) ? k.data.patchesJson6902 : [])]
  return entries.flatMap((e) => (typeof e === 'string' && !e.includes('\n') ? [inKustomizeDir(k, e)] : isObj(e) && typeof e.path === 'string' ? [inKustomizeDir(k, e.path)] : []))
}

/** Deployments in a kustomization's folder or its `resources:`, with an image on every container. */
function kustomizeDeployments(files: ReadonlyMap<string, string>): Deployment[] {
  const ks = kustomizations(files)
  const patches = new Set(ks.flatMap(patchFiles))
  const candidates = new Set<string>()
  for (const k of ks) {
    for (const p of files.keys()) if (posix.dirname(p) === k.dir && /\.ya?ml$/.test(p) && !KUSTOMIZATION.test(posix.basename(p))) candidates.add(p)
    for (const r of Array.isArray(k.data.resources) ? k.data.resources : []) if (typeof r === 'string' && files.has(inKustomizeDir(k, r))) candidates.add(inKustomizeDir(k, r))
  }
  const out: Deployment[] = []
  for (const p of [...candidates].sort()) {
    if (patches.has(p)) continue
    for (const at of loadYaml(p, files.get(p)) ?? []) {
      const containers = get(at.data, containersPath)
      if (get(at.data, ['kind']) !== 'Deployment' || !Array.isArray(containers) || containers.length === 0) continue
      if (!containers.every((c) => isObj(c) && typeof c.image === 'string')) continue
      out.push({ at, name: String(get(at.data, ['metadata', 'name']) ?? p), containers: containers as Obj[] })
    }
  }
  return out
}

/** A kustomization's patches, each parsed, with the line of its entry. */
function kustomizePatches(files: ReadonlyMap<string, string>): { k: Kustomization; line?: number; targetKind?: unknown; docs: unknown[] }[] {
  const out: ReturnType<typeof kustomizePatches> = []
  for (const k of kustomizations(files)) {
    for (const key of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) {
      const list = k.data[key]
      if (!Array.isArray(list)) continue
      list.forEach((e, i) => {
        const text = typeof e === 'string' ? (e.includes('\n') ? e : files.get(inKustomizeDir(k, e))) : isObj(e) ? (typeof e.patch === 'string' ? e.patch : typeof e.path === 'string' ? files.get(inKustomizeDir(k, e.path)) : undefined) : undefined
        const docs = loadYaml(k.at.file, text)
        if (docs) out.push({ k, line: lineOf(k.at, [key, i]), targetKind: isObj(e) ? get(e, ['target', 'kind']) : undefined, docs: docs.map((d) => d.data) })
      })
    }
  }
  return out
}

type Aspect = 'security' | 'probes' | 'resources'

// Settings a patch may turn off, and the value that turns each off.
const WEAKENED: Record<string, (v: unknown) => boolean> = {
  runAsNonRoot: (v) => v !== true,
  allowPrivilegeEscalation: (v) => v !== false,
  readOnlyRootFilesystem: (v) => v !== true,
  privileged: (v) => v === true,
}

/** What a strategic-merge or JSON 6902 patch of a Deployment undoes, as `aspect: what`. */
function patchUndoes(docs: readonly unknown[], targetKind: unknown): { aspect: Aspect; what: string }[] {
  const out: { aspect: Aspect; what: string }[] = []
  for (const doc of docs) {
    if (Array.isArray(doc)) {
      if (targetKind !== undefined && targetKind !== 'Deployment') continue
      for (const op of doc.filter(isObj)) {
        const last = String(op.path ?? '').split('/').pop()!
        const removed = op.op === 'remove'
        // Without the key Kubernetes defaults to the weak setting, except for privileged.
        if (last in WEAKENED && (removed ? last !== 'privileged' : WEAKENED[last]!(op.value))) out.push({ aspect: 'security', what: `${op.op} ${op.path}` })
        else if (['securityContext', 'capabilities'].includes(last) && removed) out.push({ aspect: 'security', what: `remove ${op.path}` })
        else if (/^(liveness|readiness)Probe$/.test(last) && removed) out.push({ aspect: 'probes', what: `remove ${op.path}` })
        else if (['resources', 'requests', 'limits'].includes(last) && removed) out.push({ aspect: 'resources', what: `remove ${op.path}` })
      }
      continue
    }
    if (get(doc, ['kind']) !== 'Deployment') continue
    const pod = get(doc, ['spec', 'template', 'spec', 'securityContext'])
    const contexts = [pod, ...((get(doc, containersPath) as unknown[] | undefined) ?? []).map((c) => get(c, ['securityContext']))]
    for (const sc of contexts.filter(isObj)) for (const [k, weak] of Object.entries(WEAKENED)) if (k in sc && weak(sc[k])) out.push({ aspect: 'security', what: `${k}: ${String(sc[k])}` })
    for (const c of ((get(doc, containersPath) as unknown[] | undefined) ?? []).filter(isObj)) {
      for (const probe of ['livenessProbe', 'readinessProbe']) if (probe in c && c[probe] === null) out.push({ aspect: 'probes', what: `${probe}: null` })
      if ('resources' in c && c.resources === null) out.push({ aspect: 'resources', what: 'resources: null' })
    }
  }
  return out
}

// ---------------------------------------------------------------- rules

type Report = (file: string, line: number | undefined, message: string, hint: string) => void

function k8sRule(id: string, severity: Severity, summary: string, aspect: Aspect, checks: { chart: (c: Chart, report: Report) => void; deployment: (d: Deployment, report: Report) => void; patchHint: string }): Rule {
  return {
    id,
    severity,
    summary,
    check({ files }) {
      const out: Finding[] = []
      const report: Report = (file, line, message, hint) => out.push({ rule: id, severity, file, ...(line ? { line } : {}), message, hint })
      for (const c of charts(files)) checks.chart(c, report)
      for (const d of kustomizeDeployments(files)) checks.deployment(d, report)
      for (const p of kustomizePatches(files)) {
        for (const u of patchUndoes(p.docs, p.targetKind).filter((x) => x.aspect === aspect)) report(p.k.at.file, p.line, `a patch undoes the Deployment's ${aspect === 'probes' ? 'probes' : aspect === 'security' ? 'hardening' : 'resources'}: ${u.what}`, checks.patchHint)
      }
      return out
    },
  }
}

interface Hardening {
  what: string
  holds(pod: Obj, container: Obj): boolean
  /** Where the value sits in the container's securityContext (the pod's for runAsNonRoot too). */
  key: string
  /** The setting written out in a template, not taken from values. */
  literal: RegExp
}

const HARDENING: readonly Hardening[] = [
  { what: 'runAsNonRoot: true', key: 'runAsNonRoot', holds: (pod, c) => (c.runAsNonRoot ?? pod.runAsNonRoot) === true, literal: /^\s*runAsNonRoot:\s*true\s*$/m },
  { what: 'allowPrivilegeEscalation: false', key: 'allowPrivilegeEscalation', holds: (_, c) => c.allowPrivilegeEscalation === false, literal: /^\s*allowPrivilegeEscalation:\s*false\s*$/m },
  { what: 'readOnlyRootFilesystem: true', key: 'readOnlyRootFilesystem', holds: (_, c) => c.readOnlyRootFilesystem === true, literal: /^\s*readOnlyRootFilesystem:\s*true\s*$/m },
  { what: 'capabilities.drop: [ALL]', key: 'capabilities', holds: (_, c) => (get(c, ['capabilities', 'drop']) as unknown[] | undefined)?.some((d) => String(d).toUpperCase() === 'ALL') === true, literal: /^\s*drop:\s*(\[\s*["']?ALL|\n\s*-\s*["']?ALL)/im },
]

const SECURITY_HINT = 'Set runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true (with an emptyDir for /tmp) and capabilities.drop: [ALL].'

/** Where a hardening setting is in values (the container's, else the pod's, else the sections). */
function hardeningLine(v: YamlDoc, h: Hardening): number | undefined {
  const paths: Path[] = [['securityContext', h.key], ['podSecurityContext', h.key], ['securityContext'], ['podSecurityContext']]
  for (const p of paths) if (get(v.data, p) !== undefined) return lineOf(v, p)
  return undefined
}

/** A setting values.yaml (or an environment's file over it) leaves off, unless the template writes it itself. */
function chartHardening(c: Chart, report: Report): void {
  const templates = c.deployments.map((d) => d.text).join('\n')
  for (const d of c.deployments) if (!/^\s*securityContext:/m.test(d.text)) report(d.file, textLine(d.text, /^\s*containers:/m), 'the Deployment template sets no securityContext, so no hardening reaches the pod', `Add \`securityContext: {{- toYaml .Values.securityContext | nindent 12 }}\` to the container (and the pod's). ${SECURITY_HINT}`)
  if (!c.values) return
  const section = (values: unknown, key: string): Obj => {
    const v = get(values, [key])
    return isObj(v) ? v : {}
  }
  const fails = (values: unknown, h: Hardening) => !h.holds(section(values, 'podSecurityContext'), section(values, 'securityContext'))
  const setIn = (values: unknown, h: Hardening) => get(values, ['securityContext', h.key]) !== undefined || get(values, ['podSecurityContext', h.key]) !== undefined
  for (const h of HARDENING) {
    // The template may write the setting itself; a value that turns it off still counts.
    if (fails(c.values.data, h) && (setIn(c.values.data, h) || !h.literal.test(templates))) {
      report(c.values.file, hardeningLine(c.values, h), `the chart's securityContext lacks ${h.what}`, SECURITY_HINT)
    }
    for (const env of c.envValues) {
      const merged = mergeValues(c.values.data, env.data)
      if (setIn(env.data, h) && fails(merged, h) && !fails(c.values.data, h)) report(env.file, hardeningLine(env, h), `${posix.basename(env.file)} turns off ${h.what}`, `Remove the override; ${SECURITY_HINT}`)
    }
  }
}

function deploymentHardening(d: Deployment, report: Report): void {
  const pod = get(d.at.data, ['spec', 'template', 'spec', 'securityContext'])
  d.containers.forEach((c, i) => {
    const sc = isObj(c.securityContext) ? c.securityContext : {}
    for (const h of HARDENING) {
      if (h.holds(isObj(pod) ? pod : {}, sc)) continue
      const at = sc[h.key] !== undefined ? [...containersPath, i, 'securityContext', h.key] : [...containersPath, i, 'securityContext']
      report(d.at.file, lineOf(d.at, at), `container "${String(c.name)}" of Deployment "${d.name}" lacks ${h.what}`, SECURITY_HINT)
    }
  })
}

const securityContext = k8sRule('chart-security-context', 'error', 'The app runs non-root, without privilege escalation, on a read-only root filesystem, with every capability dropped.', 'security', {
  chart: chartHardening,
  deployment: deploymentHardening,
  patchHint: `Remove the patch's override. ${SECURITY_HINT}`,
})

const PROBES = ['livenessProbe', 'readinessProbe'] as const
const PROBE_HINT = 'Probe the app\'s real endpoints: livenessProbe on /healthz, readinessProbe on /readyz (and a startupProbe for slow starts); without a health route, a tcpSocket probe on its port.'

/** The values a template's probes take their paths from (`path: {{ .Values.health.livenessPath }}`), and the usual health.*Path. */
function probePaths(c: Chart): Path[] {
  const paths = new Map<string, Path>()
  for (const d of c.deployments) for (const m of d.text.matchAll(/path:\s*\{\{-?\s*\.Values\.([\w.]+)\s*-?\}\}/g)) paths.set(m[1]!, m[1]!.split('.'))
  const health = get(c.values?.data, ['health'])
  if (isObj(health)) for (const k of Object.keys(health)) if (/path$/i.test(k)) paths.set(`health.${k}`, ['health', k])
  return [...paths.values()]
}

/**
 * The Deployment templates probe by TCP when a health path is empty (`{{- if
 * .Values.health.livenessPath }} httpGet ... {{- else }} tcpSocket`): an empty path is then an
 * app without a health route, checked on its port.
 */
const tcpWhenEmpty = (c: Chart) => c.deployments.length > 0 && c.deployments.every((d) => /^\s*tcpSocket:/m.test(d.text) && /\{\{-?\s*(if|with)\s+\.Values\.[\w.]*[Pp]ath\b/.test(d.text))

function chartProbes(c: Chart, report: Report): void {
  for (const d of c.deployments) {
    for (const probe of PROBES) if (!new RegExp(`^\\s*${probe}:`, 'm').test(d.text)) report(d.file, textLine(d.text, /^\s*containers:/m), `the Deployment template has no ${probe}`, PROBE_HINT)
  }
  if (!c.values) return
  const tcp = tcpWhenEmpty(c)
  // An environment's null removes the value (Helm's merge), which leaves the probe with nothing.
  const empty = (v: unknown) => v === null || (!tcp && typeof v === 'string' && v.trim() === '')
  for (const path of probePaths(c)) {
    const base = get(c.values.data, path)
    if (empty(base) || (base === undefined && c.deployments.length > 0)) report(c.values.file, lineOf(c.values, path), `${path.join('.')} is ${base === undefined ? 'not set' : 'empty'}, so the probe has no endpoint`, PROBE_HINT)
    for (const env of c.envValues) if (empty(get(env.data, path)) && !empty(base)) report(env.file, lineOf(env, path), `${posix.basename(env.file)} ${get(env.data, path) === null ? 'removes' : 'empties'} ${path.join('.')}, so the probe has no endpoint`, PROBE_HINT)
  }
}

function deploymentProbes(d: Deployment, report: Report): void {
  const i = appIndex(d)
  const c = d.containers[i]!
  for (const probe of PROBES) if (!filled(c[probe])) report(d.at.file, lineOf(d.at, [...containersPath, i]), `container "${String(c.name)}" of Deployment "${d.name}" has no ${probe}`, PROBE_HINT)
}

const probeMissing = k8sRule('chart-probe-missing', 'error', 'The app container has liveness and readiness probes.', 'probes', {
  chart: chartProbes,
  deployment: deploymentProbes,
  patchHint: `Keep the probes in every environment. ${PROBE_HINT}`,
})

const RESOURCES_HINT = 'Set resources.requests (cpu, memory) for scheduling and the HPA, and resources.limits (memory at least) so one pod cannot starve the node.'

/** What is missing of requests and limits; empty when both are set. */
const missingResources = (r: unknown) => ['requests', 'limits'].filter((k) => !filled(get(r, [k])))

function chartResources(c: Chart, report: Report): void {
  const templates = c.deployments.map((d) => d.text).join('\n')
  for (const d of c.deployments) if (!/^\s*resources:/m.test(d.text)) report(d.file, textLine(d.text, /^\s*containers:/m), 'the Deployment template sets no resources for the app container', RESOURCES_HINT)
  if (!c.values) return
  const ref = /resources:\s*\n\s*\{\{-?\s*toYaml\s+\.Values\.([\w.]+)/.exec(templates)
  const path = ref ? ref[1]!.split('.') : ['resources']
  const missing = missingResources(get(c.values.data, path)).filter((k) => !new RegExp(`^\\s*${k}:\\s*$`, 'm').test(templates))
  if (missing.length) report(c.values.file, lineOf(c.values, path), `${path.join('.')} has no ${missing.join(' or ')} for the app container`, RESOURCES_HINT)
}

function deploymentResources(d: Deployment, report: Report): void {
  const i = appIndex(d)
  const c = d.containers[i]!
  const missing = missingResources(c.resources)
  if (missing.length) report(d.at.file, lineOf(d.at, [...containersPath, i, ...(c.resources !== undefined ? ['resources'] : [])]), `container "${String(c.name)}" of Deployment "${d.name}" has no resources ${missing.join(' or ')}`, RESOURCES_HINT)
}

const resourcesMissing = k8sRule('chart-resources-missing', 'warning', 'The app container sets resource requests and limits.', 'resources', {
  chart: chartResources,
  deployment: deploymentResources,
  patchHint: `Keep requests and limits in every environment. ${RESOURCES_HINT}`,
})

export const CHART_RULES: readonly Rule[] = [securityContext, probeMissing, resourcesMissing]

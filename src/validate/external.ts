/**
 * External validators for `validate`: the real tools, run when this machine has them. Each one
 * is reported as run (passed / failed / error), not installed (with the command that installs
 * it) or not applicable (the repository has nothing it checks): never left out silently.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, posix } from 'node:path'
import { parse as parseYaml, parseAllDocuments } from 'yaml'
import { isComposeFile, isDockerfile } from '../policy/images.js'
import { readRegularFile } from '../utils/read-regular-file.js'
import { composeStacks, DEFAULT_BASES } from './compose-stacks.js'
import type { Finding, Severity } from './types.js'

export type ExternalStatus = 'passed' | 'failed' | 'not-installed' | 'not-applicable' | 'error'

export interface ExternalResult {
  id: string
  /** The program that ran (or would run): `docker compose` or `docker-compose`, `checkov` or `trivy`, ... */
  tool: string
  status: ExternalStatus
  /** The files or folders it checks, from the repository root. */
  files: string[]
  output?: string
  /** Status `error`: why it could not run, naming the command that failed (else the output's first failed command says it). */
  reason?: string
  /** How to install what is missing. */
  hint?: string
  findings: Finding[]
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs one program (no shell). `env` adds to the environment `runExternal` was given. */
export type Exec = (cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; signal?: AbortSignal }) => Promise<ExecResult>

/** What a validator may ask about the machine. */
export interface Probe {
  /** Absolute path of an executable on PATH, or undefined. */
  which(cmd: string): string | undefined
  exec: Exec
  root: string
}

export interface RunContext {
  /** The program resolved on this machine (see ExternalValidator.resolve). */
  tool: string
  which(cmd: string): string | undefined
  /** The environment the programs run in. */
  env: Readonly<Record<string, string>>
}

export interface RunOutcome {
  ok: boolean
  output: string
  findings: Finding[]
  /** The check could not be completed (no network, a renderer failed): neither passed nor failed. */
  error?: boolean
  /** With `error`: why, in one line naming the command that failed and its exit code. */
  reason?: string
  /** Something it could not check for want of another program, and how to install it. */
  hint?: string
}

export type Resolution = { tool: string } | { missing: string; tool?: string }

export interface ExternalValidator {
  id: string
  /** The program it runs; a validator with alternatives names its first choice. */
  tool: string
  /** One line: the command or page that installs `tool`. */
  installHint: string
  /** The files or folders it checks; empty when it does not apply. */
  applies(paths: readonly string[]): string[]
  /** Which program runs on this machine, or why none can. Default: `tool` on PATH. */
  resolve?(probe: Probe, targets: string[]): Promise<Resolution>
  run(root: string, targets: string[], exec: Exec, ctx?: RunContext): Promise<RunOutcome>
}

export const CONCURRENCY = 4
export const TIMEOUT_MS = 120_000
/** Output kept per validator; findings carry the details. */
const MAX_OUTPUT = 20_000

// ---- helpers -----------------------------------------------------------------------------------

// Dependency and tool folders hold other people's files (and Terraform's module copies).
const IGNORED = /(^|\/)(node_modules|\.git|\.terraform|vendor|\.venv)\//

const visible = (paths: readonly string[]) => paths.map((p) => p.replace(/^\.\//, '')).filter((p) => !IGNORED.test(p))
const dirOf = (p: string) => (p.includes('/') ? posix.dirname(p) : '.')
const base = (p: string) => posix.basename(p)
const inDir = (dir: string, file: string) => (dir === '.' ? file : `${dir}/${file}`)
const uniqSorted = (xs: Iterable<string>) => [...new Set(xs)].sort()

/** Lines of a tool's output, with the blank ones and ANSI colours taken out. */
const lines = (text: string) =>
  text
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')

const firstLines = (text: string, n = 6) => lines(text).slice(0, n).join('\n')

function clip(text: string): string {
  return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}\n… (${text.length - MAX_OUTPUT} more characters)` : text
}

function section(cmd: string, args: readonly string[], r: ExecResult): string {
  const body = [r.stdout, r.stderr].map((s) => s.trimEnd()).filter(Boolean).join('\n')
  return `$ ${[cmd, ...args].join(' ')}  (exit ${r.exitCode})${body ? `\n${body}` : ''}`
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T
  } catch {
    throw new Error(`${what} did not print JSON:\n${firstLines(text, 20)}`)
  }
}

/** KEY=value lines (`export`, quotes and comments allowed), as Compose reads .env files. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(raw)
    if (!m) continue
    let v = m[2]!.trim()
    const q = v[0]
    if ((q === '"' || q === "'") && v.lastIndexOf(q) > 0) v = v.slice(1, v.lastIndexOf(q))
    else v = v.replace(/\s+#.*$/, '')
    out[m[1]!] = v
  }
  return out
}

/** A regular file's text; a FIFO or device is never opened (it would block validate for good). */
function readText(path: string): string | undefined {
  const r = readRegularFile(path, { followLinks: true })
  return r.kind === 'text' ? r.text : undefined
}

/** The regular files of a folder (links to them too): a FIFO named compose.override.yaml is never handed to a tool. */
function listDir(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isFile() || (e.isSymbolicLink() && isRegular(join(path, e.name))))
      .map((e) => e.name)
  } catch {
    return []
  }
}

function isRegular(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

// ---- hadolint ----------------------------------------------------------------------------------

interface HadolintItem {
  code: string
  file: string
  level: string
  line: number
  message: string
}

const hadolintHint = (code: string) =>
  code.startsWith('SC') ? `See https://www.shellcheck.net/wiki/${code}` : `See https://github.com/hadolint/hadolint/wiki/${code}`

const hadolint: ExternalValidator = {
  id: 'hadolint',
  tool: 'hadolint',
  installHint: 'brew install hadolint, or a binary from https://github.com/hadolint/hadolint#install',
  applies: (paths) => uniqSorted(visible(paths).filter(isDockerfile)),
  async run(root, targets, exec) {
    const args = ['--no-color', '-f', 'json', ...targets]
    const r = await exec('hadolint', args, { cwd: root })
    const items = r.stdout.trim() ? parseJson<HadolintItem[]>(r.stdout, 'hadolint') : []
    const findings = items.map((i): Finding => ({
      rule: `hadolint/${i.code}`,
      severity: i.level === 'error' ? 'error' : 'warning',
      file: i.file.replace(/^\.\//, ''),
      line: i.line,
      message: i.message,
      hint: hadolintHint(i.code),
    }))
    if (r.exitCode !== 0 && findings.length === 0) throw new Error(section('hadolint', args, r))
    const text = findings.map((f) => `${f.file}:${f.line} ${f.rule.slice('hadolint/'.length)} ${f.severity}: ${f.message}`).join('\n')
    return { ok: r.exitCode === 0, output: [`$ hadolint ${args.join(' ')}  (exit ${r.exitCode})`, text, r.stderr.trim()].filter(Boolean).join('\n'), findings }
  },
}

// ---- docker compose ----------------------------------------------------------------------------

/** The environment a required `${X:?}` / `${X?}` needs to resolve: what is set, else a placeholder. */
function requiredVariables(texts: readonly string[]): Map<string, boolean> {
  const out = new Map<string, boolean>()
  for (const t of texts) {
    // `$${X}` is Compose's escape for a literal `${X}`.
    for (const m of t.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?)\?/g)) out.set(m[1]!, (out.get(m[1]!) ?? false) || m[2] === ':')
  }
  return out
}

const COMPOSE_PLACEHOLDER = 'validate-placeholder'

const dockerCompose: ExternalValidator = {
  id: 'docker-compose',
  tool: 'docker compose',
  installHint: 'Docker Desktop, or the Compose plugin: https://docs.docker.com/compose/install/',
  applies(paths) {
    // Per folder, the base Compose picks and any base named for `-f` (compose.app.yaml beside the
    // app's own compose.yaml); a default name Compose passes over is not run.
    const byDir = new Map<string, string[]>()
    for (const p of visible(paths).filter(isComposeFile)) byDir.set(dirOf(p), [...(byDir.get(dirOf(p)) ?? []), base(p)])
    const out: string[] = []
    for (const [dir, names] of byDir) {
      const picked = DEFAULT_BASES.find((b) => names.includes(b))
      for (const s of composeStacks(names)) if (s.base !== undefined && (s.base === picked || !(DEFAULT_BASES as readonly string[]).includes(s.base))) out.push(inDir(dir, s.base))
    }
    return uniqSorted(out)
  },
  async resolve(probe) {
    if (probe.which('docker')) {
      const r = await probe.exec('docker', ['compose', 'version'], { cwd: probe.root }).catch(() => undefined)
      if (r?.exitCode === 0) return { tool: 'docker compose' }
    }
    if (probe.which('docker-compose')) return { tool: 'docker-compose' }
    return { missing: this.installHint, tool: 'docker compose' }
  },
  async run(root, targets, exec, ctx) {
    const plugin = (ctx?.tool ?? 'docker compose') === 'docker compose'
    const cmd = plugin ? 'docker' : 'docker-compose'
    const out: string[] = []
    const findings: Finding[] = []
    let ok = true
    let notRun = false
    for (const baseFile of targets) {
      const dir = dirOf(baseFile)
      const abs = join(root, dir)
      // Compose reads the folder's .env by itself: a FIFO there would block it until the timeout.
      const envFile = readRegularFile(join(abs, '.env'), { followLinks: true })
      if (envFile.kind === 'not-read' && envFile.reason === 'not-a-file') {
        out.push(`${inDir(dir, '.env')} is ${envFile.why}: docker compose reads it, so ${baseFile} was not checked.`)
        notRun = true
        continue
      }
      const layers = composeStacks(listDir(abs).filter(isComposeFile)).find((s) => s.base === base(baseFile))?.layers ?? []
      const sets = [[base(baseFile)], ...layers.map((o) => [base(baseFile), o])]

      // Without a .env, .env.example stands in for it, so the values the project documents are used.
      const dotenv = readText(join(abs, '.env'))
      const example = dotenv === undefined ? parseDotenv(readText(join(abs, '.env.example')) ?? '') : {}
      const known = { ...parseDotenv(dotenv ?? ''), ...example, ...(ctx?.env ?? {}) }
      for (const set of sets) {
        const texts = set.map((f) => readText(join(abs, f)) ?? '')
        const env: Record<string, string> = {}
        for (const [k, v] of Object.entries(example)) if (ctx?.env[k] === undefined) env[k] = v
        // Secrets the project leaves empty on purpose: the check is of the files, not of a deployment.
        const placeholders: string[] = []
        for (const [name, emptyFails] of requiredVariables(texts)) {
          const v = known[name]
          if (v === undefined || (emptyFails && v === '')) {
            env[name] = COMPOSE_PLACEHOLDER
            placeholders.push(name)
          }
        }
        const args = [...(plugin ? ['compose'] : []), ...set.flatMap((f) => ['-f', f]), 'config', '--quiet']
        const r = await exec(cmd, args, { cwd: abs, env })
        out.push(`${section(cmd, args, r)}${placeholders.length ? `\n(placeholders for ${placeholders.join(', ')})` : ''}`)
        if (r.exitCode === 0) continue
        ok = false
        const message = firstLines(r.stderr || r.stdout) || `exit ${r.exitCode}`
        // Compose names the file it could not read; otherwise the set's last file is the one that changed.
        const named = set.find((f) => message.includes(join(abs, f))) ?? set[set.length - 1]!
        const line = /\bline (\d+)\b/.exec(message)?.[1]
        findings.push({
          rule: 'docker-compose/config',
          severity: 'error',
          file: inDir(dir, named),
          ...(line ? { line: Number(line) } : {}),
          message: `${set.join(' + ')}: ${message.replaceAll(`${abs}/`, '')}`,
          hint: `Run \`${[cmd, ...args.filter((a) => a !== '--quiet')].join(' ')}\`${dir === '.' ? '' : ` in ${dir}`} and fix what it reports.`,
        })
      }
    }
    return { ok, output: out.join('\n\n'), findings, ...(notRun ? { error: true } : {}) }
  },
}

// ---- Helm --------------------------------------------------------------------------------------

/** Chart folders; a chart's own sub-charts (charts/) are linted with it. */
function chartDirs(paths: readonly string[]): string[] {
  const dirs = uniqSorted(visible(paths).filter((p) => base(p) === 'Chart.yaml').map(dirOf))
  return dirs.filter((d) => !dirs.some((o) => o !== d && (o === '.' ? d.startsWith('charts/') : d.startsWith(`${o}/charts/`))))
}

function chartValues(root: string, chart: string): string[] {
  return listDir(join(root, chart)).filter((f) => /^values-[\w.-]+\.ya?ml$/.test(f)).sort()
}

function chartName(root: string, chart: string): string {
  const name = /^name:\s*["']?([^"'\s#]+)/m.exec(readText(join(root, chart, 'Chart.yaml')) ?? '')?.[1]
  return name ?? base(chart === '.' ? root : chart)
}

const envOf = (valuesFile: string) => valuesFile.replace(/^values-/, '').replace(/\.ya?ml$/, '')

/**
 * Where a Helm message points: `<chart name>/templates/x.yaml:18:28` (a template that did not
 * execute), `failed to parse <values file> ... line 69`, else `fallback`.
 */
function helmLocation(chart: string, name: string, text: string, fallback: string): { file: string; line?: number } {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const tpl = new RegExp(`(?:^|[\\s"])${esc}/((?:templates|charts)/[^\\s:"]+):(\\d+)`).exec(text)
  if (tpl) return { file: inDir(chart, tpl[1]!), line: Number(tpl[2]) }
  const values = /failed to parse (\S+?):.*?\bline (\d+)/.exec(text)
  if (values) return { file: values[1]!, line: Number(values[2]) }
  return { file: fallback }
}

/** `[ERROR] templates/: message` entries of `helm lint`, with their indented continuation lines. */
function helmLintEntries(text: string): { severity: Severity; where?: string; message: string }[] {
  const entries: { level: string; text: string }[] = []
  for (const l of lines(text)) {
    const m = /^\[(ERROR|WARNING|INFO)\]\s+(.*)$/.exec(l.trim())
    if (m) entries.push({ level: m[1]!, text: m[2]! })
    else if (/^\s/.test(l) && entries.length) entries[entries.length - 1]!.text += `\n${l.trim()}`
  }
  return entries
    .filter((e) => e.level !== 'INFO')
    .map((e) => {
      const where = /^([\w./-]+?):\s+([\s\S]*)$/.exec(e.text)
      return { severity: e.level === 'ERROR' ? 'error' : 'warning', ...(where ? { where: where[1]!.replace(/\/$/, '') } : {}), message: where ? where[2]! : e.text }
    })
}

/** One line of a Helm error: no `Error: ` prefix, no advice about --debug. */
const helmMessage = (text: string) =>
  text
    .replace(/^Error: /gm, '')
    .replace(/^Use --debug flag.*$/gm, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim()

const helm: ExternalValidator = {
  id: 'helm',
  tool: 'helm',
  installHint: 'brew install helm, or https://helm.sh/docs/intro/install/',
  applies: chartDirs,
  async run(root, targets, exec) {
    const out: string[] = []
    let ok = true
    // A broken template usually breaks every values file the same way: one finding, the files listed.
    const grouped = new Map<string, { finding: Finding; values: string[] }>()
    const add = (f: Finding, values: string) => {
      const key = `${f.rule}\0${f.file}\0${f.line ?? ''}\0${f.message}`
      const g = grouped.get(key)
      if (g) g.values.push(values)
      else grouped.set(key, { finding: f, values: [values] })
    }
    for (const chart of targets) {
      const values = chartValues(root, chart)
      const name = chartName(root, chart)
      for (const v of [undefined, ...values]) {
        const args = ['lint', '--strict', chart, ...(v ? ['-f', inDir(chart, v)] : [])]
        const r = await exec('helm', args, { cwd: root })
        out.push(section('helm', args, r))
        if (r.exitCode === 0) continue
        ok = false
        const hint = `Run \`helm lint --strict ${chart}\` (with -f and the values file named) and fix what it reports.`
        const entries = helmLintEntries(`${r.stdout}\n${r.stderr}`)
        // With nothing in [ERROR] form (a values file that does not parse), helm's own error says it.
        if (!entries.length) entries.push({ severity: 'error', message: firstLines(r.stderr || r.stdout) })
        for (const e of entries) {
          const named = e.where ? inDir(chart, e.where) : v ? inDir(chart, v) : chart
          add({ rule: 'helm/lint', severity: e.severity, ...helmLocation(chart, name, e.message, named), message: helmMessage(e.message), hint }, v ?? 'values.yaml')
        }
      }
      for (const v of values.length ? values : [undefined]) {
        const args = ['template', name, chart, ...(v ? ['-f', inDir(chart, v)] : [])]
        const r = await exec('helm', args, { cwd: root })
        // The manifests themselves are kubeconform's to check; only a failure is worth showing.
        out.push(r.exitCode === 0 ? `$ helm ${args.join(' ')}  (exit 0)` : section('helm', args, r))
        if (r.exitCode === 0) continue
        ok = false
        const text = firstLines(r.stderr || r.stdout)
        add(
          {
            rule: 'helm/template',
            severity: 'error',
            ...helmLocation(chart, name, text, v ? inDir(chart, v) : chart),
            message: helmMessage(text),
            hint: `Run \`helm template ${name} ${chart}\` with the values file and fix the template or values it names.`,
          },
          v ?? 'values.yaml',
        )
      }
    }
    const findings = [...grouped.values()].map(({ finding, values }) => ({ ...finding, message: `${finding.message} (with ${values.join(', ')})` }))
    return { ok, output: out.join('\n'), findings }
  },
}

// ---- kubeconform -------------------------------------------------------------------------------

/** Kustomize folders to build: the overlays, and trees that have none. Components are built by their users. */
function kustomizeDirs(paths: readonly string[]): string[] {
  const dirs = uniqSorted(visible(paths).filter((p) => /^(kustomization\.ya?ml|Kustomization)$/.test(base(p))).map(dirOf))
  const overlays = dirs.filter((d) => /(^|\/)overlays\//.test(d))
  const overlayParents = new Set(overlays.map((d) => d.replace(/(^|\/)overlays\/.*$/, '') || '.'))
  const standalone = dirs.filter((d) => {
    if (/(^|\/)(overlays|components)(\/|$)/.test(d)) return false
    // A base beside an overlays/ folder is built through its overlays.
    const parent = dirOf(d)
    return !overlayParents.has(parent) && !overlayParents.has(d)
  })
  return uniqSorted([...overlays, ...standalone])
}

interface KubeconformResource {
  filename: string
  kind: string
  name: string
  version: string
  status: string
  msg: string
}

/** `kind/name` → the chart template it came from (`# Source:` in `helm template` output). */
function helmSources(manifests: string, chart: string, name: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const doc of parseAllDocuments(manifests)) {
    const source = /^# Source: (\S+)/m.exec(doc.toString())?.[1]
    const js = doc.toJS() as { kind?: string; metadata?: { name?: string } } | null
    if (!source || !js?.kind) continue
    out.set(`${js.kind}/${js.metadata?.name ?? ''}`, inDir(chart, source.startsWith(`${name}/`) ? source.slice(name.length + 1) : source))
  }
  return out
}

/** `-schema-location` values from CCA_KUBECONFORM_SCHEMAS: comma-separated; a plain folder gets kubeconform's file pattern. */
function schemaLocations(env: Readonly<Record<string, string>>): string[] {
  return (env.CCA_KUBECONFORM_SCHEMAS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s.includes('{{') || /^https?:/.test(s) || s === 'default' ? s : `${s.replace(/\/$/, '')}/{{ .ResourceKind }}{{ .KindSuffix }}.json`))
}

const KUSTOMIZE_HINT = 'kustomize (brew install kustomize) or kubectl (https://kubernetes.io/docs/tasks/tools/)'

const kubeconform: ExternalValidator = {
  id: 'kubeconform',
  tool: 'kubeconform',
  installHint: 'brew install kubeconform, or go install github.com/yannh/kubeconform/cmd/kubeconform@latest',
  applies: (paths) => uniqSorted([...chartDirs(paths), ...kustomizeDirs(paths)]),
  async resolve(probe, targets) {
    if (!probe.which('kubeconform')) return { missing: this.installHint }
    const charts = targets.some((t) => existsSync(join(probe.root, t, 'Chart.yaml')))
    const trees = targets.some((t) => !existsSync(join(probe.root, t, 'Chart.yaml')))
    const canRender = (charts && probe.which('helm')) || (trees && (probe.which('kustomize') || probe.which('kubectl')))
    if (!canRender) {
      return { missing: `kubeconform checks rendered manifests; install ${[charts ? helm.installHint : '', trees ? KUSTOMIZE_HINT : ''].filter(Boolean).join(', and ')}` }
    }
    return { tool: 'kubeconform' }
  },
  async run(root, targets, exec, ctx) {
    const which = ctx?.which ?? (() => undefined)
    const kustomize = which('kustomize') ? 'kustomize' : which('kubectl') ? 'kubectl' : undefined
    const hasHelm = Boolean(which('helm'))
    const tmp = mkdtempSync(join(tmpdir(), 'cca-kubeconform-'))
    const out: string[] = []
    const unchecked: string[] = []
    const missing = new Set<string>()
    let renderFailed = false
    /** rendered file → where its objects come from */
    const rendered = new Map<string, { label: string; dir: string; sources: Map<string, string> }>()
    try {
      let n = 0
      for (const target of targets) {
        const isChart = existsSync(join(root, target, 'Chart.yaml'))
        const runs: { label: string; cmd: string; args: string[] }[] = []
        if (isChart) {
          if (!hasHelm) {
            unchecked.push(`${target} (helm is not installed)`)
            missing.add(helm.installHint)
            continue
          }
          const values = chartValues(root, target)
          const name = chartName(root, target)
          for (const v of values.length ? values : [undefined]) {
            runs.push({ label: v ? `${target} ${envOf(v)}` : target, cmd: 'helm', args: ['template', name, target, ...(v ? ['-f', inDir(target, v)] : [])] })
          }
        } else {
          if (!kustomize) {
            unchecked.push(`${target} (kustomize or kubectl is not installed)`)
            missing.add(KUSTOMIZE_HINT)
            continue
          }
          runs.push({ label: target, cmd: kustomize, args: kustomize === 'kubectl' ? ['kustomize', target] : ['build', target] })
        }
        for (const x of runs) {
          const r = await exec(x.cmd, x.args, { cwd: root })
          if (r.exitCode !== 0) {
            renderFailed = true
            out.push(`${section(x.cmd, x.args, r)}\n(not checked: ${x.label} did not render)`)
            continue
          }
          const file = join(tmp, `${String(n++).padStart(3, '0')}.yaml`)
          writeFileSync(file, r.stdout)
          const sources = isChart ? helmSources(r.stdout, target, chartName(root, target)) : new Map<string, string>()
          rendered.set(file, { label: x.label, dir: target, sources })
        }
      }
      if (unchecked.length) out.push(`not checked: ${unchecked.join(', ')}`)
      const hint = missing.size ? `to check everything, install ${[...missing].join(', and ')}` : undefined
      if (rendered.size === 0) {
        return { ok: true, error: renderFailed || undefined, output: out.join('\n'), findings: [], ...(hint ? { hint } : {}) }
      }

      const locations = schemaLocations(ctx?.env ?? {})
      const args = [
        '-strict',
        '-summary',
        '-output', 'json',
        // kubeconform's default location has no CRD schemas; a local one is expected to be complete.
        ...(locations.length ? locations.flatMap((l) => ['-schema-location', l]) : ['-ignore-missing-schemas']),
        ...rendered.keys(),
      ]
      const r = await exec('kubeconform', args, { cwd: root })
      const report = parseJson<{ resources?: KubeconformResource[]; summary?: Record<string, number> }>(r.stdout, 'kubeconform')
      // The same object is usually wrong the same way in every environment: one finding, the environments listed.
      const grouped = new Map<string, { finding: Finding; labels: string[] }>()
      for (const res of report.resources ?? []) {
        if (res.status !== 'statusInvalid' && res.status !== 'statusError') continue
        const from = rendered.get(res.filename)
        const file = from?.sources.get(`${res.kind}/${res.name}`) ?? from?.dir ?? res.filename
        const key = `${file}\0${res.kind}/${res.name}\0${res.msg}`
        const label = from?.label ?? res.filename
        const g = grouped.get(key)
        if (g) {
          g.labels.push(label)
          continue
        }
        grouped.set(key, {
          labels: [label],
          finding: {
            rule: res.status === 'statusInvalid' ? 'kubeconform/invalid' : 'kubeconform/error',
            severity: 'error',
            file,
            // The schema's own location says nothing to the reader; where in the object it failed does.
            message: `${res.kind}/${res.name} (${res.version}): ${res.msg.replace(/^problem validating schema\. Check JSON formatting: jsonschema validation failed with '[^']*' - /, '')}`,
            hint:
              res.status === 'statusInvalid'
                ? 'Fix the field the schema rejects (a misspelt or misplaced key, or a wrong type).'
                : 'Check the apiVersion and kind, or give kubeconform a schema for this kind.',
          },
        })
      }
      const findings = [...grouped.values()].map(({ finding, labels }) => ({ ...finding, message: `${finding.message} [${labels.sort().join(', ')}]` }))
      if (r.exitCode !== 0 && findings.length === 0) throw new Error(section('kubeconform', args, r))
      const s = report.summary
      out.push(
        `$ kubeconform ${args.slice(0, -rendered.size).join(' ')} <${[...rendered.values()].map((x) => x.label).join(', ')}>  (exit ${r.exitCode})`,
        ...(s ? [`valid ${s.valid ?? 0}, invalid ${s.invalid ?? 0}, errors ${s.errors ?? 0}, skipped ${s.skipped ?? 0}`] : []),
        ...findings.map((f) => `${f.file}: ${f.message}`),
      )
      const ok = r.exitCode === 0
      return { ok, error: (ok && renderFailed) || undefined, output: out.join('\n'), findings, ...(hint ? { hint } : {}) }
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  },
}

// ---- actionlint --------------------------------------------------------------------------------

interface ActionlintItem {
  message: string
  filepath: string
  line: number
  column: number
  kind: string
}

const actionlint: ExternalValidator = {
  id: 'actionlint',
  tool: 'actionlint',
  installHint: 'brew install actionlint, or go install github.com/rhysd/actionlint/cmd/actionlint@latest',
  // GitHub reads workflows from the repository root only.
  applies: (paths) => uniqSorted(visible(paths).filter((p) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p))),
  async run(root, targets, exec, ctx) {
    const shellcheck = ctx?.which('shellcheck')
    // Without the flag actionlint still looks for shellcheck itself; pinning the path makes the two agree.
    const args = ['-no-color', '-format', '{{json .}}', ...(shellcheck ? ['-shellcheck', shellcheck] : ['-shellcheck=']), ...targets]
    const r = await exec('actionlint', args, { cwd: root })
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(section('actionlint', args, r))
    const items = r.stdout.trim() ? parseJson<ActionlintItem[] | null>(r.stdout, 'actionlint') ?? [] : []
    const findings = items.map((i): Finding => ({
      rule: `actionlint/${i.kind}`,
      severity: 'error',
      file: i.filepath.replace(/^\.\//, ''),
      line: i.line,
      message: i.message,
      hint: i.kind === 'shellcheck' ? `See https://www.shellcheck.net/wiki/${/SC\d+/.exec(i.message)?.[0] ?? ''}` : 'See https://github.com/rhysd/actionlint/blob/main/docs/checks.md',
    }))
    const note = shellcheck ? '' : '(shellcheck is not installed: run: scripts were not checked)'
    const text = findings.map((f) => `${f.file}:${f.line} [${f.rule.slice('actionlint/'.length)}] ${f.message}`).join('\n')
    return {
      ok: r.exitCode === 0,
      output: [`$ actionlint ${args.join(' ')}  (exit ${r.exitCode})`, text, r.stderr.trim(), note].filter(Boolean).join('\n'),
      findings,
      ...(shellcheck ? {} : { hint: 'install shellcheck to check run: scripts too: https://github.com/koalaman/shellcheck#installing' }),
    }
  },
}

// ---- Terraform ---------------------------------------------------------------------------------

/** Folders holding *.tf files: each is a stack (or module) of its own. */
const stackDirs = (paths: readonly string[]) => uniqSorted(visible(paths).filter((p) => p.endsWith('.tf')).map(dirOf))

/** Stacks not inside another one: `fmt -recursive` covers the rest. */
const topDirs = (dirs: readonly string[]) => dirs.filter((d) => !dirs.some((o) => o !== d && (o === '.' || d.startsWith(`${o}/`))))

// `terraform init` reaching a registry and not getting there: nothing is known about the stack yet.
const NETWORK_FAILURE =
  /Failed to query available provider packages|Failed to install provider|Could not retrieve the list of available versions|Failed to resolve provider packages|could not connect|no such host|dial tcp|i\/o timeout|connection refused|network is unreachable|TLS handshake timeout|context deadline exceeded|Failed to download module|Error accessing remote module registry|registry service is unreachable|Failed to retrieve available versions/i

interface TfDiagnostic {
  severity: string
  summary: string
  detail?: string
  range?: { filename: string; start: { line: number } }
}

const terraform: ExternalValidator = {
  id: 'terraform',
  tool: 'terraform',
  installHint: 'brew install hashicorp/tap/terraform, or https://developer.hashicorp.com/terraform/install (OpenTofu\'s tofu works too)',
  applies: stackDirs,
  async resolve(probe) {
    if (probe.which('terraform')) return { tool: 'terraform' }
    if (probe.which('tofu')) return { tool: 'tofu' }
    return { missing: this.installHint, tool: 'terraform' }
  },
  async run(root, targets, exec, ctx) {
    const tf = ctx?.tool ?? 'terraform'
    const out: string[] = []
    const findings: Finding[] = []
    let failed = false
    let incomplete = false
    const reasons: string[] = []

    for (const dir of topDirs(targets)) {
      const args = ['fmt', '-check', '-recursive', '-no-color', dir]
      const r = await exec(tf, args, { cwd: root })
      out.push(section(tf, args, r))
      if (r.exitCode === 0) continue
      failed = true
      const files = r.exitCode === 3 ? lines(r.stdout).map((l) => l.trim().replace(/^\.\//, '')).filter((l) => /\.(tf|tfvars|tftest\.hcl)$/.test(l)) : []
      for (const f of files) {
        findings.push({ rule: 'terraform/fmt', severity: 'error', file: f, message: 'not in canonical format', hint: `Run \`${tf} fmt ${f}\`.` })
      }
      if (!files.length) {
        findings.push({ rule: 'terraform/fmt', severity: 'error', file: dir, message: firstLines(r.stderr || r.stdout), hint: `Run \`${tf} fmt -recursive ${dir}\` and fix what it reports.` })
      }
    }

    for (const dir of targets) {
      const abs = join(root, dir)
      // init writes .terraform/ and the lock file: the data goes to a temporary folder and the
      // lock file is put back as it was, so validating leaves the repository unchanged.
      const data = mkdtempSync(join(tmpdir(), 'cca-tf-data-'))
      const lockPath = join(abs, '.terraform.lock.hcl')
      const lock = readText(lockPath)
      const env = { TF_DATA_DIR: data, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' }
      try {
        const initArgs = ['init', '-backend=false', '-input=false', '-no-color']
        const init = await exec(tf, initArgs, { cwd: abs, env })
        out.push(section(tf, initArgs, init).replace(/^\$ /, `$ (in ${dir}) `))
        if (init.exitCode !== 0) {
          const text = `${init.stderr}\n${init.stdout}`
          if (NETWORK_FAILURE.test(text)) {
            incomplete = true
            reasons.push(`\`${tf} ${initArgs.join(' ')}\` in ${dir} failed (exit ${init.exitCode}): providers or modules could not be downloaded, so it was not validated`)
            out.push(`(${dir}: providers or modules could not be downloaded, so it was not validated)`)
          } else {
            failed = true
            findings.push({ rule: 'terraform/init', severity: 'error', file: dir, message: firstLines(init.stderr || init.stdout), hint: `Run \`${tf} init -backend=false\` in ${dir} and fix what it reports.` })
          }
          continue
        }
        const valArgs = ['validate', '-json', '-no-color']
        const v = await exec(tf, valArgs, { cwd: abs, env })
        out.push(section(tf, valArgs, v).replace(/^\$ /, `$ (in ${dir}) `))
        const report = parseJson<{ valid?: boolean; diagnostics?: TfDiagnostic[] }>(v.stdout, `${tf} validate`)
        for (const d of report.diagnostics ?? []) {
          findings.push({
            rule: 'terraform/validate',
            severity: d.severity === 'error' ? 'error' : 'warning',
            file: d.range ? inDir(dir, d.range.filename) : dir,
            ...(d.range ? { line: d.range.start.line } : {}),
            message: [d.summary, d.detail].filter(Boolean).join(': '),
            hint: `Run \`${tf} validate\` in ${dir} and fix what it reports.`,
          })
        }
        if (v.exitCode !== 0 || report.valid === false) failed = true
      } finally {
        rmSync(data, { recursive: true, force: true })
        try {
          if (lock === undefined) rmSync(lockPath, { force: true })
          else if (readText(lockPath) !== lock) writeFileSync(lockPath, lock)
        } catch {
          // a read-only checkout: init could not have written either
        }
      }
    }
    return { ok: !failed, error: (!failed && incomplete) || undefined, ...(!failed && incomplete ? { reason: reasons.join('; ') } : {}), output: out.join('\n'), findings }
  },
}

// ---- tflint ------------------------------------------------------------------------------------

interface TflintReport {
  issues?: { rule: { name: string; severity: string; link?: string }; message: string; range: { filename: string; start: { line: number } } }[]
  errors?: { message: string; severity?: string; range?: { filename: string; start: { line: number } } }[]
}

const tflint: ExternalValidator = {
  id: 'tflint',
  tool: 'tflint',
  installHint: 'brew install tflint, or https://github.com/terraform-linters/tflint#installation',
  applies: stackDirs,
  async run(root, targets, exec) {
    const out: string[] = []
    const findings: Finding[] = []
    let failed = false
    let incomplete = false
    for (const dir of targets) {
      const abs = join(root, dir)
      // Plugins other than the bundled terraform ruleset come from GitHub: `--init` only when one is named.
      if (/^\s*source\s*=/m.test(readText(join(abs, '.tflint.hcl')) ?? '')) {
        const init = await exec('tflint', ['--init', '--no-color'], { cwd: abs })
        out.push(section('tflint', ['--init'], init).replace(/^\$ /, `$ (in ${dir}) `))
        if (init.exitCode !== 0) {
          incomplete = true
          continue
        }
      }
      const args = ['--format', 'json', '--no-color']
      const r = await exec('tflint', args, { cwd: abs })
      const report = parseJson<TflintReport>(r.stdout, 'tflint')
      const own: Finding[] = []
      for (const i of report.issues ?? []) {
        own.push({
          rule: `tflint/${i.rule.name}`,
          severity: i.rule.severity === 'error' ? 'error' : 'warning',
          file: inDir(dir, i.range.filename),
          line: i.range.start.line,
          message: i.message,
          hint: i.rule.link ? `See ${i.rule.link}` : 'See https://github.com/terraform-linters/tflint-ruleset-terraform/tree/main/docs/rules',
        })
      }
      for (const e of report.errors ?? []) {
        own.push({
          rule: 'tflint/error',
          severity: 'error',
          file: e.range ? inDir(dir, e.range.filename) : dir,
          ...(e.range ? { line: e.range.start.line } : {}),
          message: e.message,
          hint: 'Fix the configuration tflint could not read.',
        })
      }
      out.push(
        [`$ (in ${dir}) tflint ${args.join(' ')}  (exit ${r.exitCode})`, ...own.map((f) => `${f.file}:${f.line ?? ''} ${f.rule} ${f.message}`), r.stderr.trim()]
          .filter(Boolean)
          .join('\n'),
      )
      findings.push(...own)
      if (r.exitCode !== 0) failed = true
    }
    return { ok: !failed, error: (!failed && incomplete) || undefined, output: out.join('\n'), findings }
  },
}

// ---- checkov / trivy ---------------------------------------------------------------------------

/** checkov's framework for each kind of file it can scan. */
function frameworkOf(path: string): string | undefined {
  const b = base(path)
  if (isDockerfile(path)) return 'dockerfile'
  if (b === 'Chart.yaml') return 'helm'
  if (/^(kustomization\.ya?ml|Kustomization)$/.test(b)) return 'kustomize'
  if (b.endsWith('.tf')) return 'terraform'
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'github_actions'
  if (b === '.gitlab-ci.yml') return 'gitlab_ci'
  return undefined
}

interface TrivyReport {
  Results?: {
    Target: string
    Misconfigurations?: { ID: string; AVDID?: string; Title?: string; Message?: string; Severity?: string; Resolution?: string; PrimaryURL?: string; CauseMetadata?: { StartLine?: number } }[]
  }[]
}

// --skip-download: no call to Prisma Cloud (no key, and the scan stays local); BC_SKIP_MAPPING:
// no download of the guideline links either.
const CHECKOV_FLAGS = ['--compact', '--quiet', '--skip-download']
const CHECKOV_ENV = { BC_SKIP_MAPPING: 'TRUE' }
/**
 * CKV_DOCKER_7 (base image uses a version tag) cannot resolve an ARG default, so it fails the
 * generated `ARG NODE_IMAGE=node:24.21.0-...` + `FROM ${NODE_IMAGE}` however it is pinned. The
 * built-in rule dockerfile-unpinned-base checks the same thing with the ARG defaults resolved.
 */
const CHECKOV_SKIPS = ['CKV_DOCKER_7']
const CHECKOV_CONFIGS = ['.checkov.yaml', '.checkov.yml']

interface CheckovFailure {
  id: string
  title: string
  resource: string
  /** As checkov prints it: from the folder it ran in, with a leading slash. */
  file: string
  line: number
  guide?: string
}

function checkovFailures(stdout: string): CheckovFailure[] {
  const out: CheckovFailure[] = []
  for (const m of stdout.matchAll(/Check: (\S+): "(.*)"\s*\n\s*FAILED for resource: (.*)\n\s*File: (\S+?):(\d+)-\d+(?:\n\s*Guide: (\S+))?/g)) {
    out.push({ id: m[1]!, title: m[2]!, resource: m[3]!.trim(), file: m[4]!, line: Number(m[5]), ...(m[6] ? { guide: m[6] } : {}) })
  }
  return out
}

const checkovHint = (f: CheckovFailure, where: string) =>
  f.guide ? `See ${f.guide}` : `Fix it, or skip ${f.id} with a reason (a checkov:skip comment or ${where}).`

/** The first `.checkov.yaml` in `dir` or a folder above it, below the repository root. */
function treeConfig(root: string, dir: string): string | undefined {
  for (let d = dir; d !== '.'; d = dirOf(d)) {
    const c = CHECKOV_CONFIGS.map((n) => inDir(d, n)).find((n) => existsSync(join(root, n)))
    if (c) return c
  }
  return undefined
}

/** Skip-check entries of a checkov config (a list or a comma-separated string). */
function configSkips(text: string | undefined): string[] {
  try {
    const v = (parseYaml(text ?? '') as Record<string, unknown> | null)?.['skip-check']
    const items = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []
    return items.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)
  } catch {
    return []
  }
}

/** `# Source:` lines of `helm template` output: from which line on each chart template's objects run. */
function sourceLines(manifests: string, chart: string, name: string): { line: number; file: string }[] {
  const out: { line: number; file: string }[] = []
  manifests.split('\n').forEach((l, i) => {
    const m = /^# Source: (\S+)/.exec(l)
    if (m) out.push({ line: i + 1, file: inDir(chart, m[1]!.startsWith(`${name}/`) ? m[1]!.slice(name.length + 1) : m[1]!) })
    else if (l === '---' && out.length && out[out.length - 1]!.file !== '') out.push({ line: i + 1, file: '' })
  })
  return out
}

/**
 * checkov as the project's own tests run it. Dockerfiles, pipelines and Terraform: one scan of
 * the repository. Kubernetes: checkov's helm and kustomize frameworks render into the `default`
 * namespace and ignore a chart's own .checkov.yaml, so each chart is rendered per environment
 * (`helm template <name> <chart> -n <name>-<env> -f values-<env>.yaml`) and each overlay built,
 * and the manifests are scanned as kubernetes with the chart's (or tree's) .checkov.yaml.
 * One checkov at a time: `validate` already runs four validators at once.
 */
async function checkovScan(root: string, targets: string[], exec: Exec, ctx?: RunContext): Promise<RunOutcome> {
  const out: string[] = []
  const findings: Finding[] = []
  let ok = true
  let incomplete = false
  const missing = new Set<string>()

  const run = async (args: string[], cwd: string) => {
    const r = await exec('checkov', args, { cwd, env: CHECKOV_ENV })
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(section('checkov', args, r))
    const failures = checkovFailures(r.stdout)
    if (r.exitCode !== 0 && failures.length === 0) throw new Error(section('checkov', args, r))
    if (r.exitCode !== 0) ok = false
    return { r, failures }
  }

  // ---- the repository: Dockerfiles, pipelines, Terraform
  const frameworks = uniqSorted(targets.map(frameworkOf).filter((f): f is string => f !== undefined && f !== 'helm' && f !== 'kustomize'))
  if (frameworks.length) {
    const config = CHECKOV_CONFIGS.find((n) => existsSync(join(root, n)))
    // --skip-check replaces the config's list: the user's skips are kept by naming them too.
    const skips = uniqSorted([...CHECKOV_SKIPS, ...configSkips(config ? readText(join(root, config)) : undefined)])
    const args = ['-d', '.', ...(config ? ['--config-file', config] : []), '--framework', ...frameworks, '--skip-check', skips.join(','), ...CHECKOV_FLAGS]
    const { r, failures } = await run(args, root)
    out.push(section('checkov', args, r))
    for (const f of failures) {
      findings.push({
        rule: `checkov/${f.id}`,
        severity: 'error',
        file: f.file.replace(/^\//, ''),
        line: f.line,
        message: `${f.title} (${f.resource})`,
        hint: checkovHint(f, config ?? '.checkov.yaml'),
      })
    }
  }

  // ---- Kubernetes: rendered charts and built overlays
  const charts = chartDirs(targets)
  const overlays = kustomizeDirs(targets)
  if (charts.length || overlays.length) {
    const which = ctx?.which ?? (() => undefined)
    const hasHelm = Boolean(which('helm'))
    const kustomize = which('kustomize') ? 'kustomize' : which('kubectl') ? 'kubectl' : undefined
    const tmp = mkdtempSync(join(tmpdir(), 'cca-checkov-'))
    try {
      /** One checkov run per config: the rendered files it scans, and where their objects come from. */
      const groups = new Map<string, { config?: string; files: { path: string; label: string; dir: string; sources: { line: number; file: string }[] }[] }>()
      const unchecked: string[] = []
      let n = 0
      const render = async (dir: string, config: string | undefined, label: string, cmd: string, args: string[], sources: (text: string) => { line: number; file: string }[]) => {
        const r = await exec(cmd, args, { cwd: root })
        if (r.exitCode !== 0) {
          incomplete = true
          out.push(`${section(cmd, args, r)}\n(not scanned: ${label} did not render)`)
          return
        }
        const path = join(tmp, `${String(n++).padStart(3, '0')}-${label.replace(/[^\w.-]+/g, '_')}.yaml`)
        writeFileSync(path, r.stdout)
        out.push(`$ ${[cmd, ...args].join(' ')}  (exit 0)`)
        const key = config ?? `\0${dir}`
        const g = groups.get(key) ?? { ...(config ? { config } : {}), files: [] }
        g.files.push({ path, label, dir, sources: sources(r.stdout) })
        groups.set(key, g)
      }
      for (const chart of charts) {
        if (!hasHelm) {
          unchecked.push(`${chart} (helm is not installed)`)
          missing.add(helm.installHint)
          continue
        }
        const name = chartName(root, chart)
        const config = CHECKOV_CONFIGS.map((c) => inDir(chart, c)).find((c) => existsSync(join(root, c)))
        const values = chartValues(root, chart)
        // A release namespace per environment, as deploy does: rendered without one, everything is in `default` (CKV_K8S_21).
        for (const v of values.length ? values : [undefined]) {
          const ns = v ? `${name}-${envOf(v)}` : name
          const args = ['template', name, chart, '-n', ns, ...(v ? ['-f', inDir(chart, v)] : [])]
          await render(chart, config, v ? `${chart} ${envOf(v)}` : chart, 'helm', args, (text) => sourceLines(text, chart, name))
        }
      }
      for (const overlay of overlays) {
        if (!kustomize) {
          unchecked.push(`${overlay} (kustomize or kubectl is not installed)`)
          missing.add(KUSTOMIZE_HINT)
          continue
        }
        const args = kustomize === 'kubectl' ? ['kustomize', overlay] : ['build', overlay]
        await render(overlay, treeConfig(root, overlay), overlay, kustomize, args, () => [])
      }
      if (unchecked.length) out.push(`not scanned: ${unchecked.join(', ')}`)

      for (const g of groups.values()) {
        // Run in the temporary folder, so no .checkov.yaml of the repository's is read by default.
        const args = [...g.files.flatMap((f) => ['-f', base(f.path)]), '--framework', 'kubernetes', ...(g.config ? ['--config-file', join(root, g.config)] : []), ...CHECKOV_FLAGS]
        const { r, failures } = await run(args, tmp)
        out.push(section('checkov', args, r).replace(`--config-file ${root}/`, '--config-file '))
        // The same object usually fails the same way in every environment: one finding, the environments listed.
        const grouped = new Map<string, { finding: Finding; labels: string[] }>()
        for (const f of failures) {
          const from = g.files.find((x) => f.file.endsWith(`/${base(x.path)}`) || f.file === base(x.path))
          const file = from?.sources.filter((s) => s.line <= f.line).pop()?.file || from?.dir || f.file.replace(/^\//, '')
          // Kind.namespace.name: the namespace differs per environment.
          const parts = f.resource.split('.')
          const object = parts.length >= 3 ? `${parts[0]}/${parts.slice(2).join('.')}` : f.resource
          const key = `${f.id}\0${file}\0${object}`
          const label = from?.label ?? f.file
          const x = grouped.get(key)
          if (x) {
            x.labels.push(label)
            continue
          }
          grouped.set(key, {
            labels: [label],
            finding: { rule: `checkov/${f.id}`, severity: 'error', file, message: `${f.title} (${object})`, hint: checkovHint(f, g.config ?? '.checkov.yaml') },
          })
        }
        for (const { finding, labels } of grouped.values()) findings.push({ ...finding, message: `${finding.message} [${labels.sort().join(', ')}]` })
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }

  if (!out.length) out.push('(nothing to scan)')
  const hint = missing.size ? `to scan the Kubernetes manifests too, install ${[...missing].join(', and ')}` : undefined
  return { ok, error: (ok && incomplete) || undefined, output: out.join('\n\n'), findings, ...(hint ? { hint } : {}) }
}

const securityScan: ExternalValidator = {
  id: 'security-scan',
  tool: 'checkov',
  installHint: 'pip install checkov (or brew install checkov); trivy (brew install trivy) is used when checkov is absent',
  applies: (paths) => uniqSorted(visible(paths).filter((p) => frameworkOf(p) !== undefined)),
  async resolve(probe) {
    if (probe.which('checkov')) return { tool: 'checkov' }
    if (probe.which('trivy')) return { tool: 'trivy' }
    return { missing: this.installHint, tool: 'checkov' }
  },
  async run(root, targets, exec, ctx) {
    if ((ctx?.tool ?? 'checkov') === 'trivy') {
      const args = ['config', '--exit-code', '1', '--format', 'json', '--quiet', '.']
      const r = await exec('trivy', args, { cwd: root })
      if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(section('trivy', args, r))
      const report = r.stdout.trim() ? parseJson<TrivyReport>(r.stdout, 'trivy') : {}
      const findings = (report.Results ?? []).flatMap((res) =>
        (res.Misconfigurations ?? []).map((m): Finding => ({
          rule: `trivy/${m.AVDID ?? m.ID}`,
          severity: m.Severity === 'HIGH' || m.Severity === 'CRITICAL' ? 'error' : 'warning',
          file: res.Target.replace(/^\.?\//, ''),
          ...(m.CauseMetadata?.StartLine ? { line: m.CauseMetadata.StartLine } : {}),
          message: `${m.Title ?? m.ID}${m.Message ? `: ${m.Message}` : ''}`,
          hint: [m.Resolution, m.PrimaryURL].filter(Boolean).join(' ') || 'See trivy\'s documentation for this check.',
        })),
      )
      const text = findings.map((f) => `${f.file}:${f.line ?? ''} ${f.rule} ${f.message}`).join('\n')
      return { ok: r.exitCode === 0, output: [`$ trivy ${args.join(' ')}  (exit ${r.exitCode})`, text, r.stderr.trim()].filter(Boolean).join('\n'), findings }
    }

    return checkovScan(root, targets, exec, ctx)
  },
}

export const EXTERNAL_VALIDATORS: readonly ExternalValidator[] = [hadolint, dockerCompose, helm, kubeconform, actionlint, terraform, tflint, securityScan]

// ---- running -----------------------------------------------------------------------------------

/** Absolute path of `cmd` on `PATH` (and PATHEXT on Windows), looked up without a shell. */
export function which(cmd: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const exts = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : ['']
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (!dir) continue
    for (const ext of exts) {
      const p = join(dir, cmd + ext)
      try {
        if (!statSync(p).isFile()) continue
        accessSync(p, constants.X_OK)
        return p
      } catch {
        // not here
      }
    }
  }
  return undefined
}

/** The real Exec: one process, no shell, output collected; `signal` kills it. */
export const spawnExec: Exec = (cmd, args, opts) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, signal: opts.signal, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => stdout.push(b))
    child.stderr.on('data', (b: Buffer) => stderr.push(b))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8') + (signal ? `\n(killed by ${signal})` : ''),
      })
    })
  })

/** Runs `fn` over `items`, at most `limit` at a time, keeping their order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/**
 * Looks each applicable validator's program up on `opts.env.PATH` (no shell), then runs the
 * installed ones, at most 4 at a time, each within 120 s.
 */
export async function runExternal(
  root: string,
  paths: readonly string[],
  opts: { env: Record<string, string | undefined>; only?: string[]; exec?: Exec; concurrency?: number; timeoutMs?: number },
): Promise<ExternalResult[]> {
  const known = EXTERNAL_VALIDATORS.map((v) => v.id)
  const unknown = (opts.only ?? []).filter((id) => !known.includes(id))
  if (unknown.length) throw new Error(`Unknown validator ${unknown.map((u) => `"${u}"`).join(', ')}. Known: ${known.join(', ')}.`)
  const chosen = EXTERNAL_VALIDATORS.filter((v) => !opts.only || opts.only.includes(v.id))
  const env: Record<string, string> = Object.fromEntries(Object.entries(opts.env).filter((e): e is [string, string] => e[1] !== undefined))
  const baseExec = opts.exec ?? spawnExec
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS
  const found = new Map<string, string | undefined>()
  const whichCached = (cmd: string) => {
    if (!found.has(cmd)) found.set(cmd, which(cmd, env))
    return found.get(cmd)
  }

  return pool(chosen, opts.concurrency ?? CONCURRENCY, async (v): Promise<ExternalResult> => {
    const files = v.applies(paths)
    if (files.length === 0) return { id: v.id, tool: v.tool, status: 'not-applicable', files, findings: [] }

    const controller = new AbortController()
    const exec: Exec = (cmd, args, o) => {
      if (controller.signal.aborted) return Promise.reject(new Error('cancelled'))
      return baseExec(cmd, args, { cwd: o.cwd, env: { ...env, ...o.env }, signal: controller.signal })
    }
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        reject(new Error(`timed out after ${timeoutMs / 1000} s`))
      }, timeoutMs)
    })
    let tool = v.tool
    try {
      const work = (async () => {
        const resolution: Resolution = v.resolve
          ? await v.resolve({ which: whichCached, exec, root }, files)
          : whichCached(v.tool)
            ? { tool: v.tool }
            : { missing: v.installHint }
        if ('missing' in resolution) return { kind: 'missing' as const, hint: resolution.missing, tool: resolution.tool ?? v.tool }
        tool = resolution.tool
        return { kind: 'ran' as const, outcome: await v.run(root, files, exec, { tool, which: whichCached, env }) }
      })()
      // After a timeout the run is abandoned; its late failure is not news.
      work.catch(() => undefined)
      const r = await Promise.race([work, deadline])
      if (r.kind === 'missing') {
        return { id: v.id, tool: r.tool, status: 'not-installed', files, hint: r.hint, findings: [] }
      }
      const o = r.outcome
      return {
        id: v.id,
        tool,
        status: !o.ok ? 'failed' : o.error ? 'error' : 'passed',
        files,
        output: clip(o.output),
        ...(o.error && o.ok && o.reason ? { reason: o.reason } : {}),
        ...(o.hint ? { hint: o.hint } : {}),
        findings: o.findings,
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      return { id: v.id, tool, status: 'error', files, output: clip(`${tool}: ${message}`), findings: [] }
    } finally {
      clearTimeout(timer)
    }
  })
}

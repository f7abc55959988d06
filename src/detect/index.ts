import { posix } from 'node:path'
import type { CiProvider } from '../options.js'
import { toProjectName } from '../utils/names.js'
import { composeFiles, detectBacking, ENV_EXAMPLES } from './backing.js'
import { bestCodePort, localhostBinding, portInCode, sourceCandidates, type CodePort } from './code.js'
import { RULES, type ProjectFindings } from './languages/index.js'
import { LANGUAGE_CHOICES } from '../registry/languages/index.js'
import { byId } from '../registry/lookup.js'
import { Folder, NON_SERVICE_DIRS, parentDir, type RepoView } from './repo.js'
import type { DetectedService, Detection, DetectionWarning, Evidence, Finding, PortFinding, SkippedProject } from './types.js'
import { matchesPattern, workspacePatterns } from './workspace.js'
import { runtimeContract } from './contract/index.js'

export type * from './types.js'
export { memoryRepo, type RepoView } from './repo.js'

/** Container and deployment files that already exist: reported, read for ports, never overwritten silently. */
const EXISTING = /^(?:(?:.*\/)?(?:Dockerfile(?:\.[\w-]+)?|[\w.-]+\.Dockerfile|\.dockerignore|(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml)|\.gitlab-ci\.yml|\.github\/workflows\/[\w.-]+\.ya?ml|(?:.*\/)?Chart\.yaml|(?:.*\/)?kustomization\.ya?ml|skaffold\.yaml|Tiltfile|fly\.toml|nixpacks\.toml|railpack\.json|(?:.*\/)?\.containerized\/answers\.json)$/

const nonService = (dir: string) => dir.split('/').some((part) => NON_SERVICE_DIRS.has(part.toLowerCase()))

/** Folders that hold a manifest of some language, .NET projects grouped under their solution. */
function candidateDirs(repo: RepoView): string[] {
  const dirs = new Set<string>()
  const slnDirs = new Set(repo.files.filter((p) => /\.slnx?$/.test(p)).map(parentDir))
  for (const file of repo.files) {
    const base = posix.basename(file)
    if (!RULES.some((r) => r.manifests.test(base))) continue
    let dir = parentDir(file)
    if (/\.[cf]sproj$/.test(base)) {
      // A project belongs to the nearest solution above it (the build context of the image).
      for (let d = dir; ; d = parentDir(d)) {
        if (slnDirs.has(d)) {
          dir = d
          break
        }
        if (d === '.') break
      }
    }
    dirs.add(dir)
  }
  return [...dirs].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a.split('/').length - b.split('/').length || a.localeCompare(b)))
}

/** The strongest language in a folder; the others are noted (a package.json of linters beside a pyproject.toml). */
function strongest(f: Folder, root: Folder): { best: ProjectFindings; others: ProjectFindings[] } | undefined {
  const results = RULES.map((r) => r.detect(f, root)).filter((x): x is ProjectFindings => x !== undefined)
  if (results.length === 0) return undefined
  const best = results.reduce((a, b) => (b.strength > a.strength ? b : a))
  return { best, others: results.filter((r) => r !== best) }
}

function portFromEnvExamples(f: Folder): PortFinding | undefined {
  for (const file of f.find(ENV_EXAMPLES).filter((p) => !p.includes('/'))) {
    const m = /^\s*(?:export\s+)?((?:APP_|SERVER_|HTTP_)?PORT)\s*=\s*['"]?(\d{2,5})/m.exec(f.read(file) ?? '')
    if (m) return { value: Number(m[2]), env: m[1], confidence: 'medium', evidence: [{ file: f.path(file), reason: `${m[1]}=${m[2]}` }] }
  }
  return undefined
}

/** EXPOSE in an existing Dockerfile, or the container side of a Compose port mapping. */
function portFromContainerFiles(f: Folder): PortFinding | undefined {
  for (const file of f.find(/^Dockerfile(?:\.[\w-]+)?$/)) {
    const m = /^\s*EXPOSE\s+(\d{2,5})/m.exec(f.read(file) ?? '')
    if (m) return { value: Number(m[1]), confidence: 'medium', evidence: [{ file: f.path(file), reason: `EXPOSE ${m[1]}` }] }
  }
  for (const file of composeFiles(f)) {
    const text = f.read(file) ?? ''
    // The first service with a build context is the app; its mapping's right side is the container port.
    const m = /^\s+build:[\s\S]*?^\s+ports:\s*\n\s+-\s*['"]?(?:[\d.]+:)?(?:\$\{[^}]+\}|\d+):(\d{2,5})/m.exec(text)
    if (m) return { value: Number(m[1]), confidence: 'medium', evidence: [{ file: f.path(file), reason: `publishes container port ${m[1]}` }] }
  }
  return undefined
}

/**
 * Chooses the port: what the code or the framework's config says, then env examples, then
 * existing container files, then the framework's default. A variable read with no default is
 * reported as such, and a number found elsewhere fills it in.
 */
function choosePort(p: ProjectFindings, f: Folder, code: PortFinding | undefined): PortFinding | undefined {
  const procfile = /^web:.*?(?:--port[= ]|-p\s+|:)(\d{2,5})\b/m.exec(f.read('Procfile') ?? '')
  const candidates = [
    p.configPort,
    code?.value !== null ? code : undefined,
    procfile ? ({ value: Number(procfile[1]), confidence: 'high', evidence: [{ file: f.path('Procfile'), reason: `web process on ${procfile[1]}` }] } satisfies PortFinding) : undefined,
    portFromEnvExamples(f),
    portFromContainerFiles(f),
  ].filter((c): c is PortFinding => c !== undefined)
  const envOnly = code?.value === null ? code : undefined
  const pick = candidates[0]
  if (pick) {
    const agreeing = candidates.filter((c) => c.value === pick.value)
    const evidence = [...agreeing.flatMap((c) => c.evidence), ...(envOnly?.evidence ?? [])]
    const conflicting = candidates.filter((c) => c.value !== pick.value && c.confidence !== 'medium')
    return {
      ...pick,
      evidence: [...evidence, ...conflicting.flatMap((c) => c.evidence.map((e) => ({ ...e, reason: `${e.reason} (disagrees)` })))],
      confidence: conflicting.length ? 'low' : pick.confidence,
      ...(pick.env ?? envOnly?.env ? { env: pick.env ?? envOnly!.env! } : {}),
    }
  }
  if (envOnly) return envOnly
  if (p.defaultPort) return { value: p.defaultPort.port, confidence: p.defaultPort.confidence, evidence: [{ file: p.manifest, reason: p.defaultPort.reason }] }
  return undefined
}

/** Config that exists only as a template (`config/database.yml.example`): the image would start without it. */
function exampleOnlyConfig(f: Folder): DetectionWarning[] {
  const out: DetectionWarning[] = []
  for (const file of f.find(/^(?:[\w.-]+\/){0,2}[\w.-]*(?:\.example|\.sample|\.dist|\.template)(?:\.\w+)?$/)) {
    if (/(^|\/)\.env/.test(file) || /(^|\/)(?:docs?|examples?|tests?)\//.test(file)) continue
    const real = file.replace(/\.(?:example|sample|dist|template)(?=\.\w+$|$)/, '')
    if (real !== file && !f.has(real)) {
      out.push({ code: 'example-only-config', file: f.path(file), message: `${f.path(real)} exists only as ${posix.basename(file)}: the image has no ${posix.basename(real)}; set these values through environment variables (Compose .env, the chart's values) or mount the file` })
    }
  }
  return out
}

/**
 * Files the image copies before installing (the package manager's manifests) that the folder
 * lacks: the build would stop at that COPY. A lockfile already warned about is not repeated.
 */
function missingManifests(p: ProjectFindings, f: Folder, earlier: readonly DetectionWarning[]): DetectionWarning[] {
  const pm = p.packageManager && byId(LANGUAGE_CHOICES, p.language).packageManagers.find((x) => x.id === p.packageManager!.value)
  // .NET's retrofit image copies the whole solution; go.sum is optional (copied as go.sum*).
  if (!pm || p.language === 'dotnet') return []
  const lockWarned = earlier.some((w) => w.code === 'no-lockfile' || w.code === 'workspace-lockfile')
  return pm.manifests
    .filter((m) => m !== 'go.sum' && !f.has(m))
    .filter((m) => !(lockWarned && /lock|\.sum$/.test(m)))
    .filter((m) => !(earlier.some((w) => w.code === 'no-maven-wrapper') && (m === 'mvnw' || m.startsWith('.mvn/'))))
    .map((m) => ({
      code: 'missing-manifest' as const,
      file: f.path(m),
      message: `${m} is missing: the image copies it with ${pm.manifests.filter((x) => x !== m).join(', ')} before installing (${pm.label}); add it${m === 'requirements-dev.txt' ? ' (the dev and test tools, hashed; it may start with -r requirements.txt)' : m === '.yarnrc.yml' ? ' (yarn config set nodeLinker node-modules writes one)' : m === 'mvnw' || m.startsWith('.mvn/') ? ' (mvn wrapper:wrapper)' : ''}`,
    }))
}

function assemble(p: ProjectFindings, others: ProjectFindings[], f: Folder, root: Folder, rootName: string, rootHints: boolean): DetectedService {
  const codePorts: CodePort[] = []
  const warnings: DetectionWarning[] = [...p.warnings]
  let localhost: DetectionWarning | undefined
  for (const file of sourceCandidates(f.files, p.sourceExt, 200)) {
    const text = f.read(file)
    if (!text) continue
    const port = portInCode(f.path(file), text)
    if (port) codePorts.push(port)
    const lh = localhost ? undefined : localhostBinding(text)
    if (lh) localhost = { code: 'localhost-binding', file: f.path(file), message: `binds to the loopback interface (\`${lh.slice(0, 100)}\`): nothing outside the container can reach it; listen on 0.0.0.0 (or read HOST)` }
  }
  if (p.language === 'python' && p.framework?.value === 'flask' && !localhost) {
    const runner = sourceCandidates(f.files, /\.py$/).find((file) => /\.run\(\s*(?:debug\s*=\s*\w+\s*)?\)/.test(f.read(file) ?? ''))
    if (runner) localhost = { code: 'localhost-binding', file: f.path(runner), message: 'app.run() without host= serves on 127.0.0.1 only; the image runs gunicorn instead, but `python app.py` in a container is unreachable' }
  }
  if (localhost) warnings.push(localhost)
  warnings.push(...exampleOnlyConfig(f), ...missingManifests(p, f, warnings))
  const backing = detectBacking(f, p.deps, rootHints && f.dir !== root.dir ? [root] : [])
  warnings.push(...backing.warnings)
  const dirName = f.dir === '.' ? rootName : posix.basename(f.dir)
  const manifestName = p.name ? toProjectName(p.name) : ''
  const name: Finding<string> = manifestName
    ? { value: manifestName, confidence: 'high', evidence: [{ file: p.manifest, reason: `project name "${p.name}"` }] }
    : { value: toProjectName(dirName) || 'my-service', confidence: 'medium', evidence: [{ file: f.path('.'), reason: `the folder's name` }] }
  const notes: Evidence[] = [
    ...p.notes,
    ...backing.notes,
    ...others.map((o) => ({ file: o.manifest, reason: `also a ${o.language} manifest: ${o.notRunnable ?? 'weaker evidence than the chosen language'}` })),
  ]
  const port = choosePort(p, f, bestCodePort(codePorts))
  const contract = runtimeContract(p, f, root, { database: backing.database.value, cache: backing.cache.value, port }, warnings)
  return {
    dir: f.dir,
    name,
    language: { value: p.language, confidence: p.strength === 3 ? 'high' : 'medium', evidence: [{ file: p.manifest, reason: p.strength === 3 ? 'manifest with a web framework' : 'manifest of a runnable app' }] },
    framework: p.framework,
    frameworkName: p.frameworkName,
    packageManager: p.packageManager,
    languageVersion: contract.languageVersion,
    buildCommand: p.buildCommand,
    startCommand: p.startCommand,
    port,
    ...(contract.health ? { health: contract.health } : {}),
    database: backing.database,
    cache: backing.cache,
    app: contract.app,
    appEvidence: contract.appEvidence,
    warnings: contract.warnings,
    notes,
  }
}

/**
 * Reads a repository and says what is in it: each deployable service with the evidence behind
 * every value, the libraries and examples it left out, and the container files already there.
 * Pure over the view: no disk access beyond `repo.read`.
 */
export function detect(repo: RepoView, opts: { rootName: string }): Detection {
  const root = new Folder(repo, '.')
  const workspace = workspacePatterns(root)
  const member = (dir: string) => workspace?.value.some((p) => matchesPattern(dir, p)) ?? false
  const found: { best: ProjectFindings; others: ProjectFindings[]; f: Folder }[] = []
  const skipped: SkippedProject[] = []
  for (const dir of candidateDirs(repo)) {
    if (dir !== '.' && nonService(dir) && !member(dir)) {
      skipped.push({ dir, reason: 'examples, fixtures, docs or tooling' })
      continue
    }
    const f = new Folder(repo, dir)
    const s = strongest(f, root)
    if (!s) continue
    if (s.best.strength < 2) {
      skipped.push({ dir, reason: s.best.notRunnable ?? 'not runnable' })
      continue
    }
    // A workspace root with only scripts (turbo, nx) orchestrates its members; it is not a service.
    if (dir === '.' && workspace && s.best.strength < 3) {
      skipped.push({ dir, reason: 'the workspace root (scripts only); its members are the services' })
      continue
    }
    found.push({ ...s, f })
  }
  const services = found.map(({ best, others, f }) => assemble(best, others, f, root, opts.rootName, found.length === 1))
  const ciFiles = repo.files.filter((p) => /^\.github\/workflows\/[\w.-]+\.ya?ml$/.test(p))
  const ci: Finding<CiProvider> | undefined = ciFiles.length
    ? { value: 'github', confidence: 'medium', evidence: [{ file: ciFiles[0]!, reason: 'GitHub Actions workflows' }] }
    : repo.files.includes('.gitlab-ci.yml')
      ? { value: 'gitlab', confidence: 'medium', evidence: [{ file: '.gitlab-ci.yml', reason: 'GitLab CI' }] }
      : undefined
  return {
    services,
    workspace,
    skipped,
    ci,
    existing: repo.files.filter((p) => EXISTING.test(p)),
    warnings: [],
    fileCount: repo.files.length,
  }
}

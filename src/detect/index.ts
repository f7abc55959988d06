import { posix } from 'node:path'
import type { CiProvider } from '../options.js'
import { toProjectName } from '../utils/names.js'
import { detectBacking } from './backing.js'
import { fastifyDefaultBind, localhostBinding, sourceCandidates } from './code.js'
import { gitignoredOutputs } from './gitignore.js'
import { RULES, type ProjectFindings } from './languages/index.js'
import { solutionDirOf, webProjectsUnder } from './languages/dotnet.js'
import { choosePort, scanCodePorts } from './port.js'
import { LANGUAGE_CHOICES } from '../registry/languages/index.js'
import { byId } from '../registry/lookup.js'
import { Folder, NON_SERVICE_DIRS, parentDir, type RepoView } from './repo.js'
import type { DetectedService, Detection, DetectionWarning, Evidence, Finding, SkippedProject, UnreadFile } from './types.js'
import { inUiFolder, isUiPackage, uiBuild } from './ui.js'
import { matchesPattern, workspacePatterns } from './workspace.js'
import { runtimeContract } from './contract/index.js'

export type * from './types.js'
export { memoryRepo, type RepoView } from './repo.js'

/** Container and deployment files that already exist: reported, read for ports, never overwritten silently. */
const EXISTING = /^(?:(?:.*\/)?(?:Dockerfile(?:\.[\w-]+)?|[\w.-]+\.Dockerfile|\.dockerignore|(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml)|\.gitlab-ci\.yml|\.github\/workflows\/[\w.-]+\.ya?ml|(?:.*\/)?Chart\.yaml|(?:.*\/)?kustomization\.ya?ml|skaffold\.yaml|Tiltfile|fly\.toml|nixpacks\.toml|railpack\.json|(?:.*\/)?\.containerized\/answers\.json)$/

const nonService = (dir: string) => dir.split('/').some((part) => NON_SERVICE_DIRS.has(part.toLowerCase()))

/** Options of a detection run. */
export interface DetectOptions {
  /** The repository folder's name: the project name when no manifest names it. */
  rootName: string
  /**
   * Folders to consider as services whatever discovery would class them as (`samples/aspnetapp`,
   * a .NET solution's `src/Web`, a UI folder a server would fold in): what `--service` names.
   */
  include?: readonly string[]
}

/**
 * Folders that hold a manifest of some language. A .NET project sits at its solution's folder
 * while the solution has a single web project (the image builds the solution); with several,
 * each web project is a folder of its own, built from the solution folder.
 */
function candidateDirs(repo: RepoView, include: ReadonlySet<string>): string[] {
  const dirs = new Set<string>()
  const webCount = new Map<string, number>()
  for (const file of repo.files) {
    const base = posix.basename(file)
    if (!RULES.some((r) => r.manifests.test(base))) continue
    const dir = parentDir(file)
    if (/\.[cf]sproj$/.test(base)) {
      const sln = solutionDirOf(repo, dir)
      if (sln !== undefined && sln !== dir) {
        if (!webCount.has(sln)) webCount.set(sln, webProjectsUnder(repo, sln).length)
        const web = /Sdk="Microsoft\.NET\.Sdk\.Web"/.test(repo.read(file) ?? '')
        if (include.has(dir) || (web && webCount.get(sln)! > 1)) dirs.add(dir)
        else dirs.add(sln)
        continue
      }
    }
    dirs.add(dir)
  }
  for (const dir of include) if (repo.files.some((p) => p.startsWith(dir === '.' ? '' : `${dir}/`))) dirs.add(dir)
  return [...dirs].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a.split('/').length - b.split('/').length || a.localeCompare(b)))
}

/** The strongest language in a folder; the others are noted (a package.json of linters beside a pyproject.toml). */
function strongest(f: Folder, root: Folder): { best: ProjectFindings; others: ProjectFindings[] } | undefined {
  const results = RULES.map((r) => r.detect(f, root)).filter((x): x is ProjectFindings => x !== undefined)
  if (results.length === 0) return undefined
  const best = results.reduce((a, b) => (b.strength > a.strength ? b : a))
  return { best, others: results.filter((r) => r !== best) }
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
 * lacks: the build would stop at that COPY. A lockfile already warned about is not repeated; a
 * workspace member's install files are the root's (`app.installFiles`).
 */
function missingManifests(p: ProjectFindings, f: Folder, earlier: readonly DetectionWarning[]): DetectionWarning[] {
  const pm = p.packageManager && byId(LANGUAGE_CHOICES, p.language).packageManagers.find((x) => x.id === p.packageManager!.value)
  // .NET's retrofit image copies the whole solution; go.sum is optional (copied as go.sum*).
  if (!pm || p.language === 'dotnet' || p.app.buildContext) return []
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

/**
 * The localhost warning, from the server's own bind call only (a loopback host handed to
 * listen/bind/run) and from framework defaults that bind loopback: Fastify's listen without a
 * host, Flask's app.run() without one. Database hosts, URLs and client settings never count.
 */
function localhostWarning(p: ProjectFindings, f: Folder, files: readonly string[]): DetectionWarning | undefined {
  for (const file of sourceCandidates(files, p.sourceExt, 200)) {
    const text = f.read(file)
    if (!text) continue
    const bind = localhostBinding(text)
    if (bind) return { code: 'localhost-binding', file: f.path(file), message: `binds to the loopback interface (\`${bind}\`): nothing outside the container can reach it; listen on 0.0.0.0 (or read HOST)` }
    const fastify = p.frameworkName === 'Fastify' ? fastifyDefaultBind(text) : undefined
    if (fastify) return { code: 'localhost-binding', file: f.path(file), message: `Fastify listens on localhost unless given a host (\`${fastify}\`): nothing outside the container can reach it; pass host: '0.0.0.0' (or read HOST)` }
  }
  if (p.language === 'python' && p.framework?.value === 'flask') {
    const runner = sourceCandidates(files, /\.py$/).find((file) => /\.run\(\s*(?:debug\s*=\s*\w+\s*)?\)/.test(f.read(file) ?? ''))
    if (runner) return { code: 'localhost-binding', file: f.path(runner), message: 'app.run() without host= serves on 127.0.0.1 only; the image runs gunicorn instead, but `python app.py` in a container is unreachable' }
  }
  return undefined
}

/** A project name from a manifest or folder: version suffixes and `.git` are not names. */
function nameOf(raw: string): string {
  return toProjectName(raw.replace(/\.git$/, '').replace(/[-_.]v\d+$/, ''))
}

function assemble(p: ProjectFindings, others: ProjectFindings[], f: Folder, root: Folder, rootName: string, rootHints: boolean, extraNotes: Evidence[]): DetectedService {
  const warnings: DetectionWarning[] = [...p.warnings]
  // The server's own code: a UI folded into it is read for its build only.
  const files = p.app.ui ? f.files.filter((x) => !x.startsWith(`${p.app.ui!.dir}/`)) : f.files
  const localhost = localhostWarning(p, f, files)
  if (localhost) warnings.push(localhost)
  warnings.push(...exampleOnlyConfig(f), ...missingManifests(p, f, warnings))
  const backing = detectBacking(f, p.deps, rootHints && f.dir !== root.dir ? { rootHints: root } : {})
  warnings.push(...backing.warnings)
  if (backing.unprovided.length) p.app.unprovided = backing.unprovided
  const dirName = f.dir === '.' ? rootName : posix.basename(f.dir)
  const manifestName = p.name ? nameOf(p.name) : ''
  const name: Finding<string> = manifestName
    ? { value: manifestName, confidence: 'high', evidence: [{ file: p.manifest, reason: `project name "${p.name}"` }] }
    : { value: nameOf(dirName) || 'my-service', confidence: 'medium', evidence: [{ file: f.path('.'), reason: `the folder's name` }] }
  warnings.push(...gitignoredOutputs(f.repo, f.dir, name.value))
  const notes: Evidence[] = [
    ...p.notes,
    ...extraNotes,
    ...backing.notes,
    ...others.map((o) => ({ file: o.manifest, reason: `also a ${o.language} manifest: ${o.notRunnable ?? 'weaker evidence than the chosen language'}` })),
  ]
  const { code, flags } = scanCodePorts(p, f, files)
  const port = choosePort(p, f, code, flags)
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

interface Candidate {
  best: ProjectFindings
  others: ProjectFindings[]
  f: Folder
  notes: Evidence[]
}

/** A web framework of a Rust crate: a binary without one in a workspace with a server is a helper. */
const hasWebFramework = (c: Candidate) => c.best.framework !== undefined && c.best.framework.confidence !== 'low'

/**
 * Reads a repository and says what is in it: each deployable service with the evidence behind
 * every value, the libraries and examples it left out, and the container files already there.
 * Pure over the view: no disk access beyond `repo.read`.
 */
export function detect(repo: RepoView, opts: DetectOptions): Detection {
  const root = new Folder(repo, '.')
  const include = new Set((opts.include ?? []).map((d) => d.replace(/^\.\//, '').replace(/\/+$/, '') || '.'))
  const workspace = workspacePatterns(root)
  const member = (dir: string) => workspace?.value.some((p) => matchesPattern(dir, p)) ?? false
  let found: Candidate[] = []
  const skipped: SkippedProject[] = []
  const uiCandidates: string[] = []
  for (const dir of candidateDirs(repo, include)) {
    const forced = include.has(dir)
    if (dir !== '.' && nonService(dir) && !member(dir) && !forced) {
      skipped.push({ dir, reason: 'examples, fixtures, docs or tooling' })
      continue
    }
    const f = new Folder(repo, dir)
    const pkg = f.json('package.json')
    if (pkg && isUiPackage(pkg) && !forced) uiCandidates.push(dir)
    const s = strongest(f, root)
    if (!s) continue
    if (s.best.strength < 2) {
      skipped.push({ dir, reason: s.best.notRunnable ?? 'not runnable' })
      continue
    }
    // A solution with several web projects is detected per project.
    if (s.best.language === 'dotnet' && !forced && s.best.warnings.some((w) => w.code === 'several-entry-points') && !f.find(/^[\w.-]+\.[cf]sproj$/).length) {
      skipped.push({ dir, reason: 'a .NET solution with several web projects: each is a service of its own, built from here' })
      continue
    }
    // A workspace root with only scripts (turbo, nx) orchestrates its members; it is not a service.
    if (dir === '.' && workspace && s.best.strength < 3 && !forced) {
      skipped.push({ dir, reason: 'the workspace root (scripts only); its members are the services' })
      continue
    }
    found.push({ ...s, f, notes: [] })
  }

  // Cargo workspace members without a web framework (migrations, CLIs, xtask) beside one with
  // a web framework are its helper binaries, not services.
  const cargoWorkspace = /^\[workspace\]/m.test(root.read('Cargo.toml') ?? '')
  if (cargoWorkspace && found.some((c) => c.best.language === 'rust' && hasWebFramework(c))) {
    found = found.filter((c) => {
      if (c.best.language !== 'rust' || hasWebFramework(c) || include.has(c.f.dir) || c.f.dir === '.') return true
      skipped.push({ dir: c.f.dir, reason: `a helper binary of the Cargo workspace (no web framework: a migration, CLI or tool), not a service` })
      return false
    })
  }

  // A web UI in a server's sub-folder is built into the server's image: one service, not two.
  for (const uiDir of uiCandidates) {
    const server = found
      .filter((c) => c.f.dir !== uiDir && (c.f.dir === '.' || uiDir.startsWith(`${c.f.dir}/`)) && !uiCandidates.includes(c.f.dir))
      .sort((a, b) => b.f.dir.length - a.f.dir.length)[0]
    if (!server) continue
    const rel = posix.relative(server.f.dir === '.' ? '' : server.f.dir, uiDir)
    if (!inUiFolder(rel) || server.best.app.ui) continue
    const built = uiBuild(server.f, server.best.sourceExt, uiDir)
    if (!built) continue
    server.best.app.ui = built.ui
    server.notes.push(...built.notes)
    found = found.filter((c) => c.f.dir !== uiDir)
    const i = skipped.findIndex((s) => s.dir === uiDir)
    if (i >= 0) skipped.splice(i, 1)
    skipped.push({ dir: uiDir, reason: `the web UI of ${server.f.dir === '.' ? 'the root service' : server.f.dir}, built into its image` })
  }

  const services = found.map(({ best, others, f, notes }) => assemble(best, others, f, root, opts.rootName, found.length === 1, notes))
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
    unread: unreadFiles(repo, (dir) => include.has(dir) || dir === '.' || !nonService(dir) || member(dir)),
    ...(repo.bound ? { bound: repo.bound } : {}),
  }
}

const isManifest = (name: string) => RULES.some((r) => r.manifests.test(name))

/**
 * What the scan and the rules could not use. A link is named only when it is a manifest or a
 * container file (links are not followed, by design); a manifest, or a folder that could not be
 * listed, where services are looked for decides what the app is.
 */
function unreadFiles(repo: RepoView, considered: (dir: string) => boolean): UnreadFile[] {
  const out: UnreadFile[] = []
  for (const [file, u] of repo.unread ?? []) {
    const manifest = isManifest(posix.basename(file))
    if (u.kind === 'link' && !manifest && !EXISTING.test(file)) continue
    const folder = u.kind === 'folder'
    const decides = (manifest || folder) && considered(folder ? file : parentDir(file))
    out.push({ file, why: u.why, decides })
  }
  return out.sort((a, b) => a.file.localeCompare(b.file))
}

import { posix } from 'node:path'
import type { Dependency } from '../backing.js'
import { parentDir, type Folder, type RepoView } from '../repo.js'
import type { DetectionWarning, Evidence, PortFinding } from '../types.js'
import { firstVersion, toolVersionFiles } from '../versions.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

const PROJECT = /\.(?:csproj|fsproj)$/
const isWeb = (text: string) => /Sdk="Microsoft\.NET\.Sdk\.Web"/.test(text)
const isTest = (text: string) => /Microsoft\.NET\.Test\.Sdk|\bxunit\b|\bNUnit\b|\bMSTest\b/i.test(text)

/** A repository path from a project file's own (Windows-style) relative reference. */
function resolveRef(fromFile: string, include: string): string {
  const p = posix.normalize(posix.join(parentDir(fromFile) === '.' ? '' : parentDir(fromFile), include.replace(/\\/g, '/')))
  return p.replace(/^\.\//, '')
}

/** The solution folder an image of this project builds from: the nearest one at or above it. */
export function solutionDirOf(repo: RepoView, dir: string): string | undefined {
  const slns = new Set(repo.files.filter((p) => /\.slnx?$/.test(p)).map(parentDir))
  for (let d = dir; ; d = parentDir(d)) {
    if (slns.has(d)) return d
    if (d === '.') return undefined
  }
}

/** Web projects below a solution folder (repository paths). */
export function webProjectsUnder(repo: RepoView, dir: string): string[] {
  const prefix = dir === '.' ? '' : `${dir}/`
  return repo.files.filter((p) => p.startsWith(prefix) && PROJECT.test(p) && p.slice(prefix.length).split('/').length <= 5 && isWeb(repo.read(p) ?? ''))
}

/** The first Directory.Build.props / Directory.Packages.props at or above a folder, as MSBuild imports them. */
function propsFiles(repo: RepoView, dir: string): string[] {
  const out: string[] = []
  for (const name of ['Directory.Build.props', 'Directory.Packages.props']) {
    for (let d = dir; ; d = parentDir(d)) {
      const p = d === '.' ? name : `${d}/${name}`
      const hit = repo.files.find((x) => x.toLowerCase() === p.toLowerCase())
      if (hit) {
        out.push(hit)
        break
      }
      if (d === '.') break
    }
  }
  return out
}

/**
 * Packages the web project uses: its own PackageReferences, those of the projects it references
 * (followed transitively: the project that holds the DbContext names the EF Core provider),
 * and those Directory.*.props add to every project.
 */
function projectDependencies(repo: RepoView, web: string): { deps: Dependency[]; props: string[]; refs: string[] } {
  const deps: Dependency[] = []
  const seen = new Set<string>()
  const refs: string[] = []
  const visit = (project: string, via?: string) => {
    if (seen.has(project)) return
    seen.add(project)
    const text = repo.read(project)
    if (text === undefined) return
    for (const m of text.matchAll(/<PackageReference\s+Include="([^"]+)"([^>]*)>?/g)) {
      const dev = /PrivateAssets="all"/i.test(m[2] ?? '')
      deps.push({ name: m[1]!, file: project, ...(dev ? { dev } : {}), ...(via ? { reason: `depends on ${m[1]} (a project the web project references: ${via} → ${project})` } : {}) })
    }
    for (const m of text.matchAll(/<ProjectReference\s+Include="([^"]+)"/g)) {
      const target = resolveRef(project, m[1]!)
      if (!refs.includes(target)) refs.push(target)
      visit(target, via ?? project)
    }
  }
  visit(web)
  const props = propsFiles(repo, parentDir(web))
  for (const p of props) {
    for (const m of (repo.read(p) ?? '').matchAll(/<(?:Global)?PackageReference\s+Include="([^"]+)"/g)) deps.push({ name: m[1]!, file: p })
  }
  return { deps, props, refs }
}

/**
 * Kestrel's endpoint or `Urls` in appsettings: what the published app listens on. The
 * launchSettings.json profiles are read by `dotnet run` and IDEs only, never by the app in a
 * container (there ASPNETCORE_HTTP_PORTS decides), so they are noted, not chosen.
 */
function configPort(f: Folder, projectDir: string): { port?: PortFinding; note?: Evidence } {
  const inProject = (p: string) => (projectDir === '' ? p : `${projectDir}/${p}`)
  const out: { port?: PortFinding; note?: Evidence } = {}
  for (const name of ['appsettings.Production.json', 'appsettings.json']) {
    const text = f.read(inProject(name))
    const m = text && (/"Url"\s*:\s*"https?:\/\/[^:"]+:(\d+)"/.exec(text) ?? /"Urls"\s*:\s*"(?:[^"]*;)?https?:\/\/[^:"]+:(\d+)/.exec(text))
    if (m) {
      out.port = { value: Number(m[1]), confidence: 'high', evidence: [{ file: f.path(inProject(name)), reason: `Kestrel endpoint on ${m[1]}` }] }
      break
    }
  }
  const launch = f.json(inProject('Properties/launchSettings.json'))
  const profiles = launch?.profiles
  if (profiles && typeof profiles === 'object') {
    for (const [name, profile] of Object.entries(profiles as Record<string, Record<string, unknown>>)) {
      if (profile?.commandName !== 'Project' || typeof profile.applicationUrl !== 'string') continue
      out.note = { file: f.path(inProject('Properties/launchSettings.json')), reason: `profile "${name}" serves ${profile.applicationUrl} under \`dotnet run\` only; in the container the app listens on ASPNETCORE_HTTP_PORTS` }
      break
    }
  }
  return out
}

/**
 * .NET: the web project is the one on the Web SDK. A folder with a project of its own is that
 * project; a solution folder stands for its single web project (a solution with several is
 * detected per project, each built from the solution folder).
 */
export const dotnetRule: LanguageRule = {
  id: 'dotnet',
  manifests: /^(?:[\w.-]+\.(?:sln|slnx|csproj|fsproj)|global\.json)$/,
  detect(f, root) {
    const repo = f.repo
    const own = f.find(/^[\w.-]+\.(?:csproj|fsproj)$/)
    const solution = f.find(/^[\w.-]+\.slnx?$/)[0]
    if (own.length === 0 && !solution) return undefined
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const ownWeb = own.filter((p) => isWeb(f.read(p) ?? ''))
    const below = ownWeb.length ? ownWeb.map((p) => f.path(p)) : solution ? webProjectsUnder(repo, f.dir) : []
    const manifest = f.path(solution && !ownWeb.length ? solution : (own[0] ?? solution!))
    const out: ProjectFindings = { language: 'dotnet', manifest, strength: 1, sourceExt: /\.(?:cs|fs)$/, deps: [], app: {}, warnings, notes }
    out.packageManager = found('nuget', 'high', manifest, 'NuGet (dotnet restore)')
    const web = below[0]
    if (!web) {
      out.notRunnable = own.length ? 'no project on the Web SDK (Microsoft.NET.Sdk.Web): a library, a tool or tests' : 'a solution without a web project'
      return out
    }
    if (below.length > 1) warnings.push({ code: 'several-entry-points', file: below[1]!, message: `several web projects (${below.join(', ')}); the image publishes ${web}: pass --service <its folder> to containerize another` })
    // The image builds from the solution folder when the project has one above it: project
    // references and Directory.*.props may sit anywhere in it.
    const slnDir = ownWeb.length ? solutionDirOf(repo, f.dir) : f.dir
    const context = slnDir ?? f.dir
    const rel = (p: string) => posix.relative(context === '.' ? '' : context, p)
    if (context !== f.dir) {
      out.app.buildContext = posix.relative(f.dir === '.' ? '' : f.dir, context === '.' ? '' : context) || '.'
      out.app.memberDir = rel(f.dir)
    }
    const text = repo.read(web) ?? ''
    const base = posix.basename(web).replace(PROJECT, '')
    out.name = base
    out.framework = found('aspnetcore', 'high', web, 'Sdk="Microsoft.NET.Sdk.Web"')
    out.strength = 3
    out.app.appProject = rel(web)
    out.app.assembly = `${/<AssemblyName>([^<]+)</.exec(text)?.[1] ?? base}.dll`
    // The test project that references this web project, anywhere in the solution.
    const prefix = context === '.' ? '' : `${context}/`
    const tests = repo.files.filter((p) => p.startsWith(prefix) && PROJECT.test(p) && p !== web && isTest(repo.read(p) ?? ''))
    const testOf = tests.find((t) => [...(repo.read(t) ?? '').matchAll(/<ProjectReference\s+Include="([^"]+)"/g)].some((m) => resolveRef(t, m[1]!) === web)) ?? tests[0]
    if (testOf) out.app.testProject = rel(testOf)
    const { deps, props, refs } = projectDependencies(repo, web)
    out.deps = deps
    if (refs.length) notes.push({ file: web, reason: `references ${refs.join(', ')}: the image builds from ${context === '.' ? 'the repository root' : context} so they are in its context` })
    out.startCommand = found(`dotnet ${out.app.assembly}`, 'high', web, 'the published web project')
    out.defaultPort = { port: 8080, confidence: 'medium', reason: 'the .NET 8+ images listen on 8080 (ASPNETCORE_HTTP_PORTS)' }
    const projectDir = posix.relative(f.dir === '.' ? '' : f.dir, parentDir(web) === '.' ? '' : parentDir(web))
    const cp = configPort(f, projectDir)
    if (cp.port) out.configPort = cp.port
    if (cp.note) notes.push(cp.note)
    const tf = /<TargetFrameworks?>\s*net(\d+\.\d+)/.exec(text)
    const propsTf = props.map((p) => ({ p, m: /<TargetFrameworks?>\s*net(\d+\.\d+)/.exec(repo.read(p) ?? '') })).find((x) => x.m)
    const globalFile = [...new Set([f.dir, context, root.dir])].map((d) => (d === '.' ? 'global.json' : `${d}/global.json`)).find((p) => repo.files.includes(p))
    let sdk: unknown
    try {
      sdk = globalFile ? ((JSON.parse(repo.read(globalFile) ?? '{}') as Record<string, Record<string, unknown>>).sdk?.version as unknown) : undefined
    } catch {
      sdk = undefined
    }
    const v = firstVersion('dotnet', [
      tf ? { text: tf[1]!, file: web, reason: `<TargetFramework>net${tf[1]}` } : undefined,
      propsTf ? { text: propsTf.m![1]!, file: propsTf.p, reason: `<TargetFramework>net${propsTf.m![1]} (applies to every project below it)` } : undefined,
      typeof sdk === 'string' ? { text: sdk, file: globalFile!, reason: `sdk.version ${sdk}` } : undefined,
      toolVersionFiles(f, 'dotnet'),
    ])
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

import type { Dependency } from '../backing.js'
import type { DetectionWarning, Evidence, PortFinding } from '../types.js'
import { firstVersion, toolVersionFiles } from '../versions.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

/** .NET: a solution or project file; the web project is the one on the Web SDK. */
export const dotnetRule: LanguageRule = {
  id: 'dotnet',
  manifests: /^(?:[\w.-]+\.(?:sln|slnx|csproj|fsproj)|global\.json)$/,
  detect(f, root) {
    const projects = f.find(/^(?:[\w.-]+\/){0,3}[\w.-]+\.(?:csproj|fsproj)$/)
    if (projects.length === 0) return undefined
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const deps: Dependency[] = []
    for (const p of projects) {
      for (const m of (f.read(p) ?? '').matchAll(/<PackageReference\s+Include="([^"]+)"/g)) deps.push({ name: m[1]!, file: f.path(p) })
    }
    const web = projects.filter((p) => /Sdk="Microsoft\.NET\.Sdk\.Web"/.test(f.read(p) ?? ''))
    const tests = projects.filter((p) => /Microsoft\.NET\.Test\.Sdk|xunit|NUnit|MSTest/i.test(f.read(p) ?? ''))
    const app = web[0]
    const manifest = f.path(f.find(/^[\w.-]+\.slnx?$/)[0] ?? app ?? projects[0]!)
    const out: ProjectFindings = { language: 'dotnet', manifest, strength: 1, sourceExt: /\.(?:cs|fs)$|launchSettings\.json$/, deps, app: {}, warnings, notes }
    if (!app) out.notRunnable = 'no project on the Web SDK (Microsoft.NET.Sdk.Web): a library or tool'
    else {
      const text = f.read(app) ?? ''
      const base = app.slice(app.lastIndexOf('/') + 1).replace(/\.[cf]sproj$/, '')
      out.name = base
      out.framework = found('aspnetcore', 'high', f.path(app), 'Sdk="Microsoft.NET.Sdk.Web"')
      out.strength = 3
      out.app.appProject = app
      out.app.assembly = `${/<AssemblyName>([^<]+)</.exec(text)?.[1] ?? base}.dll`
      if (tests[0]) out.app.testProject = tests[0]
      if (web.length > 1) warnings.push({ code: 'several-entry-points', file: f.path(web[1]!), message: `several web projects (${web.join(', ')}); the image publishes ${app}` })
      out.startCommand = found(`dotnet ${out.app.assembly}`, 'high', f.path(app), 'the published web project')
      out.defaultPort = { port: 8080, confidence: 'medium', reason: 'the .NET 8+ images listen on 8080 (ASPNETCORE_HTTP_PORTS)' }
      const cfg = f.find(/^(?:.*\/)?appsettings(?:\.Production)?\.json$/).map((p) => ({ p, m: /"Url"\s*:\s*"https?:\/\/[^:"]+:(\d+)"/.exec(f.read(p) ?? '') })).find((x) => x.m)
      if (cfg) out.configPort = { value: Number(cfg.m![1]), confidence: 'high', evidence: [{ file: f.path(cfg.p), reason: `Kestrel endpoint on ${cfg.m![1]}` }] } satisfies PortFinding
      const tf = /<TargetFrameworks?>\s*net(\d+\.\d+)/.exec(text)
      const global = f.json('global.json') ?? root.json('global.json')
      const sdk = (global?.sdk as Record<string, unknown> | undefined)?.version
      const v = firstVersion('dotnet', [
        tf ? { text: tf[1]!, file: f.path(app), reason: `<TargetFramework>net${tf[1]}` } : undefined,
        typeof sdk === 'string' ? { text: sdk, file: f.has('global.json') ? f.path('global.json') : root.path('global.json'), reason: `sdk.version ${sdk}` } : undefined,
        toolVersionFiles(f, 'dotnet'),
      ])
      if (v.finding) out.version = v.finding
      if (v.warning) warnings.push(v.warning)
    }
    out.packageManager = found('nuget', 'high', manifest, 'NuGet (dotnet restore)')
    return out
  },
}

import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { parseDockerfile, type Instruction, type Stage } from '../helpers/dockerfile.js'
import { renderMap } from '../helpers/render.js'

// One case per framework × package manager (one each today), plus a non-default port and a
// floating runtime version (`10.0`), which changes the SDK pin.
const dotnet = LANGUAGE_CHOICES.find((l) => l.id === 'dotnet')!
const cases = [
  ...dotnet.frameworks.flatMap((fw) =>
    dotnet.packageManagers.map((pm) =>
      validateAnswers({ name: `df-${fw.id}-${pm.id}`, language: 'dotnet', framework: fw.id, packageManager: pm.id, database: 'postgres', cache: 'redis' }),
    ),
  ),
  validateAnswers({ name: 'df-port', language: 'dotnet', port: 5000, languageVersion: '10.0' }),
]

describe.each(cases.map((a) => [`${a.framework}/${a.packageManager} port ${a.port} version ${a.languageVersion}`, a] as const))('Dockerfile practices: %s', (_n, answers) => {
  const files = renderMap(answers)
  const text = files.get('Dockerfile')!
  const { global, stages } = parseDockerfile(text)
  const ctx = buildContext(answers, { name: 't', version: '0' })
  const lang = ctx.lang as { sdkVersion: string; appProject: string; appDir: string; testProject: string; assembly: string; commands: { dev: string[]; test: string[] } }
  const pm = ctx.packageManager
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name)
    if (!s) throw new Error(`no stage ${name}`)
    return s
  }
  const of = (s: Stage, keyword: string): Instruction[] => s.body.filter((i) => i.keyword === keyword)
  const prod = stage('prod')
  const build = stage('build')
  const source = stage('source')

  it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
    expect(text).toMatch(/^# check=error=true$/m)
  })

  it('pins SDK and runtime through ARGs (noble: .NET 10 has no Debian images), never latest', () => {
    const args = global.filter((i) => i.keyword === 'ARG').map((i) => i.args)
    expect(args).toContain(`DOTNET_VERSION=${answers.languageVersion}`)
    expect(args).toContain(`DOTNET_SDK_VERSION=${lang.sdkVersion}`)
    expect(args).toContain('SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:${DOTNET_SDK_VERSION}-noble')
    expect(args).toContain('RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled')
    if (answers.languageVersion === dotnet.defaultVersion) expect(lang.sdkVersion).toMatch(/^10\.0\.\d{3}$/)
    else expect(lang.sdkVersion).toBe(answers.languageVersion)
    // Every image pulled from a registry comes through one of the two ARGs.
    const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
    expect(new Set(external)).toEqual(new Set(['${SDK_IMAGE}', '${RUNTIME_IMAGE}']))
    expect(text).not.toMatch(/:latest\b/)
  })

  it('has named dev, test and prod targets, with prod last (the default build)', () => {
    for (const n of ['build', 'source', 'dev', 'test', 'prod']) expect(stages.map((s) => s.name)).toContain(n)
    expect(stages.at(-1)!.name).toBe('prod')
    expect(stage('dev').from).toBe('source')
    expect(stage('test').from).toBe('source')
  })

  it('cross-compiles: the build stage runs on BUILDPLATFORM and targets TARGETARCH', () => {
    expect(text).toMatch(/^FROM --platform=\$BUILDPLATFORM \$\{SDK_IMAGE\} AS build$/m)
    expect(of(build, 'ARG').map((i) => i.args)).toContain('TARGETARCH')
    const runs = of(build, 'RUN').map((i) => i.args)
    expect(runs[0]).toContain(`dotnet restore ${lang.appProject} -a "$TARGETARCH"`)
    expect(runs[1]).toContain(`dotnet publish ${lang.appProject} -c Release --no-restore -a "$TARGETARCH" -o /app/publish`)
  })

  it('restores from the project files alone, before any source, with a NuGet cache mount', () => {
    const body = build.body.map((i) => `${i.keyword} ${i.args}`)
    const restore = body.findIndex((l) => l.includes('dotnet restore'))
    const firstSource = body.findIndex((l) => l === `COPY --link ${lang.appDir}/ ${lang.appDir}/`)
    expect(restore).toBeGreaterThan(0)
    expect(firstSource).toBeGreaterThan(restore)
    const before = of({ ...build, body: build.body.slice(0, restore) }, 'COPY').map((i) => i.args)
    expect(before).toEqual(['--link Directory.Build.props Directory.Packages.props ./', `--link ${lang.appProject} ${lang.appDir}/`])
    for (const run of of(build, 'RUN')) expect(run.args).toContain(`--mount=type=cache,id=nuget,target=${pm.cacheDir}`)
    expect(pm.installProd).toBe(`dotnet restore ${lang.appProject} -a "$TARGETARCH"`)
    // dev/test: every manifest is copied before the restore; packages land in the image.
    const sourceBody = source.body.map((i) => `${i.keyword} ${i.args}`)
    const sourceRestore = sourceBody.findIndex((l) => l.includes(pm.install))
    const copied = source.body.slice(0, sourceRestore).filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(' ').filter((w) => !w.startsWith('--')).slice(0, -1))
    expect(copied.sort()).toEqual([...pm.manifests].sort())
    expect(sourceBody[sourceRestore]).toMatch(/--mount=type=cache,id=nuget-http,target=\S+\s+NUGET_HTTP_CACHE_PATH=\S+ dotnet restore/)
    expect(of(source, 'ENV').map((i) => i.args).join(' ')).toContain('NUGET_PACKAGES=/opt/nuget/packages')
    expect(sourceBody.findIndex((l) => l === 'COPY --chown=1654:1654 . .')).toBeGreaterThan(sourceRestore)
  })

  it('ships only the published app on the chiseled runtime, owned by root, as the numeric app user', () => {
    expect(prod.from).toBe('${RUNTIME_IMAGE}')
    expect(of(prod, 'COPY').map((i) => i.args)).toEqual(['--link --from=build /app/publish ./'])
    // No RUN: the chiseled image has no shell, and nothing is installed at run time.
    expect(of(prod, 'RUN')).toEqual([])
    const user = of(prod, 'USER').at(-1)!
    expect(user.args).toBe('1654:1654')
    expect(of(source, 'USER').at(-1)!.args).toBe('1654:1654')
    expect(prod.body.findIndex((i) => i.keyword === 'USER')).toBeGreaterThan(prod.body.findIndex((i) => i.keyword === 'COPY'))
  })

  it('exec-form ENTRYPOINT, the real port, a HEALTHCHECK the image can run, PORT and ASPNETCORE_HTTP_PORTS', () => {
    expect(JSON.parse(of(prod, 'ENTRYPOINT')[0]!.args)).toEqual(['dotnet', lang.assembly])
    expect(of(prod, 'CMD')).toEqual([])
    expect(of(prod, 'EXPOSE').map((i) => i.args)).toEqual([String(answers.port)])
    const hc = of(prod, 'HEALTHCHECK')[0]!.args
    expect(hc).toMatch(/--interval=\S+ --timeout=\S+ .*CMD \[/)
    expect(JSON.parse(hc.slice(hc.indexOf('CMD ') + 4))).toEqual(['dotnet', lang.assembly, '--healthcheck'])
    const env = of(prod, 'ENV').map((i) => i.args).join(' ')
    expect(env).toContain(`PORT=${answers.port}`)
    expect(env).toContain(`ASPNETCORE_HTTP_PORTS=${answers.port}`)
  })

  it('dev runs dotnet watch, test runs the xUnit project, both exec-form', () => {
    expect(JSON.parse(of(stage('dev'), 'CMD')[0]!.args)).toEqual(lang.commands.dev)
    expect(lang.commands.dev.slice(0, 2)).toEqual(['dotnet', 'watch'])
    expect(of(stage('dev'), 'EXPOSE').map((i) => i.args)).toEqual([String(answers.port)])
    expect(of(stage('dev'), 'ENV').map((i) => i.args).join(' ')).toContain('ASPNETCORE_ENVIRONMENT=Development')
    expect(JSON.parse(of(stage('test'), 'CMD')[0]!.args)).toEqual(['dotnet', 'test', lang.testProject, '--no-build'])
    expect(of(stage('test'), 'RUN').map((i) => i.args)).toEqual([`dotnet build ${lang.testProject} --no-restore`])
    for (const s of ['build', 'source']) expect(of(stage(s), 'WORKDIR').map((i) => i.args)).toEqual([s === 'build' ? '/src' : '/app'])
  })

  it('carries OCI labels last and keeps secrets out of ENV and ARG', () => {
    expect(prod.body.at(-1)!.keyword).toBe('LABEL')
    const label = prod.body.at(-1)!.args
    for (const k of ['title', 'version', 'revision', 'base.name']) expect(label).toContain(`org.opencontainers.image.${k}=`)
    expect(label).toContain(`org.opencontainers.image.title="${answers.name}"`)
    const all = [...global, ...stages.flatMap((s) => s.body)].filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
    for (const i of all) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE)/i)
    expect(of(build, 'ENV').map((i) => i.args).join(' ')).toMatch(/DOTNET_CLI_TELEMETRY_OPTOUT=1/)
  })

  it('.dockerignore drops build output, VCS, secrets and deploy files but keeps what the build needs', () => {
    const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
    for (const p of ['.git', '**/bin', '**/obj', '**/.env', '**/.env.*', '!.env.example', '!.env.sample', 'compose*.yaml', '.containerized', '.vs']) expect(ignore).toContain(p)
    const needed = [...pm.manifests, 'src', 'src/App/Program.cs', 'tests', 'tests/App.Tests/SettingsTests.cs']
    const matches = (pattern: string, path: string) => {
      const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(.*/)?').replace(/\*/g, '[^/]*')}(/.*)?$`)
      return re.test(path)
    }
    for (const n of needed) expect(ignore.filter((p) => !p.startsWith('!') && matches(p, n)), n).toEqual([])
    for (const f of files.keys()) if (/\.(cs|csproj|props|slnx)$/.test(f)) expect(ignore.filter((p) => !p.startsWith('!') && matches(p, f)), f).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { parseDockerfile, type Instruction, type Stage } from '../helpers/dockerfile.js'
import { renderMap } from '../helpers/render.js'

// Go has one framework and one package manager, so one Dockerfile shape: a case per
// framework × package manager (with services), plus a non-default port and Go version.
const go = LANGUAGE_CHOICES.find((l) => l.id === 'go')!
const cases = [
  ...go.frameworks.flatMap((fw) =>
    go.packageManagers.map((pm) =>
      validateAnswers({ name: `df-${fw.id}-${pm.id}`, language: 'go', framework: fw.id, packageManager: pm.id, database: 'postgres', cache: 'redis' }),
    ),
  ),
  validateAnswers({ name: 'df-port', language: 'go', port: 9443, languageVersion: '1.25' }),
]

describe.each(cases.map((a) => [`${a.framework}/${a.packageManager} port ${a.port} go ${a.languageVersion}`, a] as const))('Go Dockerfile practices: %s', (_n, answers) => {
  const files = renderMap(answers)
  const text = files.get('Dockerfile')!
  const { global, stages } = parseDockerfile(text)
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name)
    if (!s) throw new Error(`no stage ${name}`)
    return s
  }
  const all = (s: Stage, keyword: string): Instruction[] => s.body.filter((i) => i.keyword === keyword)
  const index = (s: Stage, pred: (i: Instruction) => boolean): number => s.body.findIndex(pred)
  const pm = go.packageManagers.find((p) => p.id === answers.packageManager)!
  const build = stage('build')
  const source = stage('source')
  const prod = stage('prod')
  const manifestCopy = `${pm.manifests.map((m) => (m === 'go.sum' ? 'go.sum*' : m)).join(' ')} ./`

  it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
    expect(text).toMatch(/^# check=error=true$/m)
  })

  it('pins the Go image through ARGs, with one place to switch registries and no other image pulled', () => {
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `GO_VERSION=${answers.languageVersion}` }))
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'GO_IMAGE=golang:${GO_VERSION}-trixie' }))
    const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
    for (const from of external) expect(['${GO_IMAGE}', 'scratch']).toContain(from)
    expect(text).not.toMatch(/:latest\b/)
  })

  it('has named dev, test and prod targets, with prod last (the default build)', () => {
    for (const n of ['build', 'source', 'dev', 'test', 'prod']) expect(stages.map((s) => s.name)).toContain(n)
    expect(stages.at(-1)!.name).toBe('prod')
    expect(stage('dev').from).toBe('source')
    expect(stage('test').from).toBe('source')
  })

  it('cross-compiles on the build platform for the target platform, statically', () => {
    expect(text).toMatch(/^FROM --platform=\$BUILDPLATFORM \$\{GO_IMAGE\} AS build$/m)
    for (const a of ['TARGETOS', 'TARGETARCH', 'MAIN_PACKAGE']) expect(all(build, 'ARG').map((i) => i.args)).toContain(a)
    expect(all(build, 'ENV').map((i) => i.args).join(' ')).toMatch(/\bCGO_ENABLED=0\b/)
    const compile = all(build, 'RUN').at(-1)!.args
    expect(compile).toContain('GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags="-s -w" -o /out/server "$MAIN_PACKAGE"')
  })

  it('builds the starter app\'s main package by default, and lets MAIN_PACKAGE pick another', () => {
    const main = global.find((i) => i.keyword === 'ARG' && i.args.startsWith('MAIN_PACKAGE='))!
    const dir = main.args.slice('MAIN_PACKAGE='.length)
    expect(dir).toMatch(/^\.\/cmd\//)
    expect(files.has(`${dir.slice(2)}/main.go`)).toBe(true)
    expect(files.get(`${dir.slice(2)}/main.go`)).toMatch(/^package main$/m)
    expect(all(stage('dev'), 'ENV').map((i) => i.args)).toContain('MAIN_PACKAGE=${MAIN_PACKAGE}')
  })

  it('copies the manifests before the source and downloads exactly what go.sum locks, with cache mounts', () => {
    for (const s of [build, source]) {
      const manifests = index(s, (i) => i.keyword === 'COPY' && i.args === manifestCopy)
      const download = index(s, (i) => i.keyword === 'RUN' && i.args.endsWith(pm.install))
      const sourceCopy = index(s, (i) => i.keyword === 'COPY' && i.args === '. .')
      expect(manifests, s.name).toBeGreaterThanOrEqual(0)
      expect(download, s.name).toBeGreaterThan(manifests)
      expect(sourceCopy, s.name).toBeGreaterThan(download)
    }
    expect(pm.install).toBe('go mod download')
    // The prod build keeps modules and the build cache in BuildKit cache mounts, never in a layer.
    const [download, compile] = all(build, 'RUN').filter((i) => i.args.includes('go '))
    expect(download!.args).toContain(`--mount=type=cache,target=${pm.cacheDir}`)
    expect(compile!.args).toContain(`--mount=type=cache,target=${pm.cacheDir}`)
    expect(compile!.args).toContain('--mount=type=cache,target=/root/.cache/go-build')
  })

  it('ships one static binary on scratch with CA certificates, a user table and /tmp, owned by root', () => {
    expect(prod.from).toBe('scratch')
    expect(all(prod, 'RUN')).toEqual([])
    const copies = all(prod, 'COPY').map((i) => i.args)
    expect(copies).toEqual(['--from=build /out/rootfs/ /', '--from=build /out/server /app/server'])
    const rootfs = build.body.find((i) => i.keyword === 'RUN' && i.args.includes('/out/rootfs'))!.args
    for (const part of ['/etc/ssl/certs/ca-certificates.crt', 'chmod 1777 /out/rootfs/tmp', 'app:x:1000:1000:app:/tmp:', '/out/rootfs/etc/group'])
      expect(rootfs).toContain(part)
  })

  it('runs as a fixed non-root UID, exec-form CMD, exposes the real port, health-checks itself', () => {
    const user = all(prod, 'USER').at(-1)!
    expect(user.args).toBe('1000:1000')
    expect(JSON.parse(all(prod, 'CMD')[0]!.args)).toEqual(['/app/server'])
    expect(all(prod, 'EXPOSE').map((i) => i.args)).toEqual([String(answers.port)])
    expect(all(prod, 'ENV').map((i) => i.args)).toContain(`PORT=${answers.port}`)
    const hc = all(prod, 'HEALTHCHECK')[0]!.args
    expect(hc).toMatch(/^--interval=\S+ --timeout=\S+ .*CMD \[/)
    // The image has no shell: the check runs the shipped binary, whose -healthcheck GETs /healthz.
    expect(JSON.parse(hc.slice(hc.indexOf('CMD ') + 4))).toEqual(['/app/server', '-healthcheck'])
    expect(files.get('internal/server/run.go')).toContain('"/healthz"')
    expect(text).toMatch(/HEALTHCHECK[\s\S]*\/healthz/)
  })

  it('dev builds and runs the app at start, test vets at build and runs go test; both as UID 1000', () => {
    expect(all(source, 'USER').map((i) => i.args)).toEqual(['1000:1000'])
    expect(all(source, 'ENV').map((i) => i.args).join(' ')).toMatch(/\bCGO_ENABLED=0\b.*\bGOCACHE=\/tmp\/go-build\b/)
    // The source stage downloads into the layer: dev and test compile at run time, without mounts.
    expect(all(source, 'RUN').some((i) => i.args.includes('--mount=type=cache'))).toBe(false)
    const dev = JSON.parse(all(stage('dev'), 'CMD')[0]!.args) as string[]
    expect(dev.slice(0, 2)).toEqual(['sh', '-c'])
    expect(dev[2]).toMatch(/^go build -o \/tmp\/server "\$MAIN_PACKAGE" && exec \/tmp\/server$/)
    expect(all(stage('dev'), 'EXPOSE').map((i) => i.args)).toEqual([String(answers.port)])
    expect(JSON.parse(all(stage('test'), 'CMD')[0]!.args)).toEqual(['go', 'test', './...'])
    expect(all(stage('test'), 'RUN')[0]!.args).toMatch(/^go vet \.\/\.\.\. && /)
  })

  it('carries OCI labels last and keeps secrets out of ENV and ARG', () => {
    const label = prod.body.at(-1)!
    expect(label.keyword).toBe('LABEL')
    for (const k of ['title', 'version', 'revision', 'base.name']) expect(label.args).toContain(`org.opencontainers.image.${k}=`)
    expect(label.args).toContain(`org.opencontainers.image.title="${answers.name}"`)
    const envArgs = [...global, ...stages.flatMap((s) => s.body)].filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
    for (const i of envArgs) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE)/i)
  })

  it('.dockerignore drops VCS, build output, secrets and deploy files but keeps what the build needs', () => {
    const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
    for (const p of ['.git', 'bin', '**/.env', '**/.env.*', '!.env.example', '!.env.sample', 'compose*.yaml', '.containerized', 'go.work', 'Dockerfile*']) expect(ignore).toContain(p)
    // Every file of the starter app (tests included, for the test target) stays in the context.
    const needed = [...files.keys()].filter((p) => /\.go$|^go\.(mod|sum)$/.test(p))
    expect(needed).toEqual(expect.arrayContaining(['go.mod', 'cmd/server/main.go', 'internal/server/app_test.go']))
    const matches = (pattern: string, path: string): boolean => {
      const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(/|$)`)
      return re.test(path)
    }
    for (const path of [...needed, 'go.sum', 'internal/probes/testdata/x.json']) {
      expect(ignore.filter((p) => !p.startsWith('!') && matches(p, path)), path).toEqual([])
    }
  })

  it('.gitignore keeps local binaries, workspaces and secrets out of version control', () => {
    const gitignore = files.get('.gitignore')!.split('\n')
    for (const p of ['/server', '/bin/', 'go.work', '.env', '!.env.example']) expect(gitignore).toContain(p)
    expect(gitignore).not.toContain('go.sum')
  })
})

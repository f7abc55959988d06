import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { parseDockerfile, type Stage } from '../helpers/dockerfile.js'
import { renderMap } from '../helpers/render.js'

// One case per package manager (the only thing that changes the Node Dockerfile's shape),
// plus a non-default port and runtime version.
const node = LANGUAGE_CHOICES.find((l) => l.id === 'node')!
const cases = [
  ...node.packageManagers.map((pm) => validateAnswers({ name: `df-${pm.id}`, packageManager: pm.id, database: 'postgres' })),
  validateAnswers({ name: 'df-port', port: 8443, languageVersion: '22.12' }),
]

describe.each(cases.map((a) => [`${a.packageManager} port ${a.port}`, a] as const))('Dockerfile practices: %s', (_n, answers) => {
  const files = renderMap(answers)
  const text = files.get('Dockerfile')!
  const { global, stages } = parseDockerfile(text)
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name)
    if (!s) throw new Error(`no stage ${name}`)
    return s
  }
  const pm = node.packageManagers.find((p) => p.id === answers.packageManager)!
  const prod = stage('prod')

  it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
    expect(text).toMatch(/^# check=error=true$/m)
  })

  it('pins the base image through ARGs, never latest, with one place to switch registries', () => {
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `NODE_VERSION=${answers.languageVersion}` }))
    expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'NODE_IMAGE=node:${NODE_VERSION}-trixie-slim' }))
    const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
    // Every image pulled from a registry comes through a version ARG.
    for (const from of external) expect(['${NODE_IMAGE}', 'oven/bun:${BUN_VERSION}-slim']).toContain(from)
    if (pm.version) expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: expect.stringMatching(new RegExp(`_VERSION=${pm.version}$`)) }))
  })

  it('has named dev, test and prod targets, with prod last (the default build)', () => {
    for (const n of ['base', 'deps', 'prod-deps', 'build', 'dev', 'test', 'prod']) expect(stages.map((s) => s.name)).toContain(n)
    expect(stages.at(-1)!.name).toBe('prod')
  })

  it('installs exactly from the lockfile, with manifests mounted before any source copy and a cache mount', () => {
    for (const name of ['deps', 'prod-deps']) {
      const run = stage(name).body.find((i) => i.keyword === 'RUN')!
      for (const m of pm.manifests) expect(run.args).toContain(`--mount=type=bind,source=${m},target=${m}`)
      expect(run.args).toContain(`--mount=type=cache,target=${pm.cacheDir}`)
      expect(run.args).toContain(name === 'deps' ? pm.install : pm.installProd)
      expect(stage(name).body.some((i) => i.keyword === 'COPY')).toBe(false)
    }
    expect(pm.install).toMatch(/npm ci|--frozen-lockfile|--immutable/)
    expect(stage('build').body.map((i) => i.keyword)).toEqual(['COPY', 'RUN'])
  })

  it('ships only production dependencies and build output, owned by root', () => {
    const copies = prod.body.filter((i) => i.keyword === 'COPY').map((i) => i.args)
    expect(copies).toEqual(['--from=prod-deps /app/node_modules ./node_modules', '--from=build /app/dist ./dist', 'package.json ./'])
    expect(copies.some((c) => c.includes('--chown'))).toBe(false)
    expect(prod.from).toBe('${NODE_IMAGE}')
  })

  it('runs as a fixed non-root UID, exec-form CMD, exposes the real port, has a HEALTHCHECK', () => {
    const user = prod.body.filter((i) => i.keyword === 'USER').at(-1)!
    expect(user.args).toMatch(/^[1-9]\d*:[1-9]\d*$/)
    const cmd = prod.body.find((i) => i.keyword === 'CMD')!
    expect(JSON.parse(cmd.args)).toEqual(['node', 'dist/server.js'])
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: String(answers.port) }))
    const hc = prod.body.find((i) => i.keyword === 'HEALTHCHECK')!
    expect(hc.args).toMatch(/--interval=\S+ --timeout=\S+ .*CMD \[/)
    expect(hc.args).toContain('/healthz')
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining('NODE_ENV=production') }))
    for (const s of ['dev', 'test']) {
      expect(JSON.parse(stage(s).body.find((i) => i.keyword === 'CMD')!.args)[0]).toBe(pm.run!.split(' ')[0])
      expect(stage('source').body.find((i) => i.keyword === 'USER')!.args).toBe('1000:1000')
    }
  })

  it('removes package managers from the runtime and carries OCI labels', () => {
    expect(prod.body.find((i) => i.keyword === 'RUN')!.args).toMatch(/^rm -rf .*\/usr\/local\/bin\/npm/)
    const label = prod.body.find((i) => i.keyword === 'LABEL')!.args
    for (const k of ['title', 'version', 'revision', 'base.name']) expect(label).toContain(`org.opencontainers.image.${k}=`)
  })

  it('keeps secrets out of ENV and ARG', () => {
    const all = [...global, ...stages.flatMap((s) => s.body)].filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
    for (const i of all) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE)/i)
  })

  it('.dockerignore drops dependencies, VCS, secrets and deploy files but keeps what the build needs', () => {
    const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
    for (const p of ['.git', 'node_modules', 'dist', '.env', '.env.*', '!.env.example', 'compose*.yaml', '.containerized']) expect(ignore).toContain(p)
    const needed = [...pm.manifests, 'tsconfig.json', 'src', 'test']
    for (const n of needed) expect(ignore.some((p) => p === n || p === `${n}*` || (p.endsWith('*') && n.startsWith(p.slice(0, -1))))).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../src/answers.js'
import { fitRepository, missingTargets, theirDependabot, withOwnIgnoreFile } from '../src/cli/fit.js'
import { placeInRepo } from '../src/cli/retrofit.js'
import type { Retrofit } from '../src/context.js'
import { generate } from '../src/generate.js'

const answers = validateAnswers({ name: 'notes', language: 'python', framework: 'flask', packageManager: 'pip', port: 5000 })
const THEIRS = 'FROM python:3.13-slim\nCMD ["python", "app.py"]\n'

function setup(disk: Record<string, string>, retrofit: Retrofit = { dir: '.', app: {} }) {
  const renders: Retrofit[] = []
  const render = (r: Retrofit) => (renders.push(r), placeInRepo(generate(answers, { retrofit: r }).files, r.dir))
  const read = async (path: string) => disk[path]
  return { renders, render, read, retrofit }
}

describe('fitRepository: the Dockerfile first', () => {
  it('the wizard asks about a conflicting Dockerfile before the final render, saying what keeping it means', async () => {
    const { render, read, renders } = setup({ Dockerfile: THEIRS })
    const asked: { path: string; note?: string }[] = []
    const fit = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'prompt', ask: async (path, _c, _p, note) => (asked.push({ path, note }), 'keep') })
    expect(asked).toEqual([{ path: 'Dockerfile', note: expect.stringMatching(/Your Dockerfile has no dev, test, prod stages.*if you keep it, ours is written beside it \(Dockerfile\.generated\)/) }])
    expect(fit.decided).toEqual(new Map([['Dockerfile', 'alongside']]))
    expect(fit.services[0]!.dockerfile).toEqual({ kind: 'alongside-for-targets', path: 'Dockerfile', built: 'Dockerfile.generated', missing: ['dev', 'test', 'prod'] })
    expect(fit.services[0]!.retrofit.app.dockerfile).toBe('Dockerfile.generated')
    expect(renders.at(-1)!.app.dockerfile).toBe('Dockerfile.generated')
  })

  it('overwrite and a dry run (no one to ask) leave the Dockerfile where it is', async () => {
    const { render, read } = setup({ Dockerfile: THEIRS })
    const over = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'prompt', ask: async () => 'overwrite' })
    expect(over.decided).toEqual(new Map([['Dockerfile', 'overwrite']]))
    expect(over.services[0]!.retrofit.app.dockerfile).toBeUndefined()
    const dry = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'prompt' })
    expect(dry.decided.size).toBe(0)
    const abort = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'abort' })
    expect(abort.decided.size).toBe(0)
  })

  it('is decided afresh: a recorded Dockerfile.generated goes when theirs is gone, and services in sub-folders have their own', async () => {
    const { render, read } = setup({ 'api/Dockerfile': THEIRS })
    const fit = await fitRepository([{ dir: '.', app: { dockerfile: 'Dockerfile.generated' } }, { dir: 'api', app: {} }], render, { read, policy: 'alongside' })
    expect(fit.services[0]!.retrofit.app.dockerfile).toBeUndefined()
    expect(fit.services[1]!.retrofit.app.dockerfile).toBe('Dockerfile.generated')
    expect(fit.decided).toEqual(new Map([['api/Dockerfile', 'alongside']]))
  })

  it('reads the stages a kept Dockerfile has', () => {
    expect(missingTargets('FROM a AS base\nFROM base AS DEV\nFROM base AS prod\n')).toEqual(['test'])
    expect(missingTargets('FROM a AS dev\nFROM a AS test\nFROM a AS prod\n')).toEqual([])
  })
})

describe('fitRepository: workflows and Dependabot', () => {
  it("their workflow at our path gives ours a prefix; our own earlier one (edited or not) does not", async () => {
    const theirs = setup({ '.github/workflows/ci.yml': 'name: CI\non: push\n' })
    const fit = await fitRepository([theirs.retrofit], theirs.render, { read: theirs.read, policy: 'abort' })
    expect(fit.services[0]!.renamedWorkflows).toEqual({ theirs: ['.github/workflows/ci.yml'], prefix: 'container', ours: ['.github/workflows/container-ci.yml', '.github/workflows/container-release.yml'] })
    const prior = generate(answers, { retrofit: { dir: '.', app: {} } }).files.find((f) => f.path === '.github/workflows/ci.yml')!.content
    const edited = setup({ '.github/workflows/ci.yml': `${prior}# my edit\n` })
    expect((await fitRepository([edited.retrofit], edited.render, { read: edited.read, policy: 'abort' })).services[0]!.renamedWorkflows).toBeUndefined()
    const listed = setup({ '.github/workflows/ci.yml': 'name: ci\n', '.containerized/base.json': JSON.stringify({ generator: 'x', files: { '.github/workflows/ci.yml': 'name: ci\n' } }) })
    expect((await fitRepository([listed.retrofit], listed.render, { read: listed.read, policy: 'abort' })).services[0]!.renamedWorkflows).toBeUndefined()
    // Several services: the service's own prefix is kept inside ours.
    const multi = setup({ '.github/workflows/api-ci.yml': 'name: api\n' })
    const named = await fitRepository([{ dir: 'api', app: {}, workflowPrefix: 'api' }], multi.render, { read: multi.read, policy: 'abort' })
    expect(named.services[0]!.retrofit.workflowPrefix).toBe('container-api')
  })

  it("their Dependabot file stands, with what it lacks; ours from an earlier run does not count as theirs", async () => {
    const files = generate(answers, { retrofit: { dir: '.', app: {} } }).files
    const mine = files.find((f) => f.path === '.github/dependabot.yml')!.content
    const read = (disk: Record<string, string>) => async (p: string) => disk[p]
    const theirs = await theirDependabot(files, ['.'], read({ '.github/dependabot.yml': "version: 2\nupdates:\n  - package-ecosystem: 'pip'\n    directory: '/'\n  - package-ecosystem: github-actions\n    directory: /\n" }))
    expect(theirs).toEqual({ path: '.github/dependabot.yml', missing: ['docker (/)', 'docker-compose (/)'] })
    expect(await theirDependabot(files, ['.'], read({ '.github/dependabot.yml': `${mine}  # edited\n` }))).toBeUndefined()
    expect(await theirDependabot(files, ['.'], read({}))).toBeUndefined()
  })
})

const paths = (r: Retrofit) => withOwnIgnoreFile(placeInRepo(generate(answers, { retrofit: r }).files, r.dir), r).map((f) => f.path)

describe('fitRepository: their .dockerignore', () => {
  const QUARKUS = '*\n!target/*-runner\n!target/quarkus-app/*\n'

  it('kept (alongside or keep): ours is <Dockerfile>.dockerignore, which BuildKit reads for ours; theirs is never written', async () => {
    for (const policy of ['alongside', 'skip'] as const) {
      const { render, read } = setup({ '.dockerignore': QUARKUS })
      const fit = await fitRepository([{ dir: '.', app: {} }], render, { read, policy })
      const r = fit.services[0]!.retrofit
      expect(r.app.dockerignore, policy).toBe('Dockerfile.dockerignore')
      expect(fit.services[0]!.dockerignore).toEqual({ theirs: '.dockerignore', ours: 'Dockerfile.dockerignore', dockerfile: 'Dockerfile' })
      expect(fit.keptTheirs).toEqual(['.dockerignore'])
      expect(fit.decided.size).toBe(0)
      expect(paths(r)).toContain('Dockerfile.dockerignore')
      expect(paths(r)).not.toContain('.dockerignore')
    }
  })

  it('in a sub-folder, beside their Dockerfile too, and asked in the wizard with what keeping it means', async () => {
    const { render, read } = setup({ 'api/.dockerignore': QUARKUS, 'api/Dockerfile': THEIRS })
    const asked: { path: string; note?: string }[] = []
    const fit = await fitRepository([{ dir: 'api', app: {} }], render, { read, policy: 'prompt', ask: async (path, _c, _p, note) => (asked.push({ path, note }), 'keep') })
    // Ours goes beside their Dockerfile as Dockerfile.generated, with its own ignore file: no question about theirs.
    expect(asked.map((a) => a.path)).toEqual(['api/Dockerfile'])
    expect(paths(fit.services[0]!.retrofit).filter((p) => p.includes('ignore'))).toEqual(['api/Dockerfile.generated.dockerignore'])
    const alone = setup({ 'api/.dockerignore': QUARKUS })
    const q: { path: string; note?: string }[] = []
    const kept = await fitRepository([{ dir: 'api', app: {} }], alone.render, { read: alone.read, policy: 'prompt', ask: async (path, _c, _p, note) => (q.push({ path, note }), 'keep') })
    expect(q).toEqual([{ path: 'api/.dockerignore', note: expect.stringMatching(/ours is written as Dockerfile\.dockerignore, which BuildKit reads for the generated Dockerfile/) }])
    expect(paths(kept.services[0]!.retrofit).filter((p) => p.includes('ignore'))).toEqual(['api/Dockerfile.dockerignore'])
  })

  it('their Dockerfile kept with every stage we build: it is what builds, with their .dockerignore, and no ignore file of ours lands beside it', async () => {
    const staged = 'FROM python:3.13-slim AS dev\nFROM python:3.13-slim AS test\nFROM python:3.13-slim AS prod\n'
    const { render, read } = setup({ Dockerfile: staged, '.dockerignore': QUARKUS })
    const fit = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'skip' })
    expect(fit.services[0]!.dockerfile).toEqual({ kind: 'kept', path: 'Dockerfile' })
    expect(fit.services[0]!.retrofit.app.dockerignore).toBeUndefined()
    expect(paths(fit.services[0]!.retrofit)).not.toContain('Dockerfile.dockerignore')
  })

  it('overwrite replaces theirs; abort leaves it to the writer; ours from an earlier run is not theirs', async () => {
    const over = setup({ '.dockerignore': QUARKUS })
    const o = await fitRepository([{ dir: '.', app: {} }], over.render, { read: over.read, policy: 'overwrite' })
    expect(o.decided).toEqual(new Map([['.dockerignore', 'overwrite']]))
    expect(o.services[0]!.retrofit.app.dockerignore).toBeUndefined()
    const abort = await fitRepository([{ dir: '.', app: {} }], over.render, { read: over.read, policy: 'abort' })
    expect([abort.decided.size, abort.keptTheirs, abort.services[0]!.retrofit.app.dockerignore]).toEqual([0, [], undefined])
    const listed = setup({ '.dockerignore': 'node_modules\n', '.containerized/base.json': JSON.stringify({ generator: 'x', files: { '.dockerignore': 'node_modules\n' } }) })
    const edited = await fitRepository([{ dir: '.', app: { dockerignore: 'Dockerfile.dockerignore' } }], listed.render, { read: listed.read, policy: 'alongside' })
    expect(edited.services[0]!.retrofit.app.dockerignore).toBeUndefined()
  })
})

describe('fitRepository: their Compose files', () => {
  const SPRING = "services:\n  postgres:\n    image: 'postgres:17'\n"

  it('their compose.yaml kept: ours are compose.app.yaml and its family, and nothing of ours lands on Compose\'s own names', async () => {
    const { render, read, renders } = setup({ 'compose.yaml': SPRING })
    const fit = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'alongside' })
    const r = fit.services[0]!.retrofit
    expect(r.app.composeFile).toBe('compose.app.yaml')
    expect(renders.at(-1)!.app.composeFile).toBe('compose.app.yaml')
    expect(fit.services[0]!.compose).toEqual({ theirs: ['compose.yaml'], ours: { base: 'compose.app.yaml', override: 'compose.app.override.yaml', test: 'compose.app.test.yaml', prod: 'compose.app.prod.yaml' }, dir: '.' })
    expect(fit.keptTheirs).toEqual(['compose.yaml'])
    expect(paths(r).filter((p) => p.startsWith('compose'))).toEqual(['compose.app.override.yaml', 'compose.app.prod.yaml', 'compose.app.test.yaml', 'compose.app.yaml'])
  })

  it('their override alone is enough (it would be merged into ours); a base of theirs at compose.app.yaml moves ours on', async () => {
    const { render, read } = setup({ 'compose.override.yaml': 'services:\n  web:\n    ports: ["8000:8000"]\n', 'compose.app.yaml': 'services: {}\n' })
    const fit = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'skip' })
    expect(fit.services[0]!.retrofit.app.composeFile).toBe('compose.containerized.yaml')
    expect(fit.services[0]!.compose!.theirs).toEqual(['compose.override.yaml'])
  })

  it('the wizard asks once, saying where ours go; overwrite replaces theirs; ours from an earlier run is not theirs', async () => {
    const { render, read } = setup({ 'compose.yaml': SPRING, 'compose.test.yaml': 'services: {}\n' })
    const asked: { path: string; note?: string }[] = []
    const fit = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'prompt', ask: async (path, _c, _p, note) => (asked.push({ path, note }), 'keep') })
    expect(asked).toEqual([{ path: 'compose.yaml', note: expect.stringMatching(/keep your compose\.yaml \(and compose\.test\.yaml\), `docker compose up` keeps running them, and ours are written as compose\.app\.yaml, .*docker compose -f compose\.app\.yaml -f compose\.app\.override\.yaml up/) }])
    expect(fit.keptTheirs).toEqual(['compose.yaml', 'compose.test.yaml'])
    const over = await fitRepository([{ dir: '.', app: {} }], render, { read, policy: 'overwrite' })
    expect(over.decided).toEqual(new Map([['compose.yaml', 'overwrite'], ['compose.test.yaml', 'overwrite']]))
    expect(over.services[0]!.retrofit.app.composeFile).toBeUndefined()
    const mine = setup({ 'compose.yaml': SPRING, '.containerized/base.json': JSON.stringify({ generator: 'x', files: { 'compose.yaml': SPRING } }) })
    const again = await fitRepository([{ dir: '.', app: { composeFile: 'compose.app.yaml' } }], mine.render, { read: mine.read, policy: 'alongside' })
    expect(again.services[0]!.retrofit.app.composeFile).toBeUndefined()
  })
})

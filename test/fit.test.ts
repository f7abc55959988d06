import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../src/answers.js'
import { fitRepository, missingTargets, theirDependabot } from '../src/cli/fit.js'
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

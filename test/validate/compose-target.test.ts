import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { RULES } from '../../src/validate/index.js'
import { composeStacks } from '../../src/validate/compose-stacks.js'
import { buildTargetMissing } from '../../src/validate/rules/compose-target.js'

const check = (files: Record<string, string>) => buildTargetMissing.check({ files: new Map(Object.entries(files)) })
const STAGED = 'FROM node:24 AS base\nFROM base AS Dev\nFROM base AS test\nFROM base AS prod\n'
const THEIRS = 'FROM python:3.13-slim\nCOPY . .\nCMD ["python", "app.py"]\n'

describe('compose-build-target-missing (error)', () => {
  it('is one of the built-in rules', () => {
    expect(RULES.map((r) => r.id)).toContain('compose-build-target-missing')
    expect(buildTargetMissing.severity).toBe('error')
  })

  it("fails on what --on-conflict alongside wrote before: Compose building dev/test/prod from the user's kept Dockerfile", () => {
    const answers = validateAnswers({ name: 'notes', language: 'python', framework: 'flask', packageManager: 'pip', port: 5000 })
    const ours = new Map(generate(answers, { retrofit: { dir: '.', app: {} } }).files.map((f) => [f.path, f.content]))
    const files: Record<string, string> = { ...Object.fromEntries(ours), Dockerfile: THEIRS, 'Dockerfile.generated': ours.get('Dockerfile')! }
    const found = check(files)
    expect(found.map((f) => [f.file, f.message])).toEqual([
      ['compose.yaml', 'service "app" builds target "prod", which Dockerfile does not have (its stages: none named)'],
      ['compose.override.yaml', 'service "app" builds target "dev", which Dockerfile does not have (its stages: none named)'],
      ['compose.test.yaml', 'service "app" builds target "test", which Dockerfile does not have (its stages: none named)'],
    ])
    for (const f of found) expect(files[f.file]!.split('\n')[f.line! - 1]).toMatch(/^\s+target: (prod|dev|test)$/)
    // Built from ours, beside theirs, as the run now writes it: clean.
    const fixed = generate(answers, { retrofit: { dir: '.', app: { dockerfile: 'Dockerfile.generated' } } }).files
    const now: Record<string, string> = { ...Object.fromEntries(fixed.map((f) => [f.path, f.content])), Dockerfile: THEIRS, 'Dockerfile.generated': ours.get('Dockerfile')! }
    expect(now['compose.yaml']).toMatch(/dockerfile: Dockerfile\.generated/)
    expect(check(now)).toEqual([])
  })

  it('reads build.dockerfile relative to the context, stage names case-insensitively, and the target where it is written', () => {
    const base = 'services:\n  app:\n    build:\n      context: ../..\n      dockerfile: apps/api/Dockerfile\n      target: prod\n'
    expect(check({ 'apps/api/compose.yaml': base, 'apps/api/Dockerfile': STAGED, 'apps/api/compose.override.yaml': 'services:\n  app:\n    build:\n      target: dev\n' })).toEqual([])
    const found = check({ 'apps/api/compose.yaml': base, 'apps/api/Dockerfile': STAGED, 'apps/api/compose.override.yaml': 'services:\n  app:\n    build:\n      target: debug\n' })
    expect(found).toMatchObject([{ rule: 'compose-build-target-missing', severity: 'error', file: 'apps/api/compose.override.yaml', line: 4 }])
    expect(found[0]!.message).toBe('service "app" builds target "debug", which Dockerfile does not have (its stages: base, dev, test, prod)')
    // An override that swaps the Dockerfile but inherits the target: reported on the base's target.
    const swapped = check({ 'compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      target: prod\n', 'compose.override.yaml': 'services:\n  app:\n    build:\n      dockerfile: Dockerfile.dev\n', Dockerfile: STAGED, 'Dockerfile.dev': 'FROM node:24\n' })
    expect(swapped.map((f) => [f.file, f.line])).toEqual([['compose.yaml', 5]])
  })

  it('says nothing when the Dockerfile is not among the files, or no target is set', () => {
    expect(check({ 'compose.yaml': 'services:\n  app:\n    build:\n      context: ./svc\n      target: prod\n' })).toEqual([])
    expect(check({ 'compose.yaml': 'services:\n  app:\n    build: .\n', Dockerfile: THEIRS })).toEqual([])
    expect(check({ 'compose.yaml': 'services:\n  app:\n    build:\n      dockerfile_inline: "FROM alpine AS prod"\n      target: prod\n' })).toEqual([])
  })

  // express-boilerplate's shape: its own docker-compose.yml (build: .) and docker-compose.dev.yml
  // beside the generated compose.yaml family, which builds Dockerfile.generated.
  it("reads each override with the base Compose merges it with, not with the app's own docker-compose.yml", () => {
    const answers = validateAnswers({ name: 'api', language: 'node', port: 3000 })
    const ours = generate(answers, { retrofit: { dir: '.', app: { dockerfile: 'Dockerfile.generated' } } }).files
    const files: Record<string, string> = {
      ...Object.fromEntries(ours.map((f) => [f.path, f.content])),
      'Dockerfile.generated': ours.find((f) => f.path === 'Dockerfile')!.content,
      Dockerfile: 'FROM node:20-alpine\nCOPY . .\n',
      'docker-compose.yml': "version: '3'\nservices:\n  node-app:\n    build: .\n    image: node-app\n",
      'docker-compose.dev.yml': "version: '3'\nservices:\n  node-app:\n    command: yarn dev -L\n",
    }
    // compose.override.yaml and compose.test.yaml set only build.target: the Dockerfile is compose.yaml's.
    expect(files['compose.override.yaml']).not.toMatch(/dockerfile:/)
    expect(check(files)).toEqual([])
    // Their own files, with a target their Dockerfile lacks, are still checked in their own stack.
    const theirs = check({ ...files, 'docker-compose.dev.yml': "services:\n  node-app:\n    build:\n      target: dev\n" })
    expect(theirs.map((f) => [f.file, f.message])).toEqual([['docker-compose.dev.yml', 'service "node-app" builds target "dev", which Dockerfile does not have (its stages: none named)']])
  })

  it("Compose's own override goes over the base Compose picks, whatever the override is called", () => {
    const base = 'services:\n  app:\n    build:\n      dockerfile: Dockerfile.generated\n      target: prod\n'
    const files = { 'compose.yaml': base, 'docker-compose.yml': 'services:\n  app:\n    build: .\n', 'docker-compose.override.yml': 'services:\n  app:\n    build:\n      target: dev\n', 'Dockerfile.generated': STAGED, Dockerfile: THEIRS }
    expect(check(files)).toEqual([])
    // Without compose.yaml, Compose picks docker-compose.yml, whose Dockerfile has no dev stage.
    const { 'compose.yaml': _ours, ...alone } = files
    expect(check(alone).map((f) => f.file)).toEqual(['docker-compose.override.yml'])
  })

  it("a family named after its own base (compose.app.yaml beside the app's compose.yaml) is one stack", () => {
    const files = {
      'compose.yaml': "services:\n  postgres:\n    image: 'postgres:17'\n",
      'compose.app.yaml': 'name: orders\nservices:\n  app:\n    build:\n      context: .\n      dockerfile: Dockerfile.generated\n      target: prod\n',
      'compose.app.override.yaml': 'services:\n  app:\n    build:\n      target: dev\n',
      'compose.app.test.yaml': 'services:\n  app:\n    build:\n      target: tset\n',
      'Dockerfile.generated': STAGED,
      Dockerfile: THEIRS,
    }
    const found = check(files)
    expect(found.map((f) => [f.file, f.line])).toEqual([['compose.app.test.yaml', 4]])
    expect(found[0]!.message).toBe('service "app" builds target "tset", which Dockerfile.generated does not have (its stages: base, dev, test, prod)')
  })
})

describe('composeStacks: which files Compose reads together', () => {
  it('the picked base takes the override; other files go over the base they are named after', () => {
    expect(composeStacks(['docker-compose.yml', 'docker-compose.dev.yml', 'compose.yaml', 'compose.override.yaml', 'compose.test.yaml', 'compose.prod.yaml'])).toEqual([
      { base: 'compose.yaml', layers: ['compose.override.yaml', 'compose.prod.yaml', 'compose.test.yaml'] },
      { base: 'docker-compose.yml', layers: ['docker-compose.dev.yml'] },
    ])
    expect(composeStacks(['compose.yaml', 'compose.app.yaml', 'compose.app.override.yaml', 'compose.app.prod.yaml', 'compose.app.test.yaml'])).toEqual([
      { base: 'compose.app.yaml', layers: ['compose.app.override.yaml', 'compose.app.prod.yaml', 'compose.app.test.yaml'] },
      { base: 'compose.yaml', layers: [] },
    ])
  })

  it('a file that names its own project stands alone; files without a base are read alone', () => {
    expect(composeStacks(['compose.yaml', 'compose.all.yaml'], (n) => n === 'compose.all.yaml')).toEqual([
      { base: 'compose.all.yaml', layers: [] },
      { base: 'compose.yaml', layers: [] },
    ])
    expect(composeStacks(['compose.yaml', 'compose-dev.yaml'])).toEqual([{ base: 'compose.yaml', layers: ['compose-dev.yaml'] }])
    expect(composeStacks(['compose.prod.yaml'])).toEqual([{ base: undefined, layers: ['compose.prod.yaml'] }])
  })
})

import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { RULES } from '../../src/validate/index.js'
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
})

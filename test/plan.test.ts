import { describe, expect, it } from 'vitest'
import { buildContext } from '../src/context.js'
import { planFiles, outputName, type Generator } from '../src/plan.js'
import { memoryTemplates } from '../src/templates.js'
import { generate } from '../src/generate.js'
import { scenario } from './fixtures/scenarios.js'

const paths = (id: string) => generate(scenario(id)).plan.map((f) => f.to)

describe('plan', () => {
  it('maps template names to output names', () => {
    expect(outputName('node/_dockerignore.hbs')).toBe('node/.dockerignore')
    expect(outputName('compose/compose.yaml.hbs')).toBe('compose/compose.yaml')
    expect(outputName('a/_b/c.ts')).toBe('a/.b/c.ts')
    expect(outputName('x/_helpers.tpl', false)).toBe('x/_helpers.tpl')
    // Helm partials keep their underscore; other single-underscore names still become dotfiles.
    expect(outputName('k8s/helm/templates/_helpers.tpl')).toBe('k8s/helm/templates/_helpers.tpl')
    expect(outputName('k8s/helm/_helmignore')).toBe('k8s/helm/.helmignore')
    expect(outputName('app/__init__.py')).toBe('app/__init__.py')
  })

  it('a new Node service with postgres and redis', () => {
    const p = paths('node-npm-postgres-redis')
    expect(p).toEqual(expect.arrayContaining([
      '.containerized/answers.json', '.dockerignore', '.env.example', '.gitignore', 'Dockerfile',
      'README.containers.md', 'compose.yaml', 'compose.override.yaml', 'compose.test.yaml', 'compose.prod.yaml',
      'package.json', 'package-lock.json', 'src/probes/postgres.ts', 'src/probes/redis.ts',
    ]))
    expect(p.filter((x) => x.includes('probes/') && !x.match(/(postgres|redis)(\.test)?\.ts$/))).toEqual([])
    expect(p.some((x) => x.startsWith('lockfiles/') || x.endsWith('PINS.md'))).toBe(false)
    expect([...p].sort((a, b) => a.localeCompare(b))).toEqual(p)
  })

  it('each package manager gets exactly its own lockfile', () => {
    const locks = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock']
    expect(paths('node-defaults').filter((x) => locks.includes(x))).toEqual(['package-lock.json'])
    expect(paths('node-pnpm-mysql-memcached').filter((x) => locks.includes(x))).toEqual(['pnpm-lock.yaml'])
    expect(paths('node-yarn-mongodb-valkey').filter((x) => locks.includes(x) || x === '.yarnrc.yml')).toEqual(['.yarnrc.yml', 'yarn.lock'])
    expect(paths('node-bun-mariadb').filter((x) => locks.includes(x))).toEqual(['bun.lock'])
  })

  it('no services: no probe files', () => {
    expect(paths('node-defaults').filter((x) => x.includes('probes/'))).toEqual([])
  })

  it('refuses two generators planning the same path, and paths outside the project', () => {
    const ctx = buildContext(scenario('node-defaults'), { name: 't', version: '0' })
    const t = memoryTemplates({})
    const g = (id: string, to: string): Generator => ({ id, applies: () => true, plan: () => [{ to, content: 'x' }] })
    expect(() => planFiles(ctx, t, [g('a', 'x/y'), g('b', 'x/./y')])).toThrow(/generators a and b both plan x\/y/)
    expect(() => planFiles(ctx, t, [g('a', '../evil')])).toThrow(/outside the project/)
  })
})

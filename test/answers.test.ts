import { describe, expect, it } from 'vitest'
import { AnswerError, combinationProblem, defaultRegistry, validateAnswers } from '../src/answers.js'
import { toProjectName } from '../src/utils/names.js'

function errorOf(raw: Record<string, unknown>): AnswerError {
  try {
    validateAnswers(raw)
  } catch (e) {
    if (e instanceof AnswerError) return e
    throw e
  }
  throw new Error('expected an AnswerError')
}

describe('validateAnswers', () => {
  it('fills every default from the registries', () => {
    expect(validateAnswers({})).toEqual({
      name: 'my-service',
      language: 'node',
      framework: 'http',
      packageManager: 'npm',
      languageVersion: '24.21.0',
      port: 3000,
      database: 'none',
      cache: 'none',
      platform: 'compose',
      k8sFormat: 'helm',
      ci: 'github',
      registry: 'ghcr',
    })
  })

  it('accepts ports given as strings (flags) and numbers (answers files)', () => {
    expect(validateAnswers({ port: '8080' }).port).toBe(8080)
    expect(validateAnswers({ port: 65535 }).port).toBe(65535)
  })

  it.each([
    [{ name: 'Orders' }, 'name', /--name "Orders" cannot be used: .*lowercase/],
    [{ name: '1api' }, 'name', /start with a letter/],
    [{ name: 'api-' }, 'name', /end with a letter or digit/],
    [{ name: 'a'.repeat(54) }, 'name', /54 characters long \(at most 53\)/],
    [{ name: '' }, 'name', /it is empty/],
    [{ name: 'my_api' }, 'name', /lowercase letters, digits and "-"/],
    [{ port: 0 }, 'port', /--port "0" is not a valid port. Use a whole number from 1 to 65535/],
    [{ port: '65536' }, 'port', /65536/],
    [{ port: '80a' }, 'port', /80a/],
    [{ port: 3000.5 }, 'port', /3000.5/],
    [{ database: 'oracle' }, 'database', /--database "oracle" is not a valid choice. Valid choices: none, postgres, mysql, mariadb, mongodb\./],
    [{ cache: 'hazelcast' }, 'cache', /Valid choices: none, redis, valkey, memcached/],
    [{ language: 'cobol' }, 'language', /--language "cobol" is not a valid choice. Valid choices: node, /],
    [{ platform: 'swarm' }, 'platform', /--platform "swarm" is not a valid choice. Valid choices: compose, kubernetes, eks, aks, gke\./],
    [{ platform: 'eks', k8sFormat: 'jsonnet' }, 'k8sFormat', /--k8s-format "jsonnet" is not a valid choice. Valid choices: helm, kustomize\./],
    [{ k8sFormat: 'kustomize' }, 'k8sFormat', /--k8s-format kustomize applies only to the Kubernetes platforms \(--platform kubernetes, eks, aks, gke\)/],
    [{ ci: 'jenkins' }, 'ci', /none, github, gitlab/],
    [{ packageManager: 'deno' }, 'packageManager', /--package-manager "deno".*npm, pnpm, yarn, /],
    [{ framework: 'rails' }, 'framework', /--framework "rails" is not a valid choice. Valid choices: http/],
    [{ languageVersion: 'latest' }, 'languageVersion', /--language-version "latest" is not valid for Node.js/],
    [{ registry: 'quay' }, 'registry', /ghcr, dockerhub, ecr, acr, gar, gitlab/],
    [{ colour: 'blue' }, 'colour', /Unknown answer "colour"/],
  ])('%j is refused, naming %s', (raw, field, message) => {
    const e = errorOf(raw)
    expect(e.field).toBe(field)
    expect(e.message).toMatch(message)
  })
})

describe('combinations', () => {
  it('every Kubernetes platform takes either format; Compose keeps the harmless default', () => {
    for (const platform of ['kubernetes', 'eks', 'aks', 'gke'] as const) {
      for (const k8sFormat of ['helm', 'kustomize'] as const) expect(validateAnswers({ platform, k8sFormat }).k8sFormat).toBe(k8sFormat)
    }
    expect(validateAnswers({ platform: 'compose', k8sFormat: 'helm' }).k8sFormat).toBe('helm')
  })

  it('a cloud platform picks its own registry by default', () => {
    expect(defaultRegistry('eks', 'none')).toBe('ecr')
    expect(defaultRegistry('aks', 'github')).toBe('acr')
    expect(defaultRegistry('gke', 'gitlab')).toBe('gar')
    expect(defaultRegistry('compose', 'gitlab')).toBe('gitlab')
    expect(defaultRegistry('kubernetes', 'github')).toBe('ghcr')
  })

  it("refuses another cloud's registry on a cloud platform, naming the valid ones", () => {
    const a = { ...validateAnswers({}), platform: 'eks' as const, registry: 'acr' as const }
    expect(combinationProblem(a)).toEqual({
      field: 'registry',
      message: expect.stringMatching(/--registry acr .* cannot be used with --platform eks.*ghcr, dockerhub, ecr, gitlab\./),
    })
    expect(combinationProblem({ ...a, registry: 'ecr' })).toBeUndefined()
    expect(combinationProblem({ ...a, platform: 'compose' })).toBeUndefined()
  })
})

describe('toProjectName', () => {
  it.each([
    ['My API_v2', 'my-api-v2'],
    ['42-things', 'things'],
    ['---', 'my-service'],
    ['x'.repeat(80), 'x'.repeat(53)],
    ['Ünïcode Service', 'n-code-service'],
  ])('%s → %s', (raw, name) => {
    expect(toProjectName(raw)).toBe(name)
    expect(() => validateAnswers({ name })).not.toThrow()
  })
})

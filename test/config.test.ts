import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Answers, RawAnswers } from '../src/answers.js'
import { loadConfig } from '../src/config/load.js'
import type { PackageEnv } from '../src/config/packages.js'
import { checkConfigShape, ConfigError, resolveConfig, ruleSource, type ConfigLayer } from '../src/config/resolve.js'
import { answerViolations, applyConfig, permitted, PolicyError } from '../src/config/rules.js'
import type { ConfigFile } from '../src/config/types.js'
import { main } from '../src/index.js'
import { thrown } from './helpers/random.js'

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** The files of the layers in the table, named as the CLI would name them. */
const F = {
  preset: '/org/preset/containerized.config.json',
  user: '/home/dev/.config/create-containerized-app/config.yaml',
  team: '/src/team/containerized.config.yaml',
  repo: '/src/team/repo/containerized.config.json',
} as const
type Where = keyof typeof F
const KIND: Record<Where, ConfigLayer['kind']> = { preset: 'preset', user: 'user', team: 'directory', repo: 'directory' }
const ORDER: readonly Where[] = ['preset', 'user', 'team', 'repo']

/** Layers in the CLI's merge order, whatever order the row lists them in. */
function layers(spec: Partial<Record<Where, ConfigFile>>): ConfigLayer[] {
  return ORDER.filter((w) => spec[w] !== undefined).map((w) => ({ source: F[w], dir: dirname(F[w]), kind: KIND[w], config: spec[w]! }))
}

const resolveAndApply = (spec: Partial<Record<Where, ConfigFile>>, raw: RawAnswers = {}): Answers => applyConfig(resolveConfig(layers(spec)), raw)

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cca-config-${prefix}-`))
}

function write(path: string, content: string | object): string {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`)
  return path
}

/** A home, a config home and a cache home inside `root`, so no real user file is read. */
function envIn(root: string): PackageEnv {
  const env = { home: join(root, 'home'), xdgConfigHome: join(root, 'cfg'), xdgCacheHome: join(root, 'cache') }
  mkdirSync(env.home, { recursive: true })
  return env
}

/** Only the layers this test wrote (a stray config above the temp folder must not confuse it). */
const ownLayers = (root: string, l: readonly { source: string; kind: string }[]) => l.filter((x) => x.source.includes(root))

// ---------------------------------------------------------------------------------------------
// 1. Precedence (pure)
// ---------------------------------------------------------------------------------------------

describe('precedence: built-in < preset < user < team folder < repo folder < answers and flags', () => {
  const rows: { name: string; layers: Partial<Record<Where, ConfigFile>>; raw?: RawAnswers; expected: Partial<Answers> }[] = [
    { name: 'no config: the built-in defaults', layers: {}, expected: { platform: 'compose', database: 'none', ci: 'github', registry: 'ghcr' } },
    { name: 'a preset default beats the built-in one', layers: { preset: { defaults: { database: 'postgres' } } }, expected: { database: 'postgres', cache: 'none' } },
    {
      name: 'the user file beats the preset',
      layers: { preset: { defaults: { database: 'postgres', cache: 'redis' } }, user: { defaults: { database: 'mysql' } } },
      expected: { database: 'mysql', cache: 'redis' },
    },
    {
      name: 'the team folder beats the user file',
      layers: { preset: { defaults: { database: 'postgres' } }, user: { defaults: { database: 'mysql' } }, team: { defaults: { database: 'mariadb' } } },
      expected: { database: 'mariadb' },
    },
    {
      name: 'the repo folder beats the team folder',
      layers: {
        preset: { defaults: { database: 'postgres' } },
        user: { defaults: { database: 'mysql' } },
        team: { defaults: { database: 'mariadb', cache: 'valkey' } },
        repo: { defaults: { database: 'mongodb' } },
      },
      expected: { database: 'mongodb', cache: 'valkey' },
    },
    {
      name: 'a flag beats every default',
      layers: { preset: { defaults: { database: 'postgres' } }, user: { defaults: { database: 'mysql' } }, repo: { defaults: { database: 'mongodb', cache: 'redis' } } },
      raw: { database: 'none' },
      expected: { database: 'none', cache: 'redis' },
    },
    {
      name: 'a default that decides an earlier answer changes what follows from it (registry follows platform)',
      layers: { team: { defaults: { platform: 'gke', k8sFormat: 'kustomize' } } },
      expected: { platform: 'gke', k8sFormat: 'kustomize', registry: 'gar' },
    },
    { name: 'a lock fills an answer nobody gave', layers: { preset: { locked: { ci: 'gitlab' } } }, expected: { ci: 'gitlab', registry: 'gitlab' } },
    {
      name: 'a lock beats an earlier layer\u2019s default',
      layers: { user: { defaults: { database: 'postgres' } }, repo: { locked: { database: 'mysql' } } },
      expected: { database: 'mysql' },
    },
    {
      name: 'a later default equal to the lock is fine',
      layers: { preset: { locked: { platform: 'kubernetes' } }, repo: { defaults: { platform: 'kubernetes', k8sFormat: 'kustomize' } } },
      expected: { platform: 'kubernetes', k8sFormat: 'kustomize' },
    },
    { name: 'a flag equal to the lock is fine', layers: { preset: { locked: { platform: 'eks' } } }, raw: { platform: 'eks' }, expected: { platform: 'eks', registry: 'ecr' } },
    {
      name: 'an allow-listed answer nobody gave becomes the first allowed value, and the registry follows',
      layers: { preset: { policy: { allow: { platform: ['eks'] } } } },
      expected: { platform: 'eks', registry: 'ecr', k8sFormat: 'helm' },
    },
    {
      name: 'allow lists intersect: the later list narrows, the first remaining choice is taken',
      layers: { preset: { policy: { allow: { platform: ['kubernetes', 'eks', 'gke'] } } }, repo: { policy: { allow: { platform: ['gke', 'eks'] } } } },
      expected: { platform: 'eks', registry: 'ecr' },
    },
    {
      name: 'a built-in default the allow list already permits is kept',
      layers: { preset: { policy: { allow: { platform: ['kubernetes', 'compose'] } } } },
      expected: { platform: 'compose' },
    },
    {
      name: 'a forbidden built-in default moves to the first value not forbidden',
      layers: { preset: { policy: { forbid: { ci: ['github'] } } }, repo: { policy: { forbid: { ci: ['none'] } } } },
      expected: { ci: 'gitlab', registry: 'gitlab' },
    },
    {
      name: 'defaults from the config still lose to the answers file over a locked-free answer',
      layers: { repo: { defaults: { port: 9000, name: 'from-config' } } },
      raw: { name: 'from-flag' },
      expected: { port: 9000, name: 'from-flag' },
    },
  ]
  it.each(rows)('$name', ({ layers: spec, raw, expected }) => {
    expect(resolveAndApply(spec, raw)).toMatchObject(expected)
  })

  it('a lock from an earlier layer and a later layer\u2019s different default: ConfigError naming both files', () => {
    const e = thrown(() => resolveConfig(layers({ preset: { locked: { platform: 'eks' } }, repo: { defaults: { platform: 'gke' } } })))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(F.preset)
    expect(e.message).toContain(F.repo)
    expect(e.message).toContain('defaults.platform')
  })

  it('two layers locking different values: ConfigError naming both files', () => {
    const e = thrown(() => resolveConfig(layers({ team: { locked: { ci: 'github' } }, repo: { locked: { ci: 'gitlab' } } })))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(F.team)
    expect(e.message).toContain(F.repo)
    expect(e.message).toContain('locked.ci')
  })

  it('two layers locking the same value agree; the first file stays the lock\u2019s source', () => {
    const c = resolveConfig(layers({ preset: { locked: { ci: 'github' } }, repo: { locked: { ci: 'github' } } }))
    expect(c.locked.ci).toEqual({ value: 'github', source: F.preset })
  })

  it('a raw value contradicting a lock: PolicyError naming the flag, the rule and the file', () => {
    const e = thrown(() => resolveAndApply({ team: { locked: { platform: 'eks' } } }, { platform: 'gke' }))
    expect(e).toBeInstanceOf(PolicyError)
    const p = e as PolicyError
    expect(p.rule).toBe('locked.platform')
    expect(p.source).toBe(F.team)
    expect(p.message).toContain('--platform')
    expect(p.message).toContain('gke')
    expect(p.message).toContain('locked.platform')
    expect(p.message).toContain(F.team)
  })

  it('allow lists intersect across layers, and the narrower file is the rule\u2019s source', () => {
    const c = resolveConfig(layers({ preset: { policy: { allow: { platform: ['kubernetes', 'eks', 'gke'] } } }, repo: { policy: { allow: { platform: ['gke', 'eks', 'aks'] } } } }))
    expect(c.allow.platform).toEqual({ value: ['gke', 'eks'], source: F.repo })
    // A later list that allows everything the earlier did narrows nothing: the earlier file stays the source.
    const same = resolveConfig(layers({ preset: { policy: { allow: { platform: ['eks'] } } }, repo: { policy: { allow: { platform: ['eks', 'gke'] } } } }))
    expect(same.allow.platform).toEqual({ value: ['eks'], source: F.preset })
    const e = thrown(() => resolveAndApply({ preset: { policy: { allow: { platform: ['kubernetes', 'eks', 'gke'] } } }, repo: { policy: { allow: { platform: ['gke', 'eks'] } } } }, { platform: 'kubernetes' }))
    expect(e).toBeInstanceOf(PolicyError)
    expect((e as PolicyError).rule).toBe('allow.platform')
    expect(e.message).toContain('--platform "kubernetes"')
    expect(e.message).toContain('policy.allow.platform')
    expect(e.message).toContain(F.repo)
    expect(e.message).toContain('Allowed: gke, eks')
  })

  it('disjoint allow lists: ConfigError naming both files', () => {
    const e = thrown(() => resolveConfig(layers({ team: { policy: { allow: { database: ['postgres'] } } }, repo: { policy: { allow: { database: ['mysql'] } } } })))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('policy.allow.database')
    expect(e.message).toContain(F.team)
    expect(e.message).toContain(F.repo)
  })

  it('forbid lists add up across layers', () => {
    const spec = { preset: { policy: { forbid: { database: ['mongodb'] } } }, repo: { policy: { forbid: { database: ['mysql'] } } } }
    const c = resolveConfig(layers(spec))
    expect(c.forbid.database).toEqual([
      { value: 'mongodb', source: F.preset },
      { value: 'mysql', source: F.repo },
    ])
    expect(permitted(c, 'database', 'mongodb')).toBe(false)
    expect(permitted(c, 'database', 'mysql')).toBe(false)
    expect(permitted(c, 'database', 'postgres')).toBe(true)
    for (const [value, source] of [['mongodb', F.preset], ['mysql', F.repo]] as const) {
      const e = thrown(() => resolveAndApply(spec, { database: value }))
      expect(e).toBeInstanceOf(PolicyError)
      expect((e as PolicyError).source).toBe(source)
    }
  })

  it('a forbidden value given as a flag: PolicyError with rule forbid.<key> and the allowed alternatives', () => {
    const e = thrown(() => resolveAndApply({ preset: { policy: { forbid: { database: ['mongodb'] } } }, repo: { policy: { forbid: { database: ['mysql'] } } } }, { database: 'mongodb' }))
    expect(e).toBeInstanceOf(PolicyError)
    expect((e as PolicyError).rule).toBe('forbid.database')
    expect(e.message).toContain('--database "mongodb"')
    expect(e.message).toContain('policy.forbid.database')
    expect(e.message).toContain(F.preset)
    expect(e.message).toContain('Allowed: none, postgres, mariadb.')
  })

  it('a lock outside an allow list: ConfigError', () => {
    const e = thrown(() => resolveConfig(layers({ preset: { policy: { allow: { platform: ['eks', 'gke'] } } }, repo: { locked: { platform: 'aks' } } })))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('locked.platform')
    expect(e.message).toContain(F.repo)
    expect(e.message).toContain(F.preset)
  })

  it('a lock on a forbidden value: ConfigError', () => {
    const e = thrown(() => resolveConfig(layers({ preset: { policy: { forbid: { database: ['mongodb'] } } }, repo: { locked: { database: 'mongodb' } } })))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(F.preset)
    expect(e.message).toContain(F.repo)
  })

  it('answerViolations lists every broken rule, not just the first', () => {
    const c = resolveConfig(layers({ preset: { locked: { ci: 'github' }, policy: { forbid: { cache: ['memcached'] } } } }))
    const answers = applyConfig(resolveConfig([]), { ci: 'gitlab', cache: 'memcached' })
    expect(answerViolations(c, answers).map((v) => v.rule)).toEqual(['forbid.cache', 'locked.ci'])
  })

  it('resource floors take the stricter quantity across layers, each named by its file', () => {
    const c = resolveConfig(
      layers({
        preset: { policy: { resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '1Gi' } } } },
        team: { policy: { resources: { requests: { cpu: '0.25' } } } },
        repo: { policy: { resources: { requests: { cpu: '1', memory: '128Mi' }, limits: { memory: '1024Mi', cpu: '2' } } } },
      }),
    )
    expect(c.policy.resources).toEqual({ requests: { cpu: '1', memory: '256Mi' }, limits: { memory: '1Gi', cpu: '2' } })
    expect(c.ruleSources['resources.requests.cpu']).toBe(F.repo)
    expect(c.ruleSources['resources.requests.memory']).toBe(F.preset)
    // Equal quantities written differently: the earlier file keeps the rule.
    expect(c.ruleSources['resources.limits.memory']).toBe(F.preset)
    expect(c.ruleSources['resources.limits.cpu']).toBe(F.repo)
    expect(ruleSource(c, 'resources.requests.memory')).toBe(F.preset)
  })

  it('scan.failOn takes the stricter severity (the one that fails on more)', () => {
    const looser = resolveConfig(layers({ preset: { policy: { scan: { failOn: 'HIGH' } } }, repo: { policy: { scan: { failOn: 'CRITICAL' } } } }))
    expect(looser.policy.scan).toEqual({ failOn: 'HIGH' })
    expect(looser.ruleSources['scan.failOn']).toBe(F.preset)
    const stricter = resolveConfig(layers({ preset: { policy: { scan: { failOn: 'HIGH' } } }, repo: { policy: { scan: { failOn: 'MEDIUM' } } } }))
    expect(stricter.policy.scan).toEqual({ failOn: 'MEDIUM' })
    expect(stricter.ruleSources['scan.failOn']).toBe(F.repo)
  })

  it('labels: a later layer may add one, not change one', () => {
    const c = resolveConfig(layers({ preset: { policy: { labels: { 'acme.dev/team': 'payments' } } }, repo: { policy: { labels: { 'acme.dev/tier': '1', 'acme.dev/team': 'payments' } } } }))
    expect(c.policy.labels).toEqual({ 'acme.dev/team': 'payments', 'acme.dev/tier': '1' })
    expect(ruleSource(c, 'labels.acme.dev/tier')).toBe(F.repo)
    expect(c.ruleSources['labels.acme.dev/team']).toBe(F.preset)
    const e = thrown(() => resolveConfig(layers({ preset: { policy: { labels: { 'acme.dev/team': 'payments' } } }, repo: { policy: { labels: { 'acme.dev/team': 'billing' } } } })))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('acme.dev/team')
    expect(e.message).toContain(F.preset)
    expect(e.message).toContain(F.repo)
  })

  it('annotations follow the same rule as labels', () => {
    const e = thrown(() => resolveConfig(layers({ team: { policy: { annotations: { owner: 'a@acme.dev' } } }, repo: { policy: { annotations: { owner: 'b@acme.dev' } } } })))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(F.team)
  })

  it('mirrors: a later layer may add a registry, not change one', () => {
    const c = resolveConfig(
      layers({ preset: { policy: { baseImages: { mirrors: { 'docker.io': 'registry.acme.dev/hub' } } } }, repo: { policy: { baseImages: { mirrors: { 'ghcr.io': 'registry.acme.dev/ghcr', 'docker.io': 'registry.acme.dev/hub' } } } } }),
    )
    expect(c.policy.baseImages?.mirrors).toEqual({ 'docker.io': 'registry.acme.dev/hub', 'ghcr.io': 'registry.acme.dev/ghcr' })
    expect(c.ruleSources['baseImages.mirrors.ghcr.io']).toBe(F.repo)
    expect(c.ruleSources['baseImages.mirrors.docker.io']).toBe(F.preset)
    const e = thrown(() =>
      resolveConfig(layers({ preset: { policy: { baseImages: { mirrors: { 'docker.io': 'registry.acme.dev/hub' } } } }, repo: { policy: { baseImages: { mirrors: { 'docker.io': 'mirror.example.com/hub' } } } } })),
    )
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('docker.io')
    expect(e.message).toContain(F.preset)
    expect(e.message).toContain(F.repo)
  })

  it('allowed image prefixes: a later list may only narrow', () => {
    const ok = resolveConfig(layers({ preset: { policy: { baseImages: { allowedPrefixes: ['registry.acme.dev/'] } } }, repo: { policy: { baseImages: { allowedPrefixes: ['registry.acme.dev/hub/'] } } } }))
    expect(ok.policy.baseImages?.allowedPrefixes).toEqual(['registry.acme.dev/hub/'])
    const e = thrown(() => resolveConfig(layers({ preset: { policy: { baseImages: { allowedPrefixes: ['registry.acme.dev/'] } } }, repo: { policy: { baseImages: { allowedPrefixes: ['docker.io/'] } } } })))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(F.preset)
  })

  it('packs and variables accumulate; a later variable wins', () => {
    const c = resolveConfig(layers({ preset: { packs: ['@acme/pack'], variables: { team: 'core', tier: 1 } }, repo: { packs: ['./local-pack', '@acme/pack'], variables: { team: 'payments' } } }))
    expect(c.packs.map((p) => [p.spec, p.dir])).toEqual([
      ['@acme/pack', dirname(F.preset)],
      ['./local-pack', dirname(F.repo)],
      ['@acme/pack', dirname(F.repo)],
    ])
    expect(c.variables).toEqual({ team: { value: 'payments', source: F.repo }, tier: { value: 1, source: F.preset } })
  })

  it('a config default that is not a valid answer names the file it came from', () => {
    const e = thrown(() => resolveAndApply({ repo: { defaults: { database: 'oracle' } } }))
    expect(e.name).toBe('AnswerError')
    expect(e.message).toContain('defaults.database')
    expect(e.message).toContain(F.repo)
  })
})

// ---------------------------------------------------------------------------------------------
// 2. Shape
// ---------------------------------------------------------------------------------------------

describe('checkConfigShape', () => {
  const FILE = '/src/repo/containerized.config.yaml'
  const shapeError = (data: unknown) => {
    const e = thrown(() => checkConfigShape(data, FILE))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(FILE)
    return e.message
  }

  it('accepts a full, valid config', () => {
    const data = {
      root: true,
      extends: ['@acme/preset', './base.yaml'],
      defaults: { database: 'postgres', port: 8080 },
      locked: { ci: 'github' },
      policy: {
        allow: { platform: ['eks', 'gke'] },
        forbid: { database: ['mongodb'] },
        baseImages: { mirrors: { 'docker.io': 'registry.acme.dev/hub' }, allowedPrefixes: ['registry.acme.dev/'] },
        labels: { team: 'payments' },
        annotations: { owner: 'payments@acme.dev' },
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: 1, memory: '1Gi' } },
        scan: { failOn: 'HIGH' },
      },
      packs: ['@acme/pack'],
      variables: { team: 'payments' },
    }
    expect(checkConfigShape(data, FILE)).toBe(data)
  })

  it('a single pack string becomes a list', () => {
    expect(checkConfigShape({ packs: './pack' }, FILE).packs).toEqual(['./pack'])
  })

  it('not an object', () => {
    expect(shapeError(['defaults'])).toContain('must be an object')
    expect(shapeError(null)).toContain('extends, defaults, locked, policy, packs, variables, root')
  })

  it('unknown top-level key: names it and lists the valid keys', () => {
    const m = shapeError({ defualts: { platform: 'eks' } })
    expect(m).toContain('"defualts"')
    expect(m).toContain('Valid keys: extends, defaults, locked, policy, packs, variables, root')
  })

  it('unknown policy key: names it and lists the policy keys', () => {
    const m = shapeError({ policy: { forbids: { database: ['mongodb'] } } })
    expect(m).toContain('"policy.forbids"')
    expect(m).toContain('Valid keys under policy: allow, forbid, baseImages, labels, annotations, resources, scan')
  })

  it.each([
    ['defaults', { defaults: { platfrom: 'eks' } }, 'defaults.platfrom'],
    ['locked', { locked: { databse: 'postgres' } }, 'locked.databse'],
    ['policy.allow', { policy: { allow: { plattform: ['eks'] } } }, 'policy.allow.plattform'],
    ['policy.forbid', { policy: { forbid: { caches: ['redis'] } } }, 'policy.forbid.caches'],
  ])('unknown answer key under %s: names it and lists the answers', (_where, data, key) => {
    const m = shapeError(data)
    expect(m).toContain(`"${key}"`)
    expect(m).toContain('Valid keys under')
    for (const answer of ['name', 'language', 'platform', 'database', 'registry', 'k8sFormat']) expect(m).toContain(answer)
  })

  it.each([
    [{ policy: { resources: { requests: { cpu: 'lots' } } } }, 'policy.resources.requests.cpu', '"250m"'],
    [{ policy: { resources: { limits: { memory: '1 GB' } } } }, 'policy.resources.limits.memory', '"256Mi"'],
    [{ policy: { resources: { limits: { memory: true } } } }, 'policy.resources.limits.memory', 'quantity'],
  ])('bad quantity %j', (data, key, hint) => {
    const m = shapeError(data)
    expect(m).toContain(key)
    expect(m).toContain(hint)
  })

  it('bad resources shape', () => {
    expect(shapeError({ policy: { resources: { request: { cpu: '1' } } } })).toContain('"requests" and "limits"')
    expect(shapeError({ policy: { resources: { requests: { gpu: '1' } } } })).toContain('policy.resources.requests')
  })

  it('bad severity: names the key and the severities', () => {
    const m = shapeError({ policy: { scan: { failOn: 'SEVERE' } } })
    expect(m).toContain('policy.scan.failOn')
    expect(m).toContain('CRITICAL, HIGH, MEDIUM, LOW')
    expect(shapeError({ policy: { scan: { failOn: 'HIGH', ignore: [] } } })).toContain('"failOn"')
  })

  it.each([
    [{ extends: 3 }, '"extends" must be a string or a list of strings'],
    [{ packs: [1] }, '"packs" must be a string or a list of strings'],
    [{ defaults: ['postgres'] }, '"defaults" must map answers'],
    [{ locked: 'github' }, '"locked" must map answers'],
    [{ variables: [] }, '"variables" must map'],
    [{ policy: [] }, '"policy" must be an object'],
    [{ policy: { allow: { platform: 'eks' } } }, '"policy.allow.platform" must be a list'],
    [{ policy: { forbid: { database: [{}] } } }, '"policy.forbid.database" must be a list'],
    [{ policy: { labels: { team: 1 } } }, '"policy.labels" must map names to string values'],
    [{ policy: { baseImages: { mirror: {} } } }, '"policy.baseImages" takes "mirrors"'],
    [{ policy: { baseImages: { mirrors: { 'docker.io': '' } } } }, '"policy.baseImages.mirrors"'],
    [{ policy: { baseImages: { allowedPrefixes: [1] } } }, '"policy.baseImages.allowedPrefixes" must be a string or a list'],
  ])('other bad values: %j', (data, text) => {
    expect(shapeError(data)).toContain(text)
  })

  it('a single allowed prefix given as a string is a list of one, like packs, for the merge too', () => {
    // checkConfigShape accepts a string here but keeps it as a string; resolveConfig's narrowing
    // (and policy/inspect's hasAllowedPrefix) then call .some / .filter on it.
    const layer = (source: string, prefix: string): ConfigLayer => ({ source, dir: '/org', kind: 'directory', config: checkConfigShape({ policy: { baseImages: { allowedPrefixes: prefix } } }, source) })
    const c = resolveConfig([layer('/org/a.yaml', 'registry.acme.dev/'), layer('/org/team/b.yaml', 'registry.acme.dev/hub/')])
    expect(c.policy.baseImages?.allowedPrefixes).toEqual(['registry.acme.dev/hub/'])
    expect(c.ruleSources['baseImages.allowedPrefixes']).toBe('/org/team/b.yaml')
  })
})

// ---------------------------------------------------------------------------------------------
// 3. Discovery on disk
// ---------------------------------------------------------------------------------------------

describe('loadConfig: files on disk', () => {
  it('merges a parent folder\u2019s config and the repo\u2019s, outer first; JSON, YAML and package.json all count', () => {
    const root = tempDir('walk')
    const env = envIn(root)
    const outer = write(join(root, 'org/containerized.config.yaml'), 'defaults:\n  database: postgres\n  cache: redis\n  ci: gitlab\n')
    write(join(root, 'org/team/package.json'), { name: 'team', private: true, containerized: { defaults: { database: 'mysql', cache: 'valkey' } } })
    const inner = write(join(root, 'org/team/repo/containerized.config.json'), { defaults: { database: 'mongodb' } })
    const c = loadConfig(join(root, 'org/team/repo'), { presets: [], env })
    expect(ownLayers(root, c.layers)).toEqual([
      { source: outer, kind: 'directory' },
      { source: `${join(root, 'org/team/package.json')}#containerized`, kind: 'directory' },
      { source: inner, kind: 'directory' },
    ])
    expect(c.defaults.database).toEqual({ value: 'mongodb', source: inner })
    expect(c.defaults.cache).toEqual({ value: 'valkey', source: `${join(root, 'org/team/package.json')}#containerized` })
    expect(c.defaults.ci).toEqual({ value: 'gitlab', source: outer })
  })

  it('a package.json without "containerized" (or unreadable) is no config', () => {
    const root = tempDir('pkg')
    const env = envIn(root)
    write(join(root, 'repo/package.json'), { name: 'app' })
    write(join(root, 'repo/sub/package.json'), '{ not json')
    expect(ownLayers(root, loadConfig(join(root, 'repo/sub'), { presets: [], env }).layers)).toEqual([])
  })

  it('a new service folder that does not exist yet takes its parents\u2019 config', () => {
    const root = tempDir('new')
    const env = envIn(root)
    const file = write(join(root, 'repo/containerized.config.yml'), 'locked:\n  ci: github\n')
    const c = loadConfig(join(root, 'repo/services/new-one'), { presets: [], env })
    expect(c.locked.ci).toEqual({ value: 'github', source: file })
  })

  it('two configs in one folder: ConfigError naming both', () => {
    const root = tempDir('two')
    const env = envIn(root)
    const a = write(join(root, 'repo/containerized.config.json'), { defaults: {} })
    write(join(root, 'repo/package.json'), { name: 'x', containerized: {} })
    const e = thrown(() => loadConfig(join(root, 'repo'), { presets: [], env }))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(a)
    expect(e.message).toContain(`${join(root, 'repo/package.json')}#containerized`)
    const b = write(join(root, 'repo2/containerized.config.yaml'), 'defaults: {}\n')
    const c = write(join(root, 'repo2/containerized.config.yml'), 'defaults: {}\n')
    const e2 = thrown(() => loadConfig(join(root, 'repo2'), { presets: [], env }))
    expect(e2.message).toContain(b)
    expect(e2.message).toContain(c)
  })

  it('a file that does not parse: ConfigError naming it', () => {
    const root = tempDir('parse')
    const env = envIn(root)
    const f = write(join(root, 'repo/containerized.config.json'), '{ "defaults": ')
    const e = thrown(() => loadConfig(join(root, 'repo'), { presets: [], env }))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(f)
    expect(e.message).toContain('JSON')
    const y = write(join(root, 'repo2/containerized.config.yaml'), 'defaults: [unclosed\n')
    expect(thrown(() => loadConfig(join(root, 'repo2'), { presets: [], env })).message).toContain(y)
  })

  it('a bad shape on disk names the file', () => {
    const root = tempDir('shape')
    const env = envIn(root)
    const f = write(join(root, 'repo/containerized.config.yaml'), 'policy:\n  forbids:\n    database: [mongodb]\n')
    const e = thrown(() => loadConfig(join(root, 'repo'), { presets: [], env }))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(f)
    expect(e.message).toContain('policy.forbids')
  })

  it('root: true stops the walk up', () => {
    const root = tempDir('root')
    const env = envIn(root)
    write(join(root, 'org/containerized.config.json'), { locked: { ci: 'gitlab' } })
    const repo = write(join(root, 'org/repo/containerized.config.yaml'), 'root: true\ndefaults:\n  database: postgres\n')
    const c = loadConfig(join(root, 'org/repo/app'), { presets: [], env })
    expect(c.layers).toEqual([{ source: repo, kind: 'directory' }])
    expect(c.locked).toEqual({})
    expect(c.defaults.database?.value).toBe('postgres')
  })

  it('the user config applies after presets and before the folders', () => {
    const root = tempDir('user')
    const env = envIn(root)
    const user = write(join(env.xdgConfigHome!, 'create-containerized-app/config.yaml'), 'defaults:\n  database: mysql\n  cache: redis\n')
    const repo = write(join(root, 'repo/containerized.config.json'), { defaults: { database: 'postgres' } })
    const preset = write(join(root, 'presets/org.yaml'), 'defaults:\n  cache: memcached\n  ci: gitlab\n')
    const c = loadConfig(join(root, 'repo'), { presets: [preset], env })
    expect(ownLayers(root, c.layers)).toEqual([
      { source: preset, kind: 'preset' },
      { source: user, kind: 'user' },
      { source: repo, kind: 'directory' },
    ])
    expect(applyConfig(c, {})).toMatchObject({ database: 'postgres', cache: 'redis', ci: 'gitlab' })
  })

  it('the user config is found under $HOME/.config without XDG_CONFIG_HOME', () => {
    const root = tempDir('home')
    const home = join(root, 'home')
    const user = write(join(home, '.config/create-containerized-app/config.json'), { defaults: { cache: 'valkey' } })
    const c = loadConfig(join(root, 'repo'), { presets: [], env: { home, xdgCacheHome: join(root, 'cache') } })
    expect(ownLayers(root, c.layers)).toEqual([{ source: user, kind: 'user' }])
  })

  it('extends a local preset folder and a preset file, each applied before the file that extends it', () => {
    const root = tempDir('extends')
    const env = envIn(root)
    const folderPreset = write(join(root, 'presets/acme/containerized.config.json'), { defaults: { database: 'postgres', cache: 'redis' }, policy: { scan: { failOn: 'HIGH' } } })
    const filePreset = write(join(root, 'presets/base.yml'), 'defaults:\n  ci: gitlab\n  cache: valkey\n')
    const repo = write(join(root, 'repo/containerized.config.yaml'), 'extends:\n  - ../presets/acme\n  - ../presets/base.yml\ndefaults:\n  database: mysql\n')
    const c = loadConfig(join(root, 'repo'), { presets: [], env })
    expect(ownLayers(root, c.layers)).toEqual([
      { source: folderPreset, kind: 'preset' },
      { source: filePreset, kind: 'preset' },
      { source: repo, kind: 'directory' },
    ])
    expect(applyConfig(c, {})).toMatchObject({ database: 'mysql', cache: 'valkey', ci: 'gitlab' })
    expect(c.ruleSources['scan.failOn']).toBe(folderPreset)
  })

  it('a preset extending another resolves relative to its own folder, and one extended twice applies once', () => {
    const root = tempDir('chain')
    const env = envIn(root)
    const base = write(join(root, 'presets/base.json'), { defaults: { cache: 'redis' } })
    const mid = write(join(root, 'presets/team/containerized.config.json'), { extends: '../base.json', defaults: { database: 'postgres' } })
    const repo = write(join(root, 'repo/containerized.config.json'), { extends: ['../presets/team', '../presets/base.json'] })
    const c = loadConfig(join(root, 'repo'), { presets: [], env })
    expect(ownLayers(root, c.layers).map((l) => l.source)).toEqual([base, mid, repo])
  })

  it('an extends cycle: ConfigError', () => {
    const root = tempDir('cycle')
    const env = envIn(root)
    write(join(root, 'presets/a.yaml'), 'extends: ./b.yaml\n')
    write(join(root, 'presets/b.yaml'), 'extends: ./a.yaml\n')
    write(join(root, 'repo/containerized.config.json'), { extends: '../presets/a.yaml' })
    const e = thrown(() => loadConfig(join(root, 'repo'), { presets: [], env }))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain(join(root, 'presets/a.yaml'))
    expect(e.message).toContain('extends itself')
  })

  it('a missing preset: ConfigError naming it', () => {
    const root = tempDir('missing')
    const env = envIn(root)
    write(join(root, 'repo/containerized.config.json'), { extends: './nope' })
    const e = thrown(() => loadConfig(join(root, 'repo'), { presets: [], env }))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('./nope')
    const empty = join(root, 'presets/empty')
    mkdirSync(empty, { recursive: true })
    const e2 = thrown(() => loadConfig(join(root, 'repo2'), { presets: [empty], env }))
    expect(e2).toBeInstanceOf(ConfigError)
    expect(e2.message).toContain('holds no containerized.config.json')
  })

  it('an npm preset installed in node_modules is resolved by its bare name', () => {
    const root = tempDir('npm')
    const env = envIn(root)
    const pkgDir = join(root, 'repo/node_modules/@acme/preset')
    write(join(pkgDir, 'package.json'), { name: '@acme/preset', version: '1.4.2' })
    const presetFile = write(join(pkgDir, 'containerized.config.json'), { locked: { ci: 'github' }, defaults: { database: 'postgres' } })
    const repo = write(join(root, 'repo/containerized.config.json'), { extends: '@acme/preset', defaults: { cache: 'redis' } })
    // From a sub-folder too: node_modules is looked for in every folder up.
    const c = loadConfig(join(root, 'repo/services/api'), { presets: [], env })
    const source = `@acme/preset@1.4.2 (${presetFile})`
    expect(ownLayers(root, c.layers)).toEqual([
      { source, kind: 'preset' },
      { source: repo, kind: 'directory' },
    ])
    expect(c.locked.ci).toEqual({ value: 'github', source })
    // The same preset as --preset (an exact version that matches, and a range).
    for (const spec of ['@acme/preset', '@acme/preset@1.4.2', '@acme/preset@^1']) {
      const d = loadConfig(join(root, 'repo'), { presets: [spec], env, noConfig: true })
      expect(d.layers).toEqual([{ source, kind: 'preset' }])
    }
  })

  it('a preset .tgz made with npm pack is resolved by path and unpacked into the cache', () => {
    const root = tempDir('tgz')
    const env = envIn(root)
    const src = join(root, 'preset-src')
    write(join(src, 'package.json'), { name: '@acme/tgz-preset', version: '2.0.1', files: ['containerized.config.yaml'] })
    write(join(src, 'containerized.config.yaml'), 'defaults:\n  database: mariadb\npolicy:\n  forbid:\n    cache: [memcached]\n')
    const out = join(root, 'dist')
    mkdirSync(out)
    const packed = JSON.parse(
      execFileSync('npm', ['pack', src, '--json', '--pack-destination', out, '--ignore-scripts'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, npm_config_cache: join(root, 'npm-cache'), npm_config_offline: 'true', npm_config_update_notifier: 'false' },
      }),
    ) as { filename: string }[]
    const tgz = join(out, packed[0]!.filename.replace(/^@/, '').replace('/', '-'))
    expect(existsSync(tgz)).toBe(true)
    const c = loadConfig(join(root, 'repo'), { presets: [tgz], env })
    const layer = ownLayers(root, c.layers)[0]!
    expect(layer.kind).toBe('preset')
    expect(layer.source).toMatch(/^@acme\/tgz-preset@2\.0\.1 \(/)
    expect(layer.source).toContain(join(env.xdgCacheHome!, 'create-containerized-app', 'packages', 'unpacked'))
    expect(applyConfig(c, {}).database).toBe('mariadb')
    expect(c.forbid.cache?.[0]?.value).toBe('memcached')
    // Extended by a relative path from a config file works the same.
    write(join(root, 'repo2/containerized.config.json'), { extends: `../dist/${tgz.slice(out.length + 1)}` })
    expect(applyConfig(loadConfig(join(root, 'repo2'), { presets: [], env }), {}).database).toBe('mariadb')
  })

  it('noConfig ignores the folders\u2019 and the user\u2019s files but keeps the presets', () => {
    const root = tempDir('noconfig')
    const env = envIn(root)
    write(join(env.xdgConfigHome!, 'create-containerized-app/config.json'), { defaults: { cache: 'redis' } })
    write(join(root, 'repo/containerized.config.json'), { locked: { ci: 'gitlab' } })
    const preset = write(join(root, 'presets/org.json'), { defaults: { database: 'postgres' } })
    const c = loadConfig(join(root, 'repo'), { presets: [preset], env, noConfig: true })
    expect(c.layers).toEqual([{ source: preset, kind: 'preset' }])
    expect(applyConfig(c, {})).toMatchObject({ database: 'postgres', cache: 'none', ci: 'github' })
  })
})

// ---------------------------------------------------------------------------------------------
// 4. Through the CLI
// ---------------------------------------------------------------------------------------------

async function cli(argv: string[], cwd: string, root: string) {
  let stdout = ''
  let stderr = ''
  const env = { CI: 'true', HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'cfg'), XDG_CACHE_HOME: join(root, 'cache') }
  const code = await main({ argv, cwd, env, tty: false, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } })
  return { code, stdout, stderr }
}

describe('organization config through the CLI', () => {
  it('a flag against a lock exits 2 naming the rule and the file, and writes nothing', async () => {
    const root = tempDir('cli-lock')
    const cfg = write(join(root, 'org/containerized.config.json'), { locked: { ci: 'github' } })
    const r = await cli(['svc', '--yes', '--ci', 'gitlab'], join(root, 'org'), root)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('locked.ci')
    expect(r.stderr).toContain(cfg)
    expect(r.stderr).toContain('--ci "gitlab"')
    expect(existsSync(join(root, 'org/svc'))).toBe(false)
    expect(readdirSync(join(root, 'org'))).toEqual(['containerized.config.json'])
  })

  it('a platform outside the allow list exits 2 naming policy.allow.platform', async () => {
    const root = tempDir('cli-allow')
    const cfg = write(join(root, 'org/containerized.config.yaml'), 'policy:\n  allow:\n    platform: [kubernetes]\n')
    const r = await cli(['svc', '--yes', '--platform', 'compose'], join(root, 'org'), root)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('policy.allow.platform')
    expect(r.stderr).toContain(cfg)
    expect(existsSync(join(root, 'org/svc'))).toBe(false)
  })

  it('without the flag the allow list picks the platform', async () => {
    const root = tempDir('cli-allow-default')
    write(join(root, 'org/containerized.config.yaml'), 'policy:\n  allow:\n    platform: [kubernetes]\n')
    const r = await cli(['svc', '--yes'], join(root, 'org'), root)
    expect(r.code, r.stderr).toBe(0)
    const record = JSON.parse(readFileSync(join(root, 'org/svc/.containerized/answers.json'), 'utf8'))
    expect(record.answers).toMatchObject({ platform: 'kubernetes', k8sFormat: 'helm' })
  })

  it('a config default database lands in compose.yaml', async () => {
    const root = tempDir('cli-default')
    write(join(root, 'org/containerized.config.json'), { defaults: { database: 'postgres' } })
    const r = await cli(['svc', '--yes'], join(root, 'org'), root)
    expect(r.code, r.stderr).toBe(0)
    const compose = readFileSync(join(root, 'org/svc/compose.yaml'), 'utf8')
    expect(compose).toMatch(/image: \S*postgres/)
    expect(JSON.parse(readFileSync(join(root, 'org/svc/.containerized/answers.json'), 'utf8')).answers.database).toBe('postgres')
  })

  it('the --answers file beats the config defaults', async () => {
    const root = tempDir('cli-answers')
    write(join(root, 'org/containerized.config.json'), { defaults: { database: 'postgres', cache: 'redis' } })
    const answers = write(join(root, 'answers.json'), { database: 'mysql' })
    const r = await cli(['svc', '--yes', '--answers', answers], join(root, 'org'), root)
    expect(r.code, r.stderr).toBe(0)
    const compose = readFileSync(join(root, 'org/svc/compose.yaml'), 'utf8')
    expect(compose).toMatch(/image: \S*mysql/)
    expect(compose).not.toMatch(/image: \S*postgres/)
    const record = JSON.parse(readFileSync(join(root, 'org/svc/.containerized/answers.json'), 'utf8'))
    expect(record.answers).toMatchObject({ database: 'mysql', cache: 'redis' })
  })

  it('--no-config ignores the folder\u2019s lock', async () => {
    const root = tempDir('cli-noconfig')
    write(join(root, 'org/containerized.config.json'), { locked: { ci: 'github' } })
    const r = await cli(['svc', '--yes', '--ci', 'gitlab', '--no-config'], join(root, 'org'), root)
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(root, 'org/svc/.gitlab-ci.yml'))).toBe(true)
  })

  it('a broken config exits 2 naming the file, and writes nothing', async () => {
    const root = tempDir('cli-broken')
    const cfg = write(join(root, 'org/containerized.config.json'), { defualts: {} })
    const r = await cli(['svc', '--yes'], join(root, 'org'), root)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(cfg)
    expect(r.stderr).toContain('"defualts"')
    expect(existsSync(join(root, 'org/svc'))).toBe(false)
  })
})

import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { generate } from '../../src/generate.js'
import { matrix } from '../fixtures/scenarios.js'
import { renderToDisk } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Docker Compose v2 (built from the Go module proxy by scripts/install-tools.sh) merges and
// validates each environment's file set exactly as `docker compose` does; no engine needed.
let compose: string
beforeAll(() => {
  compose = requireTool('docker-compose')
})

type Svc = Record<string, any>
interface Config {
  services: Record<string, Svc>
  networks?: Record<string, Svc>
  volumes?: Record<string, Svc>
}

const SETS = {
  base: ['compose.yaml'],
  dev: ['compose.yaml', 'compose.override.yaml'],
  test: ['compose.yaml', 'compose.test.yaml'],
  prod: ['compose.yaml', 'compose.prod.yaml'],
} as const

async function config(dir: string, set: keyof typeof SETS, env: Record<string, string> = {}) {
  const args = SETS[set].flatMap((f) => ['-f', f])
  // A clean environment: only what the test passes (and .env, when present) is interpolated.
  return execa(compose, [...args, 'config', '--format', 'json'], {
    cwd: dir,
    reject: false,
    env: { PATH: toolsEnv().PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    extendEnv: false,
  })
}

function secretsFor(a: Answers): Record<string, string> {
  const ctx = buildContext(a, { name: 't', version: '0' })
  return Object.fromEntries(ctx.env.filter((v) => v.secret).map((v) => [v.name, `s3cret-${v.name.toLowerCase()}`]))
}

// Compose files do not depend on every answer (a framework changes none of them), so each
// distinct set of rendered Compose files is validated once, under the first combination that
// produced it.
const COMPOSE_FILES = ['compose.yaml', 'compose.override.yaml', 'compose.test.yaml', 'compose.prod.yaml', '.env.example']
const distinct = new Map<string, Answers>()
for (const a of matrix()) {
  const files = new Map(generate(a).files.map((f) => [f.path, f.content]))
  const key = COMPOSE_FILES.map((f) => files.get(f)?.replaceAll(a.name, '<name>') ?? '').join('\0')
  if (!distinct.has(key)) distinct.set(key, a)
}

describe.concurrent.each([...distinct.values()].map((a) => [a.name, a] as const))('docker compose config: %s', (_n, answers) => {
  const ctx = buildContext(answers, { name: 't', version: '0' })
  let dir: string
  beforeAll(() => {
    dir = renderToDisk(answers, 'cca-compose-')
  })
  const parse = async (set: keyof typeof SETS, env?: Record<string, string>): Promise<Config> => {
    const r = await config(dir, set, env)
    expect(r.exitCode, `${set}: ${r.stderr}`).toBe(0)
    return JSON.parse(r.stdout) as Config
  }

  it('base: app builds prod, waits for healthy services on an internal network, publishes nothing', async () => {
    const c = await parse('base')
    const app = c.services.app!
    expect(app.build.target).toBe('prod')
    expect(app.init).toBe(true)
    expect(app.ports).toBeUndefined()
    expect(app.environment.PORT).toBe(String(answers.port))
    for (const s of ctx.services) {
      const svc = c.services[s.host]!
      expect(app.depends_on[s.host].condition).toBe('service_healthy')
      expect(svc.image).toBe(s.image)
      // config output keeps $$ escaped, so it can be fed back to Compose
      expect(svc.healthcheck.test).toEqual(s.healthcheck)
      expect(svc.ports).toBeUndefined()
      expect(Object.keys(svc.networks)).toEqual(['backend'])
      expect(app.environment[s.urlEnv]).toMatch(/^[a-z]+:\/\//)
      if (s.volume) expect(svc.volumes).toEqual([expect.objectContaining({ type: 'volume', source: s.volume, target: s.dataDir })])
    }
    if (ctx.services.length) expect(c.networks!.backend!.internal).toBe(true)
    expect(Object.keys(c.services).sort()).toEqual(['app', ...ctx.services.map((s) => s.host)].sort())
  })

  it('dev: dev target, app and debugger on localhost only, watch rules', async () => {
    const app = (await parse('dev')).services.app!
    expect(app.build.target).toBe('dev')
    expect(app.ports).toContainEqual(expect.objectContaining({ host_ip: '127.0.0.1', target: answers.port, published: String(answers.port) }))
    expect(app.ports.every((p: Svc) => p.host_ip === '127.0.0.1')).toBe(true)
    expect(app.develop.watch.map((w: Svc) => [w.action, w.target])).toEqual(ctx.watch.map((w) => [w.action, w.target]))
    expect(app.develop.watch).toContainEqual(expect.objectContaining({ action: 'rebuild' }))
  })

  it('test: test target; stateful services keep data in tmpfs, not volumes', async () => {
    const c = await parse('test')
    expect(c.services.app!.build.target).toBe('test')
    for (const s of ctx.services.filter((x) => x.volume)) {
      expect(c.services[s.host]!.volumes ?? []).toEqual([])
      expect(c.services[s.host]!.tmpfs).toEqual([s.dataDir])
    }
  })

  it('prod: the released image only, hardened, secrets required', async () => {
    const env = { IMAGE_TAG: '1.2.3', ...secretsFor(answers) }
    const app = (await parse('prod', env)).services.app!
    expect(app.image).toBe(`${ctx.image.example}:1.2.3`)
    expect(app.build).toBeUndefined()
    expect(app.read_only).toBe(true)
    expect(app.cap_drop).toEqual(['ALL'])
    expect(app.security_opt).toEqual(['no-new-privileges:true'])
    expect(app.ports).toBeUndefined()
    expect(app.restart).toBe('unless-stopped')
    expect(app.deploy.resources.limits.memory).toBeTruthy()
    for (const [k, v] of Object.entries(secretsFor(answers)).filter(([k]) => k !== 'MYSQL_ROOT_PASSWORD' && k !== 'MARIADB_ROOT_PASSWORD')) {
      expect(JSON.stringify(app.environment), k).toContain(v)
    }
    const missing = await config(dir, 'prod', { IMAGE_TAG: '1.2.3' })
    if (ctx.env.some((v) => v.secret)) {
      expect(missing.exitCode).not.toBe(0)
      expect(missing.stderr).toMatch(/Set [A-Z_]+ in \.env/)
    }
    expect((await config(dir, 'prod', secretsFor(answers))).stderr).toMatch(/Set IMAGE_TAG/)
  })

  it('.env.example as .env: dev runs on dev-only defaults, prod still refuses empty secrets', async () => {
    const d = renderToDisk(answers, 'cca-envfile-')
    copyFileSync(join(d, '.env.example'), join(d, '.env'))
    const dev = await config(d, 'dev')
    expect(dev.exitCode, dev.stderr).toBe(0)
    const prod = await config(d, 'prod', { IMAGE_TAG: '1' })
    expect(prod.exitCode === 0).toBe(!ctx.env.some((v) => v.secret))
    writeFileSync(join(d, '.env'), Object.entries({ IMAGE_TAG: '1', ...secretsFor(answers) }).map(([k, v]) => `${k}=${v}`).join('\n'))
    expect((await config(d, 'prod')).exitCode).toBe(0)
  })
})

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type RawAnswers } from '../../src/answers.js'
import type { RenderContext } from '../../src/context.js'
import type { AppFacts } from '../../src/detect/types.js'
import { generate } from '../../src/generate.js'
import { ENVS, kubeconform, parseManifests, type Obj } from '../helpers/k8s.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, TOOLS_HOME, toolsEnv } from '../helpers/tools.js'

// Existing apps' runtime contracts (their own variable names, required variables, TCP checks)
// through the real tools: `helm lint --strict` and `helm template`, `kustomize build`, kubeconform
// in strict mode over what they render, `docker compose config` for every environment, and
// Terraform's fmt, validate and tflint for a stack holding the app's own secrets.

const REQUIRED = [
  { name: 'JWT_SECRET', devValue: 'dev-jwt-secret', secret: true, evidence: { file: 'src/config.ts', reason: 'zod: z.string().min(32)' } },
  { name: 'PUBLIC_URL', devValue: 'http://localhost:8080', secret: false, evidence: { file: '.env.example', reason: 'PUBLIC_URL=' } },
]

interface Case {
  id: string
  answers: Partial<RawAnswers>
  app: AppFacts
}

const CASES: Case[] = [
  {
    // An Express app: split DB_* settings, REDIS_URL, HTTP_PORT and HOST, no health route.
    id: 'eks-helm-split-tcp',
    answers: { language: 'node', port: 8080, database: 'postgres', cache: 'redis', platform: 'eks', k8sFormat: 'helm', registry: 'ecr' },
    app: {
      portEnv: 'HTTP_PORT',
      hostEnv: 'HOST',
      databaseEnv: [{ name: 'DB_HOST', part: 'host' }, { name: 'DB_PORT', part: 'port' }, { name: 'DB_USER', part: 'user' }, { name: 'DB_PASSWORD', part: 'password' }, { name: 'DB_NAME', part: 'database' }],
      cacheEnv: [{ name: 'REDIS_URL', part: 'url' }],
      requiredEnv: REQUIRED,
      health: { liveness: null, readiness: null },
    },
  },
  {
    // A Spring Boot app: SPRING_DATASOURCE_* with a JDBC URL, SERVER_PORT, actuator liveness only.
    id: 'gke-helm-spring-mysql',
    answers: { language: 'java', port: 8080, database: 'mysql', cache: 'memcached', platform: 'gke', k8sFormat: 'helm', registry: 'gar' },
    app: {
      portEnv: 'SERVER_PORT',
      databaseEnv: [{ name: 'SPRING_DATASOURCE_URL', part: 'jdbc' }, { name: 'SPRING_DATASOURCE_USERNAME', part: 'user' }, { name: 'SPRING_DATASOURCE_PASSWORD', part: 'password' }],
      cacheEnv: [{ name: 'MEMCACHED_SERVERS', part: 'hostport' }],
      requiredEnv: REQUIRED,
      health: { liveness: '/actuator/health/liveness', readiness: null },
    },
  },
  {
    // An ASP.NET Core app: ConnectionStrings__* on AKS, where the managed ports differ from dev.
    id: 'aks-kustomize-dotnet',
    answers: { language: 'dotnet', port: 8080, database: 'postgres', cache: 'valkey', platform: 'aks', k8sFormat: 'kustomize', registry: 'acr' },
    app: {
      databaseEnv: [{ name: 'ConnectionStrings__Default', part: 'connstring' }],
      cacheEnv: [{ name: 'ConnectionStrings__Redis', part: 'connstring' }, { name: 'REDIS_HOST', part: 'host' }, { name: 'REDIS_PORT', part: 'port' }],
      requiredEnv: REQUIRED,
      health: { liveness: null, readiness: null },
    },
  },
]

interface Built {
  c: Case
  context: RenderContext
  dir: string
  byEnv: Record<(typeof ENVS)[number], Obj[]>
  lint: string[]
}
const built = new Map<string, Built>()
let conform: Awaited<ReturnType<typeof kubeconform>>

beforeAll(async () => {
  const helm = requireTool('helm')
  const kustomize = requireTool('kustomize')
  const manifests: string[] = []
  for (const c of CASES) {
    const answers = validateAnswers({ name: 'shop', ...c.answers } as RawAnswers)
    const g = generate(answers, { retrofit: { dir: '.', app: c.app } })
    const dir = writeTree(g.files, `cca-retro-env-${c.id}-`)
    const k8s = g.context.k8s!
    const byEnv = {} as Built['byEnv']
    const lint: string[] = []
    for (const env of ENVS) {
      let out: string
      if (k8s.format === 'helm') {
        const chart = join(dir, k8s.chartDir)
        for (const values of env === 'dev' ? [[], ['-f', join(chart, 'values-dev.yaml')]] : [['-f', join(chart, `values-${env}.yaml`)]]) {
          const l = await execa(helm, ['lint', '--strict', chart, ...values], { reject: false, env: toolsEnv(), all: true })
          if (l.exitCode !== 0) lint.push(`${values.join(' ') || 'values.yaml'}: ${l.all}`)
        }
        const t = await execa(helm, ['template', 'shop', chart, '-n', `shop-${env}`, '-f', join(chart, `values-${env}.yaml`)], { env: toolsEnv() })
        out = t.stdout
      } else {
        out = (await execa(kustomize, ['build', join(dir, k8s.kustomizeDir, 'overlays', env)], { env: toolsEnv() })).stdout
      }
      const file = join(dir, `rendered-${env}.yaml`)
      writeFileSync(file, out)
      manifests.push(file)
      byEnv[env] = parseManifests(out)
    }
    built.set(c.id, { c, context: g.context, dir, byEnv, lint })
  }
  conform = await kubeconform(manifests)
}, 600_000)

const appContainer = (docs: Obj[]) => docs.find((d) => d.kind === 'Deployment')!.spec.template.spec.containers.find((x: Obj) => x.name === 'app') as Obj

describe('retrofit contracts through Helm, Kustomize and kubeconform', () => {
  it('helm lint --strict passes every values file; every object is valid in strict mode', () => {
    expect([...built.values()].flatMap((b) => b.lint)).toEqual([])
    const bad = conform.resources.filter((r) => r.status !== 'statusValid').map((r) => `${r.kubernetes} ${r.filename} ${r.kind}/${r.name}: ${r.msg}`)
    expect(bad).toEqual([])
    expect(conform.exitCode, conform.stderr).toBe(0)
  })

  it.each(CASES.map((c) => [c.id, c] as const))('%s: the app gets its own names in every environment, each variable defined before it is used', (id, c) => {
    const b = built.get(id)!
    const k8s = b.context.k8s!
    for (const env of ENVS) {
      const docs = b.byEnv[env]
      const app = appContainer(docs)
      const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === app.envFrom[0].configMapRef.name)!
      expect(cm.data[c.app.portEnv ?? 'PORT'], env).toBe(String(c.answers.port))
      if (c.app.hostEnv) expect(cm.data[c.app.hostEnv], env).toBe('0.0.0.0')
      expect(cm.data.PUBLIC_URL, env).toBe('http://localhost:8080')
      const env_ = app.env as Obj[]
      expect(env_.find((e) => e.name === 'JWT_SECRET')?.valueFrom?.secretKeyRef?.key, env).toBe('JWT_SECRET')
      const defined = new Set(Object.keys(cm.data))
      for (const e of env_) {
        for (const ref of String(e.value ?? '').matchAll(/\$\(([A-Z0-9_]+)\)/g)) expect(defined.has(ref[1]!), `${env}: ${e.name} uses $(${ref[1]})`).toBe(true)
        defined.add(e.name)
      }
      for (const binding of [...(c.app.databaseEnv ?? []), ...(c.app.cacheEnv ?? [])]) expect(defined.has(binding.name), `${env}: ${binding.name}`).toBe(true)
      // No DATABASE_URL or CACHE_URL beside the app's own names.
      expect([...defined].filter((n) => n === 'DATABASE_URL' || n === 'CACHE_URL'), env).toEqual([])
      // Dev reaches the in-cluster services; staging and prod the managed endpoints (host and port).
      for (const conn of k8s.connections) expect(env_.find((e) => e.name === conn.name)!.value, `${env} ${conn.name}`).toBe(env === 'dev' ? conn.default : conn[env])
    }
    // The dev Secret holds the app's required secret with its dev value.
    const secret = b.byEnv.dev.find((d) => d.kind === 'Secret')!
    const value = secret.stringData?.JWT_SECRET ?? Buffer.from(secret.data.JWT_SECRET, 'base64').toString()
    expect(value).toBe('dev-jwt-secret')
  })

  it('ports and hosts differ per environment where the managed service listens elsewhere (Azure Managed Redis on 10000)', () => {
    const b = built.get('aks-kustomize-dotnet')!
    const get = (env: (typeof ENVS)[number], name: string) => (appContainer(b.byEnv[env]).env as Obj[]).find((e) => e.name === name)!.value
    expect(get('dev', 'REDIS_PORT')).toBe('6379')
    expect(get('prod', 'REDIS_PORT')).toBe('10000')
    expect(get('staging', 'REDIS_HOST')).toBe('shop-valkey.staging.example.internal')
    expect(get('prod', 'ConnectionStrings__Redis')).toBe('shop-valkey.prod.example.internal:10000,password=$(CACHE_PASSWORD)')
    expect(get('dev', 'ConnectionStrings__Default')).toBe('Host=postgres;Port=5432;Database=$(POSTGRES_DB);Username=$(POSTGRES_USER);Password=$(POSTGRES_PASSWORD)')
    expect(get('prod', 'ConnectionStrings__Default')).toBe('Host=shop-postgres.prod.example.internal;Port=5432;Database=$(POSTGRES_DB);Username=$(POSTGRES_USER);Password=$(POSTGRES_PASSWORD)')
  })

  it('TCP probes where the app has no route, its own path where it has one; helm test then only needs an answer', () => {
    const probes = (id: string) => {
      const app = appContainer(built.get(id)!.byEnv.prod)
      return [app.startupProbe, app.livenessProbe, app.readinessProbe].map((p: Obj) => p.httpGet ?? p.tcpSocket)
    }
    expect(probes('eks-helm-split-tcp')).toEqual([{ port: 'http' }, { port: 'http' }, { port: 'http' }])
    expect(probes('aks-kustomize-dotnet')).toEqual([{ port: 'http' }, { port: 'http' }, { port: 'http' }])
    expect(probes('gke-helm-spring-mysql')).toEqual([{ path: '/actuator/health/liveness', port: 'http' }, { path: '/actuator/health/liveness', port: 'http' }, { port: 'http' }])
    const test = built.get('eks-helm-split-tcp')!.byEnv.prod.find((d) => d.kind === 'Pod')!
    expect(test.spec.containers[0].args).not.toContain('--fail')
    expect(test.spec.containers[0].args.at(-1)).toBe('http://shop:80/')
    const ingress = built.get('eks-helm-split-tcp')!.byEnv.prod.find((d) => d.kind === 'Ingress')!
    expect(ingress.metadata.annotations).toMatchObject({ 'alb.ingress.kubernetes.io/healthcheck-path': '/', 'alb.ingress.kubernetes.io/success-codes': '200-499' })
  })
})

describe('retrofit contracts through docker compose config', () => {
  const compose = (dir: string, files: string[], env: Record<string, string>) =>
    execa(requireTool('docker-compose'), [...files.flatMap((f) => ['-f', f]), 'config', '--format', 'json'], {
      cwd: dir,
      reject: false,
      env: { PATH: toolsEnv().PATH!, HOME: process.env.HOME ?? '/tmp', IMAGE_TAG: '1.0.0', ...env },
      extendEnv: false,
    })

  it.each(CASES.map((c) => [c.id, c] as const))('%s: every environment validates; dev falls back to dev values, prod refuses without the app\'s secret', async (id, c) => {
    const b = built.get(id)!
    const secrets = Object.fromEntries(b.context.env.filter((v) => v.secret).map((v) => [v.name, `s3cret-${v.name.toLowerCase()}`]))
    for (const set of [['compose.yaml'], ['compose.yaml', 'compose.override.yaml'], ['compose.yaml', 'compose.test.yaml'], ['compose.yaml', 'compose.prod.yaml']]) {
      const r = await compose(b.dir, set, secrets)
      expect(r.exitCode, `${set.join(' + ')}: ${r.stderr}`).toBe(0)
    }
    const dev = JSON.parse((await compose(b.dir, ['compose.yaml', 'compose.override.yaml'], {})).stdout)
    const env = dev.services.app.environment as Record<string, string>
    expect(env[c.app.portEnv ?? 'PORT']).toBe(String(c.answers.port))
    expect(env.JWT_SECRET).toBe('dev-jwt-secret')
    expect(env.PUBLIC_URL).toBe('http://localhost:8080')
    const prod = JSON.parse((await compose(b.dir, ['compose.yaml', 'compose.prod.yaml'], secrets)).stdout)
    expect(prod.services.app.environment.JWT_SECRET).toBe('s3cret-jwt_secret')
    const { JWT_SECRET: _unset, ...withoutIt } = secrets
    const refused = await compose(b.dir, ['compose.yaml', 'compose.prod.yaml'], withoutIt)
    expect(refused.exitCode).not.toBe(0)
    expect(refused.stderr).toContain('Set JWT_SECRET in .env (see .env.example)')
  })

  it('split settings resolve to the service Compose runs', async () => {
    const b = built.get('eks-helm-split-tcp')!
    const env = JSON.parse((await compose(b.dir, ['compose.yaml'], {})).stdout).services.app.environment
    expect(env).toMatchObject({ HTTP_PORT: '8080', HOST: '0.0.0.0', DB_HOST: 'postgres', DB_PORT: '5432', DB_USER: 'app', DB_PASSWORD: 'dev-only-password', DB_NAME: 'app', REDIS_URL: 'redis://:dev-only-password@redis:6379/0' })
    const spring = JSON.parse((await compose(built.get('gke-helm-spring-mysql')!.dir, ['compose.yaml'], {})).stdout).services.app.environment
    expect(spring).toMatchObject({ SERVER_PORT: '8080', SPRING_DATASOURCE_URL: 'jdbc:mysql://mysql:3306/app', SPRING_DATASOURCE_USERNAME: 'app', MEMCACHED_SERVERS: 'memcached:11211' })
  })
})

describe('Terraform with the app\'s own secrets', () => {
  it('fmt, init, validate and tflint pass for a GKE stack whose secret holds JWT_SECRET', async () => {
    const b = built.get('gke-helm-spring-mysql')!
    const dir = join(b.dir, b.context.terraform!.dir)
    const env = toolsEnv({ TF_CLI_CONFIG_FILE: join(TOOLS_HOME, 'terraform', 'terraformrc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' })
    const run = (tool: string, args: string[]) => execa(requireTool(tool), args, { cwd: dir, env, reject: false, all: true })
    for (const [tool, args] of [
      ['terraform', ['fmt', '-check', '-diff', '-recursive', '-no-color']],
      ['terraform', ['init', '-backend=false', '-input=false', '-no-color']],
      ['terraform', ['validate', '-no-color']],
      ['tflint', ['--no-color', '--format', 'compact']],
    ] as const) {
      const r = await run(tool, [...args])
      expect(r.exitCode, `${tool} ${args[0]}: ${r.all}`).toBe(0)
    }
    expect(b.context.terraform!.secretEntries).toEqual(['MYSQL_PASSWORD = local.database_password', 'JWT_SECRET     = local.app_secrets["JWT_SECRET"]'])
  }, 300_000)
})

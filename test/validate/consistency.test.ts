import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateAnswers, type Answers, type RawAnswers } from '../../src/answers.js'
import { placeInRepo } from '../../src/cli/retrofit.js'
import type { Policy } from '../../src/config/types.js'
import { detect, memoryRepo } from '../../src/detect/index.js'
import { proposeAnswers } from '../../src/detect/proposal.js'
import { generate } from '../../src/generate.js'
import { combineServices } from '../../src/monorepo.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { CONSISTENCY_RULES } from '../../src/validate/rules/consistency.js'
import { lookalike } from '../../src/validate/rules/consistency/env.js'
import { requestedPath } from '../../src/validate/rules/consistency/health.js'
import { connectionHosts } from '../../src/validate/rules/consistency/hosts.js'
import { interpolate, UNKNOWN } from '../../src/validate/rules/consistency/interpolate.js'
import { readServices } from '../../src/validate/rules/consistency/project.js'
import { serviceFolders } from '../../src/validate/rules/folders.js'
import type { Finding } from '../../src/validate/types.js'
import { FIXTURES } from '../detect/fixtures.js'
import { SCENARIOS, scenario } from '../fixtures/scenarios.js'

type Files = Map<string, string>

const check = (files: ReadonlyMap<string, string>): Finding[] => CONSISTENCY_RULES.flatMap((r) => r.check({ files }))
const show = (findings: readonly Finding[]) => findings.map((f) => `[${f.rule}] ${f.file}:${f.line ?? ''} ${f.message}`).join('\n')
const expectClean = (files: ReadonlyMap<string, string>) => {
  const findings = check(files)
  expect(findings, show(findings)).toEqual([])
}
const filesOf = (answers: RawAnswers, opts: Parameters<typeof generate>[1] = {}): Files => new Map(generate(validateAnswers(answers), opts).files.map((f) => [f.path, f.content]))

/** A copy with `from` replaced by `to` in one file; `from` must be there, so a test cannot pass vacuously. */
function edit(files: Files, path: string, from: string | RegExp, to: string): Files {
  const text = files.get(path)
  if (text === undefined) throw new Error(`no ${path}`)
  const next = text.replace(from, to)
  if (next === text) throw new Error(`${String(from)} is not in ${path}`)
  return new Map(files).set(path, next)
}

/** The findings of a broken copy: all of exactly one rule, at least one of them in `file`. */
function expectOnly(files: Files, rule: string, file?: string): Finding[] {
  const findings = check(files)
  expect([...new Set(findings.map((f) => f.rule))], show(findings)).toEqual([rule])
  if (file) expect(findings.map((f) => f.file), show(findings)).toContain(file)
  for (const f of findings) {
    expect(f.severity).toBe('error')
    expect(f.hint.length).toBeGreaterThan(0)
  }
  return findings
}

const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]))

describe('every golden scenario is consistent', () => {
  const root = new URL('../__golden__/', import.meta.url).pathname
  it.each(Object.keys(SCENARIOS))('%s: the committed files', (id) => {
    const dir = join(root, id)
    const files = new Map(walk(dir).map((p) => [relative(dir, p), readFileSync(p, 'utf8')]).filter(([p]) => p !== 'FILES.txt') as [string, string][])
    expect(files.size).toBeGreaterThan(5)
    expectClean(files)
  })

  it.each(Object.keys(SCENARIOS))('%s: every generated file, templates included', (id) => {
    expectClean(new Map(generate(scenario(id)).files.map((f) => [f.path, f.content])))
  })
})

describe('generated variants are consistent', () => {
  const languages = LANGUAGE_CHOICES.filter((l) => l.available)
  const targets = [{}, { platform: 'kubernetes' }, { platform: 'kubernetes', k8sFormat: 'kustomize' }, { platform: 'eks', k8sFormat: 'kustomize', ci: 'gitlab' }]
  it.each(languages.flatMap((l) => targets.map((t) => [`${l.id} ${JSON.stringify(t)}`, { name: `d-${l.id}`, language: l.id, database: 'postgres', cache: 'redis', ...t }] as const)))('%s', (_n, answers) => {
    expectClean(filesOf(answers))
  })

  const POLICY: Policy = {
    baseImages: { mirrors: { 'docker.io': 'registry.acme.dev/dockerhub', 'ghcr.io': 'registry.acme.dev/ghcr', 'mcr.microsoft.com': 'registry.acme.dev/mcr', 'gcr.io': 'registry.acme.dev/gcr' } },
    labels: { 'acme.dev/team': 'payments' },
    annotations: { 'acme.dev/owner': 'payments@acme.dev' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    scan: { failOn: 'MEDIUM' },
  }
  it.each(['helm', 'kustomize'])('policy-shaped (%s)', (k8sFormat) => {
    expectClean(filesOf({ name: 'payments', language: 'python', platform: 'eks', k8sFormat, database: 'mysql', cache: 'valkey' }, { policy: POLICY }))
  })

  // Every service of every detection fixture, retrofitted in place beside the repository's own files.
  const retrofits = FIXTURES.flatMap((fx) =>
    detect(memoryRepo(fx.files), { rootName: fx.rootName })
      .services.filter((s) => s.dir === '.')
      .map((s) => [fx.id, fx, s] as const),
  )
  // Findings a fixture is expected to have; none since Laravel's probes ask its own /up, as its image does.
  const known: Record<string, string[]> = {}
  it.each(retrofits)('retrofit: %s', (id, fx, s) => {
    const raw = proposeAnswers(s).answers
    if (raw.port === null || raw.port === undefined) delete raw.port
    let answers: Answers
    try {
      answers = validateAnswers({ ...raw, platform: 'kubernetes' })
    } catch {
      answers = validateAnswers({ ...raw, platform: 'kubernetes', languageVersion: undefined })
    }
    const files: Files = new Map(Object.entries(fx.files))
    for (const f of generate(answers, { retrofit: { dir: '.', app: s.app } }).files) files.set(f.path, f.content)
    const findings = check(files)
    expect(findings.map((f) => `${f.rule} ${f.file}: ${f.message.split(',')[0]}`), show(findings)).toEqual(known[id] ?? [])
  })

  const monorepo = FIXTURES.find((f) => f.id === 'pnpm-monorepo')!
  const api = detect(memoryRepo(monorepo.files), { rootName: monorepo.rootName }).services.find((s) => s.dir === 'apps/api')!
  it.each(['helm', 'kustomize'])('a service in a sub-folder (%s)', (k8sFormat) => {
    const answers = validateAnswers({ ...proposeAnswers(api).answers, platform: 'kubernetes', k8sFormat, ci: 'github' })
    const files: Files = new Map(Object.entries(monorepo.files))
    for (const f of placeInRepo(generate(answers, { retrofit: { dir: 'apps/api', app: api.app } }).files, 'apps/api')) files.set(f.path, f.content)
    expect(serviceFolders(files)).toEqual(['apps/api'])
    expectClean(files)
  })

  it.each(['pnpm-monorepo', 'polyglot-with-docs'])('several services in one repository: %s', (id) => {
    expectClean(severalServices(id))
  })

  it("beside the app's own compose.yaml: the compose.app.yaml family is the app's Compose, and it agrees", () => {
    const app = { portEnv: 'SERVER_PORT', databaseEnv: [{ name: 'SPRING_DATASOURCE_URL', part: 'jdbc' as const }], health: { liveness: '/actuator/health/liveness', readiness: '/actuator/health/readiness' }, composeFile: 'compose.app.yaml' }
    const files = filesOf({ name: 'orders', language: 'java', framework: 'spring-boot', port: 8081, database: 'postgres', platform: 'kubernetes' }, { retrofit: { dir: '.', app } })
    files.set('compose.yaml', "services:\n  postgres:\n    image: 'postgres:17'\n    ports:\n      - '5432'\n")
    expect(readServices(files)[0]!.compose.files.map((f) => f.path)).toEqual(['compose.app.yaml', 'compose.app.override.yaml', 'compose.app.prod.yaml', 'compose.app.test.yaml'])
    expectClean(files)
    // Read from the family, a real disagreement is still found.
    files.set('compose.app.yaml', files.get('compose.app.yaml')!.replace(/SERVER_PORT: "?8081"?/, 'SERVER_PORT: 9090'))
    expect(check(files).map((f) => f.rule)).toContain('port-mismatch')
  })
})

/** The services of a fixture repository retrofitted together, with the repository-wide Compose file. */
function severalServices(id: string, k8sFormat = 'helm'): Files {
  const fx = FIXTURES.find((f) => f.id === id)!
  const services = detect(memoryRepo(fx.files), { rootName: fx.rootName }).services
  const placed = services.map((s) => {
    const answers = validateAnswers({ ...proposeAnswers(s).answers, platform: 'kubernetes', k8sFormat, ci: 'github' })
    const g = generate(answers, { retrofit: { dir: s.dir, app: s.app, workflowPrefix: answers.name } })
    return { dir: s.dir, context: g.context, files: placeInRepo(g.files, s.dir) }
  })
  const files: Files = new Map(Object.entries(fx.files).filter(([p]) => !p.startsWith('.github/')))
  for (const f of combineServices(placed, fx.rootName)) files.set(f.path, f.content)
  return files
}

const golden = (id: string): Files => new Map(generate(scenario(id)).files.map((f) => [f.path, f.content]))

describe('readme-mismatch', () => {
  const laravel = () => filesOf({ name: 'shop', language: 'php', framework: 'laravel', platform: 'kubernetes' })
  const rails = () => filesOf({ name: 'shop', language: 'ruby', framework: 'rails', platform: 'kubernetes', k8sFormat: 'kustomize' })

  it('generated Laravel and Rails projects are clean', () => {
    expectClean(laravel())
    expectClean(rails())
  })

  it("README.containers.md tries /healthz where the chart and the image's HEALTHCHECK ask Laravel's /up", () => {
    const files = edit(laravel(), 'README.containers.md', 'curl http://localhost:8080/up', 'curl http://localhost:8080/healthz')
    const [f] = expectOnly(files, 'readme-mismatch', 'README.containers.md')
    expect(f!.message).toMatch(/^tries \/healthz, which no check of the app asks: .*ask \/up$/)
    expect(f!.line).toBe(22)
  })

  it('the chart moved to another path while README.containers.md still tries the old one', () => {
    const files = edit(golden('k8s-node-postgres-redis-helm'), 'deploy/helm/orders-api/values.yaml', 'readinessPath: /readyz', 'readinessPath: /ready')
    const findings = check(files).filter((x) => x.rule === 'readme-mismatch')
    expect(findings.map((x) => x.message)).toContainEqual(expect.stringMatching(/^tries \/readyz, which no check of the app asks/))
  })

  it("Compose syncs ./src into a Laravel app's dev container: not a Laravel folder, and not what README.containers.md says", () => {
    const files = edit(laravel(), 'compose.override.yaml', 'path: ./app\n          target: /app/app', 'path: ./src\n          target: /app/src')
    const findings = expectOnly(files, 'readme-mismatch')
    expect(findings.map((x) => `${x.file}: ${x.message}`)).toEqual([
      expect.stringMatching(/^compose\.override\.yaml: the dev container syncs \.\/src, which Laravel apps do not have: their code is in app\/, bootstrap\/, config\//),
      expect.stringMatching(/^README\.containers\.md: says changes in app\/, config\/.* are synced into the dev container, but Compose syncs src\/, config\//),
    ])
  })

  it('README.containers.md names a folder Compose does not sync', () => {
    const [f] = expectOnly(edit(golden('node-defaults'), 'README.containers.md', 'Source changes in `src/`', 'Source changes in `lib/`'), 'readme-mismatch', 'README.containers.md')
    expect(f!.message).toBe('says changes in lib/ are synced into the dev container, but Compose syncs src/')
  })

  it('Rails: a sync of ./src is not a Rails folder', () => {
    const files = edit(rails(), 'compose.override.yaml', 'path: ./lib\n', 'path: ./src\n')
    expect(check(files).filter((x) => x.file === 'compose.override.yaml').map((x) => x.message)).toEqual([expect.stringMatching(/syncs \.\/src, which Rails apps do not have/)])
  })
})

describe('port-mismatch', () => {
  it('Compose PORT changed while the Dockerfile still exposes 3000', () => {
    const [f] = expectOnly(edit(golden('node-defaults'), 'compose.yaml', 'PORT: "3000"', 'PORT: "8081"'), 'port-mismatch', 'compose.yaml')
    expect(f!.message).toMatch(/PORT of service "app" is 8081, but .* say 3000/)
    expect(f!.line).toBeGreaterThan(1)
  })

  it("the chart's containerPort changed", () => {
    expectOnly(edit(golden('k8s-node-postgres-redis-helm'), 'deploy/helm/orders-api/values.yaml', 'containerPort: 3000', 'containerPort: 8080'), 'port-mismatch', 'deploy/helm/orders-api/values.yaml')
  })

  it("the Kustomize ConfigMap's PORT literal changed", () => {
    expectOnly(edit(golden('k8s-java-kustomize'), 'deploy/kustomize/base/kustomization.yaml', '- PORT=8080', '- PORT=9000'), 'port-mismatch', 'deploy/kustomize/base/kustomization.yaml')
  })

  it("the Kustomize Service's numeric targetPort, and a named one no container port has", () => {
    const files = golden('eks-node-postgres-redis-kustomize')
    expectOnly(edit(files, 'deploy/kustomize/base/service.yaml', 'targetPort: http', 'targetPort: 8080'), 'port-mismatch', 'deploy/kustomize/base/service.yaml')
    expectOnly(edit(files, 'deploy/kustomize/base/service.yaml', 'targetPort: http', 'targetPort: web'), 'port-mismatch', 'deploy/kustomize/base/service.yaml')
  })

  it('the dev override publishes another container port', () => {
    expectOnly(edit(golden('python-defaults'), 'compose.override.yaml', ':-8000}:8000', ':-8000}:8001'), 'port-mismatch', 'compose.override.yaml')
  })

  it('EXPOSE of the shipped stage changed', () => {
    expectOnly(edit(golden('go-defaults'), 'Dockerfile', /EXPOSE 8080\n(?![\s\S]*EXPOSE)/, 'EXPOSE 9090\n'), 'port-mismatch', 'Dockerfile')
  })

  it("the repository-wide Compose file publishes a service's old port", () => {
    expectOnly(edit(severalServices('pnpm-monorepo'), 'compose.yaml', ':-8787}:8787', ':-8787}:8000'), 'port-mismatch', 'compose.yaml')
  })

  it('accepts ports written as strings, numbers or the long syntax, and extra services', () => {
    let files = golden('node-defaults')
    files = edit(files, 'compose.yaml', 'PORT: "3000"', 'PORT: ${PORT:-3000}')
    files = edit(files, 'compose.override.yaml', '- "127.0.0.1:${APP_PORT:-3000}:3000"', '- target: 3000\n        published: "${APP_PORT:-3000}"\n        host_ip: 127.0.0.1')
    files = new Map(files).set('compose.yaml', `${files.get('compose.yaml')!}\n  mailpit:\n    image: axllent/mailpit:v1.27\n    ports:\n      - 8025\n`)
    expectClean(files)
    expectClean(edit(golden('k8s-node-postgres-redis-helm'), 'deploy/helm/orders-api/values.yaml', 'containerPort: 3000', 'containerPort: "3000"'))
  })

  it('accepts a Dockerfile that exposes its PORT through a variable, or in the legacy ENV form', () => {
    const files = golden('go-defaults')
    expectClean(edit(files, 'Dockerfile', /EXPOSE 8080\n(?![\s\S]*EXPOSE)/, 'EXPOSE ${PORT}/tcp\n'))
    expectClean(edit(files, 'Dockerfile', 'ENV PORT=8080', 'ENV PORT 8080'))
    expectOnly(edit(files, 'Dockerfile', 'ENV PORT=8080', 'ENV PORT 8000'), 'port-mismatch', 'Dockerfile')
  })
})

describe('health-path-mismatch', () => {
  it('readinessPath /ready in one values file only', () => {
    const files = golden('k8s-node-postgres-redis-helm')
    const path = 'deploy/helm/orders-api/values-prod.yaml'
    const [f] = expectOnly(edit(files, path, /^replicaCount: 3$/m, 'replicaCount: 3\nhealth:\n  readinessPath: /ready'), 'health-path-mismatch', path)
    expect(f!.message).toMatch(/health\.readinessPath is \/ready, but .* says \/readyz/)
  })

  it("readinessPath changed where the load balancer's health check still names the old path", () => {
    const files = golden('eks-python-mysql-memcached-helm')
    // README.containers.md follows the change, so only the annotation is left behind.
    const moved = edit(edit(files, 'deploy/helm/billing/values.yaml', 'readinessPath: /readyz', 'readinessPath: /ready'), 'README.containers.md', /\/readyz/g, '/ready')
    const [f] = expectOnly(moved, 'health-path-mismatch', 'deploy/helm/billing/values.yaml')
    expect(f!.message).toMatch(/healthcheck-path annotation is \/readyz/)
  })

  it("a Kustomize liveness probe that differs from the startup probe's path", () => {
    const files = golden('k8s-java-kustomize')
    const text = files.get('deploy/kustomize/base/deployment.yaml')!
    const i = text.indexOf('livenessProbe:')
    files.set('deploy/kustomize/base/deployment.yaml', text.slice(0, i) + text.slice(i).replace('path: /healthz', 'path: /health'))
    expectOnly(files, 'health-path-mismatch', 'deploy/kustomize/base/deployment.yaml')
  })

  it("the Dockerfile's HEALTHCHECK against the chart's endpoints", () => {
    expectOnly(edit(golden('k8s-node-postgres-redis-helm'), 'Dockerfile', '/healthz`', '/health`'), 'health-path-mismatch', 'Dockerfile')
  })

  it("a Compose healthcheck and a CI smoke check of a path the app does not serve", () => {
    // The app's healthcheck block holds only the start timing (the image's probe is reused): a test is added to it.
    const own = '    healthcheck:\n      start_period: 30s\n'
    const healthcheck = (path: string) => `    healthcheck:\n      test: ["CMD", "curl", "-fsS", "http://127.0.0.1:3000${path}"]\n      start_period: 30s\n`
    const files = golden('node-defaults')
    expectClean(edit(files, 'compose.yaml', own, healthcheck('/healthz')))
    expectClean(edit(files, 'compose.yaml', own, healthcheck('/readyz')))
    expectOnly(edit(files, 'compose.yaml', own, healthcheck('/health')), 'health-path-mismatch', 'compose.yaml')
    const smoke = (path: string) => `      - name: Unit tests\n        run: eval "\${TEST_COMMAND}"\n      - name: Smoke\n        run: |\n          docker compose up -d --wait\n          curl -fsS http://localhost:3000${path}\n`
    const step = '      - name: Unit tests\n        run: eval "${TEST_COMMAND}"\n'
    expectClean(edit(files, '.github/workflows/ci.yml', step, smoke('/readyz')))
    const broken = edit(files, '.github/workflows/ci.yml', step, smoke('/health'))
    const [f] = expectOnly(broken, 'health-path-mismatch', '.github/workflows/ci.yml')
    expect(broken.get('.github/workflows/ci.yml')!.split('\n')[f!.line! - 1]).toContain('curl -fsS http://localhost:3000/health')
  })
})

describe('image-name-mismatch', () => {
  it('.env.example names another repository than compose.prod.yaml', () => {
    expectOnly(edit(golden('node-defaults'), '.env.example', 'IMAGE_REPOSITORY=ghcr.io/your-org/my-service', 'IMAGE_REPOSITORY=ghcr.io/your-org/my-svc'), 'image-name-mismatch', '.env.example')
  })

  it("the chart's image.repository changed", () => {
    expectOnly(edit(golden('gke-go-mongodb-helm'), 'deploy/helm/catalog/values.yaml', 'repository: us-docker.pkg.dev/your-project/containers/catalog', 'repository: us-docker.pkg.dev/your-project/containers/catalogue'), 'image-name-mismatch', 'deploy/helm/catalog/values.yaml')
  })

  it("the release workflow's IMAGE_NAME changed", () => {
    expectOnly(edit(golden('go-defaults'), '.github/workflows/release.yml', 'IMAGE_NAME: "my-service"', 'IMAGE_NAME: "my-servce"'), 'image-name-mismatch', '.github/workflows/release.yml')
    expectOnly(edit(golden('gitlab-compose-python'), '.gitlab-ci.yml', 'IMAGE_NAME: "reports"', 'IMAGE_NAME: "report"'), 'image-name-mismatch', '.gitlab-ci.yml')
  })

  it('a Kustomize images entry no container uses, and the deploy job naming another image', () => {
    const files = golden('eks-node-postgres-redis-kustomize')
    const path = 'deploy/kustomize/base/kustomization.yaml'
    expectOnly(edit(files, path, '  - name: 123456789012.dkr.ecr.us-east-1.amazonaws.com/storefront', '  - name: 123456789012.dkr.ecr.us-east-1.amazonaws.com/store'), 'image-name-mismatch', path)
    expectOnly(edit(golden('gitlab-gke-go-kustomize'), '.gitlab-ci.yml', '- name: us-docker.pkg.dev/your-project/containers/inventory', '- name: us-docker.pkg.dev/your-project/containers/inventry'), 'image-name-mismatch', '.gitlab-ci.yml')
  })

  it("accepts Docker Hub's short form of the same repository", () => {
    const files = filesOf({ name: 'catalog', platform: 'kubernetes', registry: 'dockerhub' })
    expectClean(edit(files, 'deploy/helm/catalog/values.yaml', 'repository: docker.io/your-org/catalog', 'repository: your-org/catalog'))
  })
})

describe('env-name-mismatch', () => {
  it('a ${DB_PASWORD} typo in compose.yaml', () => {
    const files = edit(golden('node-npm-postgres-redis'), 'compose.yaml', '${POSTGRES_PASSWORD:-dev-only-password}@postgres', '${DB_PASWORD}@postgres')
    const [f] = expectOnly(files, 'env-name-mismatch', 'compose.yaml')
    expect(f!.message).toContain('${DB_PASWORD}')
  })

  it('a slip of a name hidden behind a default', () => {
    const files = edit(golden('node-npm-postgres-redis'), 'compose.yaml', '${POSTGRES_PASSWORD:-dev-only-password}@postgres', '${POSTGRES_PASWORD:-dev-only-password}@postgres')
    const [f] = expectOnly(files, 'env-name-mismatch', 'compose.yaml')
    expect(f!.hint).toContain('POSTGRES_PASSWORD')
    // A short name one letter from another is as often a second variable.
    expectClean(edit(golden('node-defaults'), 'compose.yaml', 'LOG_LEVEL: ${LOG_LEVEL:-info}', 'LOG_LEVEL: ${LOG_LEVEL:-info}\n      API_PORT: ${API_PORT:-3000}'))
  })

  it('a name in .env.example that no Compose file uses', () => {
    expectOnly(edit(golden('python-defaults'), '.env.example', 'LOG_LEVEL=info', 'LOGLEVEL=info'), 'env-name-mismatch', '.env.example')
  })

  it('a connection URL of the chart that expands a variable nobody defines', () => {
    const path = 'deploy/helm/orders-api/values.yaml'
    expectOnly(edit(golden('k8s-node-postgres-redis-helm'), path, ':$(POSTGRES_PASSWORD)@postgres', ':$(POSTGRES_PASWORD)@postgres'), 'env-name-mismatch', path)
  })

  it('the app reads another name in Compose than in the chart', () => {
    const files = golden('k8s-node-postgres-redis-helm')
    expectOnly(edit(files, 'deploy/helm/orders-api/values.yaml', '  CACHE_URL: "redis://', '  REDIS_URL: "redis://'), 'env-name-mismatch', 'deploy/helm/orders-api/values.yaml')
    expectOnly(edit(files, 'deploy/helm/orders-api/values-dev.yaml', '    CACHE_PASSWORD: "dev-only-password"', '    REDIS_PASSWORD: "dev-only-password"'), 'env-name-mismatch', 'deploy/helm/orders-api/values-dev.yaml')
  })

  it("Kustomize: a variable the app's URL expands, and a key the dev Secret lacks", () => {
    const files = golden('eks-node-postgres-redis-kustomize')
    expectOnly(edit(files, 'deploy/kustomize/base/deployment.yaml', '$(POSTGRES_USER):$(POSTGRES_PASSWORD)@postgres', '$(POSTGRES_USER):$(POSTGRES_PASS)@postgres'), 'env-name-mismatch', 'deploy/kustomize/base/deployment.yaml')
    expectOnly(edit(files, 'deploy/kustomize/overlays/dev/kustomization.yaml', '- CACHE_PASSWORD=dev-only-password', '- REDIS_PASSWORD=dev-only-password'), 'env-name-mismatch', 'deploy/kustomize/overlays/dev/kustomization.yaml')
  })
})

describe('service-name-mismatch', () => {
  it('depends_on names a service that does not exist', () => {
    const [f] = expectOnly(edit(golden('node-npm-postgres-redis'), 'compose.yaml', '      redis:\n        condition: service_healthy', '      cache:\n        condition: service_healthy'), 'service-name-mismatch', 'compose.yaml')
    expect(f!.message).toMatch(/depends on "cache"/)
  })

  it("the database URL's host is not a Compose service", () => {
    expectOnly(edit(golden('go-postgres-redis'), 'compose.prod.yaml', '@postgres:5432', '@db:5432'), 'service-name-mismatch', 'compose.prod.yaml')
  })

  it("the chart's connection URL names no in-cluster service", () => {
    const path = 'deploy/helm/catalog/values.yaml'
    expectOnly(edit(golden('gke-go-mongodb-helm'), path, '@mongodb:27017', '@mongo:27017'), 'service-name-mismatch', path)
  })

  it("the Kustomize app's URL names no Service of the tree", () => {
    expectOnly(edit(golden('eks-node-postgres-redis-kustomize'), 'deploy/kustomize/base/deployment.yaml', '@redis:6379', '@valkey:6379'), 'service-name-mismatch', 'deploy/kustomize/base/deployment.yaml')
  })

  it("an overlay's patch points the app at a host that is no Service", () => {
    const path = 'deploy/kustomize/overlays/prod/kustomization.yaml'
    const files = edit(golden('eks-node-postgres-redis-kustomize'), path, '@storefront-postgres.prod.example.internal:5432', '@pg:5432')
    const [f] = expectOnly(files, 'service-name-mismatch', path)
    expect(f!.message).toMatch(/^DATABASE_URL connects to "pg"/)
    expect(files.get(path)!.split('\n')[f!.line! - 1]).toContain('@pg:5432')
  })

  it('the repository-wide Compose file extends a service its folder does not have', () => {
    expectOnly(edit(severalServices('pnpm-monorepo'), 'compose.yaml', '      service: postgres', '      service: postgresql'), 'service-name-mismatch', 'compose.yaml')
  })

  it("accepts a service of the repository-wide Compose file that runs beside a folder's app", () => {
    const files = severalServices('pnpm-monorepo')
    expectClean(edit(files, 'apps/web/compose.yaml', /(\n {6}PORT: "3001"\n)/, '$1      API_URL: http://api:8787\n'))
    expectOnly(edit(files, 'apps/web/compose.yaml', /(\n {6}PORT: "3001"\n)/, '$1      API_URL: http://apis:8787\n'), 'service-name-mismatch', 'apps/web/compose.yaml')
  })

  it('accepts network aliases and extra services the app connects to', () => {
    let files = golden('node-npm-postgres-redis')
    files = edit(files, 'compose.yaml', '@postgres:5432', '@db:5432')
    files = edit(files, 'compose.yaml', '    # Only the app can reach it: the backend network has no route to the outside.\n    networks:\n      - backend\n\n  redis:', '    networks:\n      backend:\n        aliases: [db]\n\n  redis:')
    files = edit(files, 'compose.yaml', '      CACHE_URL:', '      SEARCH_URL: http://search:9200\n      CACHE_URL:')
    files = edit(files, 'compose.yaml', '\nnetworks:', '\n  search:\n    image: opensearchproject/opensearch:3\n    networks:\n      - backend\n\nnetworks:')
    expectClean(files)
  })
})

describe('what is not a mismatch', () => {
  it('extra names in .env.example and in the chart, and an env_file', () => {
    let files = golden('k8s-node-postgres-redis-helm')
    files = edit(files, '.env.example', 'LOG_LEVEL=info', 'LOG_LEVEL=info\n# Error reporting, read by the app outside Docker too\nSENTRY_DSN=')
    files = edit(files, 'deploy/helm/orders-api/values.yaml', '  LOG_LEVEL: "info"', '  LOG_LEVEL: "info"\n  # -- Feature flags, cluster only\n  FEATURE_FLAGS: "beta"')
    files = edit(files, 'compose.yaml', '    init: true\n', '    init: true\n    env_file:\n      - path: .env\n        required: false\n')
    expectClean(files)
  })

  it('files that do not parse are skipped, and odd but valid shapes do not throw', () => {
    const files = golden('eks-node-postgres-redis-kustomize')
    expectClean(new Map(files).set('compose.prod.yaml', 'services:\n  app: [\n'))
    expectClean(new Map(files).set('compose.yaml', 'services:\n  app: {\n').set('deploy/kustomize/base/kustomization.yaml', '%%%: ['))
    const odd = new Map([
      ['Dockerfile', 'EXPOSE 80\nHEALTHCHECK NONE\n'],
      ['compose.yaml', 'services:\n  app:\n    build: .\n    environment: null\n    ports: [{published: 80}, "x:y", 3000]\n    depends_on: null\n  db: null\n'],
      ['compose.override.yaml', 'services: null\n'],
      ['.env.example', 'no equals sign here\nPORT=\n'],
      ['deploy/helm/x/Chart.yaml', 'name: x\n'],
      ['deploy/helm/x/values.yaml', 'health: /healthz\nconnectionUrls: [1]\ninCluster: yes\nsecretEnv: {a: 1}\nimage: nginx\n'],
      ['deploy/kustomize/kustomization.yaml', 'resources: deployment.yaml\nimages: {}\npatches: [{patch: "- op: replace"}]\n'],
      ['deploy/kustomize/deployment.yaml', 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers: [{name: app, ports: 80, env: [{value: x}]}]\n'],
      ['.github/workflows/release.yml', 'env: [1]\n'],
      ['.gitlab-ci.yml', '- 1\n'],
    ])
    for (const r of CONSISTENCY_RULES) expect(() => r.check({ files: odd })).not.toThrow()
  })
})

describe('reading the files', () => {
  it("interpolates Compose variables without an environment", () => {
    expect(interpolate('127.0.0.1:${APP_PORT:-3000}:3000')).toEqual({ text: '127.0.0.1:3000:3000', refs: [{ name: 'APP_PORT', form: 'default' }] })
    expect(interpolate('${IMAGE_REPOSITORY:-ghcr.io/o/app}:${IMAGE_TAG:?Set IMAGE_TAG (see .env)}').text).toBe(`ghcr.io/o/app:${UNKNOWN}`)
    expect(interpolate('pg_isready -U "$${POSTGRES_USER}"').refs).toEqual([])
    expect(interpolate('$HOME/${A-${B}}').refs.map((r) => `${r.name}:${r.form}`)).toEqual(['HOME:plain', 'A:default', 'B:plain'])
  })

  it.each([
    ['node', 'node -e fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then(...)', '/healthz'],
    ['python', "python -c import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['PORT'], timeout=2)", '/healthz'],
    ['php', "php -r exit(@file_get_contents('http://127.0.0.1:' . getenv('PORT') . '/up', false) === false ? 1 : 0);", '/up'],
    ['ruby', "ruby -rnet/http -e exit((Net::HTTP.start('127.0.0.1', ENV.fetch('PORT')) { |h| h.get('/healthz').is_a?(Net::HTTPSuccess) } rescue false) ? 0 : 1)", '/healthz'],
    ['shell', 'wget -qO- localhost:8080/readyz?full=1 || exit 1', '/readyz'],
    ['a binary that checks itself', '/app/server -healthcheck', undefined],
    ['the java client', 'java -Xmx16m -cp /opt/healthcheck HealthCheck', undefined],
    ['the root page', 'curl -f http://localhost:3000/', undefined],
  ])('the path a %s health check requests', (_n, command, path) => {
    expect(requestedPath(command)).toBe(path)
  })

  it('finds the hosts a setting connects to', () => {
    expect(connectionHosts('DATABASE_URL', 'postgres://app:$(POSTGRES_PASSWORD)@postgres:5432/app')).toEqual(['postgres'])
    expect(connectionHosts('MONGO_URL', 'mongodb://u:p@mongo-0:27017,mongo-1:27017/app?replicaSet=rs0')).toEqual(['mongo-0', 'mongo-1'])
    expect(connectionHosts('CACHE_URL', 'memcached://memcached:11211')).toEqual(['memcached'])
    expect(connectionHosts('REDIS_HOST', 'redis')).toEqual(['redis'])
    expect(connectionHosts('DATABASE_URL', 'postgres://u:p@db.prod.example.internal:5432/app')).toEqual([])
    expect(connectionHosts('API_URL', 'http://localhost:8080')).toEqual([])
  })

  it('takes only likely slips for slips of a variable name', () => {
    expect(lookalike('LOGLEVEL', ['LOG_LEVEL'])).toBe('LOG_LEVEL')
    expect(lookalike('DB_PASWORD', ['DB_PASSWORD'])).toBe('DB_PASSWORD')
    expect(lookalike('POSTGRES_PASWROD', ['POSTGRES_PASSWORD', 'POSTGRES_USER'])).toBeUndefined()
    expect(lookalike('POSTGRES_PASSWROD', ['POSTGRES_PASSWORD'])).toBe('POSTGRES_PASSWORD')
    expect(lookalike('API_PORT', ['APP_PORT'])).toBeUndefined()
    expect(lookalike('WORKER_PORT', ['WORKER_HOST'])).toBeUndefined()
  })
})

describe('serviceFolders', () => {
  it('finds every folder with a Dockerfile or Compose file, not vendored ones', () => {
    const files = new Map(['services/api/Dockerfile', 'services/api/compose.yaml', 'web/docker-compose.yml', 'Dockerfile', 'node_modules/x/Dockerfile', 'docs/README.md'].map((p) => [p, '']))
    expect(serviceFolders(files)).toEqual(['.', 'services/api', 'web'])
  })
})

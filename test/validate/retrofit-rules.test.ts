import { describe, expect, it } from 'vitest'
import { validateAnswers, type RawAnswers } from '../../src/answers.js'
import type { AppFacts } from '../../src/detect/types.js'
import { generate } from '../../src/generate.js'
import { CHART_RULES } from '../../src/validate/rules/chart.js'
import { CONSISTENCY_RULES } from '../../src/validate/rules/consistency.js'
import type { Finding } from '../../src/validate/types.js'

// validate on what a retrofit writes: TCP probes for an app without a health route and the app's
// own variable names are accepted, and real disagreements about them are still found.

type Files = Map<string, string>
const RULES = [...CONSISTENCY_RULES, ...CHART_RULES]
const check = (files: ReadonlyMap<string, string>): Finding[] => RULES.flatMap((r) => r.check({ files }))
const show = (findings: readonly Finding[]) => findings.map((f) => `[${f.rule}] ${f.file}:${f.line ?? ''} ${f.message}`).join('\n')

const APP: AppFacts = {
  portEnv: 'HTTP_PORT',
  hostEnv: 'HOST',
  databaseEnv: [{ name: 'DB_HOST', part: 'host' }, { name: 'DB_PORT', part: 'port' }, { name: 'DB_USER', part: 'user' }, { name: 'DB_PASSWORD', part: 'password' }, { name: 'DB_NAME', part: 'database' }],
  cacheEnv: [{ name: 'REDIS_URL', part: 'url' }],
  requiredEnv: [{ name: 'JWT_SECRET', devValue: 'dev-jwt', secret: true, evidence: { file: 'src/env.js', reason: 'envalid str()' } }],
  health: { liveness: null, readiness: null },
}

// The Dockerfile is B2's (it follows the same contract); here one whose HEALTHCHECK connects to the
// port, like the generated ones for an app without a health route.
const TCP_DOCKERFILE = `FROM node:24-slim AS prod
WORKDIR /app
COPY . .
USER 1000
EXPOSE 3000
HEALTHCHECK CMD ["node", "-e", "require('net').connect(process.env.HTTP_PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"]
CMD ["node", "src/index.js"]
`

function retrofit(raw: Partial<RawAnswers>, app: AppFacts = APP): Files {
  const answers = validateAnswers({ name: 'shop', language: 'node', port: 3000, database: 'postgres', cache: 'redis', ...raw } as RawAnswers)
  const files = new Map(generate(answers, { retrofit: { dir: '.', app } }).files.map((f) => [f.path, f.content]))
  return files.set('Dockerfile', TCP_DOCKERFILE)
}

function edit(files: Files, path: string, from: string | RegExp, to: string): Files {
  const text = files.get(path)
  if (text === undefined) throw new Error(`no ${path}`)
  const next = text.replace(from, to)
  if (next === text) throw new Error(`${String(from)} is not in ${path}`)
  return new Map(files).set(path, next)
}

function expectOnly(files: Files, rule: string, file?: string): Finding[] {
  const findings = check(files)
  expect([...new Set(findings.map((f) => f.rule))], show(findings)).toEqual([rule])
  if (file) expect(findings.map((f) => f.file), show(findings)).toContain(file)
  return findings
}

const helm = (raw: Partial<RawAnswers> = {}, app?: AppFacts) => retrofit({ platform: 'kubernetes', k8sFormat: 'helm', ...raw }, app)
const kustomize = (raw: Partial<RawAnswers> = {}, app?: AppFacts) => retrofit({ platform: 'kubernetes', k8sFormat: 'kustomize', ...raw }, app)
const CHART = 'deploy/helm/shop'
const KZ = 'deploy/kustomize'

describe('what a retrofit writes is consistent', () => {
  it.each([
    ['Helm, TCP checks', () => helm()],
    ['Kustomize, TCP checks', () => kustomize()],
    ['EKS Helm: the ALB asks / of an app without a health route', () => helm({ platform: 'eks', registry: 'ecr' })],
    ['EKS Kustomize', () => kustomize({ platform: 'eks', registry: 'ecr' })],
    ['GKE Helm, the app\'s own routes', () => helm({ platform: 'gke', registry: 'gar' }, { ...APP, health: { liveness: '/health', readiness: '/health/ready' } }).set('Dockerfile', TCP_DOCKERFILE.replace(/HEALTHCHECK .*/, 'HEALTHCHECK CMD ["curl", "-f", "http://127.0.0.1:3000/health"]'))],
    ['Compose only', () => retrofit({})],
  ])('%s', (_n, make) => {
    const findings = check(make())
    expect(findings, show(findings)).toEqual([])
  })
})

describe('health-path-mismatch with TCP checks', () => {
  it('a HEALTHCHECK that asks a path while the probes connect by TCP: one of them is wrong', () => {
    const files = helm().set('Dockerfile', TCP_DOCKERFILE.replace(/HEALTHCHECK .*/, 'HEALTHCHECK CMD ["curl", "-f", "http://127.0.0.1:3000/healthz"]'))
    const [f] = expectOnly(files, 'health-path-mismatch', 'Dockerfile')
    expect(f!.message).toMatch(/the path the HEALTHCHECK requests is \/healthz, which is not one of the app's health endpoints: a TCP check on the port for liveness/)
    expect(f!.hint).toMatch(/no health route, so \/healthz always fails/)
  })

  it('an environment that asks a path where values.yaml says TCP', () => {
    const files = edit(helm(), `${CHART}/values-prod.yaml`, /\n*$/, '\n\nhealth:\n  readinessPath: /ready\n')
    const [f] = expectOnly(files, 'health-path-mismatch')
    expect(f!.message).toMatch(/^health.readinessPath is \/ready, but health.readinessPath in deploy\/helm\/shop\/values.yaml:\d+ says a TCP check on the port$/)
    expect(f!.hint).toMatch(/if it serves \/ready, ask it everywhere; if not, every check of it always fails/)
  })

  it('a Kustomize overlay that patches an HTTP path over the base\'s TCP probe', () => {
    const files = edit(kustomize(), `${KZ}/overlays/prod/kustomization.yaml`, /(  # The prod host name\.)/, `  - target:\n      kind: Deployment\n      name: shop\n    patch: |-\n      - op: add\n        path: /spec/template/spec/containers/0/livenessProbe/httpGet\n        value:\n          path: /healthz\n          port: http\n      - op: replace\n        path: /spec/template/spec/containers/0/readinessProbe/httpGet/path\n        value: /readyz\n$1`)
    const findings = expectOnly(files, 'health-path-mismatch', `${KZ}/overlays/prod/kustomization.yaml`)
    expect(findings.map((f) => f.message).sort()).toEqual([
      expect.stringMatching(/^the livenessProbe a patch sets is \/healthz, but the (startupProbe|livenessProbe) in deploy\/kustomize\/base\/deployment.yaml:\d+ and 1 other place say a TCP check on the port$/),
      expect.stringMatching(/^the readinessProbe a patch sets is \/readyz, but the readinessProbe in deploy\/kustomize\/base\/deployment.yaml:\d+ says a TCP check on the port$/),
    ])
  })

  it('a load balancer path other than / is still checked against TCP probes', () => {
    const files = edit(helm({ platform: 'eks', registry: 'ecr' }), `${CHART}/values.yaml`, 'alb.ingress.kubernetes.io/healthcheck-path: "/"', 'alb.ingress.kubernetes.io/healthcheck-path: "/status"')
    const [f] = expectOnly(files, 'health-path-mismatch', `${CHART}/values.yaml`)
    expect(f!.message).toMatch(/alb.ingress.kubernetes.io\/healthcheck-path annotation is \/status/)
  })
})

describe('port-mismatch on the app\'s own port variable', () => {
  it('the chart\'s portEnv makes HTTP_PORT a port variable in Compose too', () => {
    const [f] = expectOnly(edit(helm(), 'compose.yaml', 'HTTP_PORT: "3000"', 'HTTP_PORT: "4000"'), 'port-mismatch', 'compose.yaml')
    expect(f!.message).toMatch(/HTTP_PORT of service "app" is 4000, but .* say 3000/)
  })

  it('containerPort changed alone disagrees with HTTP_PORT elsewhere', () => {
    expectOnly(edit(helm(), `${CHART}/values.yaml`, 'containerPort: 3000', 'containerPort: 3001'), 'port-mismatch')
  })
})

describe('env-name-mismatch on the app\'s own names', () => {
  it('the chart\'s ConfigMap sets the port variable portEnv names', () => {
    // The ConfigMap template writes `{{ .Values.portEnv | default "PORT" }}`: HTTP_PORT is set there.
    expect(check(helm()).filter((f) => f.rule === 'env-name-mismatch')).toEqual([])
    expect(helm().get(`${CHART}/templates/configmap.yaml`)).toContain('{{ .Values.portEnv | default "PORT" }}: {{ .Values.containerPort | quote }}')
  })

  it('a connection setting the chart names differently from Compose', () => {
    const [f] = expectOnly(edit(helm(), `${CHART}/values.yaml`, '  DB_HOST: "postgres"', '  DATABASE_HOST: "postgres"'), 'env-name-mismatch')
    expect(f!.message).toBe('The app reaches postgres through DB_HOST in compose.yaml, but deploy/helm/shop/values.yaml gives it no DB_HOST')
  })

  it('a Kustomize Deployment that renames a split setting', () => {
    expectOnly(edit(kustomize(), `${KZ}/base/deployment.yaml`, '- name: DB_HOST\n', '- name: DB_HOSTNAME\n'), 'env-name-mismatch')
  })

  it('a required secret missing from the dev Secret of the chart', () => {
    const [f] = expectOnly(edit(helm(), `${CHART}/values-dev.yaml`, /\n {4}# -- Required by the app at boot[^\n]*\n {4}JWT_SECRET: "dev-jwt"/, ''), 'env-name-mismatch')
    expect(f!.message).toMatch(/secrets.devValues has no JWT_SECRET/)
  })
})

describe('compiled probes (images without a shell) name the route as their argument', () => {
  for (const language of ['go', 'rust', 'dotnet'] as const) {
    it(`${language}: the probe's route is a claim, checked against the chart`, () => {
      const answers = validateAnswers({ name: 'board', language, port: 9898, platform: 'kubernetes', k8sFormat: 'helm' } as RawAnswers)
      const app: AppFacts = { health: { liveness: '/status', readiness: '/status' }, ...(language === 'rust' ? { binary: 'board' } : language === 'go' ? { mainPackage: './cmd/board' } : {}) }
      const files: Files = new Map(generate(answers, { retrofit: { dir: '.', app } }).files.map((f) => [f.path, f.content]))
      expect(files.get('Dockerfile')).toMatch(/healthcheck(?:\.dll)?", "\/status"\]/i)
      expect(show(check(files))).toBe('')
      const findings = expectOnly(edit(files, 'Dockerfile', /", "\/status"\]/, '", "/wrong"]'), 'health-path-mismatch', 'Dockerfile')
      expect(findings[0]!.message).toMatch(/requests is \/wrong/)
    })
  }
})

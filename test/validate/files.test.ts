import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import type { Policy } from '../../src/config/types.js'
import { placeInRepo } from '../../src/cli/retrofit.js'
import { detect, memoryRepo } from '../../src/detect/index.js'
import { proposeAnswers } from '../../src/detect/proposal.js'
import { generate } from '../../src/generate.js'
import { combineServices } from '../../src/monorepo.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { CHART_RULES } from '../../src/validate/rules/chart.js'
import { COMPOSE_RULES } from '../../src/validate/rules/compose.js'
import { DOCKERFILE_RULES, isSecretName, parseDockerfile, shippedStages } from '../../src/validate/rules/dockerfile.js'
import type { Finding } from '../../src/validate/types.js'
import { FIXTURES } from '../detect/fixtures.js'
import { SCENARIOS, scenario, variants } from '../fixtures/scenarios.js'

const RULES = [...DOCKERFILE_RULES, ...COMPOSE_RULES, ...CHART_RULES]
type Files = ReadonlyMap<string, string>

const check = (files: Files): Finding[] => RULES.flatMap((r) => r.check({ files }))
const asMap = (files: readonly { path: string; content: string }[]): Map<string, string> => new Map(files.map((f) => [f.path, f.content]))
const generated = (a: Answers, opts: Parameters<typeof generate>[1] = {}) => asMap(generate(a, opts).files)
const ruleIds = (findings: readonly Finding[]) => [...new Set(findings.map((f) => f.rule))].sort()

const GOLDEN = new URL('../__golden__/', import.meta.url).pathname
const GOLDEN_IDS = readdirSync(GOLDEN).sort()

/** A golden project as committed: its rendered files only (copied templates are listed in FILES.txt). */
function goldenOnDisk(id: string): Map<string, string> {
  const root = join(GOLDEN, id)
  const out = new Map<string, string>()
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name)
      if (statSync(abs).isDirectory()) walk(abs)
      else if (abs !== join(root, 'FILES.txt')) out.set(relative(root, abs).split('\\').join('/'), readFileSync(abs, 'utf8'))
    }
  }
  walk(root)
  return out
}

/** A copy of `files` with one edit; fails when the edit does not apply, so a broken copy is really broken. */
function edit(files: Files, path: string, from: RegExp | string, to: string): Map<string, string> {
  const text = files.get(path)
  expect(text, `${path} is not among the files`).toBeDefined()
  const next = text!.replace(from, to)
  expect(next, `${path}: ${String(from)} not found`).not.toBe(text)
  return new Map([...files, [path, next]])
}

/** Removes the YAML line matching `key` and every line indented below it. */
function dropBlock(files: Files, path: string, key: RegExp): Map<string, string> {
  const lines = files.get(path)!.split('\n')
  const at = lines.findIndex((l) => key.test(l))
  expect(at, `${path}: ${String(key)} not found`).toBeGreaterThanOrEqual(0)
  const indent = /^\s*/.exec(lines[at]!)![0].replace(/- $/, '  ').length
  let end = at + 1
  while (end < lines.length && (lines[end]!.trim() === '' || /^\s*/.exec(lines[end]!)![0].length > indent)) end++
  return new Map([...files, [path, [...lines.slice(0, at), ...lines.slice(end)].join('\n')]])
}

/** Every finding of a broken copy comes from `rule`, and there is at least one. */
function expectOnly(files: Files, rule: string): Finding[] {
  const found = check(files)
  expect(ruleIds(found), JSON.stringify(found, null, 2)).toEqual([rule])
  const severity = RULES.find((r) => r.id === rule)!.severity
  for (const f of found) expect(f.severity).toBe(severity)
  return found
}

describe('the rules', () => {
  it('have unique ids, a severity and a one-line summary', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length)
    for (const r of RULES) {
      expect(r.id).toMatch(/^(dockerfile|compose|chart)-[a-z-]+$/)
      expect(['error', 'warning']).toContain(r.severity)
      expect(r.summary).not.toContain('\n')
    }
  })
})

describe('clean: every golden scenario', () => {
  it.each(GOLDEN_IDS)('%s as committed', (id) => {
    expect(check(goldenOnDisk(id))).toEqual([])
  })
  it.each(Object.keys(SCENARIOS))('%s generated whole (chart templates included)', (id) => {
    expect(check(generated(scenario(id)))).toEqual([])
  })
})

const LANGUAGES = LANGUAGE_CHOICES.filter((l) => l.available).map((l) => l.id)

describe('clean: generated variants', () => {
  it.each(variants().map((a) => [`${a.language}/${a.framework}/${a.packageManager}`, a] as const))('%s with postgres and redis (compose)', (_n, a) => {
    expect(check(generated(a))).toEqual([])
  })
  it.each(LANGUAGES.flatMap((language) => (['helm', 'kustomize'] as const).map((k8sFormat) => [`${language} ${k8sFormat}`, language, k8sFormat] as const)))('%s defaults on Kubernetes', (_n, language, k8sFormat) => {
    expect(check(generated(validateAnswers({ name: `v-${language}`, language, platform: 'kubernetes', k8sFormat })))).toEqual([])
  })
  it.each([
    ['mysql', 'memcached', 'eks', 'helm'],
    ['mongodb', 'valkey', 'aks', 'kustomize'],
    ['mariadb', 'none', 'gke', 'kustomize'],
  ] as const)('node with %s and %s on %s (%s)', (database, cache, platform, k8sFormat) => {
    expect(check(generated(validateAnswers({ name: 'cloudy', database, cache, platform, k8sFormat })))).toEqual([])
  })

  const POLICY: Policy = {
    baseImages: { mirrors: { 'docker.io': 'registry.acme.dev/dockerhub', 'ghcr.io': 'registry.acme.dev/ghcr', 'mcr.microsoft.com': 'registry.acme.dev/mcr', 'gcr.io': 'registry.acme.dev/gcr' } },
    labels: { 'acme.dev/team': 'payments' },
    annotations: { 'acme.dev/owner': 'payments@acme.dev' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    scan: { failOn: 'MEDIUM' },
  }
  it.each([
    ['node', 'helm'],
    ['python', 'kustomize'],
    ['go', 'helm'],
  ] as const)('policy-shaped: %s on %s, mirrored images and resource floors', (language, k8sFormat) => {
    const files = generated(validateAnswers({ name: `p-${language}`, language, platform: 'kubernetes', k8sFormat, database: 'postgres', cache: 'redis' }), { policy: POLICY })
    expect(files.get('Dockerfile')).toContain('registry.acme.dev/')
    expect(check(files)).toEqual([])
  })
})

describe('clean: retrofits', () => {
  const services = FIXTURES.flatMap((fx) =>
    detect(memoryRepo(fx.files), { rootName: fx.rootName }).services.map((s) => {
      const raw = proposeAnswers(s).answers
      if (raw.port === null || raw.port === undefined) delete raw.port
      let answers: Answers
      try {
        answers = validateAnswers(raw)
      } catch {
        answers = validateAnswers({ ...raw, languageVersion: undefined })
      }
      return [`${fx.id}${s.dir === '.' ? '' : `:${s.dir}`}`, answers, s] as const
    }),
  )
  it.each(services)('%s', (_id, answers, s) => {
    expect(check(asMap(placeInRepo(generate(answers, { retrofit: { dir: s.dir, app: s.app } }).files, s.dir)))).toEqual([])
    for (const k8sFormat of ['helm', 'kustomize'] as const) {
      const k8s = validateAnswers({ ...answers, platform: 'kubernetes', k8sFormat })
      expect(check(asMap(placeInRepo(generate(k8s, { retrofit: { dir: s.dir, app: s.app } }).files, s.dir))), k8sFormat).toEqual([])
    }
  })

  it.each(['pnpm-monorepo', 'polyglot-with-docs'])('%s: every service at once, with the repository-wide compose.yaml', (id) => {
    const fx = FIXTURES.find((f) => f.id === id)!
    const placed = detect(memoryRepo(fx.files), { rootName: fx.rootName }).services.map((s) => {
      const answers = validateAnswers({ ...proposeAnswers(s).answers, platform: 'kubernetes', ci: 'github' })
      const g = generate(answers, { retrofit: { dir: s.dir, app: s.app, workflowPrefix: answers.name } })
      return { dir: s.dir, context: g.context, files: placeInRepo(g.files, s.dir) }
    })
    const files = asMap(combineServices(placed, fx.rootName))
    expect([...files.keys()].filter((p) => /compose\.yaml$/.test(p)).length).toBeGreaterThan(placed.length)
    expect(check(files)).toEqual([])
  })
})

// ---------------------------------------------------------------- broken copies

const node = () => generated(scenario('node-defaults'))
const go = () => generated(scenario('go-defaults'))
const php = () => generated(scenario('php-defaults'))
const dotnet = () => generated(scenario('dotnet-defaults'))
const withDeps = () => generated(scenario('node-npm-postgres-redis'))
const helm = () => generated(scenario('k8s-node-postgres-redis-helm'))
const kustomize = () => generated(scenario('eks-node-postgres-redis-kustomize'))
const CHART = 'deploy/helm/orders-api'
const KZ = 'deploy/kustomize'

/** The last match of a line in a file, so an edit hits the shipped stage rather than dev/test. */
const lastLine = (text: string, re: RegExp) => {
  const all = [...text.matchAll(new RegExp(re.source, 'gm'))]
  expect(all.length).toBeGreaterThan(0)
  return all.at(-1)![0]
}
const editLast = (files: Files, path: string, re: RegExp, to: string) => {
  const text = files.get(path)!
  const line = lastLine(text, re)
  const at = text.lastIndexOf(line)
  return new Map([...files, [path, text.slice(0, at) + to + text.slice(at + line.length)]])
}

describe('dockerfile-root-user', () => {
  it('fails when the shipped stage loses its USER, at its FROM line', () => {
    const files = editLast(node(), 'Dockerfile', /^USER 1000:1000\n/, '')
    const [f] = expectOnly(files, 'dockerfile-root-user')
    expect(files.get('Dockerfile')!.split('\n')[f!.line! - 1]).toMatch(/^FROM \$\{NODE_IMAGE\} AS prod/)
  })
  it('fails on USER root and USER 0', () => {
    const found = expectOnly(editLast(go(), 'Dockerfile', /^USER 1000:1000$/, 'USER root'), 'dockerfile-root-user')
    expect(found[0]!.message).toContain('runs as root')
    expectOnly(editLast(dotnet(), 'Dockerfile', /^USER 1654:1654$/, 'USER 0:0'), 'dockerfile-root-user')
  })
  it('follows a stage built on another: prod without USER inherits the base stage\'s root', () => {
    expectOnly(editLast(php(), 'Dockerfile', /^USER 1000:1000\n/, ''), 'dockerfile-root-user')
  })
  it('trusts images made to run unprivileged without a USER line', () => {
    const text = 'FROM gcr.io/distroless/static-debian13:nonroot AS prod\nCOPY server /server\nCMD ["/server"]\n'
    expect(check(new Map([['Dockerfile', text]]))).toEqual([])
    expectOnly(new Map([['Dockerfile', text.replace(':nonroot', ':latest-amd64')]]), 'dockerfile-root-user')
  })
  it('checks the last stage and prod/production/runtime stages that nothing builds on', () => {
    const df = parseDockerfile('FROM node:24 AS runtime\nFROM runtime AS toolchain\nFROM node:24 AS prod\nUSER 1000\nFROM prod AS debug\n')
    expect(shippedStages(df).map((s) => s.name)).toEqual(['debug'])
    expect(shippedStages(parseDockerfile('FROM node:24 AS production\nUSER 1000\nFROM node:24 AS tools\n')).map((s) => s.name)).toEqual(['production', 'tools'])
  })
})

describe('dockerfile-unpinned-base', () => {
  it('fails on FROM node:latest', () => {
    const files = edit(node(), 'Dockerfile', 'FROM ${NODE_IMAGE} AS prod', 'FROM node:latest AS prod')
    expect(expectOnly(files, 'dockerfile-unpinned-base')[0]!.message).toContain('node:latest is tagged latest')
  })
  it('resolves the image through ARG defaults: an ARG without a tag', () => {
    const found = expectOnly(edit(go(), 'Dockerfile', /^ARG GO_IMAGE=.*$/m, 'ARG GO_IMAGE=golang'), 'dockerfile-unpinned-base')
    expect(found.map((f) => f.message)).toContain('base image ${GO_IMAGE} (golang) has no tag, so every build may pull a different image')
  })
  it('checks images copied from, too', () => {
    expectOnly(edit(go(), 'Dockerfile', /^COPY --from=build \/out\/server/m, 'COPY --from=busybox /bin/true /bin/true\n$&'), 'dockerfile-unpinned-base')
  })
  it('leaves stage names, scratch, digests and build args without default alone', () => {
    const text = 'ARG BASE\nFROM ${BASE} AS a\nFROM scratch AS b\nFROM node@sha256:abc AS c\nCOPY --from=a /x /x\nFROM c\nUSER 1000\nCMD ["x"]\n'
    expect(check(new Map([['Dockerfile', text]]))).toEqual([])
  })
})

describe('dockerfile-shell-form', () => {
  it('fails on CMD in shell form in the shipped stage', () => {
    const files = edit(node(), 'Dockerfile', 'CMD ["node", "dist/server.js"]', 'CMD node dist/server.js')
    const [f] = expectOnly(files, 'dockerfile-shell-form')
    expect(f!.hint).toContain('CMD ["node","dist/server.js"]')
  })
  it('fails on ENTRYPOINT in shell form, and on JSON Docker cannot read (single quotes)', () => {
    expectOnly(edit(dotnet(), 'Dockerfile', 'ENTRYPOINT ["dotnet", "App.dll"]', 'ENTRYPOINT dotnet App.dll'), 'dockerfile-shell-form')
    const [f] = expectOnly(edit(go(), 'Dockerfile', 'CMD ["/app/server"]', "CMD ['/app/server']"), 'dockerfile-shell-form')
    expect(f!.message).toContain('not a valid JSON array')
    expect(f!.hint).toContain('CMD ["/app/server"]')
  })
  it('leaves dev/test stages and HEALTHCHECK CMD alone', () => {
    const files = edit(node(), 'Dockerfile', 'CMD ["npm","run","dev"]', 'CMD npm run dev')
    expect(check(files)).toEqual([])
    const text = 'FROM node:24 AS prod\nUSER 1000\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD ["node", "server.js"]\n'
    expect(check(new Map([['svc/Dockerfile.prod', text]]))).toEqual([])
  })
})

describe('dockerfile-secret-in-env', () => {
  it('fails on ENV DB_PASSWORD=hunter2, in either ENV form', () => {
    const [f] = expectOnly(edit(node(), 'Dockerfile', 'ENV NODE_ENV=production \\', 'ENV DB_PASSWORD=hunter2 NODE_ENV=production \\'), 'dockerfile-secret-in-env')
    expect(f!.message).toContain('ENV DB_PASSWORD')
    expectOnly(edit(go(), 'Dockerfile', /^ENV PORT=.*$/m, '$&\nENV STRIPE_API_KEY sk_live_123'), 'dockerfile-secret-in-env')
  })
  it('fails on an ARG named like a secret with a default', () => {
    expectOnly(edit(php(), 'Dockerfile', /^ARG PHP_VERSION=.*$/m, '$&\nARG GITHUB_TOKEN=ghp_0123456789'), 'dockerfile-secret-in-env')
  })
  it('judges names by their word parts', () => {
    for (const name of ['DB_PASSWORD', 'apiKey', 'NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'PRIVATE_KEY', 'GOOGLE_CREDENTIALS', 'APP_KEY']) expect(isSecretName(name), name).toBe(true)
    for (const name of ['POSTGRES_PASSWORD_FILE', 'TOKENIZERS_PARALLELISM', 'MAX_TOKENS', 'CACHE_KEY_PREFIX', 'PWD', 'KEYCLOAK_URL', 'BYPASS_CACHE']) expect(isSecretName(name), name).toBe(false)
  })
})

describe('dockerfile-secret-arg (warning)', () => {
  it('warns on an ARG named like a secret without a value, in a stage or before the first FROM', () => {
    expectOnly(edit(node(), 'Dockerfile', 'FROM base AS deps\n', 'FROM base AS deps\nARG NPM_TOKEN\n'), 'dockerfile-secret-arg')
    const [f] = expectOnly(edit(go(), 'Dockerfile', /^ARG GO_VERSION=.*$/m, 'ARG GITHUB_TOKEN\n$&'), 'dockerfile-secret-arg')
    expect(f!.hint).toContain('--mount=type=secret')
  })
})

describe('compose-parse', () => {
  it('fails on a compose file that is not YAML, and skips it for the other rules', () => {
    const [f] = expectOnly(edit(withDeps(), 'compose.yaml', '  postgres:\n', '  postgres:\n\t  image: [postgres\n'), 'compose-parse')
    expect(f!.file).toBe('compose.yaml')
    expect(f!.line).toBeGreaterThan(1)
  })
  it('fails on an override file that is not YAML, or not a mapping', () => {
    expectOnly(edit(withDeps(), 'compose.prod.yaml', 'services:\n', 'services: {app: [\n'), 'compose-parse')
    expectOnly(new Map([...withDeps(), ['compose.test.yaml', '- just\n- a list\n']]), 'compose-parse')
  })
})

describe('compose-healthcheck-missing (warning)', () => {
  it('warns when a dependency loses its healthcheck', () => {
    // The first healthcheck block is the app's own start timing (its probe is the image's); the second is postgres's.
    const withoutAppTiming = dropBlock(withDeps(), 'compose.yaml', /^ {4}healthcheck:/)
    expect(check(withoutAppTiming)).toEqual([])
    const [f] = expectOnly(dropBlock(withoutAppTiming, 'compose.yaml', /^ {4}healthcheck:/), 'compose-healthcheck-missing')
    expect(f!.message).toContain('service "postgres"')
  })
  it('warns on a pulled image without one', () => {
    expectOnly(edit(node(), 'compose.yaml', /\n\s*$/, '\n  mailpit:\n    image: axllent/mailpit:v1.27\n'), 'compose-healthcheck-missing')
  })
  it('counts the image\'s HEALTHCHECK for a built service: removed, the app others wait for is reported', () => {
    const waiting = edit(node(), 'compose.yaml', /\n\s*$/, '\n  proxy:\n    image: nginx:1.29\n    profiles: [edge]\n    depends_on:\n      app:\n        condition: service_healthy\n')
    expect(check(waiting)).toEqual([])
    const found = expectOnly(dropBlock(waiting, 'Dockerfile', /^HEALTHCHECK /), 'compose-healthcheck-missing')
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining('service "app" has no healthcheck, though other services depend on it')])
  })
  it('exempts one-shot services, tools and healthchecks turned off on purpose', () => {
    const files = edit(node(), 'compose.yaml', /\n\s*$/, '\n  migrate:\n    image: flyway/flyway:11\n    restart: "no"\n  adminer:\n    image: adminer:5\n    profiles: [tools]\n  mailpit:\n    image: axllent/mailpit:v1.27\n    healthcheck:\n      test: ["NONE"]\n')
    expect(check(files)).toEqual([])
  })
  it('reads a legacy docker-compose.yml next to the generated compose.yaml as a base of its own', () => {
    const fx = FIXTURES.find((f) => f.id === 'existing-compose-services')!
    const s = detect(memoryRepo(fx.files), { rootName: fx.rootName }).services[0]!
    const files = new Map([...generated(validateAnswers(proposeAnswers(s).answers), { retrofit: { dir: '.', app: s.app } }), ...Object.entries(fx.files)])
    expect(check(files).map((f) => [f.rule, f.file, f.line])).toEqual([
      ['compose-healthcheck-missing', 'docker-compose.yml', 6],
      ['compose-healthcheck-missing', 'docker-compose.yml', 8],
      ['compose-healthcheck-missing', 'docker-compose.yml', 10],
      ['compose-db-network', 'docker-compose.yml', 6],
      ['compose-db-network', 'docker-compose.yml', 8],
    ])
  })
})

describe('compose-depends-on-unhealthy (warning)', () => {
  it('warns on condition: service_started for a service with a healthcheck', () => {
    const files = edit(withDeps(), 'compose.yaml', /(postgres:\n\s+condition: )service_healthy/, '$1service_started')
    const [f] = expectOnly(files, 'compose-depends-on-unhealthy')
    expect(files.get('compose.yaml')!.split('\n')[f!.line! - 1]).toMatch(/^\s+postgres:$/)
  })
  it('warns on the short form, which overrides the base file\'s condition', () => {
    const [f] = expectOnly(edit(withDeps(), 'compose.override.yaml', '    build:\n', '    depends_on: [redis]\n    build:\n'), 'compose-depends-on-unhealthy')
    expect(f!.file).toBe('compose.override.yaml')
  })
})

describe('compose-db-published (warning)', () => {
  it('warns on a database publishing a port in compose.yaml', () => {
    expectOnly(edit(withDeps(), 'compose.yaml', '    image: postgres:18-trixie\n', '    image: postgres:18-trixie\n    ports:\n      - "5432:5432"\n'), 'compose-db-published')
  })
  it('warns on a cache publishing a port in compose.prod.yaml, not in compose.override.yaml', () => {
    expectOnly(edit(withDeps(), 'compose.prod.yaml', /( {2}redis:\n)/, '$1    ports: ["6379:6379"]\n'), 'compose-db-published')
    expect(check(edit(withDeps(), 'compose.override.yaml', /\n\s*$/, '\n  postgres:\n    ports:\n      - "127.0.0.1:5432:5432"\n'))).toEqual([])
  })
})

describe('compose-db-network (warning)', () => {
  it('warns when the backend network is no longer internal', () => {
    const found = expectOnly(edit(withDeps(), 'compose.yaml', /(backend:)\n\s+internal: true/, '$1 {}'), 'compose-db-network')
    expect(found.map((f) => f.message.split(' is on')[0])).toEqual(['database/cache "postgres"', 'database/cache "redis"'])
  })
  it('warns on a database that joins the frontend, or no network at all', () => {
    expectOnly(edit(withDeps(), 'compose.yaml', /(postgres-data:\/var\/lib\/postgresql[\s\S]*?networks:\n)(\s+- backend)/, '$1      - frontend\n$2'), 'compose-db-network')
    const noNetworks = edit(withDeps(), 'compose.yaml', /(postgres-data:\/var\/lib\/postgresql[\s\S]*?)\n.*# Only the app can reach it.*\n\s+networks:\n\s+- backend/, '$1')
    expect(expectOnly(noNetworks, 'compose-db-network')[0]!.message).toContain('"postgres" is on "default"')
  })
})

describe('chart-security-context', () => {
  it('fails when values.yaml turns runAsNonRoot off for the container', () => {
    const files = edit(helm(), `${CHART}/values.yaml`, /(readOnlyRootFilesystem: true\n(?:.*\n)*?\s+)runAsNonRoot: true/, '$1runAsNonRoot: false')
    const [f] = expectOnly(files, 'chart-security-context')
    expect(f!.file).toBe(`${CHART}/values.yaml`)
    expect(files.get(f!.file)!.split('\n')[f!.line! - 1]).toContain('runAsNonRoot: false')
  })
  it('fails when an environment\'s values file re-enables a writable root filesystem', () => {
    const [f] = expectOnly(edit(helm(), `${CHART}/values-prod.yaml`, /\n*$/, '\nsecurityContext:\n  readOnlyRootFilesystem: false\n'), 'chart-security-context')
    expect(f!.file).toBe(`${CHART}/values-prod.yaml`)
  })
  it('fails when the Deployment template drops the container securityContext', () => {
    const found = expectOnly(dropBlock(dropBlock(helm(), `${CHART}/templates/deployment.yaml`, /^ {10}securityContext:/), `${CHART}/templates/deployment.yaml`, /^ {6}securityContext:/), 'chart-security-context')
    expect(found.map((f) => f.file)).toEqual([`${CHART}/templates/deployment.yaml`])
  })
  it('fails on a Kustomize Deployment without capabilities.drop ALL', () => {
    const [f] = expectOnly(dropBlock(kustomize(), `${KZ}/base/deployment.yaml`, /^ {12}capabilities:/), 'chart-security-context')
    expect(f!.message).toBe('container "app" of Deployment "storefront" lacks capabilities.drop: [ALL]')
  })
  it('fails on an overlay patch that allows privilege escalation', () => {
    const files = edit(kustomize(), `${KZ}/overlays/prod/kustomization.yaml`, /( {14}- name: app\n)/, '$1                securityContext:\n                  allowPrivilegeEscalation: true\n')
    const [f] = expectOnly(files, 'chart-security-context')
    expect(f!.file).toBe(`${KZ}/overlays/prod/kustomization.yaml`)
  })
})

describe('chart-probe-missing', () => {
  it('fails when the Deployment template has no livenessProbe', () => {
    const [f] = expectOnly(dropBlock(helm(), `${CHART}/templates/deployment.yaml`, /^ {10}livenessProbe:/), 'chart-probe-missing')
    expect(f!.message).toBe('the Deployment template has no livenessProbe')
  })
  it('fails when values.yaml or an environment removes a health path', () => {
    expectOnly(edit(helm(), `${CHART}/values.yaml`, /readinessPath: \/readyz/, 'readinessPath: null'), 'chart-probe-missing')
    const [f] = expectOnly(edit(helm(), `${CHART}/values-dev.yaml`, /\n*$/, '\nhealth:\n  livenessPath: null\n'), 'chart-probe-missing')
    expect(f!.message).toBe('values-dev.yaml removes health.livenessPath, so the probe has no endpoint')
  })
  it('an empty path is a TCP probe where the template renders one, and no endpoint where it does not', () => {
    const tcp = edit(edit(helm(), `${CHART}/values.yaml`, /readinessPath: \/readyz/, 'readinessPath: ""'), `${CHART}/values-dev.yaml`, /\n*$/, '\nhealth:\n  livenessPath: ""\n')
    expect(check(tcp)).toEqual([])
    // A chart whose template only knows httpGet would send the kubelet an empty path.
    const httpOnly = edit(tcp, `${CHART}/templates/deployment.yaml`, /\{\{- else \}\}\n {12}tcpSocket:\n {14}port: http\n/g, '{{- else }}\n            exec:\n              command: [/bin/false]\n')
    expect(ruleIds(check(httpOnly))).toEqual(['chart-probe-missing'])
    expect(check(httpOnly).map((f) => f.message).sort()).toEqual(['health.readinessPath is empty, so the probe has no endpoint', 'values-dev.yaml empties health.livenessPath, so the probe has no endpoint'])
  })
  it('checks the committed values alone too (no templates)', () => {
    expectOnly(edit(goldenOnDisk('gke-go-mongodb-helm'), 'deploy/helm/catalog/values.yaml', /livenessPath: \/healthz/, 'livenessPath:'), 'chart-probe-missing')
  })
  it('fails on a Kustomize Deployment without a readinessProbe, or a patch removing one', () => {
    expectOnly(dropBlock(kustomize(), `${KZ}/base/deployment.yaml`, /^ {10}readinessProbe:/), 'chart-probe-missing')
    const files = edit(kustomize(), `${KZ}/overlays/staging/kustomization.yaml`, /(\n {6}- op: test\n {8}path: \/spec\/template\/spec\/containers\/0\/env\/2\/name)/, '\n      - op: remove\n        path: /spec/template/spec/containers/0/livenessProbe$1')
    expect(expectOnly(files, 'chart-probe-missing')[0]!.message).toContain('remove /spec/template/spec/containers/0/livenessProbe')
  })
})

describe('chart-resources-missing (warning)', () => {
  it('warns on a Kustomize Deployment without resources', () => {
    const [f] = expectOnly(dropBlock(kustomize(), `${KZ}/base/deployment.yaml`, /^ {10}resources:/), 'chart-resources-missing')
    expect(f!.message).toContain('has no resources requests or limits')
  })
  it('warns when values.yaml sets no limits, or the template no resources', () => {
    const [f] = expectOnly(dropBlock(helm(), `${CHART}/values.yaml`, /^ {2}limits:/), 'chart-resources-missing')
    expect(f!.message).toBe('resources has no limits for the app container')
    expectOnly(dropBlock(helm(), `${CHART}/templates/deployment.yaml`, /^ {10}resources:/), 'chart-resources-missing')
  })
})

describe('locating by name and content', () => {
  it('leaves a dependency chart unpacked below charts/ alone', () => {
    const files = new Map([...helm(), [`${CHART}/charts/redis/Chart.yaml`, 'apiVersion: v2\nname: redis\nversion: 1.0.0\n'], [`${CHART}/charts/redis/values.yaml`, 'containerSecurityContext: {}\n']])
    expect(check(files)).toEqual([])
  })

  it('finds a service, its chart and its Kustomize tree in a sub-folder, next to another service', () => {
    const a = placeInRepo(generate(scenario('k8s-node-postgres-redis-helm')).files, 'services/orders')
    const b = placeInRepo(generate(scenario('gitlab-gke-go-kustomize')).files, 'services/catalog')
    const files = asMap([...a, ...b])
    expect(check(files)).toEqual([])
    const broken = editLast(edit(files, 'services/catalog/Dockerfile', 'CMD ["/app/server"]', 'CMD /app/server'), 'services/orders/Dockerfile', /^USER 1000:1000\n/, '')
    expect(check(broken).map((f) => [f.rule, f.file])).toEqual([
      ['dockerfile-root-user', 'services/orders/Dockerfile'],
      ['dockerfile-shell-form', 'services/catalog/Dockerfile'],
    ])
  })
})

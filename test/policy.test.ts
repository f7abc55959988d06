import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { validateAnswers, type Answers } from '../src/answers.js'
import type { Policy } from '../src/config/types.js'
import { generate } from '../src/generate.js'
import { dockerfileBaseImages, hasAllowedPrefix, isDockerfile, mirrorImage, parseImageRef, rewriteComposeImages, rewriteDockerfileImages } from '../src/policy/images.js'
import { inspectFiles } from '../src/policy/inspect.js'
import { compareQuantities, parseQuantity } from '../src/policy/quantity.js'
import { applyResourceFloor } from '../src/policy/resources.js'
import { scanSeverities } from '../src/policy/scan.js'
import { LANGUAGE_CHOICES } from '../src/registry/languages/index.js'
import { SCENARIOS, scenario, variants } from './fixtures/scenarios.js'
import type { Obj } from './helpers/k8s.js'

const MIRRORS = {
  'docker.io': 'registry.acme.dev/dockerhub',
  'ghcr.io': 'registry.acme.dev/ghcr',
  'mcr.microsoft.com': 'registry.acme.dev/mcr',
  'gcr.io': 'registry.acme.dev/gcr',
}
const PREFIXES = Object.values(MIRRORS)
const POLICY: Policy = {
  baseImages: { mirrors: MIRRORS },
  labels: { 'acme.dev/team': 'payments', 'cost-center': '4200' },
  annotations: { 'acme.dev/owner': 'payments@acme.dev', 'acme.dev/tier': '1' },
  resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
  scan: { failOn: 'MEDIUM' },
}
const SOURCE = '/org/containerized.config.yaml'
const inspect = (files: ReadonlyMap<string, string>, policy: Policy = POLICY) => inspectFiles(files, policy, () => SOURCE)
const filesOf = (a: Answers, policy: Policy = POLICY) => new Map(generate(a, { policy }).files.map((f) => [f.path, f.content]))

describe('image references', () => {
  it.each([
    ['node:22', 'docker.io', 'library/node', ':22'],
    ['node', 'docker.io', 'library/node', ''],
    ['oven/bun:1.3-slim', 'docker.io', 'oven/bun', ':1.3-slim'],
    ['docker.io/library/node:22', 'docker.io', 'library/node', ':22'],
    ['index.docker.io/oven/bun:1', 'docker.io', 'oven/bun', ':1'],
    ['node:${NODE_VERSION}-trixie-slim', 'docker.io', 'library/node', ':${NODE_VERSION}-trixie-slim'],
    ['ghcr.io/astral-sh/uv:0.9', 'ghcr.io', 'astral-sh/uv', ':0.9'],
    ['mcr.microsoft.com/dotnet/sdk:10.0-noble', 'mcr.microsoft.com', 'dotnet/sdk', ':10.0-noble'],
    ['gcr.io/distroless/cc-debian13:nonroot', 'gcr.io', 'distroless/cc-debian13', ':nonroot'],
    ['localhost/app:dev', 'localhost', 'app', ':dev'],
    ['localhost:5000/team/app', 'localhost:5000', 'team/app', ''],
    ['registry:5000', 'docker.io', 'library/registry', ':5000'],
    ['postgres:18@sha256:abc', 'docker.io', 'library/postgres', ':18@sha256:abc'],
    ['alpine@sha256:abc', 'docker.io', 'library/alpine', '@sha256:abc'],
  ])('%s → %s / %s / %s', (ref, registry, path, suffix) => {
    expect(parseImageRef(ref)).toMatchObject({ registry, path, suffix, canonical: `${registry}/${path}${suffix}` })
  })

  it.each(['scratch', '${NODE_IMAGE}', '$BASE', '${REGISTRY}/node:22', ''])('%j is not an image reference', (ref) => {
    expect(parseImageRef(ref)).toBeNull()
  })

  it.each([
    ['node:22', 'registry.acme.dev/dockerhub/library/node:22'],
    ['oven/bun:${BUN_VERSION}-slim', 'registry.acme.dev/dockerhub/oven/bun:${BUN_VERSION}-slim'],
    ['docker.io/library/postgres:18', 'registry.acme.dev/dockerhub/library/postgres:18'],
    ['ghcr.io/astral-sh/uv:0.9', 'registry.acme.dev/ghcr/astral-sh/uv:0.9'],
    ['mcr.microsoft.com/dotnet/aspnet:10.0', 'registry.acme.dev/mcr/dotnet/aspnet:10.0'],
    ['gcr.io/distroless/cc-debian13:nonroot', 'registry.acme.dev/gcr/distroless/cc-debian13:nonroot'],
    // No mirror for quay.io, and an already mirrored image stays as it is.
    ['quay.io/keycloak/keycloak:26', 'quay.io/keycloak/keycloak:26'],
    ['registry.acme.dev/dockerhub/library/node:22', 'registry.acme.dev/dockerhub/library/node:22'],
    ['scratch', 'scratch'],
    ['${NODE_IMAGE}', '${NODE_IMAGE}'],
  ])('mirrorImage(%s) → %s', (ref, mirrored) => {
    expect(mirrorImage(ref, MIRRORS)).toBe(mirrored)
  })

  it('a mirror keyed by a Docker Hub alias, or with a trailing slash, is the same mirror', () => {
    expect(mirrorImage('node:22', { 'index.docker.io': 'mirror.example/hub/' })).toBe('mirror.example/hub/library/node:22')
  })

  it('allowed prefixes match at a path boundary, as written or canonical', () => {
    expect(hasAllowedPrefix('registry.acme.dev/dockerhub/library/node:22', ['registry.acme.dev/dockerhub'])).toBe(true)
    expect(hasAllowedPrefix('registry.acme.dev/dockerhub-evil/node:22', ['registry.acme.dev/dockerhub'])).toBe(false)
    expect(hasAllowedPrefix('node:22', ['docker.io/library/'])).toBe(true)
    expect(hasAllowedPrefix('${BASE}', ['docker.io'])).toBe(false)
  })

  it('rewrites base images in a Dockerfile and nothing else', () => {
    const dockerfile = [
      '# syntax=docker/dockerfile:1',
      'ARG NODE_VERSION=22',
      'ARG NODE_IMAGE=node:${NODE_VERSION}-trixie-slim',
      'ARG BASE="gcr.io/distroless/static:nonroot"',
      'FROM oven/bun:1.3-slim AS bun',
      'FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS base',
      'COPY --from=bun /usr/local/bin/bun /usr/local/bin/bun',
      'COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /usr/local/bin/uv',
      'RUN --mount=type=bind,from=mcr.microsoft.com/dotnet/sdk:10.0,target=/sdk true',
      'RUN --mount=type=cache,target=/root/.npm --mount=from=base,target=/b true',
      'COPY <<EOF /etc/x.conf',
      'FROM nginx:1',
      'EOF',
      'FROM base AS build',
      'FROM scratch AS empty',
      'FROM ${BASE} AS prod',
      '',
    ].join('\n')
    const out = rewriteDockerfileImages(dockerfile, MIRRORS)
    expect(out.split('\n')).toEqual([
      '# syntax=docker/dockerfile:1',
      'ARG NODE_VERSION=22',
      'ARG NODE_IMAGE=registry.acme.dev/dockerhub/library/node:${NODE_VERSION}-trixie-slim',
      'ARG BASE="registry.acme.dev/gcr/distroless/static:nonroot"',
      'FROM registry.acme.dev/dockerhub/oven/bun:1.3-slim AS bun',
      'FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS base',
      'COPY --from=bun /usr/local/bin/bun /usr/local/bin/bun',
      'COPY --from=registry.acme.dev/ghcr/astral-sh/uv:0.9 /uv /usr/local/bin/uv',
      'RUN --mount=type=bind,from=registry.acme.dev/mcr/dotnet/sdk:10.0,target=/sdk true',
      'RUN --mount=type=cache,target=/root/.npm --mount=from=base,target=/b true',
      'COPY <<EOF /etc/x.conf',
      // A heredoc's body is a file's content, not an instruction.
      'FROM nginx:1',
      'EOF',
      'FROM base AS build',
      'FROM scratch AS empty',
      'FROM ${BASE} AS prod',
      '',
    ])
    expect(dockerfileBaseImages(dockerfile)).toEqual([
      'oven/bun:1.3-slim',
      'node:22-trixie-slim',
      'ghcr.io/astral-sh/uv:0.9',
      'mcr.microsoft.com/dotnet/sdk:10.0',
      'gcr.io/distroless/static:nonroot',
    ])
    expect(dockerfileBaseImages(out).every((i) => hasAllowedPrefix(i, PREFIXES))).toBe(true)
    expect(rewriteDockerfileImages(dockerfile, {})).toBe(dockerfile)
  })

  it('rewrites the backing services in Compose files, never the app\'s own image', () => {
    const compose = 'services:\n  app:\n    image: ${IMAGE_REPOSITORY:-ghcr.io/acme/app}:${IMAGE_TAG:?x}\n  postgres:\n    image: postgres:18 # pinned\n  cache:\n    image: "valkey/valkey:9.0"\n'
    expect(rewriteComposeImages(compose, MIRRORS)).toBe(
      'services:\n  app:\n    image: ${IMAGE_REPOSITORY:-ghcr.io/acme/app}:${IMAGE_TAG:?x}\n  postgres:\n    image: registry.acme.dev/dockerhub/library/postgres:18 # pinned\n  cache:\n    image: "registry.acme.dev/dockerhub/valkey/valkey:9.0"\n',
    )
  })

  it('knows a Dockerfile by its name', () => {
    expect(['Dockerfile', 'api/Dockerfile', 'Dockerfile.dev'].every(isDockerfile)).toBe(true)
    expect(['Dockerfile.dockerignore', 'dockerfile.md', 'README.Dockerfile'].some(isDockerfile)).toBe(false)
  })
})

describe('quantities', () => {
  const q = (s: string) => parseQuantity(s)!
  it.each([
    ['100m', '0.25'],
    ['0.25', '1'],
    ['999m', '1'],
    ['1', '1001m'],
    ['128Mi', '1Gi'],
    ['1Gi', '2G'],
    ['1G', '1Gi'],
    ['1000Mi', '1Gi'],
    ['1e3', '1001'],
    ['500Mi', '0.5Gi'],
    ['1Ki', '1025'],
    ['.5', '501m'],
  ])('%s < %s', (a, b) => {
    expect(compareQuantities(q(a), q(b))).toBeLessThan(0)
    expect(compareQuantities(q(b), q(a))).toBeGreaterThan(0)
  })

  it.each([
    ['0.1', '100m'],
    ['1', '1000m'],
    ['1Gi', '1024Mi'],
    ['1k', '1000'],
    ['1e3', '1k'],
    ['0.5Gi', '512Mi'],
    ['2', '2'],
  ])('%s = %s', (a, b) => {
    expect(compareQuantities(q(a), q(b))).toBe(0)
  })

  it.each(['', 'abc', '1.2.3', '10 Mi', '1mi', '1KiB', 'm'])('%j is not a quantity', (s) => {
    expect(parseQuantity(s)).toBeNull()
  })

  it('takes YAML numbers too', () => {
    expect(compareQuantities(parseQuantity(1)!, q('1000m'))).toBe(0)
  })
})

describe('resource floors and scan severities', () => {
  it('raises values below the floor, and a limit below its raised request', () => {
    const r = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } }
    expect(applyResourceFloor(r, { requests: { cpu: '200m', memory: '64Mi' }, limits: { memory: '1Gi' } })).toEqual({
      requests: { cpu: '200m', memory: '128Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    })
    expect(applyResourceFloor(r, { requests: { cpu: '2', memory: '1Gi' } })).toEqual({
      requests: { cpu: '2', memory: '1Gi' },
      limits: { cpu: '2', memory: '1Gi' },
    })
    expect(applyResourceFloor(r, undefined)).toEqual(r)
  })

  it('lists CRITICAL down to failOn', () => {
    expect(scanSeverities()).toEqual(['CRITICAL', 'HIGH'])
    expect(scanSeverities('CRITICAL')).toEqual(['CRITICAL'])
    expect(scanSeverities('LOW')).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'])
  })

  it('refuses a floor that is not a quantity, and a label Kubernetes would refuse', () => {
    const a = validateAnswers({ name: 'x', platform: 'kubernetes' })
    expect(() => generate(a, { policy: { resources: { requests: { cpu: 'lots' } } } })).toThrow(/policy resources.requests.cpu: "lots" is not a Kubernetes quantity/)
    expect(() => generate(a, { policy: { labels: { 'team name': 'x' } } })).toThrow(/policy labels: "team name" is not a Kubernetes label key/)
    expect(() => generate(a, { policy: { labels: { team: 'a b' } } })).toThrow(/not a Kubernetes label value/)
    expect(() => generate(a, { policy: { labels: { 'app.kubernetes.io/part-of': 'shop' } } })).toThrow(/is set by the generated manifests themselves/)
  })
})

describe('generation without a policy is unchanged', () => {
  const EMPTY: Policy = { baseImages: { mirrors: {} }, labels: {}, annotations: {}, resources: {}, scan: {} }
  it.each(Object.keys(SCENARIOS))('%s', (id) => {
    const a = scenario(id)
    const plain = generate(a).files
    expect(generate(a, { policy: {} }).files).toEqual(plain)
    expect(generate(a, { policy: EMPTY }).files).toEqual(plain)
  })
})

const LANGUAGES = LANGUAGE_CHOICES.filter((l) => l.available).map((l) => l.id)
const k8sAnswers = (language: string, k8sFormat: 'helm' | 'kustomize', ci: 'github' | 'gitlab' = 'github') =>
  validateAnswers({ name: `p-${language}`, language, platform: 'kubernetes', k8sFormat, database: 'postgres', cache: 'redis', ci })

describe('generation honours a policy', () => {
  it.each(variants().map((a) => [`${a.language}/${a.framework}/${a.packageManager}`, a] as const))('%s: every base image comes through a mirror', (_n, a) => {
    const files = filesOf(a)
    const dockerfiles = [...files.keys()].filter(isDockerfile)
    expect(dockerfiles.length).toBeGreaterThan(0)
    for (const path of dockerfiles) {
      const images = dockerfileBaseImages(files.get(path)!)
      expect(images.length).toBeGreaterThan(0)
      expect(images.filter((i) => !PREFIXES.some((p) => i.startsWith(`${p}/`))), path).toEqual([])
    }
    // The unmirrored Dockerfile's images are the same ones, only pulled from elsewhere.
    const plain = generate(a).files.find((f) => f.path === 'Dockerfile')!.content
    expect(dockerfileBaseImages(files.get('Dockerfile')!)).toEqual(dockerfileBaseImages(plain).map((i) => mirrorImage(i, MIRRORS)))
    expect(inspect(files)).toEqual([])
  })

  it('Compose pulls the backing services through the mirror; the app image stays the project\'s', () => {
    const files = filesOf(validateAnswers({ name: 'shop', database: 'postgres', cache: 'redis' }))
    const compose = parseYaml(files.get('compose.yaml')!) as Obj
    expect(compose.services.postgres.image).toMatch(/^registry\.acme\.dev\/dockerhub\/library\/postgres:18/)
    expect(compose.services.redis.image).toMatch(/^registry\.acme\.dev\/dockerhub\/library\/redis:/)
    expect((parseYaml(files.get('compose.prod.yaml')!, { logLevel: 'error' }) as Obj).services.app.image).toMatch(/^\$\{IMAGE_REPOSITORY:-/)
  })

  it.each(LANGUAGES.map((l) => [l] as const))('%s on Helm: labels, annotations, floors, mirrored in-cluster images, the scan', (language) => {
    const a = k8sAnswers(language, 'helm')
    const files = filesOf(a)
    const chart = `deploy/helm/${a.name}`
    const values = (env?: string) => parseYaml(files.get(`${chart}/values${env ? `-${env}` : ''}.yaml`)!) as Obj
    expect(values().commonLabels).toEqual(POLICY.labels)
    expect(values().podAnnotations).toEqual(POLICY.annotations)
    expect(values().resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } })
    expect(values('dev').resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } })
    expect(values('staging').resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } })
    // Prod's own request was already above the floor.
    expect(values('prod').resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } })
    for (const svc of Object.values(values().inCluster as Obj)) expect(svc.image).toMatch(/^registry\.acme\.dev\/dockerhub\/library\//)
    expect(values().tests.image.repository).toBe('registry.acme.dev/dockerhub/curlimages/curl')
    // Every key still carries its comment (the values files' own convention).
    const lines = files.get(`${chart}/values.yaml`)!.split('\n')
    for (const key of [...Object.keys(POLICY.labels!), ...Object.keys(POLICY.annotations!)]) {
      const at = lines.findIndex((l) => l.trim().startsWith(`${key}:`))
      expect(lines[at - 1]!.trim(), key).toMatch(/^# -- /)
    }
    const release = parseYaml(files.get('.github/workflows/release.yml')!) as Obj
    expect(release.env.SCAN_SEVERITY).toBe('CRITICAL,HIGH,MEDIUM')
    expect(inspect(files)).toEqual([])
  })

  it.each(LANGUAGES.map((l) => [l] as const))('%s on Kustomize: labels without selectors, annotations, floors in the base and the patches', (language) => {
    const a = k8sAnswers(language, 'kustomize', 'gitlab')
    const files = filesOf(a)
    const base = parseYaml(files.get('deploy/kustomize/base/kustomization.yaml')!) as Obj
    expect(base.labels[1]).toEqual({ pairs: POLICY.labels, includeSelectors: false, includeTemplates: true })
    expect(base.commonAnnotations).toEqual(POLICY.annotations)
    const deployment = parseYaml(files.get('deploy/kustomize/base/deployment.yaml')!) as Obj
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } })
    const patch = (env: string) => {
      const k = parseYaml(files.get(`deploy/kustomize/overlays/${env}/kustomization.yaml`)!) as Obj
      const p = k.patches.map((x: Obj) => parseYaml(x.patch)).find((d: Obj) => d?.kind === 'Deployment')
      return p.spec.template.spec.containers[0].resources
    }
    expect(patch('dev')).toEqual({ requests: { cpu: '200m' } })
    expect(patch('staging')).toEqual({ requests: { cpu: '200m', memory: '256Mi' } })
    expect(patch('prod')).toEqual({ requests: { cpu: '250m', memory: '256Mi' } })
    const dev = parseYaml(files.get('deploy/kustomize/overlays/dev/kustomization.yaml')!) as Obj
    expect(dev.labels).toEqual([{ pairs: POLICY.labels, includeSelectors: false, includeTemplates: true }])
    expect(files.get('deploy/kustomize/overlays/dev/in-cluster.yaml')).toMatch(/image: registry\.acme\.dev\/dockerhub\/library\/postgres:18/)
    expect(files.get('.gitlab-ci.yml')).toContain('--severity CRITICAL,HIGH,MEDIUM --ignore-unfixed --exit-code 1')
    expect(inspect(files)).toEqual([])
  })

  it('a request floor above a limit raises the limit, in the files and in the Kustomize patches', () => {
    const policy: Policy = { resources: { requests: { cpu: '1500m', memory: '768Mi' } } }
    const helm = filesOf(k8sAnswers('go', 'helm'), policy)
    const values = parseYaml(helm.get('deploy/helm/p-go/values-prod.yaml')!) as Obj
    expect(values.resources).toEqual({ requests: { cpu: '1500m', memory: '768Mi' }, limits: { cpu: '1500m', memory: '768Mi' } })
    const kz = filesOf(k8sAnswers('go', 'kustomize'), policy)
    const base = parseYaml(kz.get('deploy/kustomize/base/deployment.yaml')!) as Obj
    expect(base.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '1500m', memory: '768Mi' })
    expect(inspect(helm, policy)).toEqual([])
    expect(inspect(kz, policy)).toEqual([])
  })
})

describe('inspectFiles finds what was changed by hand', () => {
  const helm = filesOf(k8sAnswers('node', 'helm'))
  const kustomize = filesOf(k8sAnswers('python', 'kustomize', 'gitlab'))
  const edit = (files: Map<string, string>, path: string, from: string | RegExp, to: string) => {
    const before = files.get(path)!
    const after = before.replace(from, to)
    expect(after, `${path}: ${String(from)}`).not.toBe(before)
    return new Map([...files, [path, after]])
  }
  const rules = (files: ReadonlyMap<string, string>, policy?: Policy) => inspect(files, policy).map((v) => [v.rule, v.file])

  it('a FROM back on Docker Hub', () => {
    const files = edit(helm, 'Dockerfile', 'FROM ${NODE_IMAGE} AS base', 'FROM node:22 AS base')
    const found = inspect(files)
    expect(found.map((v) => [v.rule, v.file, v.source])).toEqual([['baseImages.mirrors', 'Dockerfile', SOURCE]])
    expect(found[0]!.message).toContain('base image node:22 is pulled directly; policy requires it through the mirror: registry.acme.dev/dockerhub/library/node:22')
    // With allowed prefixes, the rule that is broken is theirs.
    expect(rules(files, { ...POLICY, baseImages: { mirrors: MIRRORS, allowedPrefixes: ['registry.acme.dev/'] } })).toEqual([['baseImages.allowedPrefixes', 'Dockerfile']])
  })

  it('a lowered memory request in values-dev.yaml', () => {
    const files = edit(helm, 'deploy/helm/p-node/values-dev.yaml', /memory: 256Mi/, 'memory: 128Mi')
    const found = inspect(files)
    expect(found.map((v) => [v.rule, v.file])).toEqual([['resources.requests.memory', 'deploy/helm/p-node/values-dev.yaml']])
    expect(found[0]!.message).toBe(
      `deploy/helm/p-node/values-dev.yaml: resources.requests.memory is 128Mi; policy requires at least 256Mi (resources.requests.memory in ${SOURCE})`,
    )
  })

  it('a missing limit in values.yaml', () => {
    expect(rules(edit(helm, 'deploy/helm/p-node/values.yaml', /\n {4}# -- Memory limit\.\n {4}memory: 1Gi/, ''))).toEqual([['resources.limits.memory', 'deploy/helm/p-node/values.yaml']])
  })

  it('a removed label, and an annotation changed in an environment file', () => {
    expect(rules(edit(helm, 'deploy/helm/p-node/values.yaml', /\n {2}# -- Required by the organization's policy\.\n {2}cost-center: "4200"/, ''))).toEqual([['labels', 'deploy/helm/p-node/values.yaml']])
    const changed = edit(helm, 'deploy/helm/p-node/values-prod.yaml', /^/, 'podAnnotations:\n  acme.dev/tier: "3"\n')
    expect(inspect(changed).map((v) => v.message)).toEqual([
      `deploy/helm/p-node/values-prod.yaml: podAnnotations.acme.dev/tier is 3; policy requires 1 (annotations in ${SOURCE})`,
    ])
  })

  it('a scan severity reduced to CRITICAL', () => {
    const files = edit(helm, '.github/workflows/release.yml', 'SCAN_SEVERITY: CRITICAL,HIGH,MEDIUM', 'SCAN_SEVERITY: CRITICAL')
    const found = inspect(files)
    expect(found.map((v) => [v.rule, v.file])).toEqual([['scan.failOn', '.github/workflows/release.yml']])
    expect(found[0]!.message).toContain('SCAN_SEVERITY is CRITICAL; policy requires CRITICAL,HIGH,MEDIUM (missing HIGH, MEDIUM)')
    // A literal severity on the action itself is read too.
    expect(rules(edit(helm, '.github/workflows/release.yml', 'severity: ${{ env.SCAN_SEVERITY }}', 'severity: CRITICAL,HIGH'))).toEqual([['scan.failOn', '.github/workflows/release.yml']])
    expect(rules(edit(kustomize, '.gitlab-ci.yml', '--severity CRITICAL,HIGH,MEDIUM', '--severity CRITICAL'))).toEqual([['scan.failOn', '.gitlab-ci.yml']])
  })

  it('a lowered CPU request in a Kustomize patch, and in the base', () => {
    const prod = 'deploy/kustomize/overlays/prod/kustomization.yaml'
    const found = inspect(edit(kustomize, prod, 'cpu: 250m', 'cpu: 100m'))
    expect(found.map((v) => [v.rule, v.file])).toEqual([['resources.requests.cpu', prod]])
    expect(found[0]!.message).toContain("the Deployment patch's resources.requests.cpu is 100m; policy requires at least 200m")
    expect(rules(edit(kustomize, 'deploy/kustomize/base/deployment.yaml', 'memory: 1Gi', 'memory: 512Mi'))).toEqual([['resources.limits.memory', 'deploy/kustomize/base/deployment.yaml']])
  })

  it('Kustomize labels and annotations missing from the base', () => {
    const base = 'deploy/kustomize/base/kustomization.yaml'
    expect(rules(edit(kustomize, base, /\n {6}acme\.dev\/team: "payments"/, ''))).toEqual([['labels', base]])
    expect(rules(edit(kustomize, base, /\n {2}acme\.dev\/owner: "payments@acme\.dev"/, ''))).toEqual([['annotations', base]])
  })

  it('finds charts and trees by their content, in any folder', () => {
    const moved = new Map([...helm].map(([p, c]) => [p.replace('deploy/helm/p-node/', 'services/api/chart/'), c]))
    const lowered = edit(moved, 'services/api/chart/values-staging.yaml', /cpu: 200m/, 'cpu: 0.1')
    expect(rules(lowered)).toEqual([['resources.requests.cpu', 'services/api/chart/values-staging.yaml']])
  })

  it('ignores files that do not parse and rules the policy does not set', () => {
    const broken = edit(helm, 'deploy/helm/p-node/values-dev.yaml', /^/, 'resources: [\n')
    expect(inspect(broken)).toEqual([])
    expect(inspect(edit(helm, 'Dockerfile', 'FROM ${NODE_IMAGE} AS base', 'FROM node:22 AS base'), { labels: { 'acme.dev/team': 'payments' } })).toEqual([])
  })
})

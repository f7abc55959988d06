import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { validateAnswers, type Answers } from '../../src/answers.js'
import type { Policy } from '../../src/config/types.js'
import type { RenderContext } from '../../src/context.js'
import { generate } from '../../src/generate.js'
import { hasAllowedPrefix, isDockerfile } from '../../src/policy/images.js'
import { inspectFiles } from '../../src/policy/inspect.js'
import { ENVS, checkRendered, kubeconform, parseManifests, type Obj } from '../helpers/k8s.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Policy-shaped output through the same real validators as the tool's own: BuildKit's Dockerfile
// checks and hadolint, `helm lint --strict` and `helm template`, `kustomize build`, kubeconform
// in strict mode, actionlint with shellcheck, the GitHub and GitLab CI schemas, and `docker
// compose config` with every base and service image pulled through the mirrors.
const MIRRORS = {
  'docker.io': 'registry.acme.dev/dockerhub',
  'ghcr.io': 'registry.acme.dev/ghcr',
  'mcr.microsoft.com': 'registry.acme.dev/mcr',
  'gcr.io': 'registry.acme.dev/gcr',
}
const POLICY: Policy = {
  baseImages: { mirrors: MIRRORS },
  labels: { 'acme.dev/team': 'payments', 'cost-center': '4200' },
  annotations: { 'acme.dev/owner': 'payments@acme.dev' },
  // The CPU request floor is above the shipped limit in no environment; the memory one is above dev's request.
  resources: { requests: { cpu: '300m', memory: '384Mi' }, limits: { cpu: '1500m', memory: '1Gi' } },
  scan: { failOn: 'MEDIUM' },
}
const FLOOR = { requests: { cpu: '300m', memory: '384Mi' }, limits: { cpu: '1500m', memory: '1Gi' } }

const SCENARIOS = {
  helm: validateAnswers({ name: 'policy-node', language: 'node', platform: 'kubernetes', k8sFormat: 'helm', database: 'postgres', cache: 'redis', ci: 'github' }),
  kustomize: validateAnswers({ name: 'policy-python', language: 'python', platform: 'eks', k8sFormat: 'kustomize', database: 'mysql', cache: 'memcached', ci: 'gitlab' }),
  compose: validateAnswers({ name: 'policy-dotnet', language: 'dotnet', database: 'mariadb', cache: 'valkey' }),
}

interface Project {
  answers: Answers
  context: RenderContext
  files: Map<string, string>
  root: string
}
const projects = {} as Record<keyof typeof SCENARIOS, Project>
beforeAll(() => {
  for (const [id, answers] of Object.entries(SCENARIOS) as [keyof typeof SCENARIOS, Answers][]) {
    const g = generate(answers, { policy: POLICY })
    projects[id] = { answers, context: g.context, files: new Map(g.files.map((f) => [f.path, f.content])), root: writeTree(g.files, `cca-policy-${id}-`) }
  }
})

const run = (tool: string, args: string[], cwd?: string, input?: string) =>
  execa(requireTool(tool), args, { env: toolsEnv(), reject: false, all: true, ...(cwd ? { cwd } : {}), ...(input !== undefined ? { input } : {}) })

const quantity = (v: unknown) => String(v)

/** What the policy asks of rendered manifests: labels everywhere (selectors untouched), annotations and floors on the app's pods. */
function checkPolicy(docs: Obj[], where: string): void {
  for (const d of docs) {
    expect(d.metadata.labels, `${where} ${d.kind}/${d.metadata.name}`).toMatchObject(POLICY.labels!)
    const selector = d.spec?.selector?.matchLabels ?? (d.kind === 'Service' ? d.spec?.selector : undefined)
    for (const key of Object.keys(POLICY.labels!)) expect(selector?.[key], `${where} ${d.kind}/${d.metadata.name} selector`).toBeUndefined()
    if (d.spec?.template?.metadata) expect(d.spec.template.metadata.labels, `${where} ${d.kind}/${d.metadata.name} pods`).toMatchObject(POLICY.labels!)
  }
  const deploy = docs.find((d) => d.kind === 'Deployment')!
  expect(deploy.spec.template.metadata.annotations, where).toMatchObject(POLICY.annotations!)
  const app = (deploy.spec.template.spec.containers as Obj[]).find((c) => c.name === 'app')!
  const r = app.resources as Obj
  const got = { requests: { cpu: quantity(r.requests.cpu), memory: quantity(r.requests.memory) }, limits: { cpu: quantity(r.limits.cpu), memory: quantity(r.limits.memory) } }
  // Prod's own CPU request (250m) is below the floor too, so every environment ends at the floor.
  expect(got, where).toEqual(FLOOR)
  for (const s of docs.filter((d) => d.kind === 'StatefulSet' || d.kind === 'Pod')) {
    const containers = (s.kind === 'Pod' ? s.spec.containers : s.spec.template.spec.containers) as Obj[]
    for (const c of containers) expect(hasAllowedPrefix(c.image, Object.values(MIRRORS)), `${where} ${s.kind}/${s.metadata.name}: ${c.image}`).toBe(true)
  }
}

describe('Dockerfiles with mirrored base images', () => {
  it.each(Object.keys(SCENARIOS))('%s: BuildKit checks and hadolint report nothing', async (id) => {
    const p = projects[id as keyof typeof SCENARIOS]
    const dockerfiles = [...p.files.keys()].filter(isDockerfile)
    expect(dockerfiles.length).toBeGreaterThan(0)
    for (const f of dockerfiles) {
      const bk = await run('dockerfile-lint', ['--json', join(p.root, f)])
      expect(bk.exitCode, bk.all).toBe(0)
      expect(JSON.parse(bk.stdout || '[]')).toEqual([])
      const hl = await run('hadolint', ['--no-color', '--format', 'json', join(p.root, f)])
      expect(hl.exitCode, hl.all).toBe(0)
      expect(JSON.parse(hl.stdout || '[]')).toEqual([])
    }
  })
})

describe('inspectFiles on the generated projects', () => {
  it.each(Object.keys(SCENARIOS))('%s: no violations', (id) => {
    expect(inspectFiles(projects[id as keyof typeof SCENARIOS].files, POLICY, () => '/org/containerized.config.yaml')).toEqual([])
  })
})

describe('Helm chart under a policy', () => {
  const byEnv = {} as Record<(typeof ENVS)[number], Obj[]>
  let chart: string
  beforeAll(async () => {
    const p = projects.helm
    chart = join(p.root, p.context.k8s!.chartDir)
    const out = mkdtempSync(join(tmpdir(), 'cca-policy-helm-out-'))
    const files: string[] = []
    for (const env of ENVS) {
      const r = await run('helm', ['template', p.answers.name, chart, '-n', `${p.answers.name}-${env}`, '-f', join(chart, `values-${env}.yaml`)])
      expect(r.exitCode, r.all).toBe(0)
      byEnv[env] = parseManifests(r.stdout)
      files.push(join(out, `${env}.yaml`))
      writeFileSync(files.at(-1)!, r.stdout)
    }
    const c = await kubeconform(files)
    expect(c.resources.filter((x) => x.status !== 'statusValid').map((x) => `${x.kubernetes} ${x.kind}/${x.name}: ${x.msg}`)).toEqual([])
    expect(c.exitCode, c.stderr).toBe(0)
  }, 300_000)

  it('helm lint --strict passes for values.yaml and every environment file', async () => {
    for (const values of [undefined, ...ENVS]) {
      const r = await run('helm', ['lint', '--strict', chart, ...(values ? ['-f', join(chart, `values-${values}.yaml`)] : [])])
      expect(r.exitCode, `${values ?? 'values.yaml'}: ${r.all}`).toBe(0)
    }
  })

  it('every environment carries the labels, annotations and floors, and agrees with the rest of the project', () => {
    const p = projects.helm
    checkRendered(p.answers, p.context, p.files, byEnv)
    for (const env of ENVS) checkPolicy(byEnv[env], `helm ${env}`)
  })
})

describe('Kustomize tree under a policy', () => {
  const byEnv = {} as Record<(typeof ENVS)[number], Obj[]>
  beforeAll(async () => {
    const p = projects.kustomize
    const out = mkdtempSync(join(tmpdir(), 'cca-policy-kustomize-out-'))
    const files: string[] = []
    for (const env of ENVS) {
      const r = await run('kustomize', ['build', join(p.root, p.context.k8s!.kustomizeDir, 'overlays', env)])
      expect(r.exitCode, r.all).toBe(0)
      byEnv[env] = parseManifests(r.stdout)
      files.push(join(out, `${env}.yaml`))
      writeFileSync(files.at(-1)!, r.stdout)
    }
    const c = await kubeconform(files)
    expect(c.resources.filter((x) => x.status !== 'statusValid').map((x) => `${x.kubernetes} ${x.kind}/${x.name}: ${x.msg}`)).toEqual([])
    expect(c.exitCode, c.stderr).toBe(0)
  }, 300_000)

  it('every overlay carries the labels, annotations and floors, and agrees with the rest of the project', () => {
    const p = projects.kustomize
    checkRendered(p.answers, p.context, p.files, byEnv)
    for (const env of ENVS) checkPolicy(byEnv[env], `kustomize ${env}`)
    // The selectors are the ones a tree without a policy has: they cannot change once applied.
    const plain = generate(p.answers).files.find((f) => f.path === 'deploy/kustomize/base/deployment.yaml')!.content
    expect(byEnv.prod.find((d) => d.kind === 'Deployment')!.spec.selector).toEqual((parseYaml(plain) as Obj).spec.selector)
  })
})

describe('pipelines under a policy', () => {
  it('GitHub: actionlint (with shellcheck) and the workflow schema accept them; the scan reads SCAN_SEVERITY', async () => {
    const p = projects.helm
    const workflows = [...p.files.keys()].filter((f) => f.startsWith('.github/workflows/'))
    const lint = await run('actionlint', ['-no-color', '-shellcheck', requireTool('shellcheck'), ...workflows], p.root)
    expect(lint.exitCode, lint.all).toBe(0)
    const schema = await run('check-jsonschema', ['--builtin-schema', 'vendor.github-workflows', ...workflows.map((w) => join(p.root, w))])
    expect(schema.exitCode, schema.all).toBe(0)
    const release = parseYaml(p.files.get('.github/workflows/release.yml')!) as Obj
    expect(release.env.SCAN_SEVERITY).toBe('CRITICAL,HIGH,MEDIUM')
    const scan = (release.jobs.image.steps as Obj[]).find((s) => String(s.uses).startsWith('aquasecurity/trivy-action@'))!
    expect(scan.with.severity).toBe('${{ env.SCAN_SEVERITY }}')
  }, 300_000)

  it("GitLab: its CI schema and shellcheck accept the pipeline; trivy fails on the policy's severities", async () => {
    const p = projects.kustomize
    const schema = await run('check-jsonschema', ['--builtin-schema', 'vendor.gitlab-ci', '--data-transform', 'gitlab-ci', '--regex-variant', 'nonunicode', join(p.root, '.gitlab-ci.yml')])
    expect(schema.exitCode, schema.all).toBe(0)
    const doc = parseYaml(p.files.get('.gitlab-ci.yml')!) as Record<string, Obj>
    const lines = Object.values(doc).flatMap((job) => (job && typeof job === 'object' ? ['before_script', 'script', 'after_script'].flatMap((k) => (Array.isArray(job[k]) ? job[k] : [])) : []))
    const sh = await run('shellcheck', ['--shell=sh', '--severity=warning', '-'], undefined, `#!/bin/sh\n${lines.join('\n')}\n`)
    expect(sh.exitCode, sh.all).toBe(0)
    expect((doc['build-image']!.script as string[]).join('\n')).toContain('--severity CRITICAL,HIGH,MEDIUM --ignore-unfixed --exit-code 1')
  }, 300_000)
})

describe('docker compose config with mirrored service images', () => {
  const SETS = {
    base: ['compose.yaml'],
    dev: ['compose.yaml', 'compose.override.yaml'],
    test: ['compose.yaml', 'compose.test.yaml'],
    prod: ['compose.yaml', 'compose.prod.yaml'],
  } as const

  it.each(Object.keys(SCENARIOS))('%s: every file set is valid; services pull through the mirror, the app is the project\'s image', async (id) => {
    const p = projects[id as keyof typeof SCENARIOS]
    const secrets = Object.fromEntries(p.context.env.filter((v) => v.secret).map((v) => [v.name, `s3cret-${v.name.toLowerCase()}`]))
    for (const [set, files] of Object.entries(SETS)) {
      const r = await execa(requireTool('docker-compose'), [...files.flatMap((f) => ['-f', f]), 'config', '--format', 'json'], {
        cwd: p.root,
        reject: false,
        env: { PATH: toolsEnv().PATH!, HOME: process.env.HOME ?? '/tmp', IMAGE_TAG: '1.2.3', ...secrets },
        extendEnv: false,
      })
      expect(r.exitCode, `${set}: ${r.stderr}`).toBe(0)
      const services = (JSON.parse(r.stdout) as Obj).services as Record<string, Obj>
      for (const s of p.context.services) expect(services[s.host]!.image, `${set} ${s.host}`).toMatch(/^registry\.acme\.dev\/dockerhub\//)
      if (set === 'prod') expect(services.app!.image).toBe(`${p.context.image.example}:1.2.3`)
    }
  })
})

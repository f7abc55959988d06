import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { SCENARIOS, k8sMatrix, scenario } from '../fixtures/scenarios.js'
import { ENVS, LONG_NAME, OPTIONAL_FEATURES, checkRendered, distinctTrees, batch, kubeconform, parseManifests, type Obj } from '../helpers/k8s.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Real Helm, built from the Go module proxy by scripts/install-tools.sh: `helm lint --strict` for
// every values file and `helm template` for every environment of every language × database ×
// cache (each Kubernetes platform in turn), then kubeconform over everything rendered, in strict
// mode, against schemas derived offline from Kubernetes 1.36 and the CRDs' own modules.
// The bulk runs through helm-batch (Helm's own command code, many commands per process; see
// tools/helm-batch/main.go); the golden charts also go through the helm binary, which must
// print the same. Charts that differ only by the project name are linted and rendered once
// (the name is put back into the output for the per-project checks).
let helm: string
const run = (args: string[], cwd: string) => execa(helm, args, { cwd, reject: false, env: toolsEnv() })

const goldenIds = Object.keys(SCENARIOS).filter((id) => {
  const a = scenario(id)
  return a.platform !== 'compose' && a.k8sFormat === 'helm'
})
const generated = [...k8sMatrix('helm'), validateAnswers({ ...LONG_NAME, k8sFormat: 'helm' }), ...goldenIds.map(scenario)].map((answers) => {
  const g = generate(answers)
  return { answers, context: g.context, rendered: g.files, files: new Map(g.files.map((f) => [f.path, f.content])) }
})
const chartDir = (a: Answers) => `deploy/helm/${a.name}/`
// The golden charts are rendered as they are (never folded into another chart's group), so the
// helm binary can be compared with helm-batch on each.
const groups = [
  ...distinctTrees(generated.filter((g) => !goldenIds.some((id) => scenario(id).name === g.answers.name)), chartDir),
  ...goldenIds.map((id) => ({ rep: scenario(id), members: [scenario(id)] })),
]
const byName = new Map(generated.map((g) => [g.answers.name, g]))
const VALUES = ['values.yaml', ...ENVS.map((e) => `values-${e}.yaml`)] as const

/** The helm commands for one chart: lint each values file, render each environment. */
function commands(name: string, chart: string): string[][] {
  return [
    ...VALUES.map((v) => ['lint', '--strict', chart, '-n', `${name}-lint`, ...(v === 'values.yaml' ? [] : ['-f', join(chart, v)])]),
    ...ENVS.map((env) => ['template', name, chart, '-n', `${name}-${env}`, '-f', join(chart, `values-${env}.yaml`)]),
  ]
}

interface Outcome {
  chart: string
  lint: { values: string; exitCode: number; output: string }[]
  manifests: Partial<Record<(typeof ENVS)[number], string>>
  errors: string[]
}
const outcomes = new Map<string, Outcome>()
const manifestFiles: string[] = []
let conform: Awaited<ReturnType<typeof kubeconform>>

beforeAll(async () => {
  helm = requireTool('helm')
  const out = mkdtempSync(join(tmpdir(), 'cca-helm-out-'))
  const charts = groups.map(({ rep }) => ({ name: rep.name, chart: join(writeTree(byName.get(rep.name)!.rendered, 'cca-helm-'), chartDir(rep)) }))
  const results = await batch('helm-batch', charts.flatMap((c) => commands(c.name, c.chart)))
  charts.forEach(({ name, chart }, i) => {
    const r = results.slice(i * 7, i * 7 + 7)
    const o: Outcome = { chart, lint: VALUES.map((values, j) => ({ values, ...r[j]! })), manifests: {}, errors: [] }
    ENVS.forEach((env, j) => {
      const t = r[4 + j]!
      if (t.exitCode !== 0) return void o.errors.push(`${env}: ${t.output}`)
      o.manifests[env] = t.output
      const file = join(out, `${name}-${env}.yaml`)
      writeFileSync(file, t.output)
      manifestFiles.push(file)
    })
    outcomes.set(name, o)
  })
  conform = await kubeconform(manifestFiles)
}, 900_000)

describe(`Helm charts: ${generated.length} projects, ${groups.length} distinct charts`, () => {
  it('helm lint --strict passes for values.yaml and every environment file', () => {
    const failed = [...outcomes].flatMap(([name, o]) => o.lint.filter((l) => l.exitCode !== 0).map((l) => `${name} ${l.values}: ${l.output}`))
    expect(failed).toEqual([])
    expect([...outcomes.values()].flatMap((o) => o.lint)).toHaveLength(groups.length * 4)
    for (const o of outcomes.values()) for (const l of o.lint) expect(l.output).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/)
  })

  it('helm template renders every environment', () => {
    expect([...outcomes].flatMap(([name, o]) => o.errors.map((e) => `${name} ${e}`))).toEqual([])
    expect(manifestFiles).toHaveLength(groups.length * ENVS.length)
  })

  it.each(goldenIds.map((id) => scenario(id).name))('%s: the helm binary prints exactly what helm-batch printed', async (name) => {
    const o = outcomes.get(name)!
    for (const [i, args] of commands(name, o.chart).entries()) {
      const r = await execa(helm, args, { reject: false, env: toolsEnv() })
      // execa drops the final newline; helm ends its output with one or two.
      if (args[0] === 'template') expect(r.stdout.trimEnd(), args.join(' ')).toBe(o.manifests[ENVS[i - 4]!]!.trimEnd())
      else {
        expect(r.exitCode, args.join(' ')).toBe(o.lint[i]!.exitCode)
        expect(`${r.stdout}\n`, args.join(' ')).toBe(o.lint[i]!.output)
      }
    }
  })

  it('every rendered object is valid against the Kubernetes 1.36 and 1.30 schemas in strict mode (unknown fields rejected)', () => {
    const bad = conform.resources.filter((r) => r.status !== 'statusValid').map((r) => `${r.kubernetes} ${r.filename} ${r.kind}/${r.name}: ${r.msg}`)
    expect(bad).toEqual([])
    expect(conform.exitCode, conform.stderr).toBe(0)
    const kinds = new Set(conform.resources.map((r) => r.kind))
    for (const k of ['Deployment', 'Service', 'ServiceAccount', 'ConfigMap', 'Secret', 'Ingress', 'HorizontalPodAutoscaler',
      'PodDisruptionBudget', 'NetworkPolicy', 'StatefulSet', 'Pod']) {
      expect(kinds.has(k), k).toBe(true)
    }
  })

  it.each(generated.map((g) => [g.answers.name, g] as const))('%s: the chart agrees with the Dockerfile, Compose and the starter app', (name, g) => {
    const group = groups.find((x) => x.members.some((m) => m.name === name))!
    const o = outcomes.get(group.rep.name)!
    const byEnv = Object.fromEntries(
      ENVS.map((env) => [env, parseManifests(o.manifests[env]!.replaceAll(group.rep.name, name))]),
    ) as Record<(typeof ENVS)[number], Obj[]>
    checkRendered(g.answers, g.context, g.files, byEnv)
    for (const env of ENVS) {
      const deploy = byEnv[env].find((d) => d.kind === 'Deployment')!
      // The chart's own checksum annotations roll the pods when settings change.
      expect(Object.keys(deploy.spec.template.metadata.annotations).sort()).toEqual(['checksum/config', 'checksum/secret'])
      const test = byEnv[env].find((d) => d.kind === 'Pod')!
      expect(test.metadata.annotations['helm.sh/hook']).toBe('test')
      expect(test.spec.containers[0].args.at(-1)).toBe(`http://${name}:80/readyz`)
    }
    const secret = byEnv.dev.find((d) => d.kind === 'Secret')
    expect(Object.keys(secret?.stringData ?? {}).sort()).toEqual(g.context.k8s!.devSecrets.map((s) => s.name).sort())
  })
})

describe('Helm chart guard rails', () => {
  const g = generated.find((x) => x.answers.database === 'postgres' && x.answers.cache === 'redis' && x.answers.platform === 'kubernetes')!
  let chart: string
  beforeAll(() => {
    chart = join(writeTree(g.rendered, 'cca-helm-guard-'), chartDir(g.answers))
  })

  it.each([
    [['--set', 'replicas=3'], /additional properties 'replicas' not allowed/],
    [['--set', 'replicaCount=three'], /replicaCount.*got string, want integer/],
    [['--set', 'image.pullPolicy=Sometimes'], /pullPolicy/],
    [['--set', 'containerPort=70000'], /containerPort.*maximum/],
    [['--set', 'ingress.tls.clusterIsuer=x'], /additional properties 'clusterIsuer' not allowed/],
  ])('values.schema.json refuses %j', async (args, message) => {
    const r = await run(['lint', '--strict', '.', ...args], chart)
    expect(r.exitCode).not.toBe(0)
    expect(`${r.stdout}${r.stderr}`).toMatch(message)
  })

  it('contradictory secret settings fail the render instead of deploying something broken', async () => {
    const both = await run(['template', 'x', '.', '-f', 'values-dev.yaml', '--set', 'externalSecret.enabled=true'], chart)
    expect(both.exitCode).not.toBe(0)
    expect(both.stderr).toMatch(/secrets.devValues and externalSecret.enabled both create the app's Secret/)
    const store = await run(['template', 'x', '.', '-f', 'values-prod.yaml', '--set', 'externalSecret.enabled=true', '--set', 'externalSecret.secretStoreRef.name='], chart)
    expect(store.stderr).toMatch(/externalSecret.enabled needs externalSecret.secretStoreRef.name/)
  })

  it('the optional ExternalSecret, HTTPRoute and ServiceMonitor render valid objects (checked against their CRDs)', async () => {
    const r = await run(['template', g.answers.name, '.', '-n', 'x', '-f', 'values-prod.yaml', ...OPTIONAL_FEATURES], chart)
    expect(r.exitCode, r.stderr).toBe(0)
    const file = join(mkdtempSync(join(tmpdir(), 'cca-helm-opt-')), 'optional.yaml')
    writeFileSync(file, r.stdout)
    const c = await kubeconform([file])
    expect(c.resources.filter((x) => x.status !== 'statusValid').map((x) => x.msg)).toEqual([])
    const kinds = parseManifests(r.stdout).map((d) => `${d.apiVersion} ${d.kind}`)
    expect(kinds).toEqual(expect.arrayContaining([
      'external-secrets.io/v1 ExternalSecret', 'gateway.networking.k8s.io/v1 HTTPRoute', 'monitoring.coreos.com/v1 ServiceMonitor',
    ]))
    const secret = parseManifests(r.stdout).find((d) => d.kind === 'ExternalSecret')!
    expect(secret.spec.data.map((d: Obj) => d.secretKey)).toEqual(g.context.k8s!.secretEnv)
    // Prometheus may then scrape the app.
    const policy = parseManifests(r.stdout).find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === g.answers.name)!
    expect(JSON.stringify(policy.spec.ingress)).toContain('"kubernetes.io/metadata.name":"monitoring"')
  })

  it('kubeconform rejects what the API server would (a misspelt field, a wrong type, a kind without a schema, a field too new)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cca-kubeconform-'))
    mkdirSync(dir, { recursive: true })
    const write = (n: string, body: string) => {
      writeFileSync(join(dir, n), body)
      return join(dir, n)
    }
    const files = [
      write('field.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n    - port: 80\n      targtPort: 8080\n'),
      write('type.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: "2"\n  selector: {}\n  template: {}\n'),
      write('crd.yaml', 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: a\nspec:\n  selector: {}\n  endpoints:\n    - port: http\n      intervl: 30s\n'),
      write('kind.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: a\n'),
    ]
    // Pod-level resources arrived after 1.30: valid for the newest API, not for the oldest the charts accept.
    files.push(write('newer.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  resources:\n    limits:\n      cpu: "1"\n  containers:\n    - name: a\n      image: x\n'))
    const c = await kubeconform(files)
    expect(c.exitCode).not.toBe(0)
    const status = Object.fromEntries(c.resources.map((r) => [`${r.kubernetes} ${r.filename.split('/').pop()}`, r.status]))
    expect(status).toEqual({
      '1.36.3 field.yaml': 'statusInvalid', '1.36.3 type.yaml': 'statusInvalid', '1.36.3 crd.yaml': 'statusInvalid', '1.36.3 kind.yaml': 'statusError',
      '1.30.14 field.yaml': 'statusInvalid', '1.30.14 type.yaml': 'statusInvalid', '1.30.14 crd.yaml': 'statusInvalid', '1.30.14 kind.yaml': 'statusError',
      '1.36.3 newer.yaml': 'statusValid', '1.30.14 newer.yaml': 'statusInvalid',
    })
  })
})

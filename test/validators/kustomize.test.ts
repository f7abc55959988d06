import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { SCENARIOS, k8sMatrix, scenario } from '../fixtures/scenarios.js'
import { ENVS, LONG_NAME, batch, checkRendered, distinctTrees, kubeconform, parseManifests, type Obj } from '../helpers/k8s.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// `kubectl kustomize` of every overlay (dev, staging, prod) of every language × database ×
// cache (each Kubernetes platform in turn), then kubeconform in strict mode over everything
// built. The bulk runs through kustomize-batch (kustomize's build command as kubectl runs it,
// many builds per process; see tools/kustomize-batch/main.go); the golden trees also go
// through the kustomize binary, which must print the same. Trees that differ only by the
// project name are built once.
const goldenIds = Object.keys(SCENARIOS).filter((id) => scenario(id).platform !== 'compose' && scenario(id).k8sFormat === 'kustomize')
const goldenNames = new Set(goldenIds.map((id) => scenario(id).name))
const generated = [...k8sMatrix('kustomize'), validateAnswers({ ...LONG_NAME, k8sFormat: 'kustomize' }), ...goldenIds.map(scenario)].map((answers) => {
  const g = generate(answers)
  return { answers, context: g.context, rendered: g.files, files: new Map(g.files.map((f) => [f.path, f.content])) }
})
const treeDir = (_a: Answers) => 'deploy/kustomize/'
const groups = [
  ...distinctTrees(generated.filter((g) => !goldenNames.has(g.answers.name)), treeDir),
  ...goldenIds.map((id) => ({ rep: scenario(id), members: [scenario(id)] })),
]
const byName = new Map(generated.map((g) => [g.answers.name, g]))

const built = new Map<string, { tree: string; byEnv: Partial<Record<(typeof ENVS)[number], string>>; errors: string[] }>()
const manifestFiles: string[] = []
let conform: Awaited<ReturnType<typeof kubeconform>>

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'cca-kustomize-out-'))
  const trees = groups.map(({ rep }) => ({ name: rep.name, tree: join(writeTree(byName.get(rep.name)!.rendered, 'cca-kustomize-'), treeDir(rep)) }))
  const results = await batch('kustomize-batch', trees.flatMap((t) => ENVS.map((env) => [join(t.tree, 'overlays', env)])))
  trees.forEach(({ name, tree }, i) => {
    const b = { tree, byEnv: {} as Partial<Record<(typeof ENVS)[number], string>>, errors: [] as string[] }
    ENVS.forEach((env, j) => {
      const r = results[i * ENVS.length + j]!
      if (r.exitCode !== 0) return void b.errors.push(`${env}: ${r.output}`)
      b.byEnv[env] = r.output
      const file = join(out, `${name}-${env}.yaml`)
      writeFileSync(file, r.output)
      manifestFiles.push(file)
    })
    built.set(name, b)
  })
  conform = await kubeconform(manifestFiles)
}, 900_000)

describe(`Kustomize overlays: ${generated.length} projects, ${groups.length} distinct trees`, () => {
  it('every overlay builds', () => {
    expect([...built].flatMap(([name, b]) => b.errors.map((e) => `${name} ${e}`))).toEqual([])
    expect(manifestFiles).toHaveLength(groups.length * ENVS.length)
  })

  it.each([...goldenNames])('%s: the kustomize binary builds exactly what kustomize-batch built', async (name) => {
    const b = built.get(name)!
    for (const env of ENVS) {
      const r = await execa(requireTool('kustomize'), ['build', join(b.tree, 'overlays', env)], { env: toolsEnv() })
      expect(r.stdout.trimEnd(), env).toBe(b.byEnv[env]!.trimEnd())
    }
  })

  it('every built object is valid against the Kubernetes 1.36 and 1.30 schemas in strict mode (unknown fields rejected)', () => {
    const bad = conform.resources.filter((r) => r.status !== 'statusValid').map((r) => `${r.kubernetes} ${r.filename} ${r.kind}/${r.name}: ${r.msg}`)
    expect(bad).toEqual([])
    expect(conform.exitCode, conform.stderr).toBe(0)
    const kinds = new Set(conform.resources.map((r) => r.kind))
    for (const k of ['Deployment', 'Service', 'ServiceAccount', 'ConfigMap', 'Secret', 'Ingress', 'HorizontalPodAutoscaler',
      'PodDisruptionBudget', 'NetworkPolicy', 'StatefulSet']) {
      expect(kinds.has(k), k).toBe(true)
    }
  })

  it.each(generated.map((g) => [g.answers.name, g] as const))('%s: the overlays agree with the Dockerfile, Compose and the starter app', (name, g) => {
    const group = groups.find((x) => x.members.some((m) => m.name === name))!
    const b = built.get(group.rep.name)!
    const byEnv = Object.fromEntries(ENVS.map((env) => [env, parseManifests(b.byEnv[env]!.replaceAll(group.rep.name, name))])) as Record<
      (typeof ENVS)[number],
      Obj[]
    >
    checkRendered(g.answers, g.context, g.files, byEnv)
    for (const env of ENVS) {
      // Generated names carry a hash of the content, so a changed setting rolls the pods.
      const app = byEnv[env].find((d) => d.kind === 'Deployment')!.spec.template.spec.containers[0]
      expect(app.envFrom[0].configMapRef.name).toMatch(new RegExp(`^${name}-[a-z0-9]{10}$`))
    }
    const secret = byEnv.dev.find((d) => d.kind === 'Secret')
    expect(Object.keys(secret?.data ?? {}).sort()).toEqual(g.context.k8s!.devSecrets.map((s) => s.name).sort())
  })
})

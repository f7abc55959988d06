import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import type { K8sFormat } from '../../src/options.js'
import { ENVS, batch, parseManifests, type Obj } from '../helpers/k8s.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// checkov's Kubernetes checks over the rendered manifests: zero failures, except the checks the
// chart's (or Kustomize tree's) .checkov.yaml skips with a reason, and the probe checks the helm
// test pod skips in its own annotations. checkov's checks look at the manifests' structure, which
// the language changes only in numbers (port, UID) and names, so it runs over a covering set:
// every platform, database and cache, every environment, both formats, and .NET's UID and a
// second port. (The optional ExternalSecret, HTTPRoute and ServiceMonitor are custom resources,
// which checkov's Kubernetes checks do not cover; helm.test.ts checks them against their CRDs.) (helm.test.ts and kustomize.test.ts check every combination's
// manifests against the schemas and the hardening this relies on.) checkov takes about 50 ms per
// object, so every combination (~10,000 objects) would take minutes for nothing new.
const COVER: Record<string, unknown>[] = [
  { language: 'node', platform: 'kubernetes', database: 'postgres', cache: 'redis' },
  { language: 'python', platform: 'eks', database: 'mysql', cache: 'memcached' },
  { language: 'dotnet', platform: 'aks', database: 'mariadb', cache: 'valkey' },
  { language: 'go', platform: 'gke', database: 'mongodb', cache: 'none' },
  { language: 'java', platform: 'kubernetes', database: 'none', cache: 'none' },
]
const cover = (k8sFormat: K8sFormat): Answers[] =>
  COVER.map((c) => validateAnswers({ ...c, k8sFormat, name: `sec-${c.language}-${c.platform}` }))

/** The skips every .checkov.yaml documents, and why the test expects exactly these. */
const DOCUMENTED_SKIPS = ['CKV_K8S_15', 'CKV_K8S_35', 'CKV_K8S_40', 'CKV_K8S_43']

interface Scan {
  summary: Obj
  failed: Obj[]
  skipped: Obj[]
  /** Every object checkov checked, as it names them: Kind.namespace.name. */
  checked: Set<string>
  config: string
  /** The objects rendered, named the same way. */
  objects: Set<string>
}
const scans: Partial<Record<K8sFormat, Scan>> = {}

/** Renders the covering set into `dir` (one file per project and environment); returns the objects written. */
async function render(format: K8sFormat, dir: string): Promise<{ config: string; objects: Set<string> }> {
  const projects = cover(format).map((a) => ({ a, root: writeTree(generate(a).files, 'cca-sec-') }))
  const jobs = projects.flatMap(({ a, root }) => {
    const chart = join(root, `deploy/helm/${a.name}`)
    return format === 'helm'
      ? ENVS.map((env) => ({ file: `${a.name}-${env}`, args: ['template', a.name, chart, '-n', `${a.name}-${env}`, '-f', join(chart, `values-${env}.yaml`)] }))
      : ENVS.map((env) => ({ file: `${a.name}-${env}`, args: [join(root, 'deploy/kustomize/overlays', env)] }))
  })
  const results = await batch(format === 'helm' ? 'helm-batch' : 'kustomize-batch', jobs.map((j) => j.args))
  const objects = new Set<string>()
  results.forEach((r, i) => {
    expect(r.exitCode, r.output).toBe(0)
    writeFileSync(join(dir, `${jobs[i]!.file}.yaml`), r.output)
    for (const d of parseManifests(r.output)) objects.add(`${d.kind}.${d.metadata.namespace}.${d.metadata.name}`)
  })
  const first = projects[0]!
  const config = format === 'helm' ? join(first.root, `deploy/helm/${first.a.name}/.checkov.yaml`) : join(first.root, 'deploy/kustomize/.checkov.yaml')
  return { config, objects }
}

/** A deployment with its hardening taken out, so the scan must fail on it: proof that checkov looks. */
function negativeControl(dir: string, sample: string): void {
  mkdirSync(join(dir, 'negative'))
  const deploy = parseManifests(sample).find((d) => d.kind === 'Deployment')!
  deploy.metadata.name = 'negative-control'
  const c = deploy.spec.template.spec.containers[0]
  c.securityContext = { allowPrivilegeEscalation: true, readOnlyRootFilesystem: false }
  delete c.livenessProbe
  delete deploy.spec.template.spec.securityContext
  writeFileSync(join(dir, 'negative', 'deployment.yaml'), JSON.stringify(deploy))
}

async function checkov(config: string, dir: string): Promise<Obj> {
  // Offline: no guideline download from the vendor's API (the checks themselves are local).
  const r = await execa(requireTool('checkov'), ['--config-file', config, '-d', dir, '-o', 'json', '--skip-download'], {
    reject: false,
    env: toolsEnv({ BC_SKIP_MAPPING: 'TRUE' }),
  })
  // Exit 1 means "failed checks"; anything else with no report is checkov itself failing.
  if (!r.stdout.trim().startsWith('{') && !r.stdout.trim().startsWith('[')) throw new Error(`checkov failed (exit ${r.exitCode}): ${r.stderr}`)
  const report = JSON.parse(r.stdout) as Obj | Obj[]
  return Array.isArray(report) ? report.find((x) => x.check_type === 'kubernetes')! : report
}

beforeAll(async () => {
  await Promise.all(
    (['helm', 'kustomize'] as const).map(async (format) => {
      const dir = mkdtempSync(join(tmpdir(), `cca-checkov-${format}-`))
      const { config, objects } = await render(format, dir)
      negativeControl(dir, readFileSync(join(dir, `${cover(format)[0]!.name}-prod.yaml`), 'utf8'))
      const report = await checkov(config, dir)
      const results = report.results as Record<'passed_checks' | 'failed_checks' | 'skipped_checks', Obj[]>
      const checked = new Set([...results.passed_checks, ...results.failed_checks, ...results.skipped_checks].map((c) => String(c.resource)))
      scans[format] = { summary: report.summary, failed: results.failed_checks, skipped: results.skipped_checks, checked, config, objects }
    }),
  )
}, 600_000)

describe.each(['helm', 'kustomize'] as const)('checkov over the %s manifests', (format) => {
  it('scans every rendered object and finds nothing, apart from the deliberately broken control', () => {
    const s = scans[format]!
    expect(s.summary.parsing_errors).toBe(0)
    const real = s.failed.filter((f) => !String(f.file_path).includes('/negative/'))
    expect(real.map((f) => `${f.check_id} ${f.resource} (${f.file_path})`)).toEqual([])
    // checkov has checks for these kinds (none for HPAs, budgets or network policies): it saw every one.
    const checkable = [...s.objects].filter((o) => /^(Deployment|StatefulSet|Pod|Service|ServiceAccount|Ingress|ConfigMap|Secret)\./.test(o))
    expect(checkable.filter((o) => !s.checked.has(o))).toEqual([])
    expect(checkable.length).toBeGreaterThan(50)
    expect(s.summary.passed).toBeGreaterThan(checkable.length * 10)
  })

  it('fails the control on the hardening it lacks (the checks run)', () => {
    const ids = new Set(scans[format]!.failed.filter((f) => String(f.file_path).includes('/negative/')).map((f) => f.check_id))
    for (const id of ['CKV_K8S_8', 'CKV_K8S_20', 'CKV_K8S_22', 'CKV_K8S_28', 'CKV_K8S_29', 'CKV_K8S_37']) {
      expect(ids.has(id), id).toBe(true)
    }
  })

  it('skips only what is documented, each with its reason', () => {
    const s = scans[format]!
    const text = readFileSync(s.config, 'utf8')
    const config = parseYaml(text) as { framework: string[]; 'skip-check': string[] }
    expect(config.framework).toEqual(['kubernetes'])
    expect(config['skip-check']).toEqual(DOCUMENTED_SKIPS)
    for (const id of DOCUMENTED_SKIPS) {
      // The comment right above the entry names the check and gives the reason.
      const reason = new RegExp(`# ${id} \\([^)]+\\): [^\\n]{30,}(\\n  #[^\\n]*)*\\n  - ${id}\\n`)
      expect(text, id).toMatch(reason)
    }
    // In-manifest skips: only the helm test pod's probe checks, with their reasons.
    if (format === 'kustomize') expect(s.skipped.map((x) => `${x.check_id} ${x.resource}`)).toEqual([])
    else expect(s.skipped.length).toBeGreaterThan(0)
    for (const x of s.skipped) {
      expect(['CKV_K8S_8', 'CKV_K8S_9']).toContain(x.check_id)
      expect(x.resource).toMatch(/^Pod\./)
      expect(String(x.check_result.suppress_comment).length).toBeGreaterThan(20)
    }
  })
})

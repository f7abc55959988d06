import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/index.js'
import { K8S_SCHEMA_VERSIONS, schemaDir } from '../helpers/k8s.js'
import { TOOLS_BIN } from '../helpers/tools.js'

const GOLDEN = new URL('../__golden__/', import.meta.url).pathname

async function run(argv: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await main({ argv, cwd, env: { CI: 'true', ...env }, tty: false, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } })
  return { code, stdout, stderr }
}

/** A golden project copied to a temp folder, to break on purpose. */
function copyOf(id: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cca-validate-')), id)
  cpSync(join(GOLDEN, id), dir, { recursive: true })
  rmSync(join(dir, 'FILES.txt'))
  return dir
}
const edit = (dir: string, path: string, from: RegExp | string, to: string) => {
  const text = readFileSync(join(dir, path), 'utf8')
  const next = text.replace(from, to)
  expect(next, `${path}: ${String(from)} not found`).not.toBe(text)
  writeFileSync(join(dir, path), next)
}
const rulesOf = (stdout: string): string[] => [...new Set((JSON.parse(stdout).findings as { rule: string }[]).map((f) => f.rule))].sort()

describe('validate: every golden scenario is clean', () => {
  for (const id of readdirSync(GOLDEN).sort()) {
    it(id, async () => {
      const r = await run(['validate', '--no-external', '--strict', '--json'], copyOf(id))
      expect(JSON.parse(r.stdout).findings).toEqual([])
      expect(r.code, r.stdout).toBe(0)
    })
  }
})

/** A project the CLI generates (the goldens hold the chart's values but not its verbatim templates). */
async function generated(flags: string[]): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'cca-validate-gen-'))
  const r = await run(['svc', '--yes', ...flags], cwd)
  expect(r.code, r.stderr).toBe(0)
  return join(cwd, 'svc')
}

describe('validate: each seeded defect fails with its rule id', () => {
  const helm = 'k8s-node-postgres-redis-helm'
  const cases: { name: string; id: string | string[]; rule: string; breakIt: (dir: string) => void }[] = [
    { name: 'port mismatch (the chart listens elsewhere)', id: helm, rule: 'port-mismatch', breakIt: (d) => edit(d, 'deploy/helm/orders-api/values.yaml', /^containerPort: \d+$/m, 'containerPort: 8081') },
    { name: 'root user (USER removed from the final stage)', id: 'node-defaults', rule: 'dockerfile-root-user', breakIt: (d) => edit(d, 'Dockerfile', /^USER .*$(?![\s\S]*^USER )/m, '') },
    { name: 'missing probe (readiness probe removed)', id: ['--platform', 'kubernetes'], rule: 'chart-probe-missing', breakIt: (d) => edit(d, 'deploy/helm/svc/templates/deployment.yaml', /readinessProbe:/, 'readinessGate:') },
    { name: 'unpinned base image', id: 'python-defaults', rule: 'dockerfile-unpinned-base', breakIt: (d) => edit(d, 'Dockerfile', /^ARG PYTHON_IMAGE=.*$/m, 'ARG PYTHON_IMAGE=python:latest') },
    { name: 'wrong env name in Compose', id: 'node-npm-postgres-redis', rule: 'env-name-mismatch', breakIt: (d) => edit(d, 'compose.yaml', /\$\{POSTGRES_PASSWORD/, '${POSTGRES_PASWORD') },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const dir = typeof c.id === 'string' ? copyOf(c.id) : await generated(c.id)
      c.breakIt(dir)
      const r = await run(['validate', '--no-external', '--json'], dir)
      expect(r.code).toBe(1)
      expect(rulesOf(r.stdout)).toContain(c.rule)
      const text = await run(['validate', '--no-external'], dir)
      expect(text.stdout).toMatch(new RegExp(`✗ .*${c.rule.replace('.', '\\.')} `))
      expect(text.stdout).toContain('fix: ')
    })
  }

  it('policy violation (a label the organization requires was removed)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-validate-policy-'))
    writeFileSync(join(cwd, 'containerized.config.json'), JSON.stringify({ policy: { labels: { 'acme.dev/team': 'payments' } } }))
    expect((await run(['svc', '--yes', '--platform', 'kubernetes'], cwd)).code).toBe(0)
    const dir = join(cwd, 'svc')
    expect((await run(['validate', '--no-external'], dir)).code).toBe(0)
    edit(dir, 'deploy/helm/svc/values.yaml', /^ {2}acme\.dev\/team: .*\n/m, '')
    const r = await run(['validate', '--no-external', '--json'], dir)
    expect(r.code).toBe(1)
    const f = JSON.parse(r.stdout).findings.find((x: { rule: string }) => x.rule.startsWith('policy.labels'))
    expect(f.message).toContain('containerized.config.json')
  })
})

describe('validate: report, --strict and external validators', () => {
  it('--strict turns a warning into an error', async () => {
    const dir = copyOf('node-npm-postgres-redis')
    edit(dir, 'compose.yaml', /condition: service_healthy/, 'condition: service_started')
    const loose = await run(['validate', '--no-external', '--json'], dir)
    const findings = JSON.parse(loose.stdout).findings as { severity: string }[]
    expect(findings.length).toBeGreaterThan(0)
    expect(findings.every((f) => f.severity === 'warning')).toBe(true)
    expect(loose.code).toBe(0)
    expect((await run(['validate', '--no-external', '--strict'], dir)).code).toBe(1)
  })

  it('reports each external validator as run, or not installed with how to install it', async () => {
    const dir = await generated(['--platform', 'kubernetes', '--database', 'postgres', '--cache', 'redis'])
    const empty = mkdtempSync(join(tmpdir(), 'cca-empty-path-'))
    const none = await run(['validate', '--json'], dir, { PATH: `${empty}:${dirname(process.execPath)}` })
    const external = JSON.parse(none.stdout).external as { id: string; status: string; hint?: string }[]
    expect(external.length).toBeGreaterThan(3)
    for (const e of external) expect(['not-installed', 'not-applicable'], e.id).toContain(e.status)
    for (const e of external.filter((x) => x.status === 'not-installed')) expect(e.hint, e.id).toBeTruthy()
    const text = await run(['validate'], dir, { PATH: `${empty}:${dirname(process.execPath)}` })
    expect(text.stdout).toMatch(/- hadolint +not installed: /)

    const withTools = await run(['validate', '--json'], dir, { PATH: TOOLS_BIN, CCA_KUBECONFORM_SCHEMAS: schemaDir(K8S_SCHEMA_VERSIONS[0]) })
    const ran = JSON.parse(withTools.stdout).external as { id: string; status: string; output?: string }[]
    for (const id of ['hadolint', 'docker-compose', 'helm', 'kubeconform', 'actionlint', 'security-scan']) {
      const r = ran.find((x) => x.id === id)!
      expect(r.status, `${id}: ${r.output}`).toBe('passed')
    }
  }, 180_000)

  it('a generated project is checked before the user sees it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-validate-gen-'))
    const r = await run(['svc', '--yes', '--database', 'postgres'], cwd)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Checked: no findings from the \d+ built-in rules/)
    const json = await run(['svc2', '--yes', '--json'], cwd)
    expect(JSON.parse(json.stdout).validation).toEqual([])
  })

  it('a kept file that disagrees with the generated ones is reported by the run', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-validate-kept-'))
    mkdirSync(join(cwd, 'svc'))
    writeFileSync(join(cwd, 'svc/Dockerfile'), 'FROM node:latest\nCMD node server.js\n')
    const r = await run(['svc', '--yes', '--on-conflict', 'keep'], cwd)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/The built-in checks found \d+ problem/)
    expect(r.stdout).toContain('dockerfile-unpinned-base')
  })

  it('nothing to validate exits 2', async () => {
    const r = await run(['validate'], mkdtempSync(join(tmpdir(), 'cca-validate-none-')))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/nothing to validate/)
  })
})

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import type { Answers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { ciMatrix } from '../fixtures/scenarios.js'
import type { Obj } from '../helpers/k8s.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Every distinct pipeline (ciMatrix: each toolchain, and each platform × registry × Kubernetes
// format, on both providers) is written to disk once and checked by the real validators:
// actionlint (with shellcheck on every `run:` script) and SchemaStore's workflow schema for
// GitHub, GitLab's own CI schema for GitLab, the Dependabot and Renovate schemas, and checkov's
// GitHub Actions and GitLab CI checks.

interface Project {
  a: Answers
  root: string
  files: Map<string, string>
}
let projects: Project[] = []
const github = () => projects.filter((p) => p.a.ci === 'github')
const gitlab = () => projects.filter((p) => p.a.ci === 'gitlab')
/** The project's Terraform directory, for the cloud platforms. */
const infraDir = (p: Project): string | null => ({ eks: 'infra/terraform/aws', aks: 'infra/terraform/azure', gke: 'infra/terraform/gcp' })[p.a.platform as string] ?? null
const workflows = (p: Project) => [...p.files.keys()].filter((f) => f.startsWith('.github/workflows/'))

beforeAll(() => {
  projects = ciMatrix().map((a) => {
    const { files } = generate(a)
    return { a, root: writeTree(files, 'cca-ci-'), files: new Map(files.map((f) => [f.path, f.content])) }
  })
})

async function run(tool: string, args: string[], cwd?: string) {
  return execa(requireTool(tool), args, { env: toolsEnv(), reject: false, all: true, cwd })
}

describe('GitHub Actions', () => {
  it('writes ci, release and dependabot for every project, and deploy for a cluster', () => {
    for (const p of github()) {
      const expected = [
        '.github/dependabot.yml',
        '.github/workflows/ci.yml',
        '.github/workflows/release.yml',
        ...(p.a.platform === 'compose' ? [] : ['.github/workflows/deploy.yml']),
        // The cloud platforms' Terraform gets its own pipeline.
        ...(['eks', 'aks', 'gke'].includes(p.a.platform) ? ['.github/workflows/infra.yml'] : []),
      ]
      expect([...p.files.keys()].filter((f) => f.startsWith('.github/')).sort(), p.a.name).toEqual(expected.sort())
      expect(p.files.has('.gitlab-ci.yml')).toBe(false)
    }
  })

  it('actionlint (with shellcheck on run: scripts) finds nothing in any workflow', async () => {
    requireTool('shellcheck')
    // One run per project: a reusable workflow (`uses: ./.github/workflows/deploy.yml`) is
    // resolved against its own project.
    const failures: string[] = []
    await Promise.all(
      github().map(async (p) => {
        const r = await run('actionlint', ['-no-color', '-shellcheck', requireTool('shellcheck'), ...workflows(p)], p.root)
        if (r.exitCode !== 0) failures.push(`${p.a.name}:\n${r.all}`)
      }),
    )
    expect(failures).toEqual([])
  }, 300_000)

  it('actionlint and its shellcheck fire on a broken workflow (negative control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cca-ci-neg-'))
    mkdirSync(join(dir, '.github/workflows'), { recursive: true })
    const bad = github()[0]!.files.get('.github/workflows/ci.yml')!
      .replace('run: eval "${TEST_COMMAND}"', 'run: echo $TEST_COMMAND')
      .replace("if: env.LINT_COMMAND != ''", "if: steps.nope.outputs.lint")
    writeFileSync(join(dir, '.github/workflows/ci.yml'), bad)
    const r = await run('actionlint', ['-no-color', '-shellcheck', requireTool('shellcheck'), '.github/workflows/ci.yml'], dir)
    expect(r.exitCode).toBe(1)
    expect(r.all).toContain('shellcheck reported issue')
    expect(r.all).toContain('SC2086')
    expect(r.all).toContain('property "nope" is not defined')
  })

  it('zizmor (--pedantic) finds nothing in any workflow or Dependabot file, and each ignore says why', async () => {
    const roots = github().map((p) => p.root)
    // Offline: the audits that ask GitHub's API (impostor commits, tag/SHA mismatches) cannot run here.
    const r = await run('zizmor', ['--pedantic', '--offline', '--no-config', '--strict-collection', '--format', 'json', ...roots])
    const findings = JSON.parse(r.stdout || 'null') as Obj[] | null
    expect(findings, r.stderr).not.toBeNull()
    expect(findings!.map((f) => `${f.ident} ${JSON.stringify(f.locations[0].symbolic.key)}`)).toEqual([])
    // Every input was audited: each workflow and each dependabot.yml.
    const audited = r.stderr.match(/completed \S+/g) ?? []
    expect(audited).toHaveLength(github().reduce((n, p) => n + workflows(p).length + 1, 0))
    // An ignore names its rule and the reason it does not apply (zizmor reads the text after the rule as a comment).
    const ignores = github().flatMap((p) => workflows(p).flatMap((w) => p.files.get(w)!.split('\n').filter((l) => l.includes('zizmor:'))))
    for (const line of ignores) expect(line).toMatch(/# zizmor: ignore\[[\w-]+\] \S+( \S+){3,}/)
    expect(new Set(ignores.map((l) => /ignore\[([\w-]+)\]/.exec(l)![1]))).toEqual(new Set(['self-repository']))
  })

  it('zizmor fires on a broken workflow and Dependabot file (negative control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cca-ci-zizmor-neg-'))
    mkdirSync(join(dir, '.github/workflows'), { recursive: true })
    const p = github()[0]!
    const ci = p.files.get('.github/workflows/ci.yml')!
    const bad = ci.replace('run: eval "${TEST_COMMAND}"', 'run: echo "${{ github.event.pull_request.title }}"').replace(/actions\/checkout@\S+ # \S+/, 'actions/checkout@v7')
    expect(bad).not.toBe(ci)
    writeFileSync(join(dir, '.github/workflows/ci.yml'), bad)
    writeFileSync(join(dir, '.github/dependabot.yml'), p.files.get('.github/dependabot.yml')!.replace(/ {4}cooldown:\n {6}default-days: 7\n/g, ''))
    const r = await run('zizmor', ['--pedantic', '--offline', '--no-config', '--format', 'json', dir])
    const idents = new Set((JSON.parse(r.stdout) as Obj[]).map((f) => f.ident))
    expect([...idents]).toEqual(expect.arrayContaining(['template-injection', 'unpinned-uses', 'dependabot-cooldown']))
  })

  it('every workflow matches SchemaStore\'s workflow schema, and dependabot.yml its own', async () => {
    const files = github().flatMap((p) => workflows(p).map((w) => join(p.root, w)))
    const wf = await run('check-jsonschema', ['--builtin-schema', 'vendor.github-workflows', ...files])
    expect(wf.exitCode, wf.all).toBe(0)
    const dep = await run('check-jsonschema', ['--builtin-schema', 'vendor.dependabot', ...github().map((p) => join(p.root, '.github/dependabot.yml'))])
    expect(dep.exitCode, dep.all).toBe(0)
  }, 300_000)

  it('takes templated values only in the top-level env: (jobs are verbatim)', () => {
    for (const p of github()) {
      for (const w of workflows(p)) {
        const doc = parseYaml(p.files.get(w)!) as Obj
        // Every value the project supplies is an env entry; the jobs read them as ${{ env.X }}.
        const text = JSON.stringify(doc.jobs)
        expect(text, `${p.a.name} ${w}`).not.toContain(`"${p.a.name}"`)
        // Nothing but GitHub's expressions and metadata-action's tag patterns uses braces.
        expect(text.replace(/\$\{\{[^}]*\}\}/g, '').replace(/pattern=(\{\{\w+\}\}\.?)+/g, '')).not.toContain('{{')
      }
    }
  })
})

describe('GitLab CI', () => {
  it('writes .gitlab-ci.yml and renovate.json, and no GitHub files', () => {
    for (const p of gitlab()) {
      expect(p.files.has('.gitlab-ci.yml')).toBe(true)
      expect(p.files.has('renovate.json')).toBe(true)
      expect([...p.files.keys()].filter((f) => f.startsWith('.github/'))).toEqual([])
    }
  })

  it('every .gitlab-ci.yml matches GitLab\'s own CI schema, and renovate.json Renovate\'s', async () => {
    const ci = await run('check-jsonschema', ['--builtin-schema', 'vendor.gitlab-ci', '--data-transform', 'gitlab-ci', '--regex-variant', 'nonunicode', ...gitlab().map((p) => join(p.root, '.gitlab-ci.yml'))])
    expect(ci.exitCode, ci.all).toBe(0)
    const ren = await run('check-jsonschema', ['--builtin-schema', 'vendor.renovate', join(gitlab()[0]!.root, 'renovate.json')])
    expect(ren.exitCode, ren.all).toBe(0)
  }, 300_000)

  it('the schema check fires on a broken pipeline (negative control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cca-ci-neg-'))
    writeFileSync(join(dir, '.gitlab-ci.yml'), gitlab()[0]!.files.get('.gitlab-ci.yml')!.replace('stage: test', 'stage: [test]').replace('when: never', 'when: sometimes'))
    const r = await run('check-jsonschema', ['--builtin-schema', 'vendor.gitlab-ci', '--data-transform', 'gitlab-ci', join(dir, '.gitlab-ci.yml')])
    expect(r.exitCode).toBe(1)
  })

  it('every script line is valid shell (shellcheck, as GitLab runs them under sh)', async () => {
    const failures: string[] = []
    await Promise.all(
      gitlab().map(async (p) => {
        const doc = parseYaml(p.files.get('.gitlab-ci.yml')!) as Record<string, Obj>
        const lines = Object.values(doc).flatMap((job) => (job && typeof job === 'object' ? ['before_script', 'script', 'after_script'].flatMap((k) => (Array.isArray(job[k]) ? job[k] : [])) : []))
        const script = `#!/bin/sh\n${lines.join('\n')}\n`
        const r = await execa(requireTool('shellcheck'), ['--shell=sh', '--severity=warning', '-'], { input: script, reject: false, all: true })
        if (r.exitCode !== 0) failures.push(`${p.a.name}:\n${r.all}`)
      }),
    )
    expect(failures).toEqual([])
  }, 300_000)
})

describe('checkov: GitHub Actions and GitLab CI checks', () => {
  it('finds nothing in any pipeline, and fails a broken one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cca-ci-checkov-'))
    for (const [i, p] of projects.entries()) {
      for (const f of [...workflows(p), ...(p.files.has('.gitlab-ci.yml') ? ['.gitlab-ci.yml'] : [])]) {
        const to = join(dir, String(i), f)
        mkdirSync(join(to, '..'), { recursive: true })
        writeFileSync(to, p.files.get(f)!)
      }
    }
    // The control: write-all permissions (CKV2_GHA_1), workflow_dispatch inputs (CKV_GHA_7) and
    // an event field expanded into a script (CKV_GHA_2). (checkov 3.3.30's cosign checks,
    // CKV_GHA_5/6, pass every workflow: they return at the jobs' line-number key.)
    const neg = join(dir, 'negative/.github/workflows')
    mkdirSync(neg, { recursive: true })
    writeFileSync(
      join(neg, 'release.yml'),
      github()[0]!
        .files.get('.github/workflows/release.yml')!
        .replace('permissions: {}', 'permissions: write-all')
        .replace('on:\n', 'on:\n  workflow_dispatch:\n    inputs:\n      ref:\n        type: string\n')
        .replace('run: echo "image=', 'run: echo "${{ github.event.head_commit.message }}" image='),
    )
    const r = await execa(requireTool('checkov'), ['-d', dir, '--framework', 'github_actions', 'gitlab_ci', '-o', 'json', '--skip-download'], { env: toolsEnv(), reject: false })
    const reports = ([] as Obj[]).concat(JSON.parse(r.stdout))
    const failed = reports.flatMap((rep) => rep.results.failed_checks as Obj[])
    const real = failed.filter((f) => !String(f.file_path).includes('/negative/'))
    expect(real.map((f) => `${f.check_id} ${f.file_path}`)).toEqual([])
    const control = new Set(failed.filter((f) => String(f.file_path).includes('/negative/')).map((f) => f.check_id))
    expect([...control].sort()).toEqual(expect.arrayContaining(['CKV2_GHA_1', 'CKV_GHA_2', 'CKV_GHA_7']))
    const frameworks = new Set(reports.map((rep) => rep.check_type))
    expect(frameworks).toEqual(new Set(['github_actions', 'gitlab_ci']))
    expect(reports.reduce((n, rep) => n + (rep.summary.passed as number), 0)).toBeGreaterThan(projects.length * 5)
  }, 600_000)
})

describe('pipelines agree with the project', () => {
  it('compose files, Dockerfile target, chart, values files, overlays and image names exist', () => {
    for (const p of projects) {
      const where = p.a.name
      const ctx = generate(p.a).context.ci!
      for (const f of ctx.composeFile.split(':')) expect(p.files.has(f), `${where} ${f}`).toBe(true)
      expect(p.files.get('Dockerfile'), where).toMatch(/ AS prod$/m)
      if (p.a.platform === 'compose') {
        expect(ctx.deploy).toBeNull()
        continue
      }
      const d = ctx.deploy!
      for (const env of d.environments) {
        if (d.format === 'helm') expect(p.files.has(env.config), `${where} ${env.config}`).toBe(true)
        else expect(p.files.has(`${env.config}/kustomization.yaml`), `${where} ${env.config}`).toBe(true)
      }
      if (d.format === 'helm') expect(p.files.has(`${d.chartDir}/Chart.yaml`)).toBe(true)
      else {
        const base = parseYaml(p.files.get(`${d.kustomizeDir}/base/kustomization.yaml`)!) as Obj
        expect(base.images.map((i: Obj) => i.name)).toContain(d.kustomizeImage)
      }
      const text = p.files.get(p.a.ci === 'github' ? '.github/workflows/deploy.yml' : '.gitlab-ci.yml')!
      expect(text).toContain(d.format === 'helm' ? d.chartDir : d.kustomizeDir)
    }
  })

  it('the README lists exactly the variables and secrets the pipelines read', () => {
    for (const p of projects) {
      const ctx = generate(p.a).context.ci!
      const readme = p.files.get('README.containers.md')!
      for (const x of ctx.settings) expect(readme, `${p.a.name} ${x.name}`).toContain(`| \`${x.name}\` | ${x.kind} | ${x.scope} |`)
      if (p.a.ci === 'github') {
        const text = workflows(p).map((w) => p.files.get(w)!).join('\n')
        const used = new Set([...text.matchAll(/\b(?:vars|secrets)\.(\w+)/g)].map((m) => m[1]!).filter((n) => n !== 'GITHUB_TOKEN'))
        expect([...used].sort(), p.a.name).toEqual(ctx.settings.map((x) => x.name).sort())
      } else {
        const text = p.files.get('.gitlab-ci.yml')!
        // Read as $NAME, or passed on by name (`docker run -e NAME`) to a cloud CLI.
        for (const x of ctx.settings) expect(text, `${p.a.name} ${x.name}`).toMatch(new RegExp(`(\\$|-e )${x.name}\\b`))
      }
    }
  })

  it('every action is pinned by a full commit SHA, with its release in a comment', () => {
    const pins = new Map<string, Set<string>>()
    for (const p of github())
      for (const w of workflows(p))
        for (const m of p.files.get(w)!.matchAll(/uses: ([^\s@]+)@(\S+)(?: # (\S+))?/g)) {
          if (m[1]!.startsWith('./')) continue
          // A tag can be moved to other code (trivy-action's were, in a 2026 attack); a commit cannot.
          expect(m[2], `${m[1]} in ${w}`).toMatch(/^[0-9a-f]{40}$/)
          // The release it is, for people and Dependabot: some actions tag releases with two parts (azure/use-kubelogin v1.3).
          expect(m[3], `${m[1]} in ${w}`).toMatch(/^v?\d+\.\d+(\.\d+)?$/)
          const key = m[1]!.split('/').slice(0, 2).join('/')
          pins.set(key, (pins.get(key) ?? new Set()).add(`${m[2]} ${m[3] ?? ''}`))
        }
    for (const [action, seen] of pins) expect([...seen], action).toHaveLength(1)
    expect(pins.size).toBeGreaterThan(20)
  })
})

// checkov 3.3.30's cosign checks (CKV_GHA_5/6) pass a job that builds and never signs, so the
// order of the release steps is checked here.
describe('the infrastructure pipeline plans on review and applies in order behind the environments', () => {
  it('GitHub: fmt and validate first; plans only on pull requests, without the lock; applies dev → staging → prod on main', () => {
    for (const p of github().filter((x) => infraDir(x))) {
      const doc = parseYaml(p.files.get('.github/workflows/infra.yml')!) as Obj
      expect(doc.on.pull_request.paths, p.a.name).toContain(`${infraDir(p)}/**`)
      const { check, plan, apply } = doc.jobs
      expect(JSON.stringify(check.steps)).toMatch(/fmt -check.*init -backend=false.*validate/)
      expect(plan.needs).toBe('check')
      expect(plan.if).toContain("github.event_name == 'pull_request'")
      expect(plan.environment).toBeUndefined()
      expect(JSON.stringify(plan.steps)).toContain('plan -lock=false -var-file=\\"environments/${ENVIRONMENT}.tfvars\\"')
      expect(apply.if).toContain("github.ref == 'refs/heads/main'")
      expect(apply.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true, matrix: { environment: ['dev', 'staging', 'prod'] } })
      expect(apply.environment.name).toBe('${{ matrix.environment }}')
      expect(apply.concurrency['cancel-in-progress']).toBe(false)
      expect(JSON.stringify(apply.steps)).toMatch(/plan -var-file=.*-out=tfplan.*apply tfplan/)
      for (const job of [plan, apply]) expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' })
    }
  })

  it('GitLab: check and plans in merge requests, applies on the default branch with prod manual', () => {
    for (const p of gitlab().filter((x) => infraDir(x))) {
      const doc = parseYaml(p.files.get('.gitlab-ci.yml')!) as Obj
      expect(doc.stages).toEqual(['test', 'build', 'infra', 'deploy'])
      expect(doc['terraform-check'].script.join('\n')).toMatch(/fmt -check[\s\S]*init -backend=false[\s\S]*validate/)
      expect(doc['terraform-plan'].rules[0].if).toContain('merge_request_event')
      expect(doc['terraform-plan'].script[0]).toContain('plan -lock=false')
      expect(doc['terraform-apply-staging'].needs).toEqual(['terraform-apply-dev'])
      expect(doc['terraform-apply-prod'].needs).toEqual(['terraform-apply-staging'])
      expect(doc['terraform-apply-prod'].rules[0].when).toBe('manual')
      expect(doc['.terraform-apply'].environment).toEqual({ name: '$ENVIRONMENT', action: 'prepare' })
    }
  })
})

describe('the release jobs scan before they push, and sign what they pushed', () => {
  it('GitHub: scan (failing on HIGH/CRITICAL, SARIF always uploaded) → push with attestations → sign and attest by digest', () => {
    for (const p of github()) {
      const steps = (parseYaml(p.files.get('.github/workflows/release.yml')!) as Obj).jobs.image.steps as Obj[]
      const at = (pred: (s: Obj) => boolean) => steps.findIndex(pred)
      const scan = at((s) => String(s.uses).startsWith('aquasecurity/trivy-action@'))
      const sarif = at((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'))
      const push = at((s) => s.id === 'push')
      const sign = at((s) => /cosign sign --yes "\$\{IMAGE\}@\$\{DIGEST\}"/.test(String(s.run)))
      expect([scan, sarif, push, sign].every((i) => i >= 0), p.a.name).toBe(true)
      expect(scan < push && sarif < push && push < sign).toBe(true)
      expect(steps[scan]!.with).toMatchObject({ severity: '${{ env.SCAN_SEVERITY }}', 'exit-code': '1', format: 'sarif' })
      expect((parseYaml(p.files.get('.github/workflows/release.yml')!) as Obj).env.SCAN_SEVERITY).toBe('CRITICAL,HIGH')
      expect(String(steps[sarif]!.if)).toContain('always()')
      expect(steps[push]!.with).toMatchObject({ push: true, sbom: true, provenance: 'mode=max', platforms: '${{ env.PLATFORMS }}' })
      expect(String(steps[sign]!.run)).toMatch(/cosign attest --yes --type spdxjson --predicate sbom.spdx.json/)
      expect(steps[sign]!.env).toEqual({ IMAGE: '${{ steps.registry.outputs.image }}', DIGEST: '${{ steps.push.outputs.digest }}' })
    }
  })

  it('GitLab: the same order in the build job, the scan report kept even when it fails', () => {
    for (const p of gitlab()) {
      const job = (parseYaml(p.files.get('.gitlab-ci.yml')!) as Obj)['build-image']
      const script = (job.script as string[]).join('\n')
      const scan = script.indexOf('aquasec/trivy:')
      const push = script.indexOf('--push')
      const sign = script.indexOf('cosign sign --yes')
      expect(scan > 0 && scan < push && push < sign, p.a.name).toBe(true)
      expect(script).toMatch(/--severity CRITICAL,HIGH --ignore-unfixed --exit-code 1/)
      expect(script).toMatch(/--attest type=sbom --attest type=provenance,mode=max/)
      expect(job.artifacts).toMatchObject({ when: 'always', reports: { container_scanning: 'gl-container-scanning-report.json' } })
      expect(Object.keys(job.id_tokens)).toContain('SIGSTORE_ID_TOKEN')
    }
  })
})

describe('the deploy steps render what they claim', () => {
  it('the Kustomize deploy points the Deployment at the pushed digest', async () => {
    const p = projects.find((x) => x.a.ci === 'github' && x.a.k8sFormat === 'kustomize' && x.a.platform !== 'compose')!
    const ctx = generate(p.a).context.ci!
    const step = (parseYaml(p.files.get('.github/workflows/deploy.yml')!) as Obj).jobs.deploy.steps.find((s: Obj) => String(s.run ?? '').includes('kubectl apply --kustomize'))
    // The step's own here-doc, with the workflow's values, written by a real shell in the checkout.
    const script = String(step.run).split('\n').filter((l) => !l.startsWith('kubectl')).join('\n')
    const digest = `sha256:${'a'.repeat(64)}`
    const r = await execa('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: p.root,
      env: { ...process.env, KUSTOMIZE_DIR: ctx.deploy!.kustomizeDir, ENVIRONMENT: 'prod', KUSTOMIZE_IMAGE: ctx.deploy!.kustomizeImage, IMAGE: 'registry.example/team/app', DIGEST: digest },
      reject: false,
      all: true,
    })
    expect(r.exitCode, r.all).toBe(0)
    const build = await execa(requireTool('kustomize'), ['build', join(p.root, '.deploy')], { env: toolsEnv(), reject: false, all: true })
    expect(build.exitCode, build.all).toBe(0)
    const docs = build.stdout.split(/^---$/m).map((d) => parseYaml(d) as Obj)
    const deploy = docs.find((d) => d?.kind === 'Deployment' && d.metadata.name === ctx.deploy!.deployment)!
    expect(deploy.metadata.namespace).toBe(`${ctx.deploy!.release}-prod`)
    expect(deploy.spec.template.spec.containers[0].image).toBe(`registry.example/team/app@${digest}`)
  })

  it('the Helm deploy\'s --set-string values pin the pushed digest', async () => {
    const p = projects.find((x) => x.a.ci === 'github' && x.a.k8sFormat === 'helm' && x.a.platform !== 'compose')!
    const d = generate(p.a).context.ci!.deploy!
    const digest = `sha256:${'b'.repeat(64)}`
    const r = await execa(
      requireTool('helm'),
      ['template', d.release, join(p.root, d.chartDir), '--namespace', `${d.release}-prod`, '--values', join(p.root, d.environments[2]!.config), '--set-string', 'image.repository=registry.example/team/app', '--set-string', `image.digest=${digest}`],
      { env: toolsEnv(), reject: false, all: true },
    )
    expect(r.exitCode, r.all).toBe(0)
    const deploy = r.stdout.split(/^---$/m).map((x) => parseYaml(x) as Obj).find((x) => x?.kind === 'Deployment' && x.metadata.name === d.deployment)!
    expect(deploy.spec.template.spec.containers[0].image).toBe(`registry.example/team/app@${digest}`)
    expect(existsSync(join(p.root, d.chartDir, 'values-prod.yaml'))).toBe(true)
    expect(readFileSync(join(p.root, '.github/workflows/deploy.yml'), 'utf8')).toContain('values-${ENVIRONMENT}.yaml')
  })
})

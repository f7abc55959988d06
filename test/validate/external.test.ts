import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type RawAnswers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { EXTERNAL_VALIDATORS, runExternal, spawnExec, type Exec, type ExecResult, type ExternalResult } from '../../src/validate/external.js'
import { K8S_SCHEMA_VERSIONS, schemaDir } from '../helpers/k8s.js'
import { writeTree } from '../helpers/render.js'
import { TOOLS_BIN, requireTool } from '../helpers/tools.js'
import { couldNotRun } from '../../src/cli/validate.js'

const ALL_IDS = ['hadolint', 'docker-compose', 'helm', 'kubeconform', 'actionlint', 'terraform', 'tflint', 'security-scan']

/** Every file below `dir`, as paths from it (what `validate` hands the validators). */
function listFiles(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name
    return e.isDirectory() ? listFiles(dir, p) : [p]
  })
}

function project(raw: RawAnswers, prefix: string): { root: string; paths: string[] } {
  const root = writeTree(generate(validateAnswers(raw)).files, prefix)
  return { root, paths: listFiles(root) }
}

const edit = (root: string, path: string, fn: (s: string) => string) => {
  const before = readFileSync(join(root, path), 'utf8')
  const after = fn(before)
  expect(after, `${path} was not changed`).not.toBe(before)
  writeFileSync(join(root, path), after)
}

const byId = (results: ExternalResult[]) => Object.fromEntries(results.map((r) => [r.id, r])) as Record<string, ExternalResult>

const KUBERNETES = { name: 'svc', platform: 'kubernetes', database: 'postgres', cache: 'redis' } as const
const EKS = { name: 'svc', platform: 'eks', database: 'postgres', cache: 'redis' } as const

/** A folder holding a `node` link only: PATH then offers no validator at all. */
function bareEnv() {
  const empty = mkdtempSync(join(tmpdir(), 'cca-ext-empty-'))
  const nodeDir = mkdtempSync(join(tmpdir(), 'cca-ext-node-'))
  symlinkSync(process.execPath, join(nodeDir, 'node'))
  return { PATH: `${empty}:${nodeDir}`, HOME: process.env.HOME }
}

/** Stand-in executables, so `which` finds them; a fake Exec then answers for them. */
function fakeBin(names: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cca-ext-bin-'))
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\nexit 99\n')
    chmodSync(join(dir, n), 0o755)
  }
  return dir
}

const ok = (stdout = '', stderr = ''): ExecResult => ({ exitCode: 0, stdout, stderr })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('not installed', () => {
  it('with no validator on PATH, every applicable one says so with its install hint, and nothing throws', async () => {
    const { root, paths } = project(EKS, 'cca-ext-bare-')
    const results = await runExternal(root, paths, { env: bareEnv() })
    expect(results.map((r) => r.id)).toEqual(ALL_IDS)
    for (const r of results) {
      const v = EXTERNAL_VALIDATORS.find((x) => x.id === r.id)!
      expect(r.status, r.id).toBe('not-installed')
      expect(r.hint, r.id).toBe(v.installHint)
      expect(r.hint!.split('\n'), r.id).toHaveLength(1)
      expect(r.files.length, r.id).toBeGreaterThan(0)
      expect(r.findings).toEqual([])
    }
    expect(byId(results)['docker-compose']!.tool).toBe('docker compose')
    expect(byId(results)['security-scan']!.tool).toBe('checkov')
    expect(byId(results).hadolint!.files).toEqual(['Dockerfile'])
    expect(byId(results).terraform!.files).toEqual(['infra/terraform/aws'])
    expect(byId(results).helm!.files).toEqual(['deploy/helm/svc'])
    expect(byId(results)['docker-compose']!.files).toEqual(['compose.yaml'])
  })

  it('kubeconform without a renderer for what it would check is not installed either, and names the renderer', async () => {
    const { root, paths } = project(KUBERNETES, 'cca-ext-norender-')
    const bin = fakeBin(['kubeconform'])
    const [r] = await runExternal(root, paths, { env: { PATH: bin }, only: ['kubeconform'], exec: async () => ok() })
    expect(r).toMatchObject({ status: 'not-installed', tool: 'kubeconform' })
    expect(r!.hint).toMatch(/helm/)
  })

  it('an unknown validator id is refused with the known ones', async () => {
    await expect(runExternal('/nonexistent', [], { env: {}, only: ['hadolnt'] })).rejects.toThrow(/hadolnt.*Known: hadolint/)
  })
})

describe('not applicable', () => {
  it('a repository with nothing they check: every validator is not-applicable, none is looked up or run', async () => {
    const root = writeTree([{ path: 'README.md', content: '# x\n' }, { path: 'src/index.js', content: '' }], 'cca-ext-none-')
    const calls: string[] = []
    const results = await runExternal(root, listFiles(root), { env: bareEnv(), exec: async (c) => (calls.push(c), ok()) })
    expect(results.map((r) => [r.id, r.status, r.files])).toEqual(ALL_IDS.map((id) => [id, 'not-applicable', []]))
    expect(calls).toEqual([])
  })

  it('files in dependency folders do not count; each validator picks its own files', () => {
    const paths = [
      'node_modules/x/Dockerfile', '.terraform/modules/m/main.tf', 'vendor/y/compose.yaml',
      'svc-a/Dockerfile', 'svc-a/Dockerfile.dev', 'svc-a/compose.yaml', 'svc-a/compose.prod.yaml',
      'compose.yaml', 'docker-compose.yml', 'docker-compose.yaml',
      'deploy/helm/app/Chart.yaml', 'deploy/helm/app/charts/sub/Chart.yaml',
      'k8s/base/kustomization.yaml', 'k8s/overlays/dev/kustomization.yaml', 'k8s/overlays/prod/kustomization.yaml',
      'other/kustomization.yaml', 'k8s/components/c/kustomization.yaml',
      'infra/main.tf', 'infra/modules/net/main.tf', 'infra/env.tfvars',
      '.github/workflows/ci.yml', '.github/workflows/nested/x.yml', 'svc-a/.github/workflows/ci.yml', '.gitlab-ci.yml',
    ]
    const files = Object.fromEntries(EXTERNAL_VALIDATORS.map((v) => [v.id, v.applies(paths)]))
    // A family run with -f (compose.app.yaml beside the app's own compose.yaml) is checked too.
    const family = EXTERNAL_VALIDATORS.find((v) => v.id === 'docker-compose')!.applies(['api/compose.yaml', 'api/compose.app.yaml', 'api/compose.app.override.yaml', 'api/compose.app.test.yaml', 'api/docker-compose.yml'])
    expect(family).toEqual(['api/compose.app.yaml', 'api/compose.yaml'])
    expect(files).toEqual({
      hadolint: ['svc-a/Dockerfile', 'svc-a/Dockerfile.dev'],
      'docker-compose': ['compose.yaml', 'svc-a/compose.yaml'],
      helm: ['deploy/helm/app'],
      kubeconform: ['deploy/helm/app', 'k8s/overlays/dev', 'k8s/overlays/prod', 'other'],
      actionlint: ['.github/workflows/ci.yml'],
      terraform: ['infra', 'infra/modules/net'],
      tflint: ['infra', 'infra/modules/net'],
      'security-scan': [
        '.github/workflows/ci.yml', '.gitlab-ci.yml', 'deploy/helm/app/Chart.yaml', 'deploy/helm/app/charts/sub/Chart.yaml',
        'infra/main.tf', 'infra/modules/net/main.tf', 'k8s/base/kustomization.yaml', 'k8s/components/c/kustomization.yaml',
        'k8s/overlays/dev/kustomization.yaml', 'k8s/overlays/prod/kustomization.yaml', 'other/kustomization.yaml',
        'svc-a/Dockerfile', 'svc-a/Dockerfile.dev',
      ],
    })
  })
})

describe('the real validators (scripts/install-tools.sh)', () => {
  let env: Record<string, string>
  beforeAll(() => {
    for (const t of ['hadolint', 'docker-compose', 'helm', 'kubeconform', 'kustomize', 'actionlint', 'shellcheck', 'terraform', 'tflint', 'checkov']) requireTool(t)
    const schemas = schemaDir(K8S_SCHEMA_VERSIONS[0])
    if (!existsSync(join(schemas, 'deployment-apps-v1.json'))) throw new Error(`Kubernetes schemas are missing in ${schemas}. Run: bash scripts/install-tools.sh`)
    // Only the suite's tools: `docker-compose` is then the Compose that runs, and nothing else on the machine takes part.
    env = {
      PATH: TOOLS_BIN,
      HOME: process.env.HOME ?? tmpdir(),
      TMPDIR: tmpdir(),
      CCA_KUBECONFORM_SCHEMAS: `${schemas}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    }
  })

  describe('a generated Kubernetes project', () => {
    let root: string
    let paths: string[]
    let results: Record<string, ExternalResult>
    beforeAll(async () => {
      ;({ root, paths } = project(KUBERNETES, 'cca-ext-k8s-'))
      results = byId(await runExternal(root, paths, { env, only: ['hadolint', 'docker-compose', 'helm', 'kubeconform', 'actionlint', 'security-scan'] }))
    }, 240_000)

    it.each(['hadolint', 'docker-compose', 'helm', 'kubeconform', 'actionlint', 'security-scan'])('%s passes', (id) => {
      const r = results[id]!
      expect(r.status, r.output).toBe('passed')
      expect(r.findings).toEqual([])
    })

    it('Compose: the suite\'s docker-compose ran every file set, .env.example standing in for .env', () => {
      const r = results['docker-compose']!
      expect(r.tool).toBe('docker-compose')
      for (const set of ['-f compose.yaml config', '-f compose.yaml -f compose.override.yaml config', '-f compose.yaml -f compose.test.yaml config', '-f compose.yaml -f compose.prod.yaml config']) {
        expect(r.output).toContain(`$ docker-compose ${set} --quiet  (exit 0)`)
      }
      // The secrets .env.example leaves empty, and the release tag.
      expect(r.output).toMatch(/placeholders for IMAGE_TAG, POSTGRES_PASSWORD, CACHE_PASSWORD/)
    })

    it('Helm and kubeconform: every values file linted, every environment rendered and checked against the local schemas', () => {
      for (const v of ['', ' -f deploy/helm/svc/values-dev.yaml', ' -f deploy/helm/svc/values-prod.yaml', ' -f deploy/helm/svc/values-staging.yaml']) {
        expect(results.helm!.output).toContain(`$ helm lint --strict deploy/helm/svc${v}  (exit 0)`)
      }
      for (const e of ['dev', 'staging', 'prod']) expect(results.helm!.output).toContain(`$ helm template svc deploy/helm/svc -f deploy/helm/svc/values-${e}.yaml  (exit 0)`)
      const k = results.kubeconform!
      expect(k.output).toContain('-strict -summary')
      expect(k.output).not.toContain('-ignore-missing-schemas')
      expect(k.output).toContain('<deploy/helm/svc dev, deploy/helm/svc prod, deploy/helm/svc staging>')
      expect(Number(/valid (\d+), invalid 0, errors 0, skipped 0/.exec(k.output!)?.[1])).toBeGreaterThan(20)
    })

    it('checkov: the repository without CKV_DOCKER_7, then each environment rendered into its namespace and scanned with the chart\'s .checkov.yaml', () => {
      const r = results['security-scan']!
      expect(r.tool).toBe('checkov')
      expect(r.output).toContain('$ checkov -d . --framework dockerfile github_actions --skip-check CKV_DOCKER_7 --compact --quiet --skip-download  (exit 0)')
      for (const e of ['dev', 'staging', 'prod']) {
        expect(r.output).toContain(`$ helm template svc deploy/helm/svc -n svc-${e} -f deploy/helm/svc/values-${e}.yaml  (exit 0)`)
      }
      expect(r.output).toMatch(/\$ checkov -f 000-deploy_helm_svc_dev\.yaml -f 001-deploy_helm_svc_prod\.yaml -f 002-deploy_helm_svc_staging\.yaml --framework kubernetes --config-file deploy\/helm\/svc\/\.checkov\.yaml --compact --quiet --skip-download {2}\(exit 0\)/)
      // The chart's documented skips are honoured (no failure for them), and the checks ran.
      expect(r.output).toMatch(/kubernetes scan results:\s+Passed checks: [1-9]\d{2,}, Failed checks: 0, Skipped checks: [1-9]/)
      expect(r.hint).toBeUndefined()
    })

    it('actionlint ran with shellcheck', () => {
      expect(results.actionlint!.files).toEqual(['.github/workflows/ci.yml', '.github/workflows/deploy.yml', '.github/workflows/release.yml'])
      expect(results.actionlint!.hint).toBeUndefined()
    })

    it('validating leaves the repository as it was', () => {
      expect(listFiles(root).sort()).toEqual([...paths].sort())
    })
  })

  it('kubeconform builds each Kustomize overlay (kustomize build) and checks it', async () => {
    const { root, paths } = project({ ...KUBERNETES, k8sFormat: 'kustomize' }, 'cca-ext-kust-')
    const [r] = await runExternal(root, paths, { env, only: ['kubeconform'] })
    expect(r!.files).toEqual(['deploy/kustomize/overlays/dev', 'deploy/kustomize/overlays/prod', 'deploy/kustomize/overlays/staging'])
    expect(r!.status, r!.output).toBe('passed')
    expect(r!.output).toContain('$ kubeconform -strict -summary')
  }, 120_000)

  it('security-scan passes on an EKS project with Terraform and Kustomize overlays, each overlay scanned with the tree\'s .checkov.yaml', async () => {
    const { root, paths } = project({ name: 'svc', platform: 'eks', registry: 'ecr', database: 'postgres', k8sFormat: 'kustomize' }, 'cca-ext-ck-eks-')
    const [r] = await runExternal(root, paths, { env, only: ['security-scan'] })
    expect(r!.status, r!.output).toBe('passed')
    expect(r!.findings).toEqual([])
    expect(r!.output).toContain('$ checkov -d . --framework dockerfile github_actions terraform --skip-check CKV_DOCKER_7')
    expect(r!.output).toMatch(/terraform scan results:\s+Passed checks: [1-9]\d+, Failed checks: 0/)
    for (const e of ['dev', 'staging', 'prod']) expect(r!.output).toContain(`$ kustomize build deploy/kustomize/overlays/${e}  (exit 0)`)
    expect(r!.output).toMatch(/--framework kubernetes --config-file deploy\/kustomize\/\.checkov\.yaml .*\(exit 0\)/)
    expect(r!.output).toMatch(/kubernetes scan results:\s+Passed checks: [1-9]\d{2,}, Failed checks: 0/)
  }, 180_000)

  describe('negative controls', () => {
    it('hadolint: an unpinned base image and no USER fail, with file and line', async () => {
      const root = writeTree([{ path: 'Dockerfile', content: 'FROM node:latest\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n' }], 'cca-ext-hl-')
      const [r] = await runExternal(root, ['Dockerfile'], { env, only: ['hadolint'] })
      expect(r!.status).toBe('failed')
      expect(r!.findings).toContainEqual(expect.objectContaining({ rule: 'hadolint/DL3007', file: 'Dockerfile', line: 1, severity: 'warning' }))
      expect(r!.findings[0]!.hint).toMatch(/hadolint\/wiki\/DL3007/)
    })

    it('actionlint: an undefined step output and an unquoted variable in run: fail, shellcheck\'s finding included', async () => {
      const { root, paths } = project(KUBERNETES, 'cca-ext-al-')
      edit(root, '.github/workflows/ci.yml', (s) => s.replace("if: env.LINT_COMMAND != ''", 'if: steps.nope.outputs.lint').replace('run: eval "${TEST_COMMAND}"', 'run: echo $TEST_COMMAND'))
      const [r] = await runExternal(root, paths, { env, only: ['actionlint'] })
      expect(r!.status).toBe('failed')
      expect(r!.findings).toContainEqual(expect.objectContaining({ rule: 'actionlint/expression', file: '.github/workflows/ci.yml', line: 47 }))
      expect(r!.findings).toContainEqual(expect.objectContaining({ rule: 'actionlint/shellcheck', file: '.github/workflows/ci.yml', message: expect.stringContaining('SC2086') }))
    })

    it('docker compose: a misspelt key in one override fails that set only, naming the file', async () => {
      const { root, paths } = project(KUBERNETES, 'cca-ext-dc-')
      edit(root, 'compose.test.yaml', (s) => s.replace(/^( {4})build:/m, '$1imagee: x\n$1build:'))
      const [r] = await runExternal(root, paths, { env, only: ['docker-compose'] })
      expect(r!.status).toBe('failed')
      expect(r!.findings).toHaveLength(1)
      expect(r!.findings[0]).toMatchObject({ rule: 'docker-compose/config', file: 'compose.test.yaml', severity: 'error' })
      expect(r!.findings[0]!.message).toMatch(/compose\.yaml \+ compose\.test\.yaml: .*additional properties 'imagee' not allowed/)
    })

    it('kubeconform: a misspelt field in a chart template is named at that template, once for every environment', async () => {
      const { root, paths } = project(KUBERNETES, 'cca-ext-kc-')
      edit(root, 'deploy/helm/svc/templates/service.yaml', (s) => s.replace('targetPort: http', 'targtPort: http'))
      const r = byId(await runExternal(root, paths, { env, only: ['helm', 'kubeconform'] }))
      expect(r.kubeconform!.status).toBe('failed')
      expect(r.kubeconform!.findings).toHaveLength(1)
      expect(r.kubeconform!.findings[0]).toMatchObject({ rule: 'kubeconform/invalid', file: 'deploy/helm/svc/templates/service.yaml' })
      expect(r.kubeconform!.findings[0]!.message).toBe("Service/svc (v1): at '/spec/ports/0': additional properties 'targtPort' not allowed [deploy/helm/svc dev, deploy/helm/svc prod, deploy/helm/svc staging]")
    })

    it('helm: a template that does not render fails lint and template; kubeconform, with nothing rendered, is an error', async () => {
      const { root, paths } = project(KUBERNETES, 'cca-ext-helm-')
      edit(root, 'deploy/helm/svc/templates/service.yaml', (s) => s.replace('targetPort: http', 'targetPort: {{ .Values.nope.port }}'))
      const [r, k] = await runExternal(root, paths, { env, only: ['helm', 'kubeconform'] })
      expect(k).toMatchObject({ id: 'kubeconform', status: 'error', findings: [] })
      expect(k!.output).toContain('not checked: deploy/helm/svc dev did not render')
      expect(r!.status).toBe('failed')
      const at = { file: 'deploy/helm/svc/templates/service.yaml', line: 18 }
      // One finding each, naming every values file it breaks with.
      expect(r!.findings).toEqual([
        expect.objectContaining({ rule: 'helm/lint', ...at, message: expect.stringMatching(/nil pointer.*\(with values\.yaml, values-dev\.yaml, values-prod\.yaml, values-staging\.yaml\)$/) }),
        expect.objectContaining({ rule: 'helm/template', ...at, message: expect.stringMatching(/nope.*\(with values-dev\.yaml, values-prod\.yaml, values-staging\.yaml\)$/) }),
      ])
    })

    it('helm: a values file that is not YAML is named, with its line', async () => {
      const { root, paths } = project(KUBERNETES, 'cca-ext-values-')
      edit(root, 'deploy/helm/svc/values-prod.yaml', (s) => `${s}\nbroken: [\n`)
      const [r] = await runExternal(root, paths, { env, only: ['helm'] })
      expect(r!.status).toBe('failed')
      expect(r!.findings.length).toBeGreaterThan(0)
      for (const f of r!.findings) expect(f).toMatchObject({ file: 'deploy/helm/svc/values-prod.yaml', line: expect.any(Number), message: expect.stringMatching(/\(with values-prod\.yaml\)$/) })
    })

    it('checkov: clean workflows pass; a Dockerfile with no USER or HEALTHCHECK fails with its checks (CKV_DOCKER_7 is the built-in rule\'s)', async () => {
      const { root } = project(KUBERNETES, 'cca-ext-ck-')
      const clean = await runExternal(root, ['.github/workflows/ci.yml', '.github/workflows/release.yml'], { env, only: ['security-scan'] })
      expect(clean[0]).toMatchObject({ tool: 'checkov', status: 'passed' })
      expect(clean[0]!.output).toContain('--framework github_actions')
      const bad = writeTree([{ path: 'Dockerfile', content: 'FROM node:latest\nCMD ["node", "server.js"]\n' }], 'cca-ext-ck-bad-')
      const [r] = await runExternal(bad, ['Dockerfile'], { env, only: ['security-scan'] })
      expect(r!.status).toBe('failed')
      expect(r!.findings).toContainEqual(expect.objectContaining({ rule: 'checkov/CKV_DOCKER_3', file: 'Dockerfile', line: 1 }))
      expect(r!.findings).toContainEqual(expect.objectContaining({ rule: 'checkov/CKV_DOCKER_2', file: 'Dockerfile', line: 1 }))
      expect(r!.findings.map((f) => f.rule)).not.toContain('checkov/CKV_DOCKER_7')
    }, 120_000)

    it('checkov: a chart value that allows privilege escalation fails CKV_K8S_20, named at the template, once for every environment', async () => {
      const { root, paths } = project(KUBERNETES, 'cca-ext-ck-chart-')
      edit(root, 'deploy/helm/svc/values.yaml', (s) => s.replace('  allowPrivilegeEscalation: false', '  allowPrivilegeEscalation: true'))
      const [r] = await runExternal(root, paths, { env, only: ['security-scan'] })
      expect(r!.status).toBe('failed')
      expect(r!.findings).toEqual([
        expect.objectContaining({
          rule: 'checkov/CKV_K8S_20',
          severity: 'error',
          file: 'deploy/helm/svc/templates/deployment.yaml',
          message: expect.stringMatching(/allowPrivilegeEscalation \(Deployment\/svc\) \[deploy\/helm\/svc dev, deploy\/helm\/svc prod, deploy\/helm\/svc staging\]$/),
        }),
      ])
    }, 120_000)
  })

  describe('Terraform (init and validate through a fake Exec: no provider registry here)', () => {
    /** The real binary for fmt (and tflint); init and validate answered as a registry-less machine would. */
    const hybrid = (answer: (args: string[], cwd: string) => ExecResult): { exec: Exec; calls: string[][] } => {
      const calls: string[][] = []
      const exec: Exec = async (cmd, args, opts) => {
        calls.push([cmd, ...args])
        if (cmd === 'terraform' && args[0] !== 'fmt') return answer(args, opts.cwd)
        return spawnExec(cmd, args, opts)
      }
      return { exec, calls }
    }
    const validJson = ok(JSON.stringify({ valid: true, error_count: 0, warning_count: 0, diagnostics: [] }))

    it('fmt (real), init + validate (fake) and tflint (real) pass on a generated stack', async () => {
      const { root, paths } = project(EKS, 'cca-ext-tf-')
      const { exec, calls } = hybrid((args) => (args[0] === 'init' ? ok('Terraform has been successfully initialized!') : validJson))
      const r = byId(await runExternal(root, paths, { env, only: ['terraform', 'tflint'], exec }))
      expect(r.terraform!.status, r.terraform!.output).toBe('passed')
      expect(r.tflint!.status, r.tflint!.output).toBe('passed')
      expect(calls.filter((c) => c[0] === 'terraform')).toEqual([
        ['terraform', 'fmt', '-check', '-recursive', '-no-color', 'infra/terraform/aws'],
        ['terraform', 'init', '-backend=false', '-input=false', '-no-color'],
        ['terraform', 'validate', '-json', '-no-color'],
      ])
      expect(calls).toContainEqual(['tflint', '--format', 'json', '--no-color'])
    })

    it('fmt (real) and tflint (real) fail on a badly formatted, unused variable', async () => {
      const { root, paths } = project(EKS, 'cca-ext-tf-bad-')
      writeFileSync(join(root, 'infra/terraform/aws/unused.tf'), 'variable "x"   {\n type = string\n}\n')
      const { exec } = hybrid((args) => (args[0] === 'init' ? ok() : validJson))
      const r = byId(await runExternal(root, [...paths, 'infra/terraform/aws/unused.tf'], { env, only: ['terraform', 'tflint'], exec }))
      expect(r.terraform!.status).toBe('failed')
      expect(r.terraform!.findings).toEqual([expect.objectContaining({ rule: 'terraform/fmt', file: 'infra/terraform/aws/unused.tf' })])
      expect(r.tflint!.status).toBe('failed')
      expect(r.tflint!.findings).toContainEqual(expect.objectContaining({ rule: 'tflint/terraform_unused_declarations', file: 'infra/terraform/aws/unused.tf', line: 1 }))
    })
  })
})

describe('a fake Exec', () => {
  const stack = () => {
    const root = writeTree([{ path: 'infra/main.tf', content: 'terraform {}\n' }], 'cca-ext-fake-tf-')
    return { root, paths: ['infra/main.tf'] }
  }

  it('terraform init that cannot reach the registry is an error (not a failure), and validate is not run', async () => {
    const { root, paths } = stack()
    const calls: string[][] = []
    const exec: Exec = async (cmd, args) => {
      calls.push([cmd, ...args])
      if (args[0] === 'init') {
        return { exitCode: 1, stdout: '', stderr: 'Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/aws: could not connect to registry.terraform.io: dial tcp: lookup registry.terraform.io: no such host' }
      }
      return ok()
    }
    const [r] = await runExternal(root, paths, { env: { PATH: fakeBin(['terraform']) }, only: ['terraform'], exec })
    expect(r!.status).toBe('error')
    expect(r!.output).toContain('no such host')
    expect(r!.findings).toEqual([])
    expect(calls.map((c) => c[1])).toEqual(['fmt', 'init'])
    // validate's line names the command that failed, not the fmt that passed before it.
    expect(r!.reason).toBe('`terraform init -backend=false -input=false -no-color` in infra failed (exit 1): providers or modules could not be downloaded, so it was not validated')
    expect(couldNotRun(r!)).toBe(r!.reason)
    expect(couldNotRun({ output: '$ helm lint chart  (exit 0)\n$ (in chart) helm template x .  (exit 1)\nError: boom' })).toBe('`helm template x .` in chart failed (exit 1)')
  })

  it('terraform: a configuration error in init fails; validate\'s diagnostics become findings with file and line', async () => {
    const { root, paths } = stack()
    const env = { PATH: fakeBin(['terraform']) }
    const broken: Exec = async (_c, args) => (args[0] === 'init' ? { exitCode: 1, stdout: '', stderr: 'Error: Unsupported block type\n\n  on main.tf line 3' } : ok())
    const [a] = await runExternal(root, paths, { env, only: ['terraform'], exec: broken })
    expect(a).toMatchObject({ status: 'failed', findings: [expect.objectContaining({ rule: 'terraform/init', file: 'infra' })] })

    const seen: { env?: Record<string, string> }[] = []
    const invalid: Exec = async (_c, args, opts) => {
      seen.push({ env: opts.env })
      if (args[0] === 'init') {
        // init writes a lock file: validate must not leave it behind.
        writeFileSync(join(opts.cwd, '.terraform.lock.hcl'), '# lock\n')
        return ok()
      }
      if (args[0] === 'validate') {
        return { exitCode: 1, stderr: '', stdout: JSON.stringify({ valid: false, diagnostics: [{ severity: 'error', summary: 'Reference to undeclared input variable', detail: 'An input variable with the name "region" has not been declared.', range: { filename: 'main.tf', start: { line: 7, column: 3 } } }] }) }
      }
      return ok()
    }
    const [b] = await runExternal(root, paths, { env, only: ['terraform'], exec: invalid })
    expect(b!.status).toBe('failed')
    expect(b!.findings).toEqual([expect.objectContaining({ rule: 'terraform/validate', severity: 'error', file: 'infra/main.tf', line: 7, message: expect.stringContaining('undeclared input variable') })])
    expect(existsSync(join(root, 'infra/.terraform.lock.hcl'))).toBe(false)
    expect(seen[1]!.env!.TF_DATA_DIR).toMatch(/cca-tf-data-/)
    expect(existsSync(seen[1]!.env!.TF_DATA_DIR!)).toBe(false)
  })

  it('OpenTofu stands in when terraform is absent', async () => {
    const { root, paths } = stack()
    const cmds = new Set<string>()
    const exec: Exec = async (cmd, args) => (cmds.add(cmd), args[0] === 'validate' ? ok('{"valid":true,"diagnostics":[]}') : ok())
    const [r] = await runExternal(root, paths, { env: { PATH: fakeBin(['tofu']) }, only: ['terraform'], exec })
    expect(r).toMatchObject({ tool: 'tofu', status: 'passed' })
    expect([...cmds]).toEqual(['tofu'])
  })

  it('security-scan runs trivy when checkov is absent, and reads its findings', async () => {
    const root = writeTree([{ path: 'Dockerfile', content: 'FROM node:latest\n' }], 'cca-ext-trivy-')
    const calls: string[][] = []
    const report = { Results: [{ Target: 'Dockerfile', Misconfigurations: [{ ID: 'DS001', AVDID: 'AVD-DS-0001', Title: "':latest' tag used", Message: 'Specify a tag', Severity: 'MEDIUM', Resolution: 'Add a tag', PrimaryURL: 'https://avd.aquasec.com/misconfig/ds001', CauseMetadata: { StartLine: 1 } }] }] }
    const exec: Exec = async (cmd, args) => (calls.push([cmd, ...args]), { exitCode: 1, stdout: JSON.stringify(report), stderr: '' })
    const [r] = await runExternal(root, ['Dockerfile'], { env: { PATH: fakeBin(['trivy']) }, only: ['security-scan'], exec })
    expect(r).toMatchObject({ tool: 'trivy', status: 'failed' })
    expect(calls[0]).toEqual(['trivy', 'config', '--exit-code', '1', '--format', 'json', '--quiet', '.'])
    expect(r!.findings).toEqual([expect.objectContaining({ rule: 'trivy/AVD-DS-0001', file: 'Dockerfile', line: 1, severity: 'warning' })])
  })

  it('security-scan without helm scans the rest and says the chart was not scanned; a root .checkov.yaml\'s skips are kept', async () => {
    const { root, paths } = project(KUBERNETES, 'cca-ext-ck-nohelm-')
    writeFileSync(join(root, '.checkov.yaml'), 'skip-check:\n  - CKV_GHA_7\n')
    const calls: string[][] = []
    const exec: Exec = async (cmd, args) => (calls.push([cmd, ...args]), ok())
    const [r] = await runExternal(root, [...paths, '.checkov.yaml'], { env: { PATH: fakeBin(['checkov']) }, only: ['security-scan'], exec })
    expect(r).toMatchObject({ tool: 'checkov', status: 'passed' })
    expect(calls).toEqual([
      ['checkov', '-d', '.', '--config-file', '.checkov.yaml', '--framework', 'dockerfile', 'github_actions', '--skip-check', 'CKV_DOCKER_7,CKV_GHA_7', '--compact', '--quiet', '--skip-download'],
    ])
    expect(r!.output).toContain('not scanned: deploy/helm/svc (helm is not installed)')
    expect(r!.hint).toMatch(/install .*helm/)
  })

  it('security-scan: a chart that does not render is an error, not a pass', async () => {
    const { root, paths } = project(KUBERNETES, 'cca-ext-ck-norender-')
    const exec: Exec = async (cmd) => (cmd === 'helm' ? { exitCode: 1, stdout: '', stderr: 'Error: boom' } : ok())
    const [r] = await runExternal(root, paths, { env: { PATH: fakeBin(['checkov', 'helm']) }, only: ['security-scan'], exec })
    expect(r!.status).toBe('error')
    expect(r!.output).toContain('(not scanned: deploy/helm/svc dev did not render)')
  })

  it('docker compose is preferred when the docker CLI has the plugin; a docker without it falls back to docker-compose', async () => {
    const root = writeTree([{ path: 'compose.yaml', content: 'services:\n  a:\n    image: x\n' }], 'cca-ext-plugin-')
    const calls: string[][] = []
    const withPlugin: Exec = async (cmd, args) => (calls.push([cmd, ...args]), ok())
    const [a] = await runExternal(root, ['compose.yaml'], { env: { PATH: fakeBin(['docker', 'docker-compose']) }, only: ['docker-compose'], exec: withPlugin })
    expect(a).toMatchObject({ tool: 'docker compose', status: 'passed' })
    expect(calls).toEqual([['docker', 'compose', 'version'], ['docker', 'compose', '-f', 'compose.yaml', 'config', '--quiet']])

    const noPlugin: Exec = async (cmd, args) => (args[0] === 'compose' ? { exitCode: 1, stdout: '', stderr: "docker: 'compose' is not a docker command." } : ok())
    const [b] = await runExternal(root, ['compose.yaml'], { env: { PATH: fakeBin(['docker', 'docker-compose']) }, only: ['docker-compose'], exec: noPlugin })
    expect(b).toMatchObject({ tool: 'docker-compose', status: 'passed' })
    const [c] = await runExternal(root, ['compose.yaml'], { env: { PATH: fakeBin(['docker']) }, only: ['docker-compose'], exec: noPlugin })
    expect(c).toMatchObject({ tool: 'docker compose', status: 'not-installed' })
  })

  it("docker compose: each file with the base it is laid over, the app's own stack apart from ours", async () => {
    const app = 'services:\n  app:\n    image: x\n'
    const names = ['compose.yaml', 'compose.app.yaml', 'compose.app.override.yaml', 'compose.app.test.yaml', 'docker-compose.yml', 'docker-compose.dev.yml']
    const root = writeTree(names.map((path) => ({ path, content: app })), 'cca-ext-stacks-')
    const calls: string[] = []
    const exec: Exec = async (cmd, args) => (calls.push(args.join(' ')), ok())
    await runExternal(root, names, { env: { PATH: fakeBin(['docker']) }, only: ['docker-compose'], exec })
    expect(calls.filter((c) => c.endsWith('config --quiet'))).toEqual([
      'compose -f compose.app.yaml config --quiet',
      'compose -f compose.app.yaml -f compose.app.override.yaml config --quiet',
      'compose -f compose.app.yaml -f compose.app.test.yaml config --quiet',
      'compose -f compose.yaml config --quiet',
    ])
  })

  /** Answers every tool the way a clean run does. */
  const cleanAnswer = (cmd: string, args: string[]): ExecResult => {
    if (cmd === 'hadolint' || cmd === 'actionlint') return ok('[]')
    if (cmd === 'kubeconform') return ok('{"resources":[],"summary":{"valid":1,"invalid":0,"errors":0,"skipped":0}}')
    if (cmd === 'terraform' && args[0] === 'validate') return ok('{"valid":true,"diagnostics":[]}')
    if (cmd === 'tflint') return ok('{"issues":[],"errors":[]}')
    return ok()
  }
  const ALL_TOOLS = ['hadolint', 'docker-compose', 'helm', 'kubeconform', 'actionlint', 'terraform', 'tflint', 'checkov']

  it('at most 4 validators run at once', async () => {
    const { root, paths } = project(EKS, 'cca-ext-pool-')
    let running = 0
    let peak = 0
    const exec: Exec = async (cmd, args) => {
      running++
      peak = Math.max(peak, running)
      await sleep(25)
      running--
      return cleanAnswer(cmd, args)
    }
    const results = await runExternal(root, paths, { env: { PATH: fakeBin(ALL_TOOLS) }, exec })
    expect(results.map((r) => [r.id, r.status])).toEqual(ALL_IDS.map((id) => [id, 'passed']))
    expect(peak).toBe(4)
  })

  it('a validator past its time limit is stopped and reported as an error; the others finish', async () => {
    const { root, paths } = project(EKS, 'cca-ext-slow-')
    let aborted = false
    const exec: Exec = (cmd, args, opts) => {
      if (cmd !== 'hadolint') return Promise.resolve(cleanAnswer(cmd, args))
      return new Promise((resolve) => {
        opts.signal!.addEventListener('abort', () => {
          aborted = true
          resolve({ exitCode: 143, stdout: '', stderr: 'killed' })
        })
      })
    }
    const results = byId(await runExternal(root, paths, { env: { PATH: fakeBin(ALL_TOOLS) }, exec, timeoutMs: 300 }))
    expect(results.hadolint).toMatchObject({ status: 'error', output: 'hadolint: timed out after 0.3 s' })
    expect(aborted).toBe(true)
    for (const id of ALL_IDS.filter((i) => i !== 'hadolint')) expect(results[id]!.status, id).toBe('passed')
  })

  it('a tool that cannot be started, or prints something unreadable, is an error and nothing throws', async () => {
    const root = writeTree([{ path: 'Dockerfile', content: 'FROM x\n' }, { path: '.github/workflows/ci.yml', content: 'on: push\n' }], 'cca-ext-broken-')
    const exec: Exec = async (cmd) => {
      if (cmd === 'hadolint') throw Object.assign(new Error('spawn hadolint EACCES'), { code: 'EACCES' })
      return { exitCode: 1, stdout: 'panic: oops', stderr: '' }
    }
    const r = byId(await runExternal(root, ['Dockerfile', '.github/workflows/ci.yml'], { env: { PATH: fakeBin(ALL_TOOLS) }, exec, only: ['hadolint', 'actionlint'] }))
    expect(r.hadolint).toMatchObject({ status: 'error', output: expect.stringContaining('EACCES') })
    expect(r.actionlint).toMatchObject({ status: 'error', output: expect.stringContaining('panic: oops') })
  })
})

// The real Exec kills what it started when the signal fires.
it('spawnExec: exit codes, output and cancellation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cca-ext-spawn-'))
  mkdirSync(dirname(join(dir, 'x')), { recursive: true })
  const r = await spawnExec(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(3)'], { cwd: dir })
  expect(r).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' })
  const c = new AbortController()
  const p = spawnExec(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { cwd: dir, signal: c.signal })
  c.abort()
  await expect(p).rejects.toThrow(/abort/i)
})

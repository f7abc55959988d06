import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Answers } from '../../src/answers.js'
import { clusterSettings, registrySettings } from '../../src/ci-context.js'
import { generate } from '../../src/generate.js'
import type { TerraformContext } from '../../src/terraform-context.js'
import { terraformMatrix } from '../fixtures/scenarios.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, TOOLS_HOME, toolsEnv } from '../helpers/tools.js'

// Every Terraform stack shape (terraformMatrix: each cloud × database × cache, each cloud × CI
// provider × registry, and a 53-character name) is written to disk and checked by the real
// tools: terraform fmt, init (providers from the local mirror install-tools.sh builds from the
// providers' Go modules) and validate against the real provider schemas, tflint with every rule
// of its bundled terraform ruleset, and checkov's Terraform checks with zero failures (skips only
// inline, with a reason). Then the stack is checked against what the chart and pipelines expect.

interface Stack {
  a: Answers
  tf: TerraformContext
  root: string
  dir: string
  files: Map<string, string>
}
let stacks: Stack[] = []

const TF_ENV = () => toolsEnv({ TF_CLI_CONFIG_FILE: join(TOOLS_HOME, 'terraform', 'terraformrc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' })

beforeAll(() => {
  stacks = terraformMatrix().map((a) => {
    const { files, context } = generate(a)
    const root = writeTree(files, 'cca-tf-')
    const tf = context.terraform!
    return { a, tf, root, dir: join(root, tf.dir), files: new Map(files.map((f) => [f.path, f.content])) }
  })
})

async function run(tool: string, args: string[], cwd?: string) {
  return execa(requireTool(tool), args, { env: TF_ENV(), reject: false, all: true, cwd })
}

/** Runs `fn` over items, `limit` at a time (validate loads a provider of several hundred MB). */
async function pool<T>(items: readonly T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let x = queue.shift(); x !== undefined; x = queue.shift()) await fn(x)
  }))
}

/** The body of `output "NAME" { ... }`, up to the closing brace at the start of a line. */
function outputBlock(text: string, name: string): string | null {
  const m = new RegExp(`^output "${name}" \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(text)
  return m ? m[1]! : null
}

const tfText = (s: Stack) => [...s.files].filter(([p]) => p.startsWith(`${s.tf.dir}/`) && p.endsWith('.tf')).map(([, t]) => t).join('\n')

describe('Terraform stacks', () => {
  it('every EKS, AKS and GKE project gets one, with the files the issue lists', () => {
    for (const s of stacks) {
      const names = [...s.files.keys()].filter((p) => p.startsWith(`${s.tf.dir}/`)).map((p) => p.slice(s.tf.dir.length + 1))
      for (const f of ['versions.tf', 'variables.tf', 'outputs.tf', 'backend.tf', 'terraform.tfvars.example', 'README.md', '.tflint.hcl', 'environments/dev.tfvars', 'environments/staging.tfvars', 'environments/prod.tfvars'])
        expect(names, `${s.a.name}: ${f}`).toContain(f)
      expect(names.includes('database.tf'), s.a.name).toBe(s.a.database !== 'none')
      expect(names.includes('cache.tf'), s.a.name).toBe(s.a.cache !== 'none')
      expect(names.includes('ci.tf'), s.a.name).toBe(s.a.ci !== 'none')
      expect(names.includes('registry.tf'), s.a.name).toBe(s.tf.registry)
      // No template leftovers: variant names, Handlebars, placeholders.
      expect(names.filter((n) => /-(postgres|mysql|mariadb|mongodb|redis|valkey|memcached|github|gitlab)\.tf$|\.hbs$/.test(n))).toEqual([])
    }
  })

  it('pins Terraform and every provider, and declares a remote backend left to -backend-config', () => {
    for (const s of stacks) {
      const versions = s.files.get(`${s.tf.dir}/versions.tf`)!
      expect(versions).toMatch(/required_version\s*=\s*">= 1\.10"/)
      const providers = [...tfText(s).matchAll(/^(?:resource|data) "([a-z0-9]+)_/gm)].map((m) => m[1]!)
      for (const p of new Set(providers)) expect(versions, `${s.a.name}: ${p}`).toMatch(new RegExp(`${p} = \\{\\s*source\\s*=\\s*"hashicorp/${p}"\\s*version\\s*=\\s*"~> \\d+\\.\\d+"`))
      const backend = { aws: 's3', azure: 'azurerm', gcp: 'gcs' }[s.tf.cloud]
      expect(s.files.get(`${s.tf.dir}/backend.tf`), s.a.name).toMatch(new RegExp(`backend "${backend}" \\{`))
    }
  })

  it('terraform fmt finds nothing to change in any stack', async () => {
    const failures: string[] = []
    await pool(stacks, 4, async (s) => {
      const x = await run('terraform', ['fmt', '-check', '-diff', '-recursive', '-no-color'], s.dir)
      if (x.exitCode !== 0) failures.push(`${s.a.name}:\n${x.all}`)
    })
    expect(failures).toEqual([])
  }, 300_000)

  it('fmt fires on a badly formatted file (negative control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cca-tf-neg-'))
    writeFileSync(join(dir, 'main.tf'), 'variable "x" {\n type = string\n    default="a"\n}\n')
    const r = await run('terraform', ['fmt', '-check', '-no-color'], dir)
    expect(r.exitCode).not.toBe(0)
    expect(r.all).toContain('main.tf')
  })

  it('terraform init and validate pass against the real providers, and tflint finds nothing', async () => {
    const failures: string[] = []
    await pool(stacks, 2, async (s) => {
      const init = await run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], s.dir)
      if (init.exitCode !== 0) return void failures.push(`${s.a.name} init:\n${init.all}`)
      const validate = await run('terraform', ['validate', '-no-color'], s.dir)
      if (validate.exitCode !== 0) failures.push(`${s.a.name} validate:\n${validate.all}`)
      const lint = await run('tflint', ['--no-color', '--format', 'compact'], s.dir)
      if (lint.exitCode !== 0) failures.push(`${s.a.name} tflint:\n${lint.all}`)
    })
    expect(failures).toEqual([])
  }, 1_200_000)

  it('validate and tflint fire on a broken stack (negative control)', async () => {
    const s = stacks.find((x) => x.tf.cloud === 'aws' && x.tf.database)!
    const dir = mkdtempSync(join(tmpdir(), 'cca-tf-neg-'))
    cpSync(s.dir, dir, { recursive: true })
    // An argument the provider does not have, and a variable nothing uses.
    const db = readFileSync(join(dir, 'database.tf'), 'utf8')
    writeFileSync(join(dir, 'database.tf'), db.replace(/^(resource "aws_[a-z_]+" "[a-z_]+" \{)$/m, '$1\n  no_such_argument = true'))
    writeFileSync(join(dir, 'unused.tf'), 'variable "unused" {\n  type = string\n}\n')
    expect(await run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], dir)).toMatchObject({ exitCode: 0 })
    const validate = await run('terraform', ['validate', '-no-color'], dir)
    expect(validate.exitCode).toBe(1)
    expect(validate.all).toContain('An argument named "no_such_argument" is not expected here')
    const lint = await run('tflint', ['--no-color', '--format', 'compact', '--filter', 'unused.tf'], dir)
    expect(lint.all).toContain('terraform_unused_declarations')
    expect(lint.all).toContain('terraform_documented_variables')
  }, 300_000)

  it('checkov finds no failed check; every skip is inline with a reason', async () => {
    // One checkov run over all stacks: each directory is scanned as its own root module.
    const parent = mkdtempSync(join(tmpdir(), 'cca-tf-checkov-'))
    for (const s of stacks) cpSync(s.dir, join(parent, s.a.name), { recursive: true, filter: (src) => !src.includes('/.terraform') })
    // Not --quiet: its JSON leaves out the passed and skipped checks, which are asserted below.
    const r = await execa(requireTool('checkov'), ['-d', parent, '--framework', 'terraform', '-o', 'json', '--skip-download'], {
      env: toolsEnv(),
      reject: false,
      maxBuffer: 1 << 30,
    })
    if (!r.stdout.trim().startsWith('{') && !r.stdout.trim().startsWith('[')) throw new Error(`checkov failed (exit ${r.exitCode}): ${r.stderr}`)
    type Report = { results: { failed_checks: { check_id: string; file_path: string; resource: string }[]; passed_checks: unknown[]; skipped_checks: { check_id: string; check_result: { suppress_comment?: string } }[] } }
    const report = JSON.parse(r.stdout) as Report | Report[]
    const results = Array.isArray(report) ? report[0]! : report
    expect(results.results.failed_checks.map((c) => `${c.check_id} ${c.file_path} ${c.resource}`)).toEqual([])
    expect(results.results.passed_checks.length).toBeGreaterThan(stacks.length * 20)
    for (const skip of results.results.skipped_checks) expect(skip.check_result.suppress_comment, skip.check_id).toMatch(/\w+ \w+ \w+/)
    // Every skip in the templates is one checkov honoured (no stale or misspelled skip).
    const inline = new Set(stacks.flatMap((s) => [...tfText(s).matchAll(/#\s*checkov:skip=(CKV2?_[A-Z]+_\d+)/g)].map((m) => m[1]!)))
    const honoured = new Set(results.results.skipped_checks.map((c) => c.check_id))
    expect([...inline].filter((id) => !honoured.has(id))).toEqual([])
  }, 900_000)

  it('checkov fails an unencrypted, public stack (negative control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cca-tf-neg-'))
    writeFileSync(
      join(dir, 'main.tf'),
      'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  instance_class = "db.t4g.micro"\n  allocated_storage = 20\n  publicly_accessible = true\n  storage_encrypted = false\n}\n',
    )
    const r = await execa(requireTool('checkov'), ['-d', dir, '--framework', 'terraform', '--compact', '--skip-download', '--quiet'], { env: toolsEnv(), reject: false })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain('CKV_AWS_16') // storage not encrypted
    expect(r.stdout).toContain('CKV_AWS_17') // publicly accessible
  }, 120_000)
})

describe('the stacks match the chart and the pipelines', () => {
  it('the CI outputs name exactly the variables the pipelines read from Terraform', () => {
    for (const s of stacks) {
      const outputs = s.files.get(`${s.tf.dir}/outputs.tf`)!
      const keys = (name: string) => {
        const block = outputBlock(outputs, name)
        return block === null ? null : [...block.matchAll(/^\s+([A-Z][A-Z0-9_]+)\s*=/gm)].map((m) => m[1]!).sort()
      }
      if (!s.tf.ci) {
        expect(keys('ci_repository_variables'), s.a.name).toBeNull()
        expect(keys('ci_environment_variables'), s.a.name).toBeNull()
        continue
      }
      const repo = s.tf.registry ? registrySettings(s.a.registry, s.tf.ci).map((x) => x.name) : []
      const env = s.tf.ci === 'github' ? clusterSettings(s.a.platform, s.tf.ci).map((x) => x.name) : []
      expect(keys('ci_repository_variables') ?? [], `${s.a.name} repository`).toEqual([...new Set(repo)].sort())
      expect(keys('ci_environment_variables') ?? [], `${s.a.name} environment`).toEqual([...new Set(env)].sort())
      // Every one of them is a setting the README lists.
      const settings = generate(s.a).context.ci!.settings.map((x) => x.name)
      for (const k of [...repo, ...env]) expect(settings, `${s.a.name} ${k}`).toContain(k)
    }
  })

  it('the app secret has the name and keys the chart\'s ExternalSecret reads', () => {
    for (const s of stacks) {
      const text = tfText(s)
      if (s.tf.secretKeys.length === 0) continue
      const name = s.tf.cloud === 'aws' ? '"${var.name}/${var.environment}"' : '"${var.name}-${var.environment}"'
      expect(text.includes(name) || text.includes(name.replace('var.name', 'local.name')), `${s.a.name}: secret named ${name}`).toBe(true)
      expect(s.files.get(`deploy/helm/${s.a.name}/values-prod.yaml`), s.a.name).toContain(`remoteKey: ${s.tf.secretName.prod}`)
      const encoded = /jsonencode\(\{([\s\S]*?)\}\)/.exec(s.files.get(`${s.tf.dir}/secrets.tf`) ?? '')
      expect(encoded, `${s.a.name}: the secret's JSON`).not.toBeNull()
      const keys = [...encoded![1]!.matchAll(/^\s+([A-Z][A-Z0-9_]+)\s*=/gm)].map((m) => m[1]!).sort()
      expect(keys, s.a.name).toEqual([...s.tf.secretKeys].sort())
    }
  })

  it('each environment has its tfvars, as the infra pipeline passes them, and names the app\'s namespace', () => {
    for (const s of stacks) {
      for (const env of ['dev', 'staging', 'prod']) {
        const vars = s.files.get(`${s.tf.dir}/environments/${env}.tfvars`)!
        expect(vars, `${s.a.name} ${env}`).toMatch(new RegExp(`^environment\\s*=\\s*"${env}"`, 'm'))
        expect(vars, `${s.a.name} ${env}`).toMatch(new RegExp(`^name\\s*=\\s*"${s.a.name}"`, 'm'))
      }
      const variables = s.files.get(`${s.tf.dir}/variables.tf`)!
      // Every variable is typed and described.
      for (const m of variables.matchAll(/^variable "(\w+)" \{\n([\s\S]*?)^\}/gm)) {
        expect(m[2], `${s.a.name} var.${m[1]}`).toMatch(/^\s+type\s*=/m)
        expect(m[2], `${s.a.name} var.${m[1]}`).toMatch(/^\s+description\s*=/m)
      }
      if (s.tf.database) {
        expect(tfText(s), `${s.a.name}: the app's database user`).toContain(`"${s.tf.database.user}"`)
        expect(s.files.get(`${s.tf.dir}/outputs.tf`), s.a.name).toMatch(/^output "database_host"/m)
      }
      if (s.tf.cache) expect(s.files.get(`${s.tf.dir}/outputs.tf`), s.a.name).toMatch(/^output "cache_host"/m)
      // The chart lets the app reach the managed services on the ports the cloud runs them on.
      const values = s.files.get(`deploy/helm/${s.a.name}/values-prod.yaml`) ?? s.files.get('deploy/kustomize/overlays/prod/kustomization.yaml')!
      for (const svc of [s.tf.database, s.tf.cache]) if (svc) expect(values, `${s.a.name}: egress to ${svc.label}`).toMatch(new RegExp(`port: ${svc.port}\\b`))
      if (s.tf.ci === 'github') expect(tfText(s), `${s.a.name}: the deploy namespace`).toMatch(/\$\{(var|local)\.name\}-\$\{(var|local)\.environment\}/)
      const pipeline = s.a.ci === 'github' ? s.files.get('.github/workflows/infra.yml') : s.a.ci === 'gitlab' ? s.files.get('.gitlab-ci.yml') : undefined
      if (pipeline) {
        expect(pipeline, s.a.name).toContain(s.tf.dir)
        expect(pipeline, s.a.name).toMatch(/environments\/\$\{?ENVIRONMENT\}?\.tfvars/)
      }
    }
  })
})

describe('the mirror holds the providers the stacks pin', () => {
  it('each pinned provider constraint admits the mirrored release', () => {
    const mirror = join(TOOLS_HOME, 'terraform', 'mirror', 'registry.terraform.io', 'hashicorp')
    expect(existsSync(mirror), `${mirror}: run scripts/install-tools.sh`).toBe(true)
    const have = new Map(readdirSync(mirror).map((p) => [p, readdirSync(join(mirror, p))[0]!]))
    for (const s of stacks) {
      for (const m of s.files.get(`${s.tf.dir}/versions.tf`)!.matchAll(/(\w+) = \{\s*source\s*=\s*"hashicorp\/\w+"\s*version\s*=\s*"~> (\d+)\.(\d+)"/g)) {
        const got = have.get(m[1]!)
        expect(got, `${m[1]} in the mirror`).toBeDefined()
        const [major, minor] = got!.split('.').map(Number)
        expect(major, m[1]).toBe(Number(m[2]))
        expect(minor!, m[1]).toBeGreaterThanOrEqual(Number(m[3]))
      }
    }
  })
})

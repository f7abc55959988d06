import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateAnswers, type RawAnswers } from '../src/answers.js'
import { nextSteps } from '../src/cli/next-steps.js'
import { buildContext } from '../src/context.js'
import { generate } from '../src/generate.js'
import { main } from '../src/index.js'

const tool = { name: 'create-containerized-app', version: '0.0.0' }
const fileOf = (answers: RawAnswers, path: string): string => {
  const f = generate(validateAnswers(answers)).files.find((x) => x.path === path)
  if (!f) throw new Error(`no ${path}`)
  return f.content
}

async function run(argv: string[], cwd: string) {
  let stdout = ''
  let stderr = ''
  const code = await main({ argv, cwd, env: {}, tty: false, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } })
  return { code, stdout, stderr }
}

describe('README.containers.md headings', () => {
  it('name the platform once: "## Kubernetes" for any cluster, the cloud for EKS', () => {
    expect(fileOf({ name: 'svc', platform: 'kubernetes' }, 'README.containers.md')).toMatch(/^## Kubernetes$/m)
    expect(fileOf({ name: 'svc', platform: 'kubernetes' }, 'README.containers.md')).not.toContain('Kubernetes (Kubernetes')
    expect(fileOf({ name: 'svc', platform: 'eks' }, 'README.containers.md')).toMatch(/^## Kubernetes \(Amazon EKS\)$/m)
  })
})

describe('next steps of a cloud stack', () => {
  it("name the repository placeholder CI's OIDC trust needs set", () => {
    const gh = validateAnswers({ name: 'svc', platform: 'eks' })
    expect(nextSteps('.', gh, buildContext(gh, tool))).toMatch(/set github_repository in infra\/terraform\/aws\/environments\/\*\.tfvars to your GitHub repository .*"my-org\/svc"/)
    const gl = validateAnswers({ name: 'svc', platform: 'gke', ci: 'gitlab', registry: 'gar' })
    expect(nextSteps('.', gl, buildContext(gl, tool))).toMatch(/set gitlab_project_path in infra\/terraform\/gcp\/environments\/\*\.tfvars .*"my-group\/svc"/)
    const none = validateAnswers({ name: 'svc', platform: 'eks', ci: 'none' })
    expect(nextSteps('.', none, buildContext(none, tool))).not.toMatch(/my-org/)
  })
})

describe('check', () => {
  it('reports a built-in validate rule under its own heading, not as a policy violation', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wording-'))
    expect((await run(['svc', '--yes'], cwd)).code).toBe(0)
    const dir = join(cwd, 'svc')
    const path = join(dir, 'compose.override.yaml')
    writeFileSync(path, readFileSync(path, 'utf8').replace(':3000"', ':3001"'))
    const r = await run(['check'], dir)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^Built-in rules \(create-containerized-app validate\): 1 error$/m)
    expect(r.stdout).toMatch(/^  ✗ validate\.port-mismatch {2}compose\.override\.yaml:\d+: /m)
    expect(r.stdout).not.toMatch(/Policy/)
    const json = JSON.parse((await run(['check', '--json'], dir)).stdout) as { violations: { rule: string; kind: string }[] }
    expect(json.violations).toEqual([expect.objectContaining({ rule: 'validate.port-mismatch', kind: 'validate' })])
  })
})

describe('Laravel', () => {
  const laravel = { name: 'svc', language: 'php', framework: 'laravel', platform: 'kubernetes' } as const
  it('README.containers.md asks the /up route the chart probes, not /healthz', () => {
    const readme = fileOf(laravel, 'README.containers.md')
    expect(fileOf(laravel, 'deploy/helm/svc/values.yaml')).toMatch(/livenessPath: \/up/)
    expect(readme).toMatch(/^curl http:\/\/localhost:8080\/up /m)
    expect(readme).toMatch(/^\| `GET \/up` \|/m)
    expect(readme).not.toMatch(/healthz|readyz/)
  })

  it("Compose watches Laravel's own folders, not ./src", () => {
    const override = fileOf(laravel, 'compose.override.yaml')
    for (const dir of ['app', 'config', 'routes', 'resources', 'public']) expect(override).toContain(`path: ./${dir}\n          target: /app/${dir}`)
    expect(override).not.toContain('./src')
  })
})

describe('README.containers.md: run it without Docker', () => {
  const cases: RawAnswers[] = [
    { name: 'svc', language: 'node' },
    { name: 'svc', language: 'python', database: 'postgres' },
    { name: 'svc', language: 'go' },
    { name: 'svc', language: 'java' },
    { name: 'svc', language: 'rust' },
    { name: 'svc', language: 'dotnet' },
    { name: 'svc', language: 'ruby' },
    { name: 'svc', language: 'php' },
    { name: 'svc', language: 'php', framework: 'laravel' },
  ]
  it.each(cases)('$language $framework: the runtime, install, run and test commands', (raw) => {
    const answers = validateAnswers(raw)
    const ctx = buildContext(answers, tool)
    const readme = fileOf(raw, 'README.containers.md')
    const section = /^## Run it without Docker\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? ''
    expect(section).toContain(ctx.native.toolchain[0]!)
    expect(section).toContain(`\`\`\`sh\n${[...ctx.native.env, ctx.native.install, ctx.native.run, ctx.native.test].join('\n')}\n\`\`\``)
    // the tests as CI runs them, the runtime at the Dockerfile's version
    expect(ctx.native.test).toBe(ctx.ci?.toolchain.test ?? ctx.native.test)
    expect(section).not.toMatch(/docker|0\.0\.0\.0 .*--inspect|cargo watch/)
  })

  it('names the commands per language', () => {
    const run = (raw: RawAnswers) => buildContext(validateAnswers(raw), tool).native
    expect(run({ name: 'svc', language: 'go' })).toMatchObject({ install: 'go mod download', run: 'go run ./cmd/server', test: 'go test -race ./...' })
    expect(run({ name: 'svc', language: 'python' })).toMatchObject({ env: ['export PYTHONPATH=src'], run: 'uv run --locked python -m app.main --reload', test: 'uv run --locked python -m pytest' })
    expect(run({ name: 'svc', language: 'java' })).toMatchObject({ toolchain: ['JDK 25'], run: 'sh ./mvnw -B -ntp spring-boot:run' })
    expect(run({ name: 'svc', language: 'rust' })).toMatchObject({ run: 'cargo run --locked' })
    expect(run({ name: 'svc', language: 'php', framework: 'laravel' })).toMatchObject({ run: 'php artisan serve --port=8080', test: 'php artisan test' })
  })
})

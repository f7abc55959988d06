import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'

const BIN = new URL('../bin/create-containerized-app.js', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
const tmp = () => mkdtempSync(join(tmpdir(), 'cca-e2e-'))

/** Runs the built CLI as a user would: a separate process, no TTY, CI unset. */
function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  return execa('node', [BIN, ...args], { cwd, reject: false, env: { CI: '', NO_COLOR: '1', ...env }, stdin: 'ignore' })
}

describe('the built CLI', () => {
  it('--help lists every flag and the choices from the registries', async () => {
    const r = await cli(['--help'], tmp())
    expect(r.exitCode).toBe(0)
    for (const f of ['--name', '--language', '--framework', '--package-manager', '--language-version', '--port', '--database',
      '--cache', '--platform', '--k8s-format', '--ci', '--registry', '--yes', '--dry-run', '--json', '--force', '--skip-existing', '--answers',
      '--preset', '--pack', '--var', '--no-config', 'create-containerized-app update', 'create-containerized-app check']) {
      expect(r.stdout).toContain(f)
    }
    expect(r.stdout).toContain('none | postgres | mysql | mariadb | mongodb')
    expect(r.stdout).toMatch(/npm \| pnpm \| yarn/)
  })

  it('--version prints the package version', async () => {
    const r = await cli(['--version'], tmp())
    expect(r.stdout.trim()).toBe(pkg.version)
  })

  it('with no TTY it runs without questions and writes the full project', async () => {
    const cwd = tmp()
    const r = await cli(['orders-api', '--database', 'postgres', '--cache', 'redis'], cwd)
    expect(r.exitCode, r.stderr).toBe(0)
    const files = readdirSync(join(cwd, 'orders-api'), { recursive: true }) as string[]
    for (const f of ['Dockerfile', '.dockerignore', 'compose.yaml', 'compose.override.yaml', 'compose.test.yaml', 'compose.prod.yaml',
      '.env.example', '.gitignore', 'README.containers.md', 'package.json', 'package-lock.json', '.containerized/answers.json']) {
      expect(files).toContain(f)
    }
    const record = JSON.parse(readFileSync(join(cwd, 'orders-api/.containerized/answers.json'), 'utf8'))
    expect(record.generator).toBe(`create-containerized-app@${pkg.version}`)
    expect(record.answers).toMatchObject({ name: 'orders-api', database: 'postgres', cache: 'redis' })
    expect(r.stdout).toContain('created  Dockerfile')
  })

  it('a Kubernetes platform writes the chart (or Kustomize tree) next to the container files', async () => {
    const cwd = tmp()
    const r = await cli(['orders-api', '--platform', 'eks', '--database', 'postgres'], cwd)
    expect(r.exitCode, r.stderr).toBe(0)
    const files = readdirSync(join(cwd, 'orders-api'), { recursive: true }) as string[]
    for (const f of ['Dockerfile', 'compose.yaml', 'deploy/helm/orders-api/Chart.yaml', 'deploy/helm/orders-api/templates/_helpers.tpl',
      'deploy/helm/orders-api/.helmignore', 'deploy/helm/orders-api/values-prod.yaml', 'deploy/helm/orders-api/values.schema.json']) {
      expect(files).toContain(f)
    }
    expect(r.stdout).toMatch(/helm upgrade --install orders-api deploy\/helm\/orders-api/)
    expect(r.stdout).toMatch(/Cloud stack: infra\/terraform\/aws\/README\.md/)
    for (const f of ['infra/terraform/aws/versions.tf', 'infra/terraform/aws/database.tf', 'infra/terraform/aws/environments/prod.tfvars', '.github/workflows/infra.yml'])
      expect(files).toContain(f)
    const record = JSON.parse(readFileSync(join(cwd, 'orders-api/.containerized/answers.json'), 'utf8'))
    expect(record.answers).toMatchObject({ platform: 'eks', k8sFormat: 'helm', registry: 'ecr' })
    const k = await cli(['web', '--platform', 'kubernetes', '--k8s-format', 'kustomize'], cwd)
    expect(k.exitCode, k.stderr).toBe(0)
    expect(existsSync(join(cwd, 'web/deploy/kustomize/overlays/prod/kustomization.yaml'))).toBe(true)
    expect(existsSync(join(cwd, 'web/deploy/helm'))).toBe(false)
    expect(k.stdout).toMatch(/kubectl apply -k deploy\/kustomize\/overlays\/dev/)
  })

  it('names the project after the directory when --name is not given', async () => {
    const cwd = tmp()
    expect((await cli(['My Service'], cwd)).exitCode).toBe(0)
    expect(readFileSync(join(cwd, 'My Service/compose.yaml'), 'utf8')).toContain('name: my-service')
  })

  it.each([
    [['x', '--database', 'oracle'], /--database "oracle" is not a valid choice. Valid choices: none, postgres/],
    [['x', '--port', '70000'], /--port "70000" is not a valid port/],
    [['x', '--name', 'Bad_Name'], /--name "Bad_Name" cannot be used/],
    [['x', '--ci', 'jenkins'], /--ci "jenkins" is not a valid choice. Valid choices: none, github, gitlab/],
    [['x', '--k8s-format', 'kustomize'], /--k8s-format kustomize applies only to the Kubernetes platforms/],
    [['x', '--bogus'], /Unknown option '--bogus'/],
    [['x', 'y'], /at most one target directory/],
    [['x', '--force', '--skip-existing'], /cannot be used together/],
  ])('bad input %j exits 2, explains, and writes nothing', async (args, message) => {
    const cwd = tmp()
    const r = await cli(args, cwd)
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(readdirSync(cwd)).toEqual([])
  })

  it('--dry-run shows the plan and writes nothing; --json is machine-readable', async () => {
    const cwd = tmp()
    const r = await cli(['svc', '--dry-run'], cwd)
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/create\s+Dockerfile/)
    expect(readdirSync(cwd)).toEqual([])
    const j = await cli(['svc', '--dry-run', '--json', '--cache', 'valkey'], cwd)
    const summary = JSON.parse(j.stdout)
    expect(summary.dryRun).toBe(true)
    expect(summary.answers.cache).toBe('valkey')
    expect(summary.files).toContainEqual({ path: 'Dockerfile', status: 'create', action: 'planned' })
    expect(readdirSync(cwd)).toEqual([])
  })

  it('re-running is idempotent, and a conflicting user file stops the run before anything is written', async () => {
    const cwd = tmp()
    expect((await cli(['svc'], cwd)).exitCode).toBe(0)
    const again = await cli(['svc', '--json'], cwd)
    expect(JSON.parse(again.stdout).files.every((f: { status: string }) => f.status === 'identical')).toBe(true)

    writeFileSync(join(cwd, 'svc/Dockerfile'), 'FROM scratch\n')
    const r = await cli(['svc', '--database', 'postgres'], cwd)
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/Dockerfile.*Nothing was written.*--on-conflict keep.*alongside.*overwrite/s)
    expect(existsSync(join(cwd, 'svc/src/probes/postgres.ts'))).toBe(false)
    expect(readFileSync(join(cwd, 'svc/Dockerfile'), 'utf8')).toBe('FROM scratch\n')

    const skip = await cli(['svc', '--database', 'postgres', '--skip-existing'], cwd)
    expect(skip.exitCode).toBe(0)
    expect(readFileSync(join(cwd, 'svc/Dockerfile'), 'utf8')).toBe('FROM scratch\n')
    expect(existsSync(join(cwd, 'svc/src/probes/postgres.ts'))).toBe(true)

    const force = await cli(['svc', '--database', 'postgres', '--force'], cwd)
    expect(force.exitCode).toBe(0)
    expect(readFileSync(join(cwd, 'svc/Dockerfile'), 'utf8')).toContain('FROM ${NODE_IMAGE} AS prod')
  })

  it('--answers replays a run exactly, and flags override the file', async () => {
    const cwd = tmp()
    expect((await cli(['a', '--package-manager', 'pnpm', '--database', 'mysql', '--port', '8081'], cwd)).exitCode).toBe(0)
    // The recorded name wins over the new folder's name, so the replay is byte-identical.
    const r = await cli(['b', '--answers', 'a/.containerized/answers.json'], cwd)
    expect(r.exitCode, r.stderr).toBe(0)
    const list = (d: string) => (readdirSync(join(cwd, d), { recursive: true }) as string[]).sort()
    expect(list('b')).toEqual(list('a'))
    for (const f of list('a').filter((x) => statSync(join(cwd, 'a', x)).isFile())) {
      expect(readFileSync(join(cwd, 'b', f), 'utf8'), f).toBe(readFileSync(join(cwd, 'a', f), 'utf8'))
    }
    const o = await cli(['c', '--answers', 'a/.containerized/answers.json', '--port', '9000'], cwd)
    expect(o.exitCode).toBe(0)
    expect(readFileSync(join(cwd, 'c/compose.yaml'), 'utf8')).toContain('PORT: "9000"')
    expect(readFileSync(join(cwd, 'c/Dockerfile'), 'utf8')).toContain('pnpm install --frozen-lockfile')

    const bad = join(cwd, 'bad.json')
    writeFileSync(bad, '{"answers": {"database": "oracle"}}')
    const rb = await cli(['c', '--answers', bad], cwd)
    expect(rb.exitCode).toBe(2)
    expect(rb.stderr).toMatch(/--database "oracle"/)
    const rn = await cli(['c', '--answers', 'nope.json'], cwd)
    expect(rn.exitCode).toBe(2)
    expect(rn.stderr).toMatch(/--answers: cannot read nope.json/)
  })

  it('--git initialises a repository only when not inside one', async () => {
    const cwd = tmp()
    const r = await cli(['svc', '--git'], cwd)
    expect(r.exitCode, r.stderr).toBe(0)
    expect(existsSync(join(cwd, 'svc/.git'))).toBe(true)
    mkdirSync(join(cwd, 'svc/sub'))
    // A project inside a generated one takes --force (issue 19, item 4).
    const inner = await cli(['sub', '--git', '--force'], join(cwd, 'svc'))
    expect(inner.stderr).toMatch(/Already inside a git repository/)
    expect(existsSync(join(cwd, 'svc/sub/.git'))).toBe(false)
  })

  it('CI=true is non-interactive even with a TTY-less stdin', async () => {
    const r = await cli(['svc', '--dry-run'], tmp(), { CI: 'true' })
    expect(r.exitCode).toBe(0)
  })
})

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { kubeconform, parseManifests } from './helpers/k8s.js'
import { requireTool, toolsEnv } from './helpers/tools.js'

// The "done when", end to end with the built CLI: an organization publishes a preset
// and a template pack as npm packages, two services are generated with them, the teams edit
// their files, the pack changes, and `update` brings the change in without losing the edits.

const BIN = new URL('../bin/create-containerized-app.js', import.meta.url).pathname
const root = mkdtempSync(join(tmpdir(), 'cca-org-'))
const HOME = join(root, 'home')
const registry = join(root, 'registry') // where `npm pack` "publishes"
const workspace = join(root, 'platform-services') // the teams' repository

function put(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
}
const read = (path: string) => readFileSync(join(workspace, path), 'utf8')
const edit = (path: string, f: (text: string) => string) => writeFileSync(join(workspace, path), f(read(path)))

function cli(args: string[], cwd: string) {
  return execa('node', [BIN, ...args], { cwd, reject: false, env: { CI: 'true', NO_COLOR: '1', HOME, XDG_CONFIG_HOME: join(HOME, '.config'), XDG_CACHE_HOME: join(HOME, '.cache') }, stdin: 'ignore' })
}
const npm = (args: string[], cwd: string) => execa('npm', args, { cwd, env: { npm_config_cache: join(root, 'npm-cache'), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } })

const README_TEMPLATE = (version: string, extra: string) => `# {{name}}

Owned by the {{vars.team}} team (support tier: {{vars.tier}}).

## Running it
docker compose up --build --watch

## Support
Page the on-call of {{vars.team}}.
${extra}
Generated with the Acme pack ${version}.
`

/** The pack at a version: a replaced README template, CODEOWNERS, and (from 1.1.0) a SECURITY.md. */
async function publishPack(version: string): Promise<string> {
  const dir = join(root, `pack-${version}`)
  const v11 = version !== '1.0.0'
  put(dir, {
    'package.json': JSON.stringify({ name: '@acme/containerized-pack', version, files: ['pack.json', 'templates', 'files'] }),
    'pack.json': JSON.stringify({
      variables: {
        team: { type: 'string', description: 'The owning team', pattern: '[a-z][a-z-]*' },
        tier: { type: 'choice', description: 'Support tier', choices: ['gold', 'silver'], default: 'silver' },
      },
      outputs: { 'CODEOWNERS.hbs': '.github/CODEOWNERS' },
    }),
    'templates/project/README.containers.md.hbs': README_TEMPLATE(version, v11 ? 'Escalations: #platform-help.\n' : ''),
    'files/CODEOWNERS.hbs': `* @acme/{{vars.team}}\n${v11 ? '/deploy/ @acme/platform\n' : ''}`,
    ...(v11 ? { 'files/SECURITY.md.hbs': '# Security\n\nReport issues to security@acme.dev; {{name}} is covered by the Acme policy.\n' } : {}),
  })
  const r = await npm(['pack', dir, '--pack-destination', registry, '--json'], root)
  return join(registry, JSON.parse(r.stdout)[0].filename)
}

async function publishPreset(): Promise<string> {
  const dir = join(root, 'preset')
  put(dir, {
    'package.json': JSON.stringify({ name: '@acme/containerized-preset', version: '2.0.0', files: ['containerized.config.yaml'] }),
    'containerized.config.yaml': `# Acme's defaults and rules for every service.
defaults:
  database: postgres
  platform: kubernetes
locked:
  ci: github
policy:
  allow:
    platform: [compose, kubernetes]
  forbid:
    database: [mongodb]
  baseImages:
    mirrors:
      docker.io: registry.acme.dev/dockerhub
  labels:
    acme.dev/cost-centre: platform
  resources:
    requests:
      memory: 256Mi
  scan:
    failOn: MEDIUM
packs:
  - "@acme/containerized-pack"
`,
  })
  const r = await npm(['pack', dir, '--pack-destination', registry, '--json'], root)
  return join(registry, JSON.parse(r.stdout)[0].filename)
}

/** The repository installs the published tarballs as devDependencies, as it would from the registry. */
async function install(tarballs: string[]): Promise<void> {
  await npm(['install', '--no-save', '--offline', '--ignore-scripts', ...tarballs], workspace)
}

describe('organizations end to end: preset + pack, generate, edit, change the pack, update', () => {
  let preset: string
  beforeAll(async () => {
    mkdirSync(registry, { recursive: true })
    preset = await publishPreset()
    const pack = await publishPack('1.0.0')
    put(workspace, {
      'package.json': JSON.stringify({ name: 'platform-services', private: true }),
      'containerized.config.json': JSON.stringify({ extends: '@acme/containerized-preset', variables: { tier: 'gold' } }),
    })
    await install([preset, pack])
  }, 180_000)

  it('generates two services with the preset and the pack', async () => {
    const a = await cli(['orders-api', '--yes', '--var', 'team=payments'], workspace)
    expect(a.exitCode, a.stderr).toBe(0)
    const b = await cli(['billing', '--yes', '--language', 'python', '--var', 'team=billing-core'], workspace)
    expect(b.exitCode, b.stderr).toBe(0)

    for (const [svc, team] of [['orders-api', 'payments'], ['billing', 'billing-core']] as const) {
      const record = JSON.parse(read(`${svc}/.containerized/answers.json`))
      expect(record.answers).toMatchObject({ database: 'postgres', platform: 'kubernetes', ci: 'github' })
      expect(record.packs).toEqual([{ name: '@acme/containerized-pack', version: '1.0.0', spec: '@acme/containerized-pack', via: 'config' }])
      expect(record.vars).toEqual({ team, tier: 'gold' })
      expect(read(`${svc}/.github/CODEOWNERS`)).toBe(`* @acme/${team}\n`)
      expect(read(`${svc}/README.containers.md`)).toContain(`Owned by the ${team} team (support tier: gold).`)
      // The policy shaped the files.
      expect(read(`${svc}/Dockerfile`)).toMatch(/^ARG \w+_IMAGE=registry\.acme\.dev\/dockerhub\/library\//m)
      expect(read(`${svc}/compose.yaml`)).toContain('image: registry.acme.dev/dockerhub/library/postgres:')
      expect(read(`${svc}/deploy/helm/${svc}/values.yaml`)).toMatch(/acme\.dev\/cost-centre: "?platform"?/)
      expect(read(`${svc}/.github/workflows/release.yml`)).toMatch(/SCAN_SEVERITY: CRITICAL,HIGH,MEDIUM/)
      const check = await cli(['check'], join(workspace, svc))
      expect(check.exitCode, check.stdout).toBe(0)
    }
  })

  it('the generated files pass the real validators', async () => {
    const env = toolsEnv()
    const svc = join(workspace, 'orders-api')
    const compose = await execa(requireTool('docker-compose'), ['-f', 'compose.yaml', '-f', 'compose.prod.yaml', 'config', '--quiet'], { cwd: svc, env: { ...env, IMAGE_REPOSITORY: 'x', IMAGE_TAG: 'y', POSTGRES_PASSWORD: 'p', DATABASE_URL: 'u' }, reject: false })
    expect(compose.exitCode, compose.stderr).toBe(0)
    const chart = join(svc, 'deploy/helm/orders-api')
    const lint = await execa(requireTool('helm'), ['lint', '--strict', chart, '-f', join(chart, 'values-prod.yaml')], { env, reject: false })
    expect(lint.exitCode, lint.stdout).toBe(0)
    const rendered = await execa(requireTool('helm'), ['template', 'orders-api', chart, '-f', join(chart, 'values-prod.yaml')], { env })
    const out = join(root, 'orders-api.yaml')
    writeFileSync(out, rendered.stdout)
    const schema = await kubeconform([out])
    expect(schema.exitCode, schema.stderr).toBe(0)
    const deployment = parseManifests(rendered.stdout).find((o) => o.kind === 'Deployment')!
    expect(deployment.metadata.labels['acme.dev/cost-centre']).toBe('platform')
    expect(deployment.spec.template.spec.containers[0].resources.requests.memory).toBe('256Mi')
    const workflows = ['ci.yml', 'release.yml', 'deploy.yml'].map((w) => `.github/workflows/${w}`).filter((w) => existsSync(join(svc, w)))
    const lintCi = await execa(requireTool('actionlint'), ['-no-color', '-shellcheck', requireTool('shellcheck'), ...workflows], { cwd: svc, env, reject: false })
    expect(lintCi.exitCode, lintCi.stdout).toBe(0)
  }, 120_000)

  it('a changed pack is an available update; update merges it and keeps the teams\' edits', async () => {
    // The teams' own edits.
    edit('orders-api/README.containers.md', (t) => t.replace('## Running it\n', '## Running it\nUse the staging database for demos.\n'))
    edit('orders-api/.github/CODEOWNERS', (t) => `# Reviewed by the payments leads\n${t}`)
    edit('orders-api/deploy/helm/orders-api/values.yaml', (t) => t.replace(/^replicaCount: 2$/m, 'replicaCount: 3'))
    // The billing team rewrote the line the pack changes next.
    edit('billing/README.containers.md', (t) => t.replace('Generated with the Acme pack 1.0.0.', 'Maintained by hand since 2026.'))

    // The organization publishes 1.1.0 and the repository takes it.
    await install([preset, await publishPack('1.1.0')])

    const check = await cli(['check', '--json'], join(workspace, 'orders-api'))
    expect(check.exitCode).toBe(3)
    const report = JSON.parse(check.stdout)
    expect(report.packs).toEqual([{ name: '@acme/containerized-pack', recorded: '1.0.0', current: '1.1.0' }])
    expect(report.files.filter((f: { state: string }) => f.state !== 'current' && f.state !== 'edited').map((f: { path: string }) => f.path).sort()).toEqual([
      '.github/CODEOWNERS',
      'README.containers.md',
      'SECURITY.md',
    ])

    const update = await cli(['update'], join(workspace, 'orders-api'))
    expect(update.exitCode, update.stdout + update.stderr).toBe(0)
    const readme = read('orders-api/README.containers.md')
    expect(readme).toContain('Use the staging database for demos.')
    expect(readme).toContain('Escalations: #platform-help.')
    expect(readme).toContain('Generated with the Acme pack 1.1.0.')
    expect(read('orders-api/.github/CODEOWNERS')).toBe('# Reviewed by the payments leads\n* @acme/payments\n/deploy/ @acme/platform\n')
    expect(read('orders-api/SECURITY.md')).toContain('orders-api is covered')
    expect(read('orders-api/deploy/helm/orders-api/values.yaml')).toMatch(/^replicaCount: 3$/m)
    expect(JSON.parse(read('orders-api/.containerized/answers.json')).packs[0].version).toBe('1.1.0')
    expect((await cli(['check'], join(workspace, 'orders-api'))).exitCode).toBe(0)

    // Both sides changed billing's last line: a conflict, with markers, and a non-zero exit.
    const conflicted = await cli(['update'], join(workspace, 'billing'))
    expect(conflicted.exitCode).toBe(1)
    expect(conflicted.stdout).toMatch(/conflict\s+README\.containers\.md/)
    const text = read('billing/README.containers.md')
    expect(text).toMatch(/<<<<<<< yours\n(?:.*\n)*?Maintained by hand since 2026\.\n=======\n(?:.*\n)*?Generated with the Acme pack 1\.1\.0\.\n>>>>>>> create-containerized-app@.* \+ @acme\/containerized-pack@1\.1\.0\n/)
    expect(read('billing/.github/CODEOWNERS')).toBe('* @acme/billing-core\n/deploy/ @acme/platform\n')
    expect((await cli(['check'], join(workspace, 'billing'))).exitCode).toBe(1)
  }, 180_000)

  it('the policy refuses what it forbids, naming the rule and the preset, and writes nothing', async () => {
    const r = await cli(['inventory', '--yes', '--var', 'team=stock', '--database', 'mongodb'], workspace)
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/--database "mongodb" is forbidden by policy \(rule policy\.forbid\.database in @acme\/containerized-preset@2\.0\.0/)
    const locked = await cli(['inventory', '--yes', '--var', 'team=stock', '--ci', 'gitlab'], workspace)
    expect(locked.exitCode).toBe(2)
    expect(locked.stderr).toMatch(/locked to "github" \(rule locked\.ci in @acme\/containerized-preset@2\.0\.0/)
    const noVar = await cli(['inventory', '--yes'], workspace)
    expect(noVar.exitCode).toBe(2)
    expect(noVar.stderr).toContain('--var team=<string>')
    expect(existsSync(join(workspace, 'inventory'))).toBe(false)
  })
})

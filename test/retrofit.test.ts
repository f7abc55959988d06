import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../src/index.js'
import { FIXTURES, type Fixture } from './detect/fixtures.js'

function materialize(files: Record<string, string>, name: string): string {
  const root = join(mkdtempSync(join(tmpdir(), 'cca-retro-')), name)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

/** Path → sha256 of every file below `root`. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const rel of readdirSync(root, { recursive: true, withFileTypes: false }) as string[]) {
    const abs = join(root, rel)
    try {
      out[rel.split('\\').join('/')] = createHash('sha256').update(readFileSync(abs)).digest('hex')
    } catch {
      // a directory
    }
  }
  return out
}

async function run(argv: string[], cwd: string) {
  let stdout = ''
  let stderr = ''
  const code = await main({ argv, cwd, env: {}, tty: false, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } })
  return { code, stdout, stderr }
}

/** Container files only: a retrofit never writes application code or manifests. */
const CONTAINER_FILE = /^(?:Dockerfile|\.dockerignore|compose(?:\.\w+)?\.yaml|\.env\.example(?:\.generated)?|README\.containers\.md|\.containerized\/(?:answers\.json|base\.json|\.gitattributes)|\.github\/.*|\.gitlab-ci\.yml|renovate\.json|deploy\/.*|infra\/.*)(?:\.generated)?$/

const settled = (fx: Fixture) => fx.services.length === 1 && !fx.services[0]!.uncertain?.length

describe('retrofit through the CLI', () => {
  for (const fx of FIXTURES.filter(settled)) {
    it(`${fx.id}: adds container files only, never changes a file that was there, and a re-run changes nothing`, async () => {
      const root = materialize(fx.files, fx.rootName)
      const before = snapshot(root)
      const r = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside'], tmpdir())
      expect(r.code, r.stderr).toBe(0)
      const report = JSON.parse(r.stdout)
      const svc = fx.services[0]!
      expect(report.answers.language).toBe(svc.language)
      if (svc.port !== undefined) expect(report.answers.port).toBe(svc.port)
      const after = snapshot(root)
      for (const [path, hash] of Object.entries(before)) expect(after[path], path).toBe(hash)
      const added = Object.keys(after).filter((p) => !(p in before))
      const target = svc.dir === '.' ? '' : `${svc.dir}/`
      for (const p of added) {
        // Pipelines go to the repository root, where GitHub reads them; the rest to the service.
        if (p.startsWith('.github/')) continue
        expect(p.startsWith(target), p).toBe(true)
        expect(p.slice(target.length), p).toMatch(CONTAINER_FILE)
      }
      // Ours, or beside the user's own Dockerfile.
      expect(added.filter((p) => p === `${target}Dockerfile` || p === `${target}Dockerfile.generated`)).toHaveLength(1)
      const again = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside'], tmpdir())
      expect(again.code, again.stderr).toBe(0)
      expect(JSON.parse(again.stdout).files.map((f: { action: string }) => f.action).filter((a: string) => a !== 'unchanged' && a !== 'alongside')).toEqual([])
      expect(snapshot(root)).toEqual(after)
    })
  }

  it('without a terminal, a value detection cannot settle is an error naming the flag, and nothing is written', async () => {
    const fx = FIXTURES.find((f) => f.id === 'node-env-only-port')!
    const root = materialize(fx.files, fx.rootName)
    const before = snapshot(root)
    const r = await run(['--cwd', root], tmpdir())
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--port <value>.*reads its port from PORT with no default/)
    expect(snapshot(root)).toEqual(before)
    const ok = await run(['--cwd', root, '--port', '8080'], tmpdir())
    expect(ok.code, ok.stderr).toBe(0)
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain('EXPOSE 8080')
  })

  it('a conflicting file stops a run without a terminal before anything is written', async () => {
    const fx = FIXTURES.find((f) => f.id === 'python-flask-pip-example-config')!
    const root = materialize(fx.files, fx.rootName)
    const before = snapshot(root)
    const r = await run(['--cwd', root], tmpdir())
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Dockerfile.*Nothing was written/s)
    expect(snapshot(root)).toEqual(before)
    const keep = await run(['--cwd', root, '--on-conflict', 'keep', '--json'], tmpdir())
    expect(keep.code, keep.stderr).toBe(0)
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe(fx.files.Dockerfile)
    expect(JSON.parse(keep.stdout).files.find((f: { path: string }) => f.path === 'Dockerfile').action).toBe('kept')
    const overwrite = await run(['--cwd', root, '--on-conflict', 'overwrite'], tmpdir())
    expect(overwrite.code, overwrite.stderr).toBe(0)
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain('gunicorn')
  })

  it('a monorepo lists its services and asks for --service; the chosen one gets its files in its folder', async () => {
    const fx = FIXTURES.find((f) => f.id === 'pnpm-monorepo')!
    const root = materialize(fx.files, fx.rootName)
    const r = await run(['--cwd', root], tmpdir())
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/2 services found.*apps\/api \(node http\).*apps\/web \(node next\).*--service <folder>.*--service all/s)
    const api = await run(['--cwd', root, '--service', 'apps/api'], tmpdir())
    expect(api.code, api.stderr).toBe(0)
    expect(existsSync(join(root, 'apps/api/Dockerfile'))).toBe(true)
    expect(existsSync(join(root, 'Dockerfile'))).toBe(false)
    // The pipelines sit where GitHub reads them and work in the service's folder.
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toContain('working-directory: apps/api')
    expect(existsSync(join(root, 'apps/api/.github'))).toBe(false)
    const gitlab = await run(['--cwd', root, '--service', 'apps/web', '--ci', 'gitlab'], tmpdir())
    expect(gitlab.code).toBe(2)
    expect(gitlab.stderr).toMatch(/--ci gitlab: the service is in a sub-folder \(apps\/web\)/)
    expect(existsSync(join(root, 'apps/web/Dockerfile'))).toBe(false)
    const bad = await run(['--cwd', root, '--service', 'apps/nope'], tmpdir())
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--service "apps\/nope" is not a service here\. Services found: apps\/api, apps\/web/)
  })

  it('several services in one run: each in its folder, its own workflows, one Compose file for the whole repository', async () => {
    const fx = FIXTURES.find((f) => f.id === 'pnpm-monorepo')!
    const root = materialize(fx.files, fx.rootName)
    const before = snapshot(root)
    const port = await run(['--cwd', root, '--service', 'all', '--port', '9000'], tmpdir())
    expect(port.code).toBe(2)
    expect(port.stderr).toMatch(/--port: this describes one app; with several services, run once per service/)
    const eks = await run(['--cwd', root, '--service', 'all', '--platform', 'eks'], tmpdir())
    expect(eks.code).toBe(2)
    expect(eks.stderr).toMatch(/--platform eks with several services: each service would get its own Terraform stack/)
    expect(snapshot(root)).toEqual(before)
    const r = await run(['--cwd', root, '--service', 'apps/api', '--service', 'apps/web', '--platform', 'kubernetes', '--json'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.services.map((s: { dir: string; answers: { name: string; port: number } }) => [s.dir, s.answers.name, s.answers.port])).toEqual([
      ['apps/api', 'api', 8787],
      ['apps/web', 'web', 3001],
    ])
    for (const f of ['apps/api/Dockerfile', 'apps/web/Dockerfile', 'apps/api/deploy/helm/api/Chart.yaml', 'apps/web/deploy/helm/web/Chart.yaml', '.github/workflows/api-ci.yml', '.github/workflows/web-release.yml', '.github/workflows/web-deploy.yml']) {
      expect(existsSync(join(root, f)), f).toBe(true)
    }
    const compose = readFileSync(join(root, 'compose.yaml'), 'utf8')
    expect(compose).toMatch(/^ {2}api:\n {4}extends:\n {6}file: apps\/api\/compose\.yaml/m)
    expect(compose).toMatch(/^ {2}postgres:\n {4}extends:\n {6}file: apps\/api\/compose\.yaml/m)
    expect(readFileSync(join(root, '.github/workflows/api-release.yml'), 'utf8')).toContain('uses: ./.github/workflows/api-deploy.yml')
    expect(JSON.parse(readFileSync(join(root, 'apps/web/.containerized/answers.json'), 'utf8')).retrofit.workflowPrefix).toBe('web')
    for (const [path, hash] of Object.entries(before)) expect(snapshot(root)[path], path).toBe(hash)
    // The workspace's lockfile is at its root: the member builds from the root (issue 18), a note, not a warning.
    expect(j.detection.services[0].app).toMatchObject({ buildContext: '../..', memberDir: 'apps/api', workspacePackage: '@acme/api' })
    const again = await run(['--cwd', root, '--service', 'all', '--json'], tmpdir())
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).files.every((f: { status: string }) => f.status === 'identical')).toBe(true)
  })

  it('--dry-run --json prints every value with its evidence and writes nothing', async () => {
    const fx = FIXTURES.find((f) => f.id === 'go-cmd-layout-nested-module')!
    const root = materialize(fx.files, fx.rootName)
    const before = snapshot(root)
    const r = await run(['--cwd', root, '--dry-run', '--json'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    const s = j.detection.services[0]
    expect(s.port).toMatchObject({ value: 9090, env: 'PORT', confidence: 'high' })
    expect(s.port.evidence[0]).toMatchObject({ file: 'cmd/orders/main.go' })
    // cmd/migrate is a helper binary beside the server (issue 18): noted, not a second entry point.
    expect(s.notes.map((n: { reason: string }) => n.reason).join('\n')).toMatch(/\.\/cmd\/migrate: helper binaries/)
    expect(j.files.every((f: { action: string }) => f.action === 'planned')).toBe(true)
    expect(snapshot(root)).toEqual(before)
    const text = await run(['--cwd', root, '--dry-run'], tmpdir())
    expect(text.stdout).toMatch(/port\s+9090 \(PORT\)\s+sure\s+cmd\/orders\/main\.go: reads PORT, default 9090/)
  })

  it('run inside a service folder of a git repository, the pipelines still go to the repository root', async () => {
    const fx = FIXTURES.find((f) => f.id === 'polyglot-with-docs')!
    const files = Object.fromEntries(Object.entries(fx.files).filter(([p]) => !p.startsWith('.github/')))
    const root = materialize({ ...files, '.git/HEAD': 'ref: refs/heads/main\n' }, fx.rootName)
    const r = await run(['--yes'], join(root, 'backend'))
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(root, 'backend/Dockerfile'))).toBe(true)
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toContain('working-directory: backend')
    // The second run, from the same place, replays the record and changes nothing.
    const again = await run(['--yes', '--json'], join(root, 'backend'))
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).files.every((f: { status: string }) => f.status === 'identical')).toBe(true)
  })

  it('an answers record from a new-service run keeps the new-service behaviour (starter files included)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-retro-new-'))
    expect((await run(['svc', '--yes'], cwd)).code).toBe(0)
    const again = await run(['svc', '--yes', '--json'], cwd)
    expect(again.code, again.stderr).toBe(0)
    const j = JSON.parse(again.stdout)
    expect(j.detection).toBeUndefined()
    expect(j.files.map((f: { path: string }) => f.path)).toContain('src/server.ts')
    expect(j.files.every((f: { status: string }) => f.status === 'identical')).toBe(true)
  })
})

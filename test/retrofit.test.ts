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
const CONTAINER_FILE = /^(?:Dockerfile(?:(?:\.generated)?\.dockerignore)?|\.dockerignore|compose(?:\.\w+){0,2}\.yaml|\.env\.example(?:\.generated)?|README\.containers\.md|\.containerized\/(?:answers\.json|base\.json|\.gitattributes)|\.github\/.*|\.gitlab-ci\.yml|renovate\.json|deploy\/.*|infra\/.*)(?:\.generated)?$/

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
      for (const [path, hash] of Object.entries(before)) {
        // The app's own .env.example is extended: its text stays, in front of what it lacked.
        if (/(^|\/)\.env\.example$/.test(path)) expect(readFileSync(join(root, path), 'utf8').startsWith(fx.files[path]!), path).toBe(true)
        else expect(after[path], path).toBe(hash)
      }
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
    // Theirs has no dev/test/prod stages for Compose and CI to build: ours goes beside it for them.
    const kept = JSON.parse(keep.stdout)
    expect(kept.files.find((f: { path: string }) => f.path === 'Dockerfile')).toMatchObject({ action: 'alongside', writtenTo: 'Dockerfile.generated' })
    expect(kept.notes.join('\n')).toMatch(/Your Dockerfile is kept, but it has no dev, test and prod stages.*ours is written beside it as Dockerfile\.generated/)
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

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`

/** An Express app that brings its own settings file, CI workflow and Dependabot file. */
const SHOP: Record<string, string> = {
  'package.json': json({ name: 'shop-api', scripts: { start: 'node src/index.js' }, dependencies: { express: '5.1.0', pg: '8.16.0' } }),
  'package-lock.json': json({ lockfileVersion: 3 }),
  '.nvmrc': '22\n',
  'src/index.js': "const express = require('express')\nconst app = express()\napp.listen(process.env.PORT || 3000)\n",
  '.env.example': '# Shop API\nDATABASE_URL=postgres://localhost:5432/shop\nJWT_SECRET=change-me\n\n# LOG_LEVEL=debug\n',
  '.github/workflows/ci.yml': 'name: CI\non: [push]\nconcurrency:\n  group: ${{ github.workflow }}-${{ github.ref }}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n',
  '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: "/"\n    schedule:\n      interval: daily\n',
}

/** A Flask app with a Dockerfile of its own: one stage, non-root, pinned. */
const NOTES: Record<string, string> = {
  'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\n',
  'app.py': 'from flask import Flask\napp = Flask(__name__)\n\n@app.get("/health")\ndef health():\n    return "ok"\n',
  Dockerfile: `FROM python:3.13-slim@sha256:${'a'.repeat(64)}\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nUSER 1000:1000\nEXPOSE 5000\nCMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]\n`,
}

const text = (root: string, path: string) => readFileSync(join(root, path), 'utf8')
const actions = (stdout: string) => Object.fromEntries(JSON.parse(stdout).files.map((f: { path: string; action: string }) => [f.path, f.action]))

describe('retrofit into a repository with files of its own', () => {
  it("extends the app's .env.example, names our workflows beside theirs, leaves their Dependabot file; a re-run changes nothing", async () => {
    const root = materialize(SHOP, 'shop')
    const before = snapshot(root)
    const r = await run(['--cwd', root, '--yes', '--json', '--port', '3000'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(actions(r.stdout)).toMatchObject({ '.env.example': 'extended', '.github/workflows/container-ci.yml': 'created', '.github/workflows/container-release.yml': 'created' })
    expect(j.files.map((f: { status: string }) => f.status)).not.toContain('conflict')
    expect(j.files.map((f: { path: string }) => f.path)).not.toContain('.github/dependabot.yml')
    // Nothing of theirs changed but the .env.example, which only grew at its end.
    const after = snapshot(root)
    for (const [path, hash] of Object.entries(before)) if (path !== '.env.example') expect(after[path], path).toBe(hash)
    const env = text(root, '.env.example')
    expect(env.startsWith(SHOP['.env.example']!)).toBe(true)
    const block = env.slice(SHOP['.env.example']!.length)
    expect(block).toMatch(/^\n# Added by create-containerized-app: /)
    // Only what theirs lacks: DATABASE_URL and JWT_SECRET are set there; LOG_LEVEL only in a comment.
    const added = [...block.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1])
    expect(added).toContain('LOG_LEVEL')
    expect(added).not.toContain('DATABASE_URL')
    expect(added).not.toContain('JWT_SECRET')
    // Our workflows have names (and so concurrency groups) of their own.
    expect(text(root, '.github/workflows/container-ci.yml')).toMatch(/^name: container-ci$/m)
    expect(text(root, '.github/workflows/container-release.yml')).toMatch(/^name: container-release$/m)
    expect(JSON.parse(text(root, '.containerized/answers.json')).retrofit.workflowPrefix).toBe('container')
    const notes = j.notes.join('\n')
    expect(notes).toMatch(/Your workflow ci\.yml stays as it is; ours are named container-…: container-ci\.yml and container-release\.yml/)
    expect(notes).toMatch(/Your \.github\/dependabot\.yml is left as it is \(ours is not written\); add these updates to it: github-actions \(\/\), docker \(\/\) and docker-compose \(\/\)\./)
    expect(notes).toMatch(/Your \.env\.example keeps its lines/)

    const again = await run(['--cwd', root, '--yes', '--json', '--port', '3000'], tmpdir())
    expect(again.code, again.stderr).toBe(0)
    expect(Object.values(actions(again.stdout)).every((a) => a === 'unchanged'), again.stdout).toBe(true)
    expect(snapshot(root)).toEqual(after)
    // Without flags the record replays the same choices.
    const replay = await run(['--cwd', root, '--yes', '--json'], tmpdir())
    expect(replay.code, replay.stderr).toBe(0)
    expect(snapshot(root)).toEqual(after)
  })

  it('the text report names the extension and the next steps what the run did around their files', async () => {
    const root = materialize(SHOP, 'shop')
    const r = await run(['--cwd', root, '--yes', '--port', '3000', '--dry-run'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/extend \(yours, adding what it lacks\)\s+\.env\.example/)
    expect(r.stdout).toMatch(/create\s+\.github\/workflows\/container-ci\.yml/)
    expect(r.stdout).not.toMatch(/conflict/)
    const written = await run(['--cwd', root, '--yes', '--port', '3000'], tmpdir())
    expect(written.stdout).toMatch(/extended \(yours, with what it lacked\)\s+\.env\.example/)
    expect(written.stdout).toMatch(/Next steps:[\s\S]*Your workflow ci\.yml stays as it is/)
  })

  it('--on-conflict alongside: Compose and CI build Dockerfile.generated, the next steps say so, and validate is clean', async () => {
    const root = materialize(NOTES, 'notes')
    const r = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside', '--port', '5000'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.files.find((f: { path: string }) => f.path === 'Dockerfile')).toMatchObject({ action: 'alongside', writtenTo: 'Dockerfile.generated' })
    expect(text(root, 'Dockerfile')).toBe(NOTES.Dockerfile)
    expect(text(root, 'compose.yaml')).toMatch(/build:\n\s+context: "\."\n\s+dockerfile: Dockerfile\.generated\n\s+target: prod/)
    const release = text(root, '.github/workflows/release.yml')
    expect(release).toMatch(/DOCKERFILE: "Dockerfile\.generated"/)
    expect(release.match(/file: \$\{\{ env\.DOCKERFILE \}\}/g)).toHaveLength(2)
    expect(JSON.parse(text(root, '.containerized/answers.json')).retrofit.app.dockerfile).toBe('Dockerfile.generated')
    const readme = text(root, 'README.containers.md')
    expect(readme).toMatch(/^\| `Dockerfile\.generated` \| .*your `Dockerfile` is kept as it is/m)
    expect(readme).toMatch(/^docker build --target prod -f Dockerfile\.generated -t \S+ \.$/m)
    expect(j.notes.join('\n')).toMatch(/Your Dockerfile is kept as it is; ours is Dockerfile\.generated \(with its own Dockerfile\.generated\.dockerignore\), and the generated Compose files and CI build Dockerfile\.generated/)
    // Their Dockerfile builds as before, without an ignore file of ours in its way.
    expect(existsSync(join(root, '.dockerignore'))).toBe(false)
    expect(text(root, 'Dockerfile.generated.dockerignore')).toMatch(/\.git/)
    expect(j.validation.map((f: { rule: string }) => f.rule)).not.toContain('compose-build-target-missing')
    const v = await run(['validate', root, '--no-external', '--json'], tmpdir())
    const report = JSON.parse(v.stdout)
    expect(report.findings.filter((f: { severity: string }) => f.severity === 'error'), v.stdout).toEqual([])
    expect(v.code).toBe(0)
    const again = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside'], tmpdir())
    expect(again.code, again.stderr).toBe(0)
    expect(Object.entries(actions(again.stdout)).filter(([, a]) => a !== 'unchanged')).toEqual([['Dockerfile', 'alongside']])
  })

  it('--on-conflict keep: a kept Dockerfile with dev, test and prod stages is the one Compose and CI build', async () => {
    const staged = `FROM python:3.13-slim@sha256:${'b'.repeat(64)} AS base\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nUSER 1000:1000\n\nFROM base AS dev\nCMD ["flask", "run", "--host", "0.0.0.0", "--port", "5000"]\n\nFROM base AS test\nCMD ["python", "-m", "pytest"]\n\nFROM base AS prod\nEXPOSE 5000\nCMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]\n`
    const root = materialize({ ...NOTES, Dockerfile: staged }, 'notes')
    const r = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'keep', '--port', '5000'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.files.find((f: { path: string }) => f.path === 'Dockerfile')).toMatchObject({ action: 'kept' })
    expect(existsSync(join(root, 'Dockerfile.generated'))).toBe(false)
    expect(text(root, 'compose.yaml')).not.toMatch(/dockerfile:/)
    expect(text(root, '.github/workflows/release.yml')).not.toMatch(/DOCKERFILE/)
    expect(j.notes.join('\n')).toMatch(/Your Dockerfile is kept, and the generated Compose files and CI build its dev, test and prod stages/)
    expect(j.validation.map((f: { rule: string }) => f.rule)).not.toContain('compose-build-target-missing')
  })

  it('flags are validated in the detected language: --package-manager uv in a Python app; a bad value is exit 2 with the choices, nothing written', async () => {
    const app = { 'pyproject.toml': '[project]\nname = "notes"\nrequires-python = ">=3.12"\ndependencies = ["flask>=3.1", "gunicorn"]\n', 'app.py': NOTES['app.py']!, 'requirements.txt': NOTES['requirements.txt']! }
    const root = materialize(app, 'notes')
    const before = snapshot(root)
    const bad = await run(['--cwd', root, '--yes', '--package-manager', 'pnpm', '--port', '5000'], tmpdir())
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--package-manager "pnpm" is not a valid choice\. Valid choices: .*\buv\b/)
    expect(bad.stderr).not.toMatch(/npm, pnpm/)
    expect(snapshot(root)).toEqual(before)
    const badFramework = await run(['--cwd', root, '--yes', '--framework', 'express', '--port', '5000'], tmpdir())
    expect(badFramework.code).toBe(2)
    expect(badFramework.stderr).toMatch(/--framework "express" is not a valid choice\. Valid choices: .*\bflask\b/)
    expect(snapshot(root)).toEqual(before)
    const ok = await run(['--cwd', root, '--yes', '--json', '--package-manager', 'uv', '--port', '5000'], tmpdir())
    expect(ok.code, ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout).answers).toMatchObject({ language: 'python', packageManager: 'uv' })
    // A language-independent flag still fails before detection, and --language moves the check.
    const port = await run(['--cwd', root, '--yes', '--port', 'eighty'], tmpdir())
    expect(port.code).toBe(2)
    expect(port.stderr).toMatch(/--port "eighty" is not a valid port/)
    const named = await run(['--cwd', root, '--yes', '--language', 'node', '--package-manager', 'uv', '--port', '5000'], tmpdir())
    expect(named.code).toBe(2)
    expect(named.stderr).toMatch(/--package-manager "uv" is not a valid choice\. Valid choices: npm, pnpm/)
  })
})

/** A Flask app factory on SQLAlchemy and psycopg2, its URL from DATABASE_URL (flask-factory's shape). */
const FLASK_SQL: Record<string, string> = {
  'requirements.txt': 'Flask==3.1.0\nFlask-SQLAlchemy==3.1.1\nSQLAlchemy==2.0.36\npsycopg2-binary==2.9.10\ngunicorn==23.0.0\n',
  'project/__init__.py': 'import os\nfrom flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\ndef create_app():\n    app = Flask(__name__)\n    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]\n    db.init_app(app)\n    return app\n',
  'wsgi.py': 'from project import create_app\napp = create_app()\n',
}

describe('what an existing app is given', () => {
  it("Postgres URLs use postgresql://, which SQLAlchemy accepts (it refuses postgres://), in every file the run writes", async () => {
    const root = materialize(FLASK_SQL, 'notes')
    const r = await run(['--cwd', root, '--yes', '--json', '--port', '5000', '--platform', 'kubernetes'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).answers.database).toBe('postgres')
    expect(text(root, 'compose.yaml')).toMatch(/^ {6}DATABASE_URL: postgresql:\/\/\$\{POSTGRES_USER:-app\}:\$\{POSTGRES_PASSWORD:-dev-only-password\}@postgres:5432\/\$\{POSTGRES_DB:-app\}$/m)
    expect(text(root, 'compose.prod.yaml')).toMatch(/^ {6}DATABASE_URL: postgresql:\/\//m)
    const written = Object.keys(snapshot(root)).filter((p) => !(p in FLASK_SQL))
    for (const p of written) expect(text(root, p), p).not.toMatch(/\bpostgres:\/\//)
    expect(written.filter((p) => text(root, p).includes('postgresql://'))).toEqual(expect.arrayContaining(['compose.yaml', 'compose.prod.yaml', 'deploy/helm/notes/values.yaml']))
  })
})

/** A Quarkus service whose .dockerignore, made for its src/main/docker/Dockerfile.jvm, keeps only target/ (quarkus-rest's shape). */
const QUARKUS: Record<string, string> = {
  'pom.xml': '<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>org.acme</groupId>\n  <artifactId>greetings</artifactId>\n  <version>1.0.0</version>\n  <properties>\n    <maven.compiler.release>21</maven.compiler.release>\n    <quarkus.platform.version>3.26.1</quarkus.platform.version>\n  </properties>\n  <dependencies>\n    <dependency>\n      <groupId>io.quarkus</groupId>\n      <artifactId>quarkus-rest</artifactId>\n    </dependency>\n    <dependency>\n      <groupId>io.quarkus</groupId>\n      <artifactId>quarkus-smallrye-health</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n',
  'src/main/resources/application.properties': 'quarkus.http.port=8081\n',
  'src/main/java/org/acme/GreetingResource.java': 'package org.acme;\n\nimport jakarta.ws.rs.GET;\nimport jakarta.ws.rs.Path;\n\n@Path("/hello")\npublic class GreetingResource {\n    @GET\n    public String hello() { return "hello"; }\n}\n',
  'src/main/docker/Dockerfile.jvm': 'FROM registry.access.redhat.com/ubi9/openjdk-21:1.23\nCOPY --chown=185 target/quarkus-app/ /deployments/\nUSER 185\n',
  '.dockerignore': '*\n!target/*-runner\n!target/*-runner.jar\n!target/lib/*\n!target/quarkus-app/*\n',
}

/** A Spring Boot service with Spring's own compose.yaml of dev services (spring-gradle-kotlin's shape). */
const SPRING: Record<string, string> = {
  'settings.gradle.kts': 'rootProject.name = "orders"\n',
  'build.gradle.kts': 'plugins {\n    id("org.springframework.boot") version "3.5.6"\n    kotlin("jvm") version "2.2.20"\n}\n\njava { toolchain { languageVersion = JavaLanguageVersion.of(21) } }\n\ndependencies {\n    implementation("org.springframework.boot:spring-boot-starter-web")\n    implementation("org.springframework.boot:spring-boot-starter-actuator")\n    runtimeOnly("org.postgresql:postgresql")\n    developmentOnly("org.springframework.boot:spring-boot-docker-compose")\n}\n',
  'gradlew': '#!/bin/sh\nexec gradle "$@"\n',
  'gradle/wrapper/gradle-wrapper.properties': 'distributionUrl=https\\://services.gradle.org/distributions/gradle-9.1.0-bin.zip\n',
  'src/main/kotlin/com/acme/orders/OrdersApplication.kt': 'package com.acme.orders\n\nimport org.springframework.boot.autoconfigure.SpringBootApplication\nimport org.springframework.boot.runApplication\n\n@SpringBootApplication\nclass OrdersApplication\n\nfun main(args: Array<String>) {\n    runApplication<OrdersApplication>(*args)\n}\n',
  'src/main/resources/application.yml': 'server:\n  port: ${SERVER_PORT:8081}\nspring:\n  datasource:\n    url: ${SPRING_DATASOURCE_URL:jdbc:postgresql://localhost:5432/orders}\n',
  'compose.yaml': "services:\n  postgres:\n    image: 'postgres:17'\n    environment:\n      - 'POSTGRES_DB=orders'\n      - 'POSTGRES_PASSWORD=orders'\n      - 'POSTGRES_USER=orders'\n    ports:\n      - '5432'\n",
}

describe('retrofit beside container files the app keeps', () => {
  it("beside their Dockerfile and docker-compose.yml (express-boilerplate's shape): validate reads our overrides with our compose.yaml, not theirs", async () => {
    const own = {
      ...SHOP,
      Dockerfile: 'FROM node:20-alpine\nWORKDIR /usr/src/node-app\nCOPY . .\nRUN npm ci\nEXPOSE 3000\n',
      '.dockerignore': 'node_modules\n.git\n',
      'docker-compose.yml': "version: '3'\nservices:\n  node-app:\n    build: .\n    image: node-app\n    ports:\n      - '3000:3000'\n",
      'docker-compose.dev.yml': "version: '3'\nservices:\n  node-app:\n    command: npm run dev\n",
    }
    const root = materialize(own, 'shop')
    const r = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside', '--port', '3000'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    expect(text(root, 'compose.override.yaml')).not.toMatch(/dockerfile:/)
    expect(JSON.parse(r.stdout).validation.filter((f: { rule: string }) => f.rule === 'compose-build-target-missing')).toEqual([])
    const v = await run(['validate', root, '--no-external', '--json'], tmpdir())
    // Their own root Dockerfile is theirs to fix; nothing we wrote has an error.
    expect(JSON.parse(v.stdout).findings.filter((f: { severity: string; file: string }) => f.severity === 'error' && !(f.file in own)), v.stdout).toEqual([])
  })

  it('their .dockerignore stays for their own Dockerfile; ours is Dockerfile.dockerignore, which our Dockerfile reads; a re-run changes nothing', async () => {
    const root = materialize(QUARKUS, 'greetings')
    const r = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(text(root, '.dockerignore')).toBe(QUARKUS['.dockerignore'])
    expect(j.files.map((f: { path: string }) => f.path)).not.toContain('.dockerignore')
    expect(actions(r.stdout)).toMatchObject({ 'Dockerfile.dockerignore': 'created', Dockerfile: 'created' })
    // Ours lets the build see the sources their "*" would hide.
    const ours = text(root, 'Dockerfile.dockerignore')
    expect(ours).not.toMatch(/^\*$/m)
    expect(text(root, 'Dockerfile')).toMatch(/source=pom\.xml/)
    expect(JSON.parse(text(root, '.containerized/answers.json')).retrofit.app.dockerignore).toBe('Dockerfile.dockerignore')
    expect(text(root, 'README.containers.md')).toMatch(/^\| `Dockerfile\.dockerignore` \| .*BuildKit reads it for `Dockerfile` in place of the context's `\.dockerignore` \(yours, kept as it is\) \|$/m)
    expect(j.notes.join('\n')).toMatch(/Your \.dockerignore is kept as it is for your own builds; ours is Dockerfile\.dockerignore, which BuildKit reads for Dockerfile in its place\./)
    const again = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside'], tmpdir())
    expect(again.code, again.stderr).toBe(0)
    expect(Object.values(actions(again.stdout)).every((a) => a === 'unchanged'), again.stdout).toBe(true)
    // Overwrite: ours takes the context's name, and the record says so.
    const over = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'overwrite'], tmpdir())
    expect(over.code, over.stderr).toBe(0)
    expect(actions(over.stdout)['.dockerignore']).toBe('overwritten')
    expect(text(root, '.dockerignore')).toBe(ours)
  })

  it("their compose.yaml stays what `docker compose up` runs; ours are compose.app.yaml and its family, named by every command, CI job and the README", async () => {
    const root = materialize(SPRING, 'orders')
    const before = snapshot(root)
    const stop = await run(['--cwd', root, '--yes'], tmpdir())
    expect(stop.code).toBe(1)
    expect(stop.stderr).toMatch(/compose\.yaml.*Nothing was written/s)
    expect(snapshot(root)).toEqual(before)
    const r = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside'], tmpdir())
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(text(root, 'compose.yaml')).toBe(SPRING['compose.yaml'])
    const written = j.files.map((f: { path: string }) => f.path)
    expect(written.filter((p: string) => p.startsWith('compose'))).toEqual(['compose.app.override.yaml', 'compose.app.prod.yaml', 'compose.app.test.yaml', 'compose.app.yaml'])
    expect(existsSync(join(root, 'compose.yaml.generated'))).toBe(false)
    expect(JSON.parse(text(root, '.containerized/answers.json')).retrofit.app.composeFile).toBe('compose.app.yaml')
    const base = text(root, 'compose.app.yaml')
    expect(base).toMatch(/^ {2}app:\n {4}build:\n {6}context: "\."\n {6}target: prod$/m)
    expect(base).toMatch(/^#\s+dev\s+docker compose -f compose\.app\.yaml -f compose\.app\.override\.yaml up --build --watch$/m)
    expect(text(root, 'compose.app.override.yaml')).toMatch(/^#\s+docker compose -f compose\.app\.yaml -f compose\.app\.override\.yaml up --build --watch$/m)
    expect(text(root, 'compose.app.test.yaml')).toMatch(/^#\s+docker compose -f compose\.app\.yaml -f compose\.app\.test\.yaml run --rm --build app$/m)
    expect(text(root, 'compose.app.prod.yaml')).toMatch(/^#\s+IMAGE_TAG=1\.2\.3 docker compose -f compose\.app\.yaml -f compose\.app\.prod\.yaml up -d$/m)
    expect(text(root, '.github/workflows/ci.yml')).toMatch(/^ {2}COMPOSE_FILE: "compose\.app\.yaml:compose\.app\.test\.yaml"$/m)
    expect(text(root, '.github/workflows/release.yml')).toMatch(/docker compose -f compose\.app\.yaml -f compose\.app\.prod\.yaml up --detach --wait/)
    const readme = text(root, 'README.containers.md')
    for (const cmd of ['-f compose.app.yaml -f compose.app.override.yaml up --build --watch', '-f compose.app.yaml -f compose.app.test.yaml run --rm --build app', '-f compose.app.yaml -f compose.app.prod.yaml up -d']) expect(readme).toContain(`docker compose ${cmd}`)
    expect(readme).not.toMatch(/compose\.(override|test|prod)\.yaml|`compose\.yaml`|^docker compose up/m)
    const notes = j.notes.join('\n')
    expect(notes).toMatch(/Your compose\.yaml stays as it is, and a plain `docker compose up` keeps running it; ours are compose\.app\.yaml, compose\.app\.override\.yaml, compose\.app\.test\.yaml and compose\.app\.prod\.yaml/)
    // The rules read our family as one stack, their file as another: no error.
    expect(j.validation.filter((f: { severity: string }) => f.severity === 'error')).toEqual([])
    const v = await run(['validate', root, '--no-external', '--json'], tmpdir())
    expect(JSON.parse(v.stdout).findings.filter((f: { severity: string; file: string }) => f.severity === 'error' && f.file.startsWith('compose.app')), v.stdout).toEqual([])
    const again = await run(['--cwd', root, '--yes', '--json', '--on-conflict', 'alongside'], tmpdir())
    expect(again.code, again.stderr).toBe(0)
    expect(Object.values(actions(again.stdout)).every((a) => a === 'unchanged'), again.stdout).toBe(true)
    const text2 = await run(['--cwd', root, '--yes', '--on-conflict', 'alongside'], tmpdir())
    expect(text2.stdout).toMatch(/Next steps:[\s\S]*^ {2}docker compose -f compose\.app\.yaml -f compose\.app\.override\.yaml up --build --watch$/m)
  })
})

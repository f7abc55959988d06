import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'

// Answer queues for the mocked prompts (the nuxt pattern): each call takes the next value.
const queue: { select: unknown[]; text: unknown[]; multiselect: unknown[]; confirm: unknown[] } = { select: [], text: [], multiselect: [], confirm: [] }
const asked: string[] = []
/** The options and initial value each select offered, by its message. */
const offered = new Map<string, { values: unknown[]; initial: unknown }>()
const messages: string[] = []
/** What a text prompt's validation refused, by prompt: the mock, like clack, asks again. */
const refused: { message: string; value: unknown; why: string }[] = []
/** Every spinner stop message: a stopped spinner leaves its line on the screen. */
const spinnerLines: string[] = []
const CANCEL = Symbol('cancel')

vi.mock('@clack/prompts', () => {
  const take = (kind: 'select' | 'text' | 'multiselect' | 'confirm') => async (opts: { message: string; options?: { value: unknown }[]; initialValue?: unknown; validate?: (v: string | undefined) => string | Error | undefined }) => {
    asked.push(opts.message)
    if (opts.options) offered.set(opts.message, { values: opts.options.map((o) => o.value), initial: opts.initialValue })
    for (;;) {
      if (queue[kind].length === 0) throw new Error(`unexpected ${kind} prompt: ${opts.message}`)
      const value = queue[kind].shift()
      const why = value !== CANCEL && opts.validate ? opts.validate(value as string) : undefined
      if (!why) return value
      refused.push({ message: opts.message, value, why: String(why) })
    }
  }
  const noop = () => undefined
  return {
    select: take('select'),
    text: take('text'),
    multiselect: take('multiselect'),
    confirm: take('confirm'),
    isCancel: (v: unknown) => v === CANCEL,
    intro: noop,
    outro: noop,
    cancel: noop,
    note: noop,
    step: noop,
    log: { step: noop, info: (m: string) => messages.push(m), message: (m: string) => messages.push(m), warn: (m: string) => messages.push(m), error: noop, success: noop },
    spinner: () => ({ start: noop, stop: (m: string) => spinnerLines.push(m), message: noop }),
  }
})

const { main } = await import('../src/index.js')

function io(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { argv, cwd, env, tty: true, stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } },
    out,
    err,
  }
}

beforeEach(() => {
  queue.select = []
  queue.text = []
  queue.multiselect = []
  queue.confirm = []
  offered.clear()
  asked.length = 0
  messages.length = 0
  refused.length = 0
  spinnerLines.length = 0
})

describe('wizard', () => {
  it('asks only what flags left open, in order, then writes the project', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    // The Kubernetes format is not asked for Compose.
    queue.select = ['node', 'http', 'pnpm', 'postgres', 'valkey', 'compose', 'github', 'dockerhub']
    queue.text = ['24', '8080']
    const { io: x } = io(['svc', '--name', 'svc'], cwd)
    expect(await main(x)).toBe(0)
    expect(asked).toEqual([
      'Language', 'Framework', 'Package manager', 'Runtime version', 'Port the app listens on', 'Database', 'Cache', 'Target platform',
      'CI provider', 'Container registry',
    ])
    const record = JSON.parse(readFileSync(join(cwd, 'svc/.containerized/answers.json'), 'utf8'))
    expect(record.answers).toMatchObject({
      name: 'svc', packageManager: 'pnpm', port: 8080, database: 'postgres', cache: 'valkey', languageVersion: '24', ci: 'github', registry: 'dockerhub',
    })
  })

  it('a Kubernetes platform asks for the manifest format and writes it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    queue.select = ['go', 'postgres', 'none', 'gke', 'kustomize', 'gitlab', 'gar']
    queue.text = ['1.26.8', '8080']
    const { io: x } = io(['svc', '--name', 'svc'], cwd)
    expect(await main(x)).toBe(0)
    expect(asked).toEqual([
      'Language', 'Runtime version', 'Port the app listens on', 'Database', 'Cache', 'Target platform', 'Kubernetes manifests', 'CI provider',
      'Container registry',
    ])
    expect(readdirSync(join(cwd, 'svc/deploy/kustomize/overlays')).sort()).toEqual(['dev', 'prod', 'staging'])
    const record = JSON.parse(readFileSync(join(cwd, 'svc/.containerized/answers.json'), 'utf8'))
    expect(record.answers).toMatchObject({ platform: 'gke', k8sFormat: 'kustomize', ci: 'gitlab', registry: 'gar' })
    expect(readFileSync(join(cwd, 'svc/.gitlab-ci.yml'), 'utf8')).toContain('deploy/kustomize')
  })

  it('flags suppress their prompts entirely', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    const argv = ['x', '--language', 'node', '--framework', 'http', '--package-manager', 'npm', '--language-version', '24', '--port', '3000',
      '--database', 'none', '--cache', 'none', '--platform', 'compose', '--ci', 'none', '--registry', 'ghcr']
    expect(await main(io(argv, cwd).io)).toBe(0)
    expect(asked).toEqual([])
  })

  it.each([0, 1, 2, 3, 4, 5, 6, 7])('cancelling (Ctrl-C) at prompt %i exits 130, as the signal would, and writes nothing', async (at) => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    const answers = ['node', 'http', 'npm', 'none', 'none', 'compose', 'none', 'ghcr']
    queue.select = answers.map((a, i) => (i === at ? CANCEL : a))
    queue.text = ['24', '3000']
    const { io: x } = io(['svc'], cwd)
    expect(await main(x)).toBe(130)
    expect(readdirSync(cwd)).toEqual([])
  })

  it('Ctrl-C at a text prompt and at the "write into a non-empty folder?" question exits 130; answering no exits 1', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    queue.select = ['node', 'http', 'npm']
    queue.text = [CANCEL]
    expect(await main(io(['svc'], cwd).io)).toBe(130)
    mkdirSync(join(cwd, 'occupied'))
    writeFileSync(join(cwd, 'occupied/notes.txt'), 'x\n')
    queue.select = ['node', 'http', 'npm', 'none', 'none', 'compose', 'none', 'ghcr']
    queue.text = ['24', '3000']
    queue.confirm = [CANCEL]
    expect(await main(io(['occupied'], cwd).io)).toBe(130)
    queue.select = ['node', 'http', 'npm', 'none', 'none', 'compose', 'none', 'ghcr']
    queue.text = ['24', '3000']
    queue.confirm = [false]
    expect(await main(io(['occupied'], cwd).io)).toBe(1)
    expect(readdirSync(join(cwd, 'occupied'))).toEqual(['notes.txt'])
  })

  it('refuses a runtime version at its own prompt, with the valid range, and keeps every answer', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    queue.select = ['python', 'fastapi', 'uv', 'none', 'none', 'compose', 'none', 'ghcr']
    // 2.7 and a malformed one are refused where they are typed; 3.13 is taken.
    queue.text = ['2.7', '3.x', '3.13', '99999', 'abc', '8000']
    const { io: x, err } = io(['svc'], cwd)
    expect(await main(x), err.join('')).toBe(0)
    expect(refused.map((r) => [r.message, r.value])).toEqual([
      ['Runtime version', '2.7'], ['Runtime version', '3.x'], ['Port the app listens on', '99999'], ['Port the app listens on', 'abc'],
    ])
    // The message says what is valid: the range, as the flag's error does.
    expect(refused[0]!.why).toMatch(/^"2\.7" is not valid for Python: use .*\(3\.11 or later\)/)
    expect(asked.filter((q) => q === 'Runtime version')).toHaveLength(1)
    const record = JSON.parse(readFileSync(join(cwd, 'svc/.containerized/answers.json'), 'utf8'))
    expect(record.answers).toMatchObject({ language: 'python', languageVersion: '3.13', port: 8000 })
  })

  it('a choice given in capitals steers the questions after it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    queue.select = ['fastapi', 'uv', 'none', 'compose', 'none', 'ghcr']
    queue.text = ['3.13', '8000']
    const { io: x, err } = io(['svc', '--language', 'Python', '--cache', 'Redis'], cwd)
    expect(await main(x), err.join('')).toBe(0)
    expect(offered.get('Framework')!.values).toContain('fastapi')
    expect(JSON.parse(readFileSync(join(cwd, 'svc/.containerized/answers.json'), 'utf8')).answers).toMatchObject({ language: 'python', cache: 'redis' })
  })

  it('refuses an unusable name at its prompt', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    writeFileSync(join(cwd, 'notes.txt'), 'x\n')
    queue.text = ['Bad_Name!', 'good-name', '24', '3000']
    queue.select = ['node', 'http', 'npm', 'none', 'none', 'compose', 'none', 'ghcr']
    expect(await main(io([], cwd).io)).toBe(0)
    expect(refused.map((r) => r.message)).toEqual(['Project name'])
    expect(existsSync(join(cwd, 'good-name/compose.yaml'))).toBe(true)
  })

  it('prints the equivalent command without the name its folder implies', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    queue.select = ['node', 'http', 'npm', 'none', 'none', 'compose', 'none', 'ghcr']
    queue.text = ['24', '3000']
    expect(await main(io(['svc'], cwd).io)).toBe(0)
    const command = messages.find((m) => m.startsWith('Same run without questions:'))!
    expect(command).toMatch(/npx create-containerized-app svc --language node/)
    expect(command).not.toContain('--name')
  })

  it('after agreeing to write into a non-empty folder, the equivalent command has --on-conflict (it would stop there without it)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    mkdirSync(join(cwd, 'occupied'))
    writeFileSync(join(cwd, 'occupied/notes.txt'), 'x\n')
    queue.select = ['node', 'http', 'npm', 'none', 'none', 'compose', 'none', 'ghcr']
    queue.text = ['24', '3000']
    queue.confirm = [true]
    expect(await main(io(['occupied', '--name', 'other'], cwd).io)).toBe(0)
    const command = messages.find((m) => m.startsWith('Same run without questions:'))!
    expect(command).toContain('--name other')
    expect(command).toMatch(/--yes --on-conflict keep$/)
    // The command does what the wizard did.
    const again = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    mkdirSync(join(again, 'occupied'))
    writeFileSync(join(again, 'occupied/notes.txt'), 'x\n')
    const argv = command.split('\n')[1]!.split(' ').slice(2)
    expect(await main({ ...io(argv, again).io, tty: false })).toBe(0)
    expect(readFileSync(join(again, 'occupied/compose.yaml'), 'utf8')).toBe(readFileSync(join(cwd, 'occupied/compose.yaml'), 'utf8'))
  })

  it('a bad flag fails before any question is asked', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    const { io: x, err } = io(['svc', '--database', 'oracle'], cwd)
    expect(await main(x)).toBe(2)
    expect(asked).toEqual([])
    expect(err.join('')).toMatch(/--database "oracle" is not a valid choice/)
  })

  it('asks per conflicting file and keeps the user file when told to', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-'))
    const flags = ['--yes', '--name', 'svc']
    expect(await main({ ...io(['svc', ...flags], cwd).io, tty: false })).toBe(0)
    const dockerfile = join(cwd, 'svc/Dockerfile')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(dockerfile, 'FROM scratch\n')
    queue.select = ['node', 'http', 'npm', 'none', 'none', 'compose', 'github', 'ghcr', 'keep']
    queue.text = ['24.21.0', '3000']
    expect(await main(io(['svc'], cwd).io)).toBe(0)
    expect(asked.at(-1)).toBe('Dockerfile already exists with different content')
    expect(readFileSync(dockerfile, 'utf8')).toBe('FROM scratch\n')
    // No stopped spinner's line ("Waiting for you") above the question.
    expect(spinnerLines).toEqual([])
  })
})

describe('wizard in an existing app', () => {
  const materialize = async (id: string) => {
    const { FIXTURES } = await import('./detect/fixtures.js')
    const { mkdirSync, writeFileSync } = await import('node:fs')
    const { dirname } = await import('node:path')
    const fx = FIXTURES.find((f) => f.id === id)!
    const root = join(mkdtempSync(join(tmpdir(), 'cca-wizard-retro-')), fx.rootName)
    for (const [p, c] of Object.entries(fx.files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true })
      writeFileSync(join(root, p), c)
    }
    return { root, fx }
  }

  it('asks only what detection left open (the port read from PORT with no default), then the deployment choices', async () => {
    const { root } = await materialize('node-env-only-port')
    // No version file either: the runtime version is asked too (the default offered).
    queue.text = ['24', '8080']
    queue.select = ['compose', 'github', 'ghcr']
    const a = io(['--cwd', root], tmpdir())
    expect(await main(a.io), a.err.join('')).toBe(0)
    expect(asked).toEqual(['Runtime version', 'Port the app listens on', 'Target platform', 'CI provider', 'Container registry'])
    expect(messages.some((m) => /reads its port from PORT with no default/.test(m))).toBe(true)
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain('EXPOSE 8080')
    expect(existsSync(join(root, 'src/server.ts'))).toBe(false)
  })

  it('shows the diff of a conflicting file on request through the pager, then writes ours alongside it', async () => {
    const { root, fx } = await materialize('python-flask-pip-example-config')
    queue.text = ['3.14']
    queue.select = ['compose', 'none', 'ghcr', 'diff', 'alongside']
    const paged = join(mkdtempSync(join(tmpdir(), 'cca-pager-')), 'paged.txt')
    const a = io(['--cwd', root], tmpdir(), { PAGER: `cat > '${paged}'` })
    expect(await main(a.io), a.err.join('')).toBe(0)
    expect(asked.filter((a) => a === 'Dockerfile already exists with different content')).toHaveLength(2)
    const diff = readFileSync(paged, 'utf8')
    expect(diff.startsWith('--- Dockerfile (yours)\n+++ Dockerfile (generated)') && diff.includes('\u001b[31m-FROM python:3.12')).toBe(true)
    expect(messages.some((m) => m.startsWith('--- Dockerfile (yours)'))).toBe(false)
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe(fx.files.Dockerfile)
    expect(readFileSync(join(root, 'Dockerfile.generated'), 'utf8')).toContain('gunicorn')
  })

  it('asks about the Dockerfile before the other files, and the rest builds what that choice leaves', async () => {
    const { root, fx } = await materialize('python-flask-pip-example-config')
    // compose.yaml comes before Dockerfile in the file order: it is asked about after it all the same.
    writeFileSync(join(root, 'compose.yaml'), 'services:\n  web:\n    build: .\n')
    writeFileSync(join(root, '.dockerignore'), '.git\n')
    queue.text = ['3.14']
    // Keep my Dockerfile (it has no dev/test/prod stages), then keep my compose.yaml.
    queue.select = ['compose', 'github', 'ghcr', 'keep', 'keep']
    const a = io(['--cwd', root], tmpdir())
    expect(await main(a.io), a.err.join('')).toBe(0)
    expect(asked.filter((q) => q.endsWith('already exists with different content'))).toEqual(['Dockerfile already exists with different content', 'compose.yaml already exists with different content'])
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe(fx.files.Dockerfile)
    expect(readFileSync(join(root, 'Dockerfile.generated'), 'utf8')).toContain('gunicorn')
    // Theirs builds with their .dockerignore as before; ours has its own.
    expect(readFileSync(join(root, '.dockerignore'), 'utf8')).toBe('.git\n')
    expect(existsSync(join(root, 'Dockerfile.generated.dockerignore'))).toBe(true)
    expect(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')).toContain('DOCKERFILE: "Dockerfile.generated"')
    expect(JSON.parse(readFileSync(join(root, '.containerized/answers.json'), 'utf8')).retrofit.app.dockerfile).toBe('Dockerfile.generated')
  })

  it('in a monorepo, picks services from a list and asks the deployment questions once', async () => {
    const { root } = await materialize('pnpm-monorepo')
    queue.multiselect = [['apps/api', 'apps/web']]
    // apps/api: everything detected; the deployment choices once; apps/web reuses them.
    queue.select = ['kubernetes', 'helm', 'github', 'ghcr']
    const a = io(['--cwd', root], tmpdir())
    expect(await main(a.io), a.err.join('')).toBe(0)
    expect(asked).toEqual(['Which services get container files?', 'Target platform', 'Kubernetes manifests', 'CI provider', 'Container registry'])
    expect(existsSync(join(root, 'apps/web/deploy/helm/web/Chart.yaml'))).toBe(true)
    expect(existsSync(join(root, '.github/workflows/web-deploy.yml'))).toBe(true)
    expect(existsSync(join(root, 'compose.yaml'))).toBe(true)
  })
})

describe('wizard under an organization config', () => {
  it('offers only allowed choices, starts from the config defaults, skips locked answers and asks the packs\' variables', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-org-'))
    mkdirSync(join(cwd, 'pack/files'), { recursive: true })
    writeFileSync(join(cwd, 'pack/pack.json'), JSON.stringify({ name: 'org-pack', version: '1.0.0', variables: { team: { type: 'string', description: 'The owning team' }, tier: { type: 'choice', choices: ['gold', 'silver'], description: 'Support tier' } } }))
    writeFileSync(join(cwd, 'pack/files/OWNERS.hbs'), '{{vars.team}} ({{vars.tier}})\n')
    writeFileSync(
      join(cwd, 'containerized.config.json'),
      JSON.stringify({ defaults: { database: 'postgres' }, locked: { ci: 'github' }, policy: { allow: { platform: ['kubernetes', 'eks'] }, forbid: { database: ['mongodb'] } }, packs: ['./pack'] }),
    )
    queue.select = ['node', 'http', 'npm', 'postgres', 'none', 'kubernetes', 'helm', 'ghcr', 'gold']
    queue.text = ['24', '3000', 'payments']
    const { io: x, err } = io(['svc', '--name', 'svc'], cwd)
    expect(await main(x), err.join('')).toBe(0)
    expect(asked).not.toContain('CI provider')
    expect(offered.get('Target platform')!.values).toEqual(['kubernetes', 'eks'])
    expect(offered.get('Target platform')!.initial).toBe('kubernetes')
    expect(offered.get('Database')!.values).not.toContain('mongodb')
    expect(offered.get('Database')!.initial).toBe('postgres')
    expect(asked).toContain('The owning team (org-pack)')
    expect(readFileSync(join(cwd, 'svc/OWNERS'), 'utf8')).toBe('payments (gold)\n')
    expect(JSON.parse(readFileSync(join(cwd, 'svc/.containerized/answers.json'), 'utf8')).answers.ci).toBe('github')
  })

  it('update asks before writing; no (exit 1) and Ctrl-C (exit 130) write nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-wizard-org-'))
    expect(await main(io(['svc', '--yes'], cwd).io)).toBe(0)
    const dir = join(cwd, 'svc')
    const before = readFileSync(join(dir, 'compose.yaml'), 'utf8')
    queue.confirm = [false]
    const { io: x } = io(['update', '--database', 'postgres'], dir)
    // (no: a refusal, exit 1; Ctrl-C would be 130)
    expect(await main(x)).toBe(1)
    expect(asked.at(-1)).toMatch(/^Apply \d+ change/)
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(before)
    queue.confirm = [CANCEL]
    expect(await main(io(['update', '--database', 'postgres'], dir).io)).toBe(130)
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(before)
    queue.confirm = [true]
    expect(await main(io(['update', '--database', 'postgres'], dir).io)).toBe(0)
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toMatch(/postgres/)
  })
})

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../src/index.js'
import { closest } from '../src/utils/suggest.js'
import { colorDiff, pagerCommand, runPager, showDiff } from '../src/cli/diff-pager.js'
import { FIXTURES } from './detect/fixtures.js'

async function run(argv: string[], cwd: string) {
  let stdout = ''
  let stderr = ''
  const code = await main({ argv, cwd, env: {}, tty: false, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } })
  return { code, stdout, stderr }
}

const fresh = (prefix = 'cca-everyday-') => mkdtempSync(join(tmpdir(), prefix))

describe('help per command', () => {
  it.each(['update', 'check', 'validate'])('%s --help, -h and help <command> print that command\'s help and exit 0', async (cmd) => {
    const cwd = fresh()
    for (const argv of [[cmd, '--help'], ['help', cmd], [cmd, '-h'], ['help', '--cwd', 'elsewhere', cmd]]) {
      const r = await run(argv, cwd)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^Usage: create-containerized-app ${cmd} `))
      // Not the general help: no answer flags table.
      expect(r.stdout).not.toContain('Answers:')
      expect(r.stdout.split('\n').length).toBeLessThan(45)
    }
    expect(readdirSync(cwd)).toEqual([])
  })

  it('help alone and help with flags print the general help and plan nothing', async () => {
    const cwd = fresh()
    for (const argv of [['help'], ['help', '--dry-run'], ['help', '--yes', '--json']]) {
      const r = await run(argv, cwd)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^Usage: create-containerized-app \[dir\]/)
      expect(r.stdout).not.toContain('Dry run')
    }
    expect(readdirSync(cwd)).toEqual([])
  })

  it('help with an unknown command exits 2 and suggests the closest one', async () => {
    const r = await run(['help', 'updte'], fresh())
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Did you mean `help update`\?/)
  })
})

describe('did you mean, and case', () => {
  it('names the flag a mistyped one meant', async () => {
    const cwd = fresh()
    const r = await run(['svc', '--yes', '--databse', 'postgres'], cwd)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Unknown option '--databse'\. Did you mean --database\?/)
    expect(readdirSync(cwd)).toEqual([])
  })

  it('names the value a mistyped one meant', async () => {
    const r = await run(['svc', '--yes', '--database', 'postgress'], fresh())
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--database "postgress" is not a valid choice\. Did you mean "postgres"\?/)
    const c = await run(['svc', '--yes', '--on-conflict', 'overwrit'], fresh())
    expect(c.stderr).toMatch(/Did you mean "overwrite"\?/)
  })

  it('takes choices in any case, and records them in lower case', async () => {
    const cwd = fresh()
    const r = await run(['svc', '--yes', '--cache', 'Redis', '--database', 'POSTGRES', '--platform', 'Kubernetes', '--on-conflict', 'Keep'], cwd)
    expect(r.code, r.stderr).toBe(0)
    const record = JSON.parse(readFileSync(join(cwd, 'svc/.containerized/answers.json'), 'utf8'))
    expect(record.answers).toMatchObject({ cache: 'redis', database: 'postgres', platform: 'kubernetes' })
  })

  it('reports every bad flag and answer of a run together', async () => {
    const r = await run(['svc', '--yes', '--databse', 'x', '--cache', 'redsi', '--port', '0'], fresh())
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines.every((l) => l.startsWith('error: '))).toBe(true)
    expect(r.stderr).toMatch(/--databse/)
    expect(r.stderr).toMatch(/--cache "redsi" is not a valid choice\. Did you mean "redis"\?/)
    expect(r.stderr).toMatch(/--port "0" is not a valid port/)
    const v = await run(['svc', '--yes', '--database', 'postgress', '--language-version', '2.7', '--platform', 'compose', '--k8s-format', 'kustomize'], fresh())
    expect(v.code).toBe(2)
    expect(v.stderr.trim().split('\n')).toHaveLength(3)
  })

  it('closest() suggests near misses only', () => {
    expect(closest('postgress', ['none', 'postgres', 'mysql'])).toBe('postgres')
    expect(closest('databse', ['database', 'cache'])).toBe('database')
    expect(closest('kubernetse', ['kubernetes', 'compose'])).toBe('kubernetes')
    expect(closest('oracle', ['none', 'postgres', 'mysql', 'mariadb', 'mongodb'])).toBeUndefined()
  })
})

describe('the default name', () => {
  it('without a directory argument, an empty folder is the project, named after it (as the README says)', async () => {
    const cwd = join(fresh(), 'billing')
    mkdirSync(cwd)
    const r = await run(['--yes'], cwd)
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(cwd, 'my-service'))).toBe(false)
    expect(readFileSync(join(cwd, 'compose.yaml'), 'utf8')).toContain('name: billing')
    expect(JSON.parse(readFileSync(join(cwd, '.containerized/answers.json'), 'utf8')).answers.name).toBe('billing')
  })

  it('in a folder holding other files, a new folder named after --name (default my-service)', async () => {
    const cwd = fresh()
    writeFileSync(join(cwd, 'notes.txt'), 'x\n')
    expect((await run(['--yes'], cwd)).code).toBe(0)
    expect(existsSync(join(cwd, 'my-service/compose.yaml'))).toBe(true)
    expect((await run(['--yes', '--name', 'orders'], fresh())).code).toBe(0)
  })
})

describe('detected values a flag invalidates', () => {
  it('--language go in a Node app derives Go\'s framework, package manager and version instead of refusing the detected ones', async () => {
    const fx = FIXTURES.find((f) => f.id === 'node-express-env-default')!
    const root = join(fresh(), fx.rootName)
    for (const [p, c] of Object.entries(fx.files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true })
      writeFileSync(join(root, p), c)
    }
    const r = await run(['--yes', '--language', 'go', '--dry-run', '--json'], root)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/--framework|--package-manager|--language-version/)
    const plan = JSON.parse(r.stdout)
    expect(plan.answers).toMatchObject({ language: 'go', framework: 'stdlib', packageManager: 'gomod' })
    // What still holds is kept: the port the app listens on, its database and cache.
    expect(plan.answers).toMatchObject({ port: 4000, database: 'postgres', cache: 'redis' })
  })
})

describe('paged diffs', () => {
  const diff = '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n'

  it('in a terminal the diff goes through $PAGER (less -R without one); plainly otherwise', async () => {
    const dir = fresh()
    const file = join(dir, 'paged.txt')
    const written: string[] = []
    expect(await showDiff(diff, { tty: true, env: { PAGER: `cat > '${file}'` }, write: (t) => written.push(t) })).toBe('paged')
    expect(readFileSync(file, 'utf8')).toContain('\u001b[32m+new\u001b[0m')
    expect(written).toEqual([])
    expect(await showDiff(diff, { tty: false, env: { PAGER: `cat > '${file}'` }, write: (t) => written.push(t) })).toBe('plain')
    expect(written).toEqual([diff])
    expect(pagerCommand({})).toBe('less -R')
    expect(pagerCommand({ PAGER: 'cat' })).toBeUndefined()
  })

  it('while the pager runs, Ctrl-C is the pager\'s; the run\'s own SIGINT handling is back after it', async () => {
    const mine = () => undefined
    process.on('SIGINT', mine)
    const paging = runPager(`cat > '${join(fresh(), 'p')}'`, diff, {})
    expect(process.listeners('SIGINT')).not.toContain(mine)
    expect(await paging).toBe(0)
    expect(process.listeners('SIGINT')).toContain(mine)
    process.off('SIGINT', mine)
  })

  it('a pager that does not exist falls back to plain output', async () => {
    const written: string[] = []
    expect(await showDiff(diff, { tty: true, env: { PAGER: 'no-such-pager-cca' }, write: (t) => written.push(t) })).toBe('plain')
    expect(written).toEqual([diff])
  })

  it('a file\'s own escape sequences reach the pager escaped', () => {
    expect(colorDiff('-\u001b[2Jx')).toBe('\u001b[31m-\\u001b[2Jx\u001b[0m')
  })
})

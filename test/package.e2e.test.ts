import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { BASE_FILE, isBookkeeping, parseBaseRecord } from '../src/update/base.js'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { FIELDS } from '../src/answers.js'
import { generate } from '../src/generate.js'
import type { Answers } from '../src/answers.js'
import { SCENARIOS, matrix, scenario, variants } from './fixtures/scenarios.js'

// The published artifact, used the way `npx create-containerized-app` uses it: packed with
// `npm pack` from a fresh clone (no dist/: the package's own `prepack` must build it), installed
// on its own (no devDependencies around), run as a separate process.
const root = new URL('..', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies?: object }
let tarball: string
let bin: string

/**
 * A fresh clone of this repository: `git clone` of HEAD, with the working tree's uncommitted
 * changes laid over it (tracked edits, deletions and new files git does not ignore), so the
 * test packs what a commit of this tree would hold; never dist/ or anything else ignored.
 * The clone borrows this checkout's node_modules, as `npm ci` would install them.
 */
async function freshClone(into: string): Promise<string> {
  const clone = join(into, 'clone')
  await execa('git', ['clone', '--quiet', '--no-hardlinks', root, clone])
  const git = async (...args: string[]) => (await execa('git', args, { cwd: root })).stdout.split('\n').filter(Boolean)
  for (const f of await git('ls-files', '--deleted')) rmSync(join(clone, f), { force: true })
  for (const f of await git('ls-files', '--modified', '--others', '--exclude-standard')) {
    try {
      if (!statSync(join(root, f)).isFile()) continue
    } catch {
      continue // deleted: handled above
    }
    mkdirSync(dirname(join(clone, f)), { recursive: true })
    copyFileSync(join(root, f), join(clone, f))
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir')
  return clone
}

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'cca-pack-'))
  const clone = await freshClone(work)
  // Scripts run as they do for `npm publish`: `prepack` builds dist/.
  const packed = await execa('npm', ['pack', '--pack-destination', work, '--json'], { cwd: clone, env: { npm_config_ignore_scripts: 'false' } })
  tarball = join(work, (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[])[0]!.filename)
  const prefix = join(work, 'install')
  // No dependencies to fetch: the install works offline.
  await execa('npm', ['install', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball])
  bin = join(prefix, 'node_modules/.bin/create-containerized-app')
})

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    return statSync(p).isDirectory() ? listFiles(p, base) : [p.slice(base.length + 1)]
  })
}

describe('the npm package', () => {
  it('ships the bundle, bin, templates and licence only, with no runtime dependencies', async () => {
    expect(pkg.dependencies).toBeUndefined()
    const list = (await execa('tar', ['-tzf', tarball])).stdout.split('\n').map((l) => l.replace(/^package\//, ''))
    expect(list).toContain('dist/index.js')
    expect(list).toContain('bin/create-containerized-app.js')
    expect(list).toContain('templates/node/Dockerfile.hbs')
    expect(list).toContain('LICENSE')
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} create-containerized-app contributors\n/)
    // Nothing for development only: sources, tests, build scripts, the validators' Go tools, caches.
    expect(list.filter((f) => !/^(bin|dist|templates)\//.test(f)).sort()).toEqual(['LICENSE', 'README.md', 'package.json'])
    expect(list.filter((f) => /(^|\/)(__pycache__|\.ruff_cache|\.pytest_cache|\.mypy_cache|node_modules)\//.test(f))).toEqual([])
  })

  it('runs through npm exec (npx) from the tarball alone', async () => {
    const r = await execa('npm', ['exec', '--yes', '--offline', `--package=${tarball}`, '--', 'create-containerized-app', '--version'], {
      cwd: mkdtempSync(join(tmpdir(), 'cca-npx-')),
    })
    expect(r.stdout.trim()).toBe(pkg.version)
  })

  // The bundle and the source pipeline share one code path, so a sample that reaches every
  // template suffices: each language × framework × package manager, plus every database ×
  // cache of each language's first variant. test/matrix.test.ts renders every combination.
  const sample = new Map<string, Answers>()
  for (const a of variants()) sample.set(a.name, a)
  // Every Kubernetes platform and format, through the golden scenarios that cover them.
  for (const [id, raw] of Object.entries(SCENARIOS)) if (raw.platform && raw.platform !== 'compose') sample.set(id, scenario(id))
  for (const a of matrix()) {
    const first = variants().find((v) => v.language === a.language)!
    if (a.framework === first.framework && a.packageManager === first.packageManager) sample.set(a.name, a)
  }
  it.concurrent.each([...sample.values()].map((a) => [a.name, a] as const))('%s: the installed CLI writes exactly what the pipeline renders', async (_n, answers) => {
    const cwd = mkdtempSync(join(tmpdir(), 'cca-pkgrun-'))
    // Only the answers that apply: a flag that does not (--k8s-format on Compose) is refused.
    const flags = FIELDS.filter((f) => !f.applies || f.applies(answers)).flatMap((f) => [`--${f.flag}`, String(answers[f.key])])
    const r = await execa(bin, ['out', ...flags, '--yes'], { cwd, env: { CI: 'true' }, reject: false })
    expect(r.exitCode, r.stderr).toBe(0)
    const g = generate(answers, { tool: { name: 'create-containerized-app', version: pkg.version } })
    const expected = g.files
    const dir = join(cwd, 'out')
    // Plus the base record update merges against: every file it wrote, the starter app's named as such.
    expect(listFiles(dir).sort()).toEqual([...expected.map((f) => f.path), BASE_FILE].sort())
    for (const f of expected) expect(readFileSync(join(dir, f.path), 'utf8'), f.path).toBe(f.content)
    const base = parseBaseRecord(readFileSync(join(dir, BASE_FILE), 'utf8'))!
    const managed = expected.filter((f) => !isBookkeeping(f.path))
    expect(base.files).toEqual(Object.fromEntries(managed.map((f) => [f.path, f.content])))
    expect([...(base.starter ?? [])].sort()).toEqual([...g.scaffold].sort())
  })
})

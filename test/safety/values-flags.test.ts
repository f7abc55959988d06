import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { parseCliArgs, UsageError } from '../../src/cli/args.js'
import { main } from '../../src/index.js'
import { LANGUAGES, type Language } from '../../src/options.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { VERSION_RANGES } from '../../src/registry/languages/version-ranges.js'
import { fitVersion } from '../../src/detect/versions.js'
import { safeMessage, shown } from '../../src/utils/text.js'
import { rng, thrown } from '../helpers/random.js'

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

/** The CLI in-process in an empty temporary folder: exit code, stdout, stderr, and what was written. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string; written: string[] }> {
  const cwd = mkdtempSync(join(tmpdir(), 'cca-values-flags-'))
  roots.push(cwd)
  let out = ''
  let err = ''
  const code = await main({ argv, cwd, env: { CI: '1' }, stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, tty: false })
  return { code, out, err, written: readdirSync(cwd) }
}

describe('repeated flags (issue 19, item 10)', () => {
  it.each([
    [['--platform', 'compose', '--platform', 'eks'], /--platform is given twice with different values \("compose" and "eks"\)/],
    [['--name=a', '--name', 'b'], /--name is given twice/],
    [['--on-conflict', 'keep', '--on-conflict', 'overwrite'], /--on-conflict is given twice/],
    [['--cwd', 'a', '--cwd', 'b'], /--cwd is given twice/],
    [['--var', 'team=a', '--var', 'team=b'], /--var team is given twice with different values \("a" and "b"\)/],
  ])('%j is an error', (argv, message) => {
    const e = thrown(() => parseCliArgs(argv))
    expect(e).toBeInstanceOf(UsageError)
    expect(e.message).toMatch(message)
  })

  it('the same value twice, and list flags repeated, are fine', () => {
    expect(parseCliArgs(['--platform', 'eks', '--platform=eks']).answers.platform).toBe('eks')
    expect(parseCliArgs(['--yes', '-y', '--yes']).yes).toBe(true)
    expect(parseCliArgs(['--var', 'a=1', '--var', 'b=2', '--var', 'a=1']).vars).toEqual({ a: '1', b: '2' })
    expect(parseCliArgs(['--preset', 'a', '--preset', 'b']).presets).toEqual(['a', 'b'])
  })

  it('the CLI exits 2 and writes nothing', async () => {
    const r = await cli(['svc', '--yes', '--database', 'postgres', '--database', 'mysql'])
    expect(r).toMatchObject({ code: 2, written: [] })
    expect(r.err).toMatch(/--database is given twice with different values \("postgres" and "mysql"\)/)
  })
})

describe('options that do not apply (issue 19, item 10)', () => {
  it.each([
    [['svc', '--yes', '--platform', 'compose', '--k8s-format', 'helm'], /--k8s-format does not apply here \(--platform compose writes no Kubernetes manifests/],
    [['svc', '--yes', '--k8s-format', 'kustomize'], /--k8s-format/],
    [['svc', '--yes', '--strict'], /--strict does not apply to creating a project; it is for `validate`/],
    [['validate', '--platform', 'eks'], /--platform does not apply to `validate`/],
    [['check', '--dry-run'], /--dry-run does not apply to `check`/],
    [['update', '--force'], /--force does not apply to `update`/],
    [['validate', '--var', 'a=b'], /--var does not apply to `validate`/],
  ])('%j exits 2 and writes nothing', async (argv, message) => {
    const r = await cli(argv)
    expect(r).toMatchObject({ code: 2, written: [] })
    expect(r.err).toMatch(message)
  })

  it('--k8s-format with a Kubernetes platform, and a config default for it on Compose, are fine', async () => {
    const r = await cli(['svc', '--yes', '--dry-run', '--platform', 'kubernetes', '--k8s-format', 'kustomize'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
  })
})

describe('language versions: each language between its oldest and newest supported line (issue 19, item 10)', () => {
  const bump = (v: string, by: number) => {
    const parts = v.split('.').map(Number)
    parts[parts.length - 1]! += by
    return parts.join('.')
  }
  it.each(LANGUAGES.filter((l) => LANGUAGE_CHOICES.find((c) => c.id === l)?.available))('%s: the bounds are accepted, one line outside either is refused', (language: Language) => {
    const { min, max } = VERSION_RANGES[language]
    const ok = (v: string) => validateAnswers({ language, languageVersion: v }).languageVersion
    expect(ok(min)).toBe(min)
    expect(ok(max)).toBe(max)
    const spec = LANGUAGE_CHOICES.find((c) => c.id === language)!
    expect(ok(spec.defaultVersion)).toBe(spec.defaultVersion)
    for (const outside of [bump(min, -1), bump(max, 1)]) {
      if (!spec.versionPattern.test(outside)) continue
      expect(thrown(() => validateAnswers({ language, languageVersion: outside })).message).toMatch(/is not supported for .*: it is (older|newer) than/)
    }
  })

  it('Node: 99 and 18 are refused, 20 and 26 accepted (the starter needs 20; 26 is the newest line)', async () => {
    expect(thrown(() => validateAnswers({ languageVersion: '99' })).message).toMatch(/--language-version "99" is not supported for Node\.js.*newer than 26/)
    expect(thrown(() => validateAnswers({ languageVersion: '18' })).message).toMatch(/older than 20/)
    expect(validateAnswers({ languageVersion: '20' }).languageVersion).toBe('20')
    expect(validateAnswers({ languageVersion: '26.1.0' }).languageVersion).toBe('26.1.0')
    const r = await cli(['svc', '--yes', '--language-version', '99'])
    expect(r).toMatchObject({ code: 2, written: [] })
  })

  it('a version found in an app outside the range is reported, never pinned silently', () => {
    const fit = fitVersion('node', { text: '18.19.0', file: '.nvmrc', reason: 'the version file' })
    expect(fit.warning?.code).toBe('unsupported-version')
    expect(fit.finding.confidence).toBe('low')
  })
})

describe('error messages never echo huge values or raw control characters (issue 19, item 10)', () => {
  it('a 100,000-character value is cut with its length said', async () => {
    const r = await cli(['svc', '--yes', '--name', 'a'.repeat(100_000)])
    expect(r.code).toBe(2)
    expect(r.err.length).toBeLessThan(1000)
    expect(r.err).toMatch(/"a{80}…" \(100000 characters\)/)
  })

  it('ANSI escapes and other controls are written escaped', async () => {
    const r = await cli(['svc', '--yes', '--database', '\u001b[31mred\u001b[0m\nline'])
    expect(r.code).toBe(2)
    expect(r.err).not.toMatch(/\u001b/)
    expect(r.err).toContain('\\u001b[31mred\\u001b[0m\\nline')
    const unknown = await cli(['svc', '--\u001b]0;title\u0007'])
    expect(unknown.code).toBe(2)
    expect(unknown.err).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/)
  })

  it('shown and safeMessage, on random values (property)', () => {
    const r = rng(1910)
    const alphabet = ['a', 'é', '😀', '"', '\\', '\n', '\r', '\t', '\u0000', '\u001b', '\u0085', '\u202e', '\u2028', '\ufeff', '\u007f', ' ']
    for (let i = 0; i < 500; i++) {
      const len = r.pick([0, 1, 5, 79, 80, 81, 500, 5000])
      let s = ''
      for (let j = 0; j < len; j++) s += r.pick(alphabet)
      const q = shown(s)
      expect(q).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\ufeff]/)
      expect(q.length).toBeLessThan(80 * 7 + 40)
      if ([...s].length > 80) expect(q).toMatch(new RegExp(`\\(${[...s].length} characters\\)$`))
      const m = safeMessage(`error: ${s}`)
      expect(m).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\ufeff]/)
      for (const line of m.split('\n')) expect([...line].length).toBeLessThan(2100)
    }
  })
})

/**
 * Issue 19, item 10 (records): a corrupt `.containerized/base.json` or `answers.json` is
 * reported as corrupt. `check` exits non-zero (never "Up to date"), and `update` stops before
 * writing rather than merge as if there were no base.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanTemp, cli, finished, forgetGenerated, generatedProject, listing } from './read-support.js'

afterAll(() => {
  cleanTemp()
  forgetGenerated()
})

const CORRUPT_BASES: [string, string, RegExp][] = [
  ['not JSON', '{"generator": "create-containerized-app@0.1.0", "files": {', /not valid JSON/],
  ['truncated to nothing', '', /not valid JSON/],
  ['"files" not an object', '{"generator": "create-containerized-app@0.1.0", "files": []}', /"files" is not an object/],
  ['a file that is not text', '{"generator": "create-containerized-app@0.1.0", "files": {"Dockerfile": 42}}', /"files" holds Dockerfile as something other than text/],
]

describe('a corrupt base.json', () => {
  it('the fixture project checks as up to date (exit 0) before it is corrupted', async () => {
    const r = await cli(['check'], await generatedProject())
    expect(r.exitCode, finished(r)).toBe(0)
    expect(r.stdout).toMatch(/Up to date/)
  })

  for (const [what, text, why] of CORRUPT_BASES) {
    it(`check reports it as corrupt and exits non-zero (${what})`, async () => {
      const dir = await generatedProject()
      writeFileSync(join(dir, '.containerized/base.json'), text)
      const r = await cli(['check'], dir)
      const out = finished(r)
      expect(r.exitCode, out).toBe(1)
      expect(r.stderr, out).toMatch(/base\.json is corrupt/)
      expect(r.stderr, out).toMatch(why)
      expect(r.stdout, out).not.toMatch(/Up to date/)
    })
  }

  it('check --json exits non-zero too', async () => {
    const dir = await generatedProject()
    writeFileSync(join(dir, '.containerized/base.json'), '{')
    const r = await cli(['check', '--json'], dir)
    expect(r.exitCode, finished(r)).toBe(1)
    expect(r.stdout).not.toMatch(/"ok": true/)
  })

  it('update stops before writing anything (it would otherwise merge as if there were no base)', async () => {
    const dir = await generatedProject()
    writeFileSync(join(dir, '.containerized/base.json'), '{')
    const before = listing(dir)
    const r = await cli(['update', '--yes'], dir)
    const out = finished(r)
    expect(r.exitCode, out).toBe(1)
    expect(r.stderr, out).toMatch(/base\.json is corrupt.*nothing was written/)
    expect(listing(dir), out).toEqual(before)
  })
})

describe('a corrupt answers.json', () => {
  it('check reports it as corrupt and exits non-zero', async () => {
    const dir = await generatedProject()
    writeFileSync(join(dir, '.containerized/answers.json'), '{"answers": ')
    const r = await cli(['check'], dir)
    const out = finished(r)
    expect(r.exitCode, out).toBe(1)
    expect(r.stderr, out).toMatch(/answers\.json is corrupt/)
  })
})

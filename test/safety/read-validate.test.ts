/**
 * Issue 19, item 5: `validate` reports each container file it could not check (over the size
 * bound, not a regular file, binary, not UTF-8) as a finding, and `--strict` fails on it. A
 * Dockerfile padded past 512 KiB is never "No findings".
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanTemp, cli, finished, forgetGenerated, generatedProject } from './read-support.js'

afterAll(() => {
  cleanTemp()
  forgetGenerated()
})

interface Report {
  exitCode: number
  findings: { rule: string; severity: string; file: string; message: string }[]
}

async function validate(dir: string, ...flags: string[]): Promise<{ report: Report; why: string }> {
  const r = await cli(['validate', '--no-external', '--json', ...flags], dir)
  const why = finished(r)
  return { report: JSON.parse(r.stdout) as Report, why }
}

describe('validate never passes a file it could not read', () => {
  it('the fixture project itself has no findings (so each case below differs by its one file)', async () => {
    const { report, why } = await validate(await generatedProject(), '--strict')
    expect(report.findings, why).toEqual([])
    expect(report.exitCode, why).toBe(0)
  })

  it('a Dockerfile padded past 512 KiB is a finding, never "No findings"; --strict exits non-zero', async () => {
    const dir = await generatedProject()
    appendFileSync(join(dir, 'Dockerfile'), '# padding\n'.repeat(60_000))
    const plain = await cli(['validate', '--no-external'], dir)
    expect(plain.stdout, finished(plain)).not.toMatch(/No findings/)
    expect(plain.stdout, finished(plain)).toMatch(/Dockerfile\n\s+!\s+file-not-checked\s+not checked: \d+ KiB, over the 512 KiB bound/)
    const strict = await cli(['validate', '--no-external', '--strict'], dir)
    expect(strict.exitCode, finished(strict)).toBe(1)
    expect(strict.stdout, finished(strict)).toMatch(/Dockerfile\n\s+✗\s+file-not-checked/)
  })

  it('a binary compose.yaml is a finding; --strict fails on it', async () => {
    const dir = await generatedProject()
    appendFileSync(join(dir, 'compose.yaml'), Buffer.from([0, 0, 0]))
    const { report, why } = await validate(dir, '--strict')
    expect(report.findings, why).toContainEqual(expect.objectContaining({ rule: 'file-not-checked', severity: 'error', file: 'compose.yaml', message: 'not checked: binary (it holds NUL bytes)' }))
    expect(report.exitCode, why).toBe(1)
  })

  it('a Helm values file that is not UTF-8 is a finding, not read with replacement characters', async () => {
    const dir = await generatedProject('kubernetes')
    const values = 'deploy/helm/svc/values.yaml'
    writeFileSync(join(dir, values), Buffer.concat([readFileSync(join(dir, values)), Buffer.from('# caf\xe9\n', 'latin1')]))
    const { report, why } = await validate(dir, '--strict')
    expect(report.findings, why).toContainEqual(expect.objectContaining({ rule: 'file-not-checked', file: values, message: 'not checked: not valid UTF-8' }))
    expect(report.exitCode, why).toBe(1)
  })
})

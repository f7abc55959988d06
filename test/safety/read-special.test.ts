/**
 * Issue 19, item 7 (and 3 for special files): a FIFO or socket named like a manifest, an
 * `.env.example`, a Compose file or one of the tool's records never hangs a run and is never
 * opened. Each run is killed at a time bound, so a hang fails the test instead of blocking the
 * suite; and a FIFO that was opened would have blocked until then.
 */
import { lstatSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { APP_FLAGS, cleanTemp, cli, finished, forgetGenerated, generatedProject, listing, mkfifo, socketAt, tempDir, writeApp } from './read-support.js'

afterAll(() => {
  cleanTemp()
  forgetGenerated()
})

const isFifo = (path: string) => lstatSync(path).isFIFO()

describe('retrofit and --dry-run with special files', () => {
  it('a FIFO named package.json stops retrofit (exit 1, named, nothing written) instead of hanging or writing a new service', async () => {
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    mkfifo(join(dir, 'package.json'))
    const before = listing(dir)
    const r = await cli(['.', ...APP_FLAGS], dir)
    const why = finished(r)
    expect(r.exitCode, why).toBe(1)
    expect(r.stderr, why).toMatch(/package\.json is a FIFO, not a regular file/)
    expect(listing(dir), why).toEqual(before)
  })

  it('a FIFO named package.json stops --dry-run the same way', async () => {
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    mkfifo(join(dir, 'package.json'))
    const r = await cli(['.', ...APP_FLAGS, '--dry-run'], dir)
    const why = finished(r)
    expect(r.exitCode, why).toBe(1)
    expect(r.stderr, why).toMatch(/package\.json is a FIFO/)
  })

  it('a socket named package.json stops retrofit too (never opened, never taken for no manifest)', async () => {
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    const server = await socketAt(join(dir, 'package.json'))
    try {
      const before = listing(dir)
      const r = await cli(['.', ...APP_FLAGS], dir)
      const why = finished(r)
      expect(r.exitCode, why).toBe(1)
      expect(r.stderr, why).toMatch(/package\.json is a socket, not a regular file/)
      expect(listing(dir), why).toEqual(before)
    } finally {
      server.close()
    }
  })

  it('a FIFO given as --answers is refused (exit 2, named), never opened', async () => {
    const dir = tempDir()
    mkfifo(join(dir, 'answers.json'))
    const r = await cli(['svc', '--answers', 'answers.json', '--yes'], dir)
    const why = finished(r)
    expect(r.exitCode, why).toBe(2)
    expect(r.stderr, why).toContain('--answers: cannot read answers.json: a FIFO, not a regular file')
  })

  for (const name of ['.env.example', 'compose.yaml']) {
    it(`a FIFO named ${name} is named in a warning and is a conflict: retrofit stops before writing, without hanging`, async () => {
      const dir = tempDir()
      writeApp(dir)
      mkfifo(join(dir, name))
      const before = listing(dir)
      const r = await cli(['.', ...APP_FLAGS], dir)
      const why = finished(r)
      expect(r.exitCode, why).toBe(1)
      expect(r.stderr, why).toContain(`not read: ${name} is a FIFO, not a regular file`)
      expect(r.stderr, why).toMatch(/already exist with different content/)
      expect(listing(dir), why).toEqual(before)
      expect(isFifo(join(dir, name))).toBe(true)
    })

    it(`a FIFO named ${name} does not hang --dry-run: it is reported as a conflict`, async () => {
      const dir = tempDir()
      writeApp(dir)
      mkfifo(join(dir, name))
      const before = listing(dir)
      const r = await cli(['.', ...APP_FLAGS, '--dry-run'], dir)
      const why = finished(r)
      expect(r.exitCode, why).toBe(0)
      expect(r.stdout, why).toMatch(new RegExp(`conflict\\s+${name.replace('.', '\\.')}`))
      expect(listing(dir), why).toEqual(before)
    })

    it(`with --on-conflict keep, a FIFO named ${name} is kept as it is (never opened, never written through)`, async () => {
      const dir = tempDir()
      writeApp(dir)
      mkfifo(join(dir, name))
      const r = await cli(['.', ...APP_FLAGS, '--on-conflict', 'keep'], dir)
      const why = finished(r)
      expect(r.exitCode, why).toBe(0)
      expect(isFifo(join(dir, name)), why).toBe(true)
    })
  }
})

describe('validate with special files', () => {
  it('a FIFO named compose.yaml is a finding (not checked), and --strict fails on it', async () => {
    const dir = await generatedProject()
    rmSync(join(dir, 'compose.yaml'))
    mkfifo(join(dir, 'compose.yaml'))
    const r = await cli(['validate', '--no-external', '--json'], dir)
    const why = finished(r)
    const report = JSON.parse(r.stdout) as { findings: { rule: string; file: string; message: string }[] }
    expect(report.findings, why).toContainEqual(expect.objectContaining({ rule: 'file-not-checked', file: 'compose.yaml', message: expect.stringMatching(/FIFO/) }))
    const strict = await cli(['validate', '--no-external', '--strict'], dir)
    expect(strict.exitCode, finished(strict)).toBe(1)
  })

  it('a FIFO named .env.example or .env beside a real compose.yaml does not hang validate with its external validators', async () => {
    const dir = await generatedProject()
    rmSync(join(dir, '.env.example'))
    mkfifo(join(dir, '.env.example'))
    mkfifo(join(dir, '.env'))
    const r = await cli(['validate'], dir)
    const why = finished(r)
    expect(r.stdout, why).toMatch(/\.env\.example\n\s+!\s+file-not-checked\s+not checked: a FIFO/)
    // Compose reads .env by itself: it is not handed a FIFO, and says so.
    expect(r.stdout, why).toMatch(/docker-compose\s+(could not run: \.env is a FIFO|not installed)/)
  })

  it('a FIFO named compose.yaml is never handed to the external validators, and is reported rather than passed', async () => {
    const dir = await generatedProject()
    rmSync(join(dir, 'compose.yaml'))
    mkfifo(join(dir, 'compose.yaml'))
    const r = await cli(['validate', '--strict'], dir)
    const why = finished(r)
    expect(r.exitCode, why).toBe(1)
    expect(r.stdout, why).toMatch(/compose\.yaml\n\s+✗\s+file-not-checked/)
    expect(r.stdout, why).not.toMatch(/No findings/)
  })
})

describe('check and update with special files', () => {
  for (const name of ['compose.yaml', '.env.example']) {
    it(`check: a FIFO at ${name} is reported as unreadable (exit 1), never "Up to date", without hanging`, async () => {
      const dir = await generatedProject()
      rmSync(join(dir, name))
      mkfifo(join(dir, name))
      const r = await cli(['check'], dir)
      const why = finished(r)
      expect(r.exitCode, why).toBe(1)
      expect(r.stdout, why).toContain(`${name} cannot be read: a FIFO, not a regular file`)
      expect(r.stdout, why).not.toMatch(/Up to date/)
    })

    it(`update: a FIFO at ${name} stops the update (exit 1, nothing written), without hanging`, async () => {
      const dir = await generatedProject()
      rmSync(join(dir, name))
      mkfifo(join(dir, name))
      const before = listing(dir)
      const r = await cli(['update', '--yes'], dir)
      const why = finished(r)
      expect(r.exitCode, why).toBe(1)
      expect(r.stderr, why).toContain(`${name} is a FIFO, not a regular file`)
      expect(listing(dir), why).toEqual(before)
    })

    it(`update --dry-run: a FIFO at ${name} is reported (exit 1), without hanging`, async () => {
      const dir = await generatedProject()
      rmSync(join(dir, name))
      mkfifo(join(dir, name))
      const r = await cli(['update', '--dry-run'], dir)
      const why = finished(r)
      expect(r.exitCode, why).toBe(1)
      expect(r.stderr, why).toContain(`${name} is a FIFO`)
    })
  }

  for (const record of ['answers.json', 'base.json']) {
    it(`check: a FIFO at .containerized/${record} is an error naming it (exit 1), without hanging`, async () => {
      const dir = await generatedProject()
      rmSync(join(dir, '.containerized', record))
      mkfifo(join(dir, '.containerized', record))
      const r = await cli(['check'], dir)
      const why = finished(r)
      expect(r.exitCode, why).toBe(1)
      expect(r.stderr, why).toMatch(new RegExp(`${record.replace('.', '\\.')}.*a FIFO, not a regular file`))
    })
  }
})

/**
 * Issue 19, item 3: a manifest that is binary, over the size bound or unreadable, a folder that
 * cannot be listed, or a repository bigger than the scan's bound never turns an existing app
 * into a "new service" (whose starter app would be written into the repository). A manifest
 * that decides what the app is stops the run (exit 1, named, nothing written); one that does
 * not is skipped with a warning naming it.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareRetrofit } from '../../src/cli/retrofit.js'
import { scanRepo } from '../../src/detect/scan.js'
import { APP_FLAGS, APP_MANIFEST, cleanTemp, cli, finished, listing, tempDir, writeApp } from './read-support.js'

afterAll(() => cleanTemp())

/**
 * The run stopped before writing anything, naming the file and why. `--on-conflict keep`: taken
 * for a new service, the repository would get the starter app (src/, tests, tsconfig) beside
 * its own files, with no conflict to stop it.
 */
async function refused(dir: string, why: RegExp, opts: { withoutDacOverride?: boolean } = {}): Promise<void> {
  const before = listing(dir)
  const r = await cli(['.', ...APP_FLAGS, '--on-conflict', 'keep'], dir, opts)
  const out = finished(r)
  expect(r.exitCode, out).toBe(1)
  expect(r.stderr, out).toMatch(why)
  expect(r.stderr, out).toMatch(/Nothing was written/)
  expect(listing(dir), out).toEqual(before)
}

describe('a manifest retrofit cannot read stops the run', () => {
  it('a binary package.json (NUL bytes)', async () => {
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    writeFileSync(join(dir, 'package.json'), Buffer.concat([Buffer.from(APP_MANIFEST), Buffer.from([0, 1, 2, 0])]))
    await refused(dir, /package\.json is binary/)
  })

  it('a package.json over 512 KiB (valid JSON, padded)', async () => {
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    writeFileSync(join(dir, 'package.json'), APP_MANIFEST.replace('{', `{${' '.repeat(600 * 1024)}`))
    await refused(dir, /package\.json is \d+ KiB, over the 512 KiB bound/)
  })

  it('a package.json that cannot be opened (mode 000; run as root, without CAP_DAC_OVERRIDE)', async () => {
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    writeFileSync(join(dir, 'package.json'), APP_MANIFEST)
    chmodSync(join(dir, 'package.json'), 0o000)
    await refused(dir, /package\.json is unreadable \(EACCES\)/, { withoutDacOverride: true })
  })

  it('a folder that may hold the app and cannot be listed (mode 000)', async () => {
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    mkdirSync(join(dir, 'api'))
    writeFileSync(join(dir, 'api', 'package.json'), APP_MANIFEST)
    chmodSync(join(dir, 'api'), 0o000)
    await refused(dir, /api is a folder that cannot be listed \(EACCES\)/, { withoutDacOverride: true })
  })

  it('a package.json that is not JSON is reported, not taken for no manifest', async () => {
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    writeFileSync(join(dir, 'package.json'), APP_MANIFEST.replace('"name"', 'name'))
    await refused(dir, /package\.json is not valid JSON/)
  })
})

describe('a file that does not decide what the app is', () => {
  it('is skipped with a warning naming it, and the run goes on', async () => {
    const dir = tempDir()
    writeApp(dir)
    // Detection reads .nvmrc for the Node version: binary, it is left out, and said so.
    writeFileSync(join(dir, '.nvmrc'), Buffer.from([0x32, 0x32, 0, 0x0a]))
    const r = await cli(['.', ...APP_FLAGS], dir)
    const out = finished(r)
    expect(r.exitCode, out).toBe(0)
    expect(r.stderr, out).toContain('warning: not read: .nvmrc is binary (it holds NUL bytes)')
  })
})

describe('a repository bigger than the scan bound', () => {
  /** `data/blobs` holds `blobs` files; the app sits in `zz/app`, listed after them (breadth first, by name). */
  function bigRepo(blobs: number, appAtRoot = false): string {
    const dir = tempDir()
    writeApp(dir, { manifest: appAtRoot })
    mkdirSync(join(dir, 'zz', 'app'), { recursive: true })
    if (!appAtRoot) writeFileSync(join(dir, 'zz', 'app', 'package.json'), APP_MANIFEST)
    mkdirSync(join(dir, 'data', 'blobs'), { recursive: true })
    for (let i = 0; i < blobs; i++) writeFileSync(join(dir, 'data', 'blobs', `b${i}`), '')
    return dir
  }

  it('the scan says where it stopped and what it did not list', () => {
    const repo = scanRepo(bigRepo(60), { maxFiles: 50 })
    expect(repo.bound).toEqual({ limit: 50, notScanned: ['data/blobs', 'zz/app'] })
  })

  it('no service found in a cut-off scan stops the run: never "no app", never a new service', async () => {
    const dir = bigRepo(60)
    await expect(prepareRetrofit(dir, { services: [], maxFiles: 50 })).rejects.toThrow(/no service found in .*, but the scan stopped: the repository has more than 50 files.*Not scanned: data\/blobs \(in part\), zz\/app/)
  })

  it('a service found in a cut-off scan goes on, with a warning naming what was not scanned', async () => {
    const dir = bigRepo(60, true)
    const warnings: string[] = []
    const runs = await prepareRetrofit(dir, { services: [], maxFiles: 50, warn: (m) => warnings.push(m) })
    expect(runs?.map((r) => r.retrofit.dir)).toEqual(['.'])
    expect(warnings.join('\n')).toMatch(/more than 50 files; only the first 50 were scanned .*Not scanned: data\/blobs \(in part\)/)
  })

  it('the CLI on a repository of over 200,000 files refuses rather than write a new service into it', { timeout: 600_000 }, async () => {
    // The real bound, end to end: 201 folders of 1,000 empty files, the app after them.
    const dir = tempDir()
    writeApp(dir, { manifest: false })
    for (let d = 0; d <= 200; d++) {
      const folder = join(dir, 'data', `d${String(d).padStart(3, '0')}`)
      mkdirSync(folder, { recursive: true })
      for (let i = 0; i < 1000; i++) writeFileSync(join(folder, `f${i}`), '')
    }
    mkdirSync(join(dir, 'data', 'zz', 'app'), { recursive: true })
    writeFileSync(join(dir, 'data', 'zz', 'app', 'package.json'), APP_MANIFEST)
    const r = await cli(['.', ...APP_FLAGS], dir, { timeoutMs: 120_000 })
    const out = finished(r)
    expect(r.exitCode, out).toBe(1)
    expect(r.stderr, out).toMatch(/no service found in .*, but the scan stopped: the repository has more than 200000 files.*data\/zz/)
    expect(r.stderr, out).toMatch(/nothing was written/)
    for (const name of ['Dockerfile', 'src', 'tsconfig.json', '.containerized']) expect(existsSync(join(dir, name)), `${name}\n${out}`).toBe(false)
  })
})

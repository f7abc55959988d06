import { mkdtempSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConflictError, DryRunWriter, FsWriter, MemoryWriter, WriteCancelled, writeAll, type ConflictPolicy } from '../src/write.js'

const files = [
  { path: 'new.txt', content: 'new\n' },
  { path: 'same.txt', content: 'same\n' },
  { path: 'mine.txt', content: 'generated\n' },
]
const existing = { 'same.txt': 'same\n', 'mine.txt': 'my edit\n' }

describe('writeAll: status × policy', () => {
  it.each<[ConflictPolicy, 'overwrite' | 'keep' | undefined, Record<string, string>, string]>([
    ['skip', undefined, { 'new.txt': 'new\n', 'same.txt': 'same\n', 'mine.txt': 'my edit\n' }, 'kept'],
    ['overwrite', undefined, { 'new.txt': 'new\n', 'same.txt': 'same\n', 'mine.txt': 'generated\n' }, 'overwritten'],
    ['prompt', 'keep', { 'new.txt': 'new\n', 'same.txt': 'same\n', 'mine.txt': 'my edit\n' }, 'kept'],
    ['prompt', 'overwrite', { 'new.txt': 'new\n', 'same.txt': 'same\n', 'mine.txt': 'generated\n' }, 'overwritten'],
  ])('%s (answer %s)', async (policy, answer, after, conflictAction) => {
    const w = new MemoryWriter(existing)
    const asked: string[] = []
    const reports = await writeAll(files, w, policy, async (p) => (asked.push(p), answer!))
    expect(Object.fromEntries(w.files)).toEqual(after)
    expect(reports.map((r) => [r.path, r.status, r.action])).toEqual([
      ['new.txt', 'create', 'created'],
      ['same.txt', 'identical', 'unchanged'],
      ['mine.txt', 'conflict', conflictAction],
    ])
    expect(asked).toEqual(policy === 'prompt' ? ['mine.txt'] : [])
  })

  it('abort refuses the whole run before writing anything', async () => {
    const w = new MemoryWriter(existing)
    await expect(writeAll(files, w, 'abort')).rejects.toThrow(ConflictError)
    await expect(writeAll(files, w, 'abort')).rejects.toThrow(/mine\.txt.*Nothing was written.*--on-conflict keep.*overwrite/s)
    expect(Object.fromEntries(w.files)).toEqual(existing)
  })

  it('cancelling a prompt writes nothing, even files decided before', async () => {
    const w = new MemoryWriter({ 'a.txt': 'x', 'b.txt': 'y' })
    const list = [{ path: 'a.txt', content: 'A' }, { path: 'b.txt', content: 'B' }, { path: 'c.txt', content: 'C' }]
    let n = 0
    await expect(writeAll(list, w, 'prompt', async () => (n++ === 0 ? 'overwrite' : 'cancel'))).rejects.toThrow(WriteCancelled)
    expect(Object.fromEntries(w.files)).toEqual({ 'a.txt': 'x', 'b.txt': 'y' })
  })

  it('with no conflicts, abort writes everything', async () => {
    const w = new MemoryWriter()
    await writeAll(files, w, 'abort')
    expect(w.files.size).toBe(3)
  })

  it('the dry-run writer reads the real state and records, but writes nothing', async () => {
    const inner = new MemoryWriter(existing)
    const dry = new DryRunWriter(inner)
    const reports = await writeAll(files, dry, 'overwrite')
    expect(dry.written).toEqual(['new.txt', 'mine.txt'])
    expect(reports.map((r) => r.status)).toEqual(['create', 'identical', 'conflict'])
    expect(Object.fromEntries(inner.files)).toEqual(existing)
  })
})

describe('FsWriter', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'cca-write-'))

  it('creates folders, writes atomically and leaves no temp files', async () => {
    const root = tmp()
    const w = new FsWriter(root)
    await writeAll([{ path: 'a/b/c.txt', content: 'hi\n' }, { path: 'run.sh', content: '#!/bin/sh\n', mode: 0o755 }], w, 'abort')
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('hi\n')
    expect(readdirSync(join(root, 'a/b'))).toEqual(['c.txt'])
    expect(await w.read('a/b/c.txt')).toBe('hi\n')
    expect(await w.read('missing.txt')).toBeUndefined()
  })

  it('refuses paths outside the root', async () => {
    const w = new FsWriter(tmp())
    await expect(w.write({ path: '../escape.txt', content: 'x' })).rejects.toThrow(/outside the target directory/)
    await expect(w.write({ path: '/etc/passwd-x', content: 'x' })).rejects.toThrow(/outside the target directory/)
  })

  it('refuses to write through a symlinked folder that leaves the root', async () => {
    const root = tmp()
    const outside = tmp()
    symlinkSync(outside, join(root, 'linked'))
    await expect(new FsWriter(root).write({ path: 'linked/x.txt', content: 'x' })).rejects.toThrow(/links outside/)
    expect(existsSync(join(outside, 'x.txt'))).toBe(false)
  })

  it('a directory where a file is planned is a conflict, never replaced silently', async () => {
    const root = tmp()
    mkdirSync(join(root, 'Dockerfile'))
    writeFileSync(join(root, 'keep.txt'), 'mine')
    await expect(writeAll([{ path: 'Dockerfile', content: 'FROM x' }], new FsWriter(root), 'abort')).rejects.toThrow(ConflictError)
  })
})

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
    // Staged until the commit: nothing reaches the disk before every path is checked.
    expect(existsSync(join(root, 'a'))).toBe(false)
    await w.commit()
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('hi\n')
    expect(readdirSync(join(root, 'a/b'))).toEqual(['c.txt'])
    expect(await w.read('a/b/c.txt')).toBe('hi\n')
    expect(await w.read('missing.txt')).toBeUndefined()
  })

  it('refuses paths outside the root', async () => {
    const w = new FsWriter(tmp())
    await expect(w.write({ path: '../escape.txt', content: 'x' })).rejects.toThrow(/leaves the target directory/)
    await expect(w.write({ path: '/etc/passwd-x', content: 'x' })).rejects.toThrow(/leaves the target directory/)
  })

  it('refuses to write through a symlinked folder that leaves the root', async () => {
    const root = tmp()
    const outside = tmp()
    symlinkSync(outside, join(root, 'linked'))
    const w = new FsWriter(root)
    await w.write({ path: 'linked/x.txt', content: 'x' })
    await expect(w.commit()).rejects.toThrow(/linked: is a symbolic link to .*nothing is written or read through it/)
    expect(existsSync(join(outside, 'x.txt'))).toBe(false)
  })

  it('a directory where a file is planned is a conflict, never replaced silently', async () => {
    const root = tmp()
    mkdirSync(join(root, 'Dockerfile'))
    writeFileSync(join(root, 'keep.txt'), 'mine')
    await expect(writeAll([{ path: 'Dockerfile', content: 'FROM x' }], new FsWriter(root), 'abort')).rejects.toThrow(ConflictError)
  })
})

describe('writeAll: a merge kind (an app\'s own .env.example)', () => {
  const ours = { path: '.env.example', content: '# Header of ours\n\n# Port published on localhost\nAPP_PORT=8080\n# Database URL\nDATABASE_URL=postgres://app@db/app\nLOG_LEVEL=info\n', merge: 'env' as const }

  it('extends their file: every line of theirs stays, in order, and only what it lacks is added in a marked block', async () => {
    const theirs = '# Their settings\nLOG_LEVEL=debug\n\n# commented: DATABASE_URL is theirs to set\n# DATABASE_URL=\nexport SECRET_KEY=x\n'
    const w = new MemoryWriter({ '.env.example': theirs })
    const reports = await writeAll([ours], w, 'abort')
    expect(reports).toEqual([{ path: '.env.example', status: 'extend', action: 'extended' }])
    const after = w.files.get('.env.example')!
    expect(after.startsWith(theirs)).toBe(true)
    expect(after.slice(theirs.length)).toBe(
      '\n# Added by create-containerized-app: variables the container files read that this file lacked.\n# Port published on localhost\nAPP_PORT=8080\n# Database URL\nDATABASE_URL=postgres://app@db/app\n',
    )
  })

  it('is identical when nothing is missing, and a second run adds nothing', async () => {
    const w = new MemoryWriter({ '.env.example': 'APP_PORT=1\nDATABASE_URL=x\nLOG_LEVEL=warn' })
    expect((await writeAll([ours], w, 'abort'))[0]).toEqual({ path: '.env.example', status: 'identical', action: 'unchanged' })
    expect(w.files.get('.env.example')).toBe('APP_PORT=1\nDATABASE_URL=x\nLOG_LEVEL=warn')
    const grow = new MemoryWriter({ '.env.example': 'LOG_LEVEL=warn' })
    await writeAll([ours], grow, 'abort')
    const once = grow.files.get('.env.example')!
    expect(once).toMatch(/^LOG_LEVEL=warn\n\n# Added by create-containerized-app/)
    expect((await writeAll([ours], grow, 'abort'))[0]!.action).toBe('unchanged')
    expect(grow.files.get('.env.example')).toBe(once)
  })

  it('creates the file as rendered when there is none, and keeps CRLF line ends of theirs', async () => {
    const w = new MemoryWriter({})
    expect((await writeAll([ours], w, 'abort'))[0]!.action).toBe('created')
    expect(w.files.get('.env.example')).toBe(ours.content)
    const crlf = new MemoryWriter({ '.env.example': 'APP_PORT=1\r\nLOG_LEVEL=x\r\n' })
    await writeAll([ours], crlf, 'abort')
    expect(crlf.files.get('.env.example')).toBe('APP_PORT=1\r\nLOG_LEVEL=x\r\n\r\n# Added by create-containerized-app: variables the container files read that this file lacked.\r\n# Database URL\r\nDATABASE_URL=postgres://app@db/app\r\n')
  })

  it('a dry run shows the extension and writes nothing; without a merge kind the same file is a conflict', async () => {
    const inner = new MemoryWriter({ '.env.example': 'FOO=1\n' })
    const dry = new DryRunWriter(inner)
    expect((await writeAll([ours], dry, 'abort'))[0]).toMatchObject({ status: 'extend', action: 'extended' })
    expect(dry.written).toEqual(['.env.example'])
    expect(inner.files.get('.env.example')).toBe('FOO=1\n')
    await expect(writeAll([{ path: '.env.example', content: ours.content }], inner, 'abort')).rejects.toThrow(ConflictError)
  })

  it('a directory in its place stays a conflict', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cca-write-'))
    mkdirSync(join(root, '.env.example'))
    await expect(writeAll([ours], new FsWriter(root), 'abort')).rejects.toThrow(ConflictError)
  })
})

describe('writeAll: choices decided before rendering', () => {
  it('are not asked again and hold under every policy; the other conflicts follow the policy', async () => {
    const planned = [{ path: 'Dockerfile', content: 'FROM ours\n' }, { path: 'README.md', content: 'ours\n' }]
    const asked: string[] = []
    const w = new MemoryWriter({ Dockerfile: 'FROM theirs\n', 'README.md': 'theirs\n' })
    const reports = await writeAll(planned, w, 'prompt', async (p) => (asked.push(p), 'keep'), new Map([['Dockerfile', 'alongside' as const]]))
    expect(asked).toEqual(['README.md'])
    expect(reports.map((r) => [r.path, r.action, r.writtenTo])).toEqual([['Dockerfile', 'alongside', 'Dockerfile.generated'], ['README.md', 'kept', undefined]])
    expect(w.files.get('Dockerfile.generated')).toBe('FROM ours\n')
    // abort still refuses the conflicts nobody decided, and names only those.
    const other = new MemoryWriter({ Dockerfile: 'FROM theirs\n', 'README.md': 'theirs\n' })
    await expect(writeAll(planned, other, 'abort', undefined, new Map([['Dockerfile', 'alongside' as const]]))).rejects.toThrow(/1 file\(s\).*README\.md/)
    expect(other.files.has('Dockerfile.generated')).toBe(false)
    const decidedAll = await writeAll(planned, other, 'abort', undefined, new Map([['Dockerfile', 'keep' as const], ['README.md', 'overwrite' as const]]))
    expect(decidedAll.map((r) => r.action)).toEqual(['kept', 'overwritten'])
  })
})

import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sandbox } from './sandbox.js'
import { changes, guardedRoots, snapshot, type WalkRoot } from './setup.js'

// The suite's own guard (setup.ts) is only worth something if it sees a change: checked here on
// a folder of the test's own.

describe('the filesystem-walk guard', () => {
  it('sees a file added, changed or removed, a link retargeted and a folder added, to its depth', () => {
    const box = sandbox()
    writeFileSync(join(box, 'a.txt'), 'a')
    writeFileSync(join(box, 'gone.txt'), 'g')
    symlinkSync('a.txt', join(box, 'link'))
    mkdirSync(join(box, 'deep/er'), { recursive: true })
    const root: WalkRoot = { dir: box, depth: 2, skip: new Set(['.home']) }
    const before = snapshot(root)
    expect(changes(root, before, snapshot(root))).toEqual([])
    writeFileSync(join(box, 'a.txt'), 'aa')
    rmSync(join(box, 'gone.txt'))
    rmSync(join(box, 'link'))
    symlinkSync('elsewhere', join(box, 'link'))
    writeFileSync(join(box, 'deep/new.txt'), 'n')
    // Below the depth: not walked.
    writeFileSync(join(box, 'deep/er/below.txt'), 'b')
    writeFileSync(join(box, '.home/skipped.txt'), 's')
    const found = changes(root, before, snapshot(root)).map((c) => `${c.kind} ${c.path}`).sort()
    expect(found).toEqual(['added deep/new.txt', 'changed a.txt', 'changed link', 'removed gone.txt'])
  })

  it('a touched file counts (same size, new mtime)', () => {
    const box = sandbox()
    writeFileSync(join(box, 'a.txt'), 'a')
    utimesSync(join(box, 'a.txt'), 1, 1)
    const root: WalkRoot = { dir: box, depth: 1 }
    const before = snapshot(root)
    utimesSync(join(box, 'a.txt'), 2, 2)
    expect(changes(root, before, snapshot(root)).map((c) => c.kind)).toEqual(['changed'])
  })

  it('in the temporary folder, a new entry counts when it is named like what the CLI writes, not like a test folder', () => {
    const tmp = guardedRoots().find((r) => r.dir === tmpdir())!
    const added = (path: string) => changes(tmp, new Map(), new Map([[path, 'file 644 1 1']])).length
    expect(added('compose.yaml')).toBe(1)
    expect(added('Dockerfile')).toBe(1)
    expect(added('.containerized')).toBe(1)
    expect(added('.compose.yaml.123-abcdef01.cca-tmp')).toBe(1)
    expect(added('cca-npm-pack-AbC123')).toBe(1)
    expect(added('cca-write-AbC123')).toBe(0)
    // Another process's entries changing there is its business (a log being written, say).
    expect(changes(tmp, new Map([['x.log', 'file 644 1 1']]), new Map([['x.log', 'file 644 2 2']])).length).toBe(0)
    expect(changes(tmp, new Map([['compose.yaml', 'file 644 1 1']]), new Map([['compose.yaml', 'file 644 2 2']])).length).toBe(1)
  })
})

/**
 * The one reader every manifest, record and container file goes through: a regular file within
 * the size bound, as text, or why not. (Opening with O_NONBLOCK, it cannot block in process
 * even if the type check were wrong: a FIFO read that way is empty, not a hang.)
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MAX_READ_BYTES, readNamedFile, readRegularFile, UnreadableFileError } from '../../src/utils/read-regular-file.js'
import { cleanTemp, mkfifo, tempDir } from './read-support.js'

afterAll(() => cleanTemp())

describe('readRegularFile', () => {
  const dir = tempDir()
  writeFileSync(join(dir, 'ok.json'), '{"a": "café"}')
  mkfifo(join(dir, 'fifo'))
  mkdirSync(join(dir, 'folder'))
  symlinkSync('ok.json', join(dir, 'link'))
  symlinkSync('fifo', join(dir, 'link-to-fifo'))
  symlinkSync('link-loop', join(dir, 'link-loop'))
  writeFileSync(join(dir, 'big'), Buffer.alloc(MAX_READ_BYTES + 1, 0x20))
  writeFileSync(join(dir, 'at-bound'), Buffer.alloc(MAX_READ_BYTES, 0x20))
  writeFileSync(join(dir, 'nul'), Buffer.from('a\0b'))
  writeFileSync(join(dir, 'latin1'), Buffer.from('caf\xe9', 'latin1'))

  it('reads a regular file as text, up to and including the bound', () => {
    expect(readRegularFile(join(dir, 'ok.json'))).toEqual({ kind: 'text', text: '{"a": "café"}' })
    expect(readRegularFile(join(dir, 'at-bound')).kind).toBe('text')
  })

  it('tells a missing file from one it will not read', () => {
    expect(readRegularFile(join(dir, 'none'))).toEqual({ kind: 'missing' })
    expect(readRegularFile(join(dir, 'ok.json', 'below'))).toEqual({ kind: 'missing' })
  })

  it.each([
    ['fifo', 'not-a-file', 'a FIFO, not a regular file'],
    ['folder', 'not-a-file', 'a folder, not a regular file'],
    ['link', 'not-a-file', 'a symbolic link, not a regular file'],
    ['big', 'too-large', '513 KiB, over the 512 KiB bound'],
    ['nul', 'binary', 'binary (it holds NUL bytes)'],
  ])('refuses %s (%s)', (name, reason, why) => {
    expect(readRegularFile(join(dir, name))).toEqual({ kind: 'not-read', reason, why })
  })

  it('follows a link only when asked, and its target must still be a regular file', () => {
    expect(readRegularFile(join(dir, 'link'), { followLinks: true }).kind).toBe('text')
    expect(readRegularFile(join(dir, 'link-to-fifo'), { followLinks: true })).toMatchObject({ reason: 'not-a-file', why: 'a FIFO, not a regular file' })
    expect(readRegularFile(join(dir, 'link-loop'), { followLinks: true })).toMatchObject({ reason: 'not-a-file', why: 'a symbolic link that loops' })
  })

  it('refuses text that is not UTF-8 when asked to (validate), instead of replacement characters', () => {
    expect(readRegularFile(join(dir, 'latin1'), { strictUtf8: true })).toEqual({ kind: 'not-read', reason: 'encoding', why: 'not valid UTF-8' })
    expect(readRegularFile(join(dir, 'latin1')).kind).toBe('text')
  })

  it('a file whose read fails is unreadable with its errno, not missing and not empty', () => {
    // Mode 000 does not stop root; reading /proc/self/mem at offset 0 fails (EIO) for everyone.
    // The CLI's mode 000 cases run without CAP_DAC_OVERRIDE (read-manifests).
    expect(readRegularFile('/proc/self/mem', { followLinks: true })).toMatchObject({ kind: 'not-read', reason: 'unreadable', why: 'unreadable (EIO)' })
  })
})

describe('readNamedFile', () => {
  it('undefined when there is none; an UnreadableFileError naming it when it is there but cannot be read', () => {
    const dir = tempDir()
    mkfifo(join(dir, 'answers.json'))
    expect(readNamedFile(join(dir, 'none.json'), 'none.json')).toBeUndefined()
    expect(() => readNamedFile(join(dir, 'answers.json'), 'answers.json')).toThrow(UnreadableFileError)
    expect(() => readNamedFile(join(dir, 'answers.json'), 'answers.json')).toThrow('cannot read answers.json: a FIFO, not a regular file.')
  })
})

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { merge3 } from '../src/utils/merge3.js'
import { rng } from './helpers/random.js'

const labels = { ours: 'yours', theirs: 'generator' }
const lines = (...xs: string[]) => xs.map((x) => `${x}\n`).join('')

describe('merge3: cases', () => {
  const base = lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci', 'EXPOSE 3000', 'USER node', 'CMD ["node", "index.js"]')
  const cases: Array<{ name: string; base: string; ours: string; theirs: string; text: string; conflicts?: number }> = [
    { name: 'nothing changed', base, ours: base, theirs: base, text: base },
    { name: 'both empty', base: '', ours: '', theirs: '', text: '' },
    {
      name: 'user-only edit is kept',
      base,
      ours: base.replace('EXPOSE 3000', 'EXPOSE 8080'),
      theirs: base,
      text: base.replace('EXPOSE 3000', 'EXPOSE 8080'),
    },
    {
      name: 'generator-only edit is taken',
      base,
      ours: base,
      theirs: base.replace('node:20', 'node:22'),
      text: base.replace('node:20', 'node:22'),
    },
    {
      name: 'edits to different regions combine',
      base,
      ours: base.replace('USER node', 'USER app'),
      theirs: base.replace('node:20', 'node:22'),
      text: base.replace('node:20', 'node:22').replace('USER node', 'USER app'),
    },
    {
      name: 'the same line edited differently conflicts',
      base,
      ours: base.replace('EXPOSE 3000', 'EXPOSE 8080'),
      theirs: base.replace('EXPOSE 3000', 'EXPOSE 3001'),
      text: lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci', '<<<<<<< yours', 'EXPOSE 8080', '=======', 'EXPOSE 3001', '>>>>>>> generator', 'USER node', 'CMD ["node", "index.js"]'),
      conflicts: 1,
    },
    {
      name: 'edits to adjacent lines conflict, as in git',
      base,
      ours: base.replace('RUN npm ci', 'RUN npm install'),
      theirs: base.replace('EXPOSE 3000', 'EXPOSE 3001'),
      text: lines('FROM node:20', 'WORKDIR /app', 'COPY . .', '<<<<<<< yours', 'RUN npm install', 'EXPOSE 3000', '=======', 'RUN npm ci', 'EXPOSE 3001', '>>>>>>> generator', 'USER node', 'CMD ["node", "index.js"]'),
      conflicts: 1,
    },
    {
      name: 'conflicts only a few lines apart join into one, as in git',
      base,
      ours: base.replace('WORKDIR /app', 'WORKDIR /srv').replace('USER node', 'USER app'),
      theirs: base.replace('WORKDIR /app', 'WORKDIR /opt').replace('USER node', 'USER 1000'),
      text: lines('FROM node:20', '<<<<<<< yours', 'WORKDIR /srv', 'COPY . .', 'RUN npm ci', 'EXPOSE 3000', 'USER app', '=======', 'WORKDIR /opt', 'COPY . .', 'RUN npm ci', 'EXPOSE 3000', 'USER 1000', '>>>>>>> generator', 'CMD ["node", "index.js"]'),
      conflicts: 1,
    },
    {
      name: 'the identical change on both sides is clean',
      base,
      ours: base.replace('node:20', 'node:22'),
      theirs: base.replace('node:20', 'node:22'),
      text: base.replace('node:20', 'node:22'),
    },
    {
      name: 'identical edits alongside a user edit are clean',
      base,
      ours: base.replace('node:20', 'node:22').replace('USER node', 'USER app'),
      theirs: base.replace('node:20', 'node:22'),
      text: base.replace('node:20', 'node:22').replace('USER node', 'USER app'),
    },
    {
      name: 'a block the user deleted stays deleted',
      base,
      ours: base.replace(lines('COPY . .', 'RUN npm ci'), ''),
      theirs: base.replace('USER node', 'USER nonroot'),
      text: base.replace(lines('COPY . .', 'RUN npm ci'), '').replace('USER node', 'USER nonroot'),
    },
    {
      name: 'generator appends while the user edited the top',
      base,
      ours: base.replace('WORKDIR /app', 'WORKDIR /srv'),
      theirs: `${base}HEALTHCHECK CMD curl -f http://localhost:3000/\n`,
      text: `${base.replace('WORKDIR /app', 'WORKDIR /srv')}HEALTHCHECK CMD curl -f http://localhost:3000/\n`,
    },
    {
      name: 'the user dropped the final newline',
      base,
      ours: base.slice(0, -1),
      theirs: base.replace('node:20', 'node:22'),
      text: base.replace('node:20', 'node:22').slice(0, -1),
    },
    {
      name: 'the base had no final newline and the generator added one',
      base: base.slice(0, -1),
      ours: base.slice(0, -1).replace('node:20', 'node:22'),
      theirs: base,
      text: base.replace('node:20', 'node:22'),
    },
    {
      name: 'conflicting last lines without a newline still get markers on their own lines',
      base: 'a\nb',
      ours: 'a\nB',
      theirs: 'a\nc',
      text: lines('a', '<<<<<<< yours', 'B', '=======', 'c', '>>>>>>> generator'),
      conflicts: 1,
    },
    {
      // Among equal lines a change can be placed in several spots; like git, it goes as low as it can.
      name: 'a change among repeated lines lands where git puts it, clear of the user edit',
      base: lines('FROM node:20', '', ''),
      ours: lines('FROM node:20', '', 'USER app', ''),
      theirs: lines('', '', 'EXPOSE 80', ''),
      text: lines('', 'USER app', '', 'EXPOSE 80', ''),
    },
    { name: 'empty base, same content added on both sides', base: '', ours: lines('x', 'y'), theirs: lines('x', 'y'), text: lines('x', 'y') },
    {
      name: 'empty base, different content added: lines both agree on stay outside the markers',
      base: '',
      ours: lines('x', 'y'),
      theirs: lines('x', 'z'),
      text: lines('x', '<<<<<<< yours', 'y', '=======', 'z', '>>>>>>> generator'),
      conflicts: 1,
    },
  ]
  it.each(cases)('$name', (c) => {
    const result = merge3(c.base, c.ours, c.theirs, labels)
    expect(result.text).toBe(c.text)
    expect(result.conflicts).toBe(c.conflicts ?? 0)
    expect(result.clean).toBe(!c.conflicts)
    // git is the reference: the expected texts are what `git merge-file` produces.
    expect(gitMerge(c.base, c.ours, c.theirs)).toEqual({ text: c.text, conflicts: c.conflicts ?? 0 })
  })
})

const dir = mkdtempSync(join(tmpdir(), 'merge3-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `git merge-file -p` as the oracle; it exits with the number of conflicts. */
function gitMerge(base: string, ours: string, theirs: string): { text: string; conflicts: number } {
  const [b, o, t] = ['base', 'ours', 'theirs'].map((name) => join(dir, name))
  writeFileSync(b!, base)
  writeFileSync(o!, ours)
  writeFileSync(t!, theirs)
  // The user's merge.conflictStyle (diff3, zdiff3) must not change the markers.
  const args = ['-c', 'merge.conflictStyle=merge', 'merge-file', '-p', '-L', labels.ours, '-L', 'base', '-L', labels.theirs, o!, b!, t!]
  try {
    return { text: execFileSync('git', args, { cwd: dir, encoding: 'utf8' }), conflicts: 0 }
  } catch (error) {
    const e = error as { status: number | null; stdout: string }
    if (!e.status || e.status < 0) throw error
    return { text: e.stdout, conflicts: e.status }
  }
}

/** Few distinct lines, so a diff often has several equally good ways to match them. */
const VOCAB = ['a', 'b', 'c', 'd', 'e', '}', '', '  x'].map((w) => `${w}\n`)

type Rng = ReturnType<typeof rng>
type Edit = { start: number; end: number; lines: string[] }

function randomBase(r: Rng): string[] {
  const base = Array.from({ length: r.int(20, 60) }, () => r.pick(VOCAB))
  if (r.next() < 0.2) base[base.length - 1] = base[base.length - 1]!.slice(0, -1)
  return base
}

function apply(base: string[], edits: Edit[]): string {
  const out = [...base]
  for (const e of [...edits].sort((x, y) => y.start - x.start)) out.splice(e.start, e.end - e.start, ...e.lines)
  return out.join('')
}

/**
 * An edit whose position no diff can disagree on: its new lines are its own, and the lines it
 * removes cannot slide (the lines just outside differ from those just inside).
 */
function randomEdit(r: Rng, base: string[], start: number, maxEnd: number, side: string): Edit | undefined {
  const end = Math.min(maxEnd, start + r.int(0, 3))
  const lines = Array.from({ length: r.int(start === end ? 1 : 0, 3) }, (_, i) => `${side} ${start}.${i}\n`)
  if (start < end && ((start > 0 && base[start - 1] === base[end - 1]) || (end < base.length && base[start] === base[end]))) return undefined
  return { start, end, lines }
}

/** Edits of disjoint regions, each pair separated by at least three untouched base lines. */
function disjointEdits(r: Rng, base: string[]): { ours: Edit[]; theirs: Edit[] } {
  const ours: Edit[] = []
  const theirs: Edit[] = []
  for (let at = r.int(0, 8); at <= base.length; at += r.int(3, 12)) {
    const side = r.next() < 0.5 ? 'ours' : 'theirs'
    const edit = randomEdit(r, base, at, base.length, side)
    if (!edit) continue
    ;(side === 'ours' ? ours : theirs).push(edit)
    at = edit.end
  }
  return { ours, theirs }
}

describe('merge3: against git merge-file', () => {
  const seen = { ambiguousBases: 0, withOurs: 0, withTheirs: 0 }

  it('merges edits of disjoint regions cleanly, exactly as git does', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed)
      const base = randomBase(r)
      const { ours, theirs } = disjointEdits(r, base)
      const [b, o, t] = [base.join(''), apply(base, ours), apply(base, theirs)]
      const git = gitMerge(b, o, t)
      const result = merge3(b, o, t, labels)
      expect({ seed, ...git }).toEqual({ seed, text: apply(base, [...ours, ...theirs]), conflicts: 0 })
      expect({ seed, text: result.text, clean: result.clean }).toEqual({ seed, text: git.text, clean: true })
      if (new Set(base).size < base.length) seen.ambiguousBases++
      if (ours.length > 0) seen.withOurs++
      if (theirs.length > 0) seen.withTheirs++
    }
    expect(seen.ambiguousBases).toBe(300)
    expect(seen.withOurs).toBeGreaterThan(250)
    expect(seen.withTheirs).toBeGreaterThan(250)
  })

  it('reports a conflict, as git does, when both sides change the same line differently', () => {
    for (let seed = 1001; seed <= 1300; seed++) {
      const r = rng(seed)
      const base = randomBase(r)
      const line = r.int(0, base.length - 1)
      const ours = [...base]
      const theirs = [...base]
      ours[line] = `ours ${r.pick(VOCAB)}`
      theirs[line] = `theirs ${r.pick(VOCAB)}`
      const [b, o, t] = [base.join(''), ours.join(''), theirs.join('')]
      const result = merge3(b, o, t, labels)
      const git = gitMerge(b, o, t)
      expect({ seed, git: git.conflicts >= 1, ours: result.conflicts >= 1, clean: result.clean }).toEqual({ seed, git: true, ours: true, clean: false })
      expect(result.text).toContain(`<<<<<<< yours\nours `)
    }
  })

  it('keeps the invariants: one side unchanged gives the other, equal sides give that side', () => {
    for (let seed = 2001; seed <= 2300; seed++) {
      const r = rng(seed)
      const base = randomBase(r)
      const b = base.join('')
      const x = Array.from({ length: r.int(0, 60) }, () => r.pick(VOCAB)).join('')
      expect(merge3(b, b, x, labels)).toEqual({ text: x, conflicts: 0, clean: true })
      expect(merge3(b, x, b, labels)).toEqual({ text: x, conflicts: 0, clean: true })
      expect(merge3(b, x, x, labels)).toEqual({ text: x, conflicts: 0, clean: true })
    }
  })

  it('merges a 3000-line file with scattered edits on both sides', () => {
    const base = Array.from({ length: 3000 }, (_, i) => `line ${i % 250}\n`)
    const ours: Edit[] = [{ start: 10, end: 12, lines: ['mine 1\n'] }, { start: 1500, end: 1500, lines: ['mine 2\n'] }, { start: 2990, end: 2991, lines: [] }]
    const theirs: Edit[] = [{ start: 400, end: 401, lines: ['new 1\n', 'new 2\n'] }, { start: 2000, end: 2003, lines: [] }, { start: 2999, end: 3000, lines: ['last\n'] }]
    const [b, o, t] = [base.join(''), apply(base, ours), apply(base, theirs)]
    const result = merge3(b, o, t, labels)
    expect(result).toEqual({ text: apply(base, [...ours, ...theirs]), conflicts: 0, clean: true })
    expect(gitMerge(b, o, t)).toEqual({ text: result.text, conflicts: 0 })
  })

  it('merges 3000-line files both sides rewrote entirely into one conflict', () => {
    const numbered = (prefix: string) => Array.from({ length: 3000 }, (_, i) => `${prefix} ${i}\n`).join('')
    const [b, o, t] = [numbered('base'), numbered('ours'), numbered('theirs')]
    const result = merge3(b, o, t, labels)
    expect(result).toEqual({ text: `<<<<<<< yours\n${o}=======\n${t}>>>>>>> generator\n`, conflicts: 1, clean: false })
    expect(gitMerge(b, o, t)).toEqual({ text: result.text, conflicts: 1 })
  })
})

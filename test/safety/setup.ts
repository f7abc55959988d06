/**
 * The safety suite's guard (vitest setupFiles, active for test/safety/** only): the real
 * filesystem is walked before and after each of its test files, and the file fails when
 * anything outside the tests' own temporary folders changed.
 *
 * The walk is bounded and documented, so that it is fast and that the other suites, which may
 * run at the same time, do not trip it:
 * - the repository's working tree, whole (without node_modules, .git, dist, .tools, coverage,
 *   out, demo: build output and tool state, all git-ignored): any change counts;
 * - /etc, $HOME and the temporary folder, their top level: a change counts when the entry is named
 *   like something the CLI writes at a project's top (every name at the top of every golden
 *   project), like its temporary files (`*.cca-tmp`) or its `npm pack` folder (`cca-npm-pack-*`,
 *   which must be gone when the run ends). Other processes (the other suites, validators, a
 *   log being written, a package manager installing the container tier's engine in the
 *   background during CI's first tier) change other entries there at any time; the tests make
 *   their own folders there too.
 * A run that escaped its target would write exactly such names, so these are what is watched.
 */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'

export type Snapshot = Map<string, string>

export interface WalkRoot {
  dir: string
  /** How deep to go: 1 is the root's own entries. */
  depth: number
  /** Names never entered or recorded (at any depth). */
  skip?: ReadonlySet<string>
  /** Which differences count; every one by default. */
  counts?: (change: Change) => boolean
}

export interface Change {
  path: string
  kind: 'added' | 'removed' | 'changed'
  before?: string
  after?: string
}

function stateOf(abs: string): string | undefined {
  let st
  try {
    st = lstatSync(abs)
  } catch {
    return undefined
  }
  if (st.isSymbolicLink()) {
    let to = '?'
    try {
      to = readlinkSync(abs)
    } catch {
      // Gone between the lstat and the readlink: recorded as a link all the same.
    }
    return `link -> ${to}`
  }
  if (st.isDirectory()) return `dir ${(st.mode & 0o7777).toString(8)}`
  if (st.isFile()) return `file ${(st.mode & 0o7777).toString(8)} ${st.size} ${st.mtimeMs}`
  return `special ${st.mode.toString(8)}`
}

/** Every entry below `root.dir` to `root.depth`, by path relative to it, with its state. */
export function snapshot(root: WalkRoot): Snapshot {
  const out: Snapshot = new Map()
  const visit = (rel: string, depth: number) => {
    let names: string[]
    try {
      names = readdirSync(join(root.dir, rel))
    } catch {
      return
    }
    for (const name of names) {
      if (root.skip?.has(name)) continue
      const path = rel ? `${rel}/${name}` : name
      const state = stateOf(join(root.dir, path))
      if (state === undefined) continue
      out.set(path, state)
      if (state.startsWith('dir') && depth < root.depth) visit(path, depth + 1)
    }
  }
  visit('', 1)
  return out
}

/** What differs between two snapshots of one root, the differences it does not count left out. */
export function changes(root: WalkRoot, before: Snapshot, after: Snapshot): Change[] {
  const out: Change[] = []
  for (const [path, state] of after) {
    const was = before.get(path)
    if (was === undefined) out.push({ path, kind: 'added', after: state })
    else if (was !== state) out.push({ path, kind: 'changed', before: was, after: state })
  }
  for (const [path, state] of before) if (!after.has(path)) out.push({ path, kind: 'removed', before: state })
  return root.counts ? out.filter(root.counts) : out
}

const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '')

/** Every name at the top of a generated project: what an escaped write would add to the temporary folder. */
function generatedTopNames(): Set<string> {
  const golden = join(REPO, 'test', '__golden__')
  const names = new Set<string>()
  for (const scenario of readdirSync(golden)) {
    try {
      for (const name of readdirSync(join(golden, scenario))) if (name !== 'FILES.txt') names.add(name)
    } catch {
      // A file beside the scenarios.
    }
  }
  return names
}

export function guardedRoots(): WalkRoot[] {
  const generated = generatedTopNames()
  const tmp = tmpdir()
  const ours = (c: Change) => generated.has(c.path) || c.path.endsWith('.cca-tmp') || c.path.startsWith('cca-npm-pack-')
  const roots: WalkRoot[] = [
    { dir: REPO, depth: Infinity, skip: new Set(['node_modules', '.git', 'dist', '.tools', 'coverage', 'out', 'demo']) },
    { dir: '/etc', depth: 1, counts: ours },
    { dir: homedir(), depth: 1, counts: ours },
    { dir: tmp, depth: 1, counts: ours },
  ]
  return roots.filter((r, i, all) => all.findIndex((o) => o.dir === r.dir) === i && !r.dir.startsWith(`${REPO}${sep}`))
}

const ACTIVE = `${sep}test${sep}safety${sep}`

let roots: WalkRoot[] = []
let before: Snapshot[] = []

beforeAll(({}, suite) => {
  const file = 'filepath' in suite ? suite.filepath : suite.file.filepath
  if (!file.includes(ACTIVE)) return
  roots = guardedRoots()
  before = roots.map(snapshot)
})

afterAll(() => {
  if (!roots.length) return
  const found = roots.flatMap((root, i) => changes(root, before[i]!, snapshot(root)).map((c) => `${c.kind} ${join(root.dir, c.path)}${c.before ? ` (was ${c.before})` : ''}${c.after ? ` (now ${c.after})` : ''}`))
  if (found.length) throw new Error(`the safety suite changed the filesystem outside its temporary folders:\n${found.slice(0, 20).join('\n')}`)
})

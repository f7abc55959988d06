import { dirname, relative, resolve } from 'node:path'
import type { Io } from '../index.js'
import { validateAnswers } from '../answers.js'
import { ruleSource } from '../config/resolve.js'
import { answerViolations } from '../config/rules.js'
import { inspectFiles, type Violation } from '../policy/inspect.js'
import { fingerprint, isBookkeeping, type BaseRecord } from '../update/base.js'
import { isContainerFile, runRules } from '../validate/index.js'
import type { RenderedFile } from '../render.js'
import { TOOL } from '../version.js'
import { findDebris } from '../disk/commit.js'
import type { CliArgs } from './args.js'
import { EXIT } from './exit.js'
import { openProject, readDisk, rerender } from './project.js'

/** How a generated file stands against the last generation (base) and this version's. */
export type FileState = 'current' | 'edited' | 'outdated' | 'missing' | 'deleted' | 'kept' | 'obsolete' | 'unreadable' | 'needs-change'

const CONFLICT_MARKERS = /^<{7} .*$[\s\S]*?^={7}$[\s\S]*?^>{7} /m

/**
 * Pure: the state of every file. `outdated` and `missing` and `obsolete` mean an update would
 * change something; `needs-change`, a file of the starter app that an update listed for you to
 * change and that is still as it was then.
 */
export function fileStates(base: BaseRecord | undefined, next: readonly RenderedFile[], disk: ReadonlyMap<string, string>, unread: ReadonlySet<string> = new Set()): { path: string; state: FileState }[] {
  const kept = new Set(base?.kept ?? [])
  const out: { path: string; state: FileState }[] = []
  for (const f of next) {
    if (isBookkeeping(f.path)) continue
    const current = disk.get(f.path)
    const was = base?.files[f.path]
    let state: FileState
    if (kept.has(f.path)) state = 'kept'
    else if (unread.has(f.path)) state = 'unreadable'
    else if (current === undefined) state = was === undefined ? 'missing' : 'deleted'
    else if (base?.pending?.[f.path]?.sha256 === fingerprint(current) && current !== f.content) state = 'needs-change'
    else if (was === undefined ? current !== f.content : was !== f.content) state = 'outdated'
    else state = current === f.content ? 'current' : 'edited'
    out.push({ path: f.path, state })
  }
  const planned = new Set(next.map((f) => f.path))
  for (const path of Object.keys(base?.files ?? {})) if (!planned.has(path) && (disk.has(path) || unread.has(path))) out.push({ path, state: 'obsolete' })
  return out.sort((a, b) => a.path.localeCompare(b.path))
}

/** What a failure of the gate is, for its heading: `check` reports more than the organization's policy. */
export type ViolationKind = 'policy' | 'validate' | 'interrupted-run' | 'conflict' | 'unreadable'

const VIOLATION_KINDS: readonly { id: ViolationKind; heading: string; one: string; many: string }[] = [
  { id: 'policy', heading: 'Organization policy', one: 'violation', many: 'violations' },
  { id: 'validate', heading: `Built-in rules (${TOOL.name} validate)`, one: 'error', many: 'errors' },
  { id: 'conflict', heading: 'Unresolved update conflicts', one: 'file', many: 'files' },
  { id: 'interrupted-run', heading: 'Interrupted run', one: 'leftover file', many: 'leftover files' },
  { id: 'unreadable', heading: 'Unreadable', one: 'file', many: 'files' },
]

export function violationKind(v: Pick<Violation, 'rule'>): ViolationKind {
  if (v.rule.startsWith('validate.')) return 'validate'
  if (v.rule === 'interrupted-run') return 'interrupted-run'
  if (v.rule === 'unresolved-conflict') return 'conflict'
  if (v.rule === 'unreadable-file') return 'unreadable'
  return 'policy'
}

const PENDING: ReadonlySet<FileState> = new Set(['outdated', 'missing', 'obsolete'])

const indent = (text: string) => text.split('\n').map((l) => `      ${l}`).join('\n')

/**
 * `check`: a CI gate that writes nothing. Exit 1 when the project breaks the organization's
 * policy (its answers, or files edited away from it), a built-in rule of `validate`, or holds
 * conflict markers left by an update or an interrupted run's files,
 * 3 when it complies but an update is available, 0 when it is current.
 */
export async function runCheck(io: Io, args: CliArgs): Promise<number> {
  const out = (s: string) => io.stdout.write(`${s}\n`)
  const project = openProject(resolve(io.cwd, args.cwd ?? '.', args.dir ?? '.'))
  const next = await rerender(project, { ...args, cwd: resolve(io.cwd, args.cwd ?? '.') }, io.env, (_, raw) => validateAnswers(raw))
  const { files: disk, unread } = readDisk(project, [...next.files.map((f) => f.path), ...Object.keys(next.base?.files ?? {})])
  const states = fileStates(next.base, next.files, disk, new Set(unread.keys()))
  const root = resolve(project.writeRoot)
  const debris = findDebris(new Set(next.files.map((f) => resolve(root, dirname(f.path))))).map((abs) => relative(root, abs))
  const managed = new Map([...disk].filter(([path]) => !isBookkeeping(path) && !project.base?.kept.includes(path)))
  const violations: Violation[] = [
    ...answerViolations(next.org.config, next.answers).map((v) => ({ rule: v.rule, source: v.source, file: project.recordPath, message: v.message })),
    ...inspectFiles(managed, next.org.config.policy, (rule) => ruleSource(next.org.config, rule)),
    // A file the gate cannot read could hold anything: it fails rather than pass unseen.
    ...[...unread].filter(([path]) => !project.base?.kept.includes(path)).map(([file, why]) => ({ rule: 'unreadable-file', source: 'check', file, message: `${file} cannot be read: ${why}; check cannot tell whether it complies or is current.` })),
    // A killed run's temporary files: the project may be half-written; the next generation or update sweeps them.
    ...debris.map((file) => ({ rule: 'interrupted-run', source: 'check', file, message: `${file} is a temporary file left by an interrupted run; re-run the generation or \`${TOOL.name} update\` to finish it and remove it.` })),
    ...[...managed].filter(([, text]) => CONFLICT_MARKERS.test(text)).map(([file]) => ({ rule: 'unresolved-conflict', source: 'update', file, message: `${file} still has conflict markers from an update.` })),
    // Your app code that an update could not change for you: the app may refuse the new setup.
    ...states.filter((s) => s.state === 'needs-change').map(({ path: file }) => ({ rule: 'starter-app-change', source: 'update', file, message: `${file} is your edited app code and still lacks the change an update listed for it:\n${indent(next.base!.pending![file]!.change.trimEnd())}` })),
    // The gate also holds the files to validate's built-in errors (warnings are validate's to report).
    ...runRules({ files: new Map([...disk].filter(([path]) => isContainerFile(path))) })
      .filter((f) => f.severity === 'error')
      .map((f) => ({ rule: `validate.${f.rule}`, source: 'create-containerized-app validate', file: f.file, message: `${f.file}${f.line ? `:${f.line}` : ''}: ${f.message} (fix: ${f.hint})` })),
  ]
  const generator = { recorded: project.base?.generator ?? project.generator ?? null, current: `${TOOL.name}@${TOOL.version}` }
  const packs = next.org.packs.map((pk) => ({ name: pk.name, recorded: project.org.packs.find((r) => r.name === pk.name)?.version ?? null, current: pk.version }))
  const versionsMoved = generator.recorded !== generator.current || packs.some((pk) => pk.recorded !== pk.current)
  const pending = states.filter((s) => PENDING.has(s.state))
  const updateAvailable = pending.length > 0
  const code = violations.length ? EXIT.failed : updateAvailable ? EXIT.updateAvailable : EXIT.ok

  if (args.json) {
    out(JSON.stringify({ directory: project.writeRoot, ok: code === EXIT.ok, exitCode: code, generator, packs, updateAvailable, violations: violations.map((v) => ({ ...v, kind: violationKind(v) })), files: states }, null, 2))
    return code
  }
  out(`${TOOL.name} check: ${project.dir}`)
  out(`  generated by ${generator.recorded ?? 'an unknown version'}; this is ${generator.current}`)
  for (const pk of packs) out(`  pack ${pk.name}: ${pk.recorded ?? 'not used before'}${pk.recorded !== pk.current ? ` → ${pk.current}` : ' (current)'}`)
  if (violations.length) {
    // Each kind under its own heading: an organization rule, a built-in rule of `validate`, an
    // interrupted run, an update's leftovers, a file that cannot be read.
    for (const kind of VIOLATION_KINDS) {
      const mine = violations.filter((v) => violationKind(v) === kind.id)
      if (!mine.length) continue
      out(`\n${kind.heading}: ${mine.length} ${mine.length === 1 ? kind.one : kind.many}`)
      for (const v of mine) out(`  ✗ ${v.rule}  ${v.message}${kind.id === 'validate' || v.message.includes(v.source) ? '' : ` (${v.source})`}`)
    }
  } else out('\nPolicy and built-in rules: compliant')
  const edited = states.filter((s) => s.state === 'edited').length
  const unreadable = states.filter((s) => s.state === 'unreadable').length
  if (updateAvailable) {
    out(`\nUpdate available: ${pending.length} file(s) would change${edited ? `; ${edited} other file(s) carry your edits` : ''}`)
    for (const s of pending) out(`  ${s.state.padEnd(9)} ${s.path}`)
    out(`Run \`${TOOL.name} update --dry-run\` to see the changes.`)
  } else if (unreadable) out(`\nCannot tell whether it is up to date: ${unreadable} file(s) could not be read.`)
  else out(`\nUp to date${versionsMoved ? ' (the new versions change none of its files)' : ''}${edited ? `; ${edited} file(s) carry your edits` : ''}.`)
  return code
}

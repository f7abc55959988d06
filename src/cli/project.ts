import { existsSync, readdirSync, type Dirent } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { ANSWERS_FILE, parseAnswersFile, recordedGenerator, recordedOrg, recordedRetrofit, type OrgRecord } from '../answers-file.js'
import type { RawAnswers } from '../answers.js'
import type { Retrofit } from '../context.js'
import { generate } from '../generate.js'
import type { RenderedFile } from '../render.js'
import { BASE_FILE, readBaseRecord, type BaseRecord } from '../update/base.js'
import { readNamedFile, readRegularFile, UnreadableFileError } from '../utils/read-regular-file.js'
import { UsageError } from './args.js'
import { loadOrg, orgRecord, orgVariables, type Org, type OrgFlags } from './org.js'
import { withOwnIgnoreFile } from './fit.js'
import { placeInRepo, placement, readRecordText } from './retrofit.js'
import type { Answers } from '../answers.js'

/** A project this tool generated, as `update` and `check` find it: its record and its base. */
export interface Project {
  /** The folder holding .containerized/. */
  dir: string
  /** Where its files are written from: the repository root for a service in a sub-folder. */
  writeRoot: string
  retrofit: Retrofit | undefined
  raw: RawAnswers
  org: OrgRecord
  generator: string | undefined
  base: BaseRecord | undefined
  /** Paths (from writeRoot) of the record and the base. */
  recordPath: string
  basePath: string
}

/** Base records hold every generated file's text: bigger than a manifest, still bounded. */
const MAX_BASE_BYTES = 16 * 1024 * 1024

export function openProject(dir: string): Project {
  const path = join(dir, ANSWERS_FILE)
  const text = readRecordText(dir)
  if (text === undefined) {
    const below = recordsBelow(dir)
    throw new UsageError(
      below.length
        ? `no ${ANSWERS_FILE} in ${dir}; its services have their own: ${below.join(', ')}. Run once per service, e.g. --cwd ${below[0]}.`
        : `no ${ANSWERS_FILE} in ${dir}: run this in a project create-containerized-app generated (or pass its folder).`,
    )
  }
  let raw: RawAnswers
  try {
    raw = parseAnswersFile(text, ANSWERS_FILE)
  } catch (err) {
    throw new UnreadableFileError(`${path} is corrupt: ${(err as Error).message}. Restore it from version control; nothing was written.`)
  }
  const recorded = recordedRetrofit(text)
  const at = recorded ? placement(dir, dir) : { writeRoot: dir, dir: '.' }
  const prefix = at.dir === '.' ? '' : `${at.dir}/`
  const baseAbs = join(dir, BASE_FILE)
  const baseText = readNamedFile(baseAbs, baseAbs, MAX_BASE_BYTES)
  let base: BaseRecord | undefined
  if (baseText !== undefined) {
    const read = readBaseRecord(baseText)
    // Read as "no base", a corrupt one would turn every edit into a conflict (update) or hide
    // pending changes (check): it is reported instead.
    if ('corrupt' in read) {
      throw new UnreadableFileError(`${baseAbs} is corrupt: ${read.corrupt}. Restore it from version control, or delete it to merge without a base (each file you changed becomes a conflict); nothing was written.`)
    }
    base = read.record
  }
  return {
    dir,
    writeRoot: at.writeRoot,
    retrofit: recorded ? { ...recorded, dir: at.dir } : undefined,
    raw,
    org: recordedOrg(text),
    generator: recordedGenerator(text),
    base,
    recordPath: `${prefix}${ANSWERS_FILE}`,
    basePath: `${prefix}${BASE_FILE}`,
  }
}

/** Service folders below `dir` (three levels at most) that hold an answers record: a monorepo's services. */
function recordsBelow(dir: string): string[] {
  const out: string[] = []
  const visit = (rel: string, depth: number): void => {
    let entries: Dirent[]
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue
      const child = rel ? `${rel}/${e.name}` : e.name
      if (existsSync(join(dir, child, ANSWERS_FILE))) out.push(child)
      else if (depth < 3) visit(child, depth + 1)
    }
  }
  visit('', 1)
  return out.sort()
}

export interface Rerendered {
  org: Org
  answers: Answers
  vars: Record<string, unknown>
  /** Paths from the project's writeRoot, the starter app's files included. */
  files: RenderedFile[]
  /** Which of `files` (and of the base's) are the starter app's: the user's code once written. */
  starter: Set<string>
  /**
   * The base to merge against: the project's, and for a record from before the starter app was
   * in it, the starter app as this version writes it for the recorded answers (a file still
   * like that is unedited; any other text counts as yours).
   */
  base: BaseRecord | undefined
}

/**
 * The project as this version (and the packs' current versions) would generate it from its
 * record. `validate` turns the raw answers into answers: update refuses answers the policy
 * forbids, check reports them.
 */
export async function rerender(
  project: Project,
  flags: OrgFlags & { cwd: string; answers: RawAnswers; vars: Readonly<Record<string, string>> },
  env: Readonly<Record<string, string | undefined>>,
  validate: (org: Org, raw: RawAnswers) => Answers,
): Promise<Rerendered> {
  const org = loadOrg(project.dir, flags, env, project.org)
  const answers = validate(org, { ...project.raw, ...flags.answers })
  const vars = await orgVariables(org, project.org.vars, flags.vars)
  const opts = { ...(project.retrofit ? { retrofit: project.retrofit } : {}), policy: org.config.policy, packs: org.packs, vars, org: orgRecord(org, vars) }
  const g = generate(answers, opts)
  const files = project.retrofit ? withOwnIgnoreFile(placeInRepo(g.files, project.retrofit.dir), project.retrofit) : g.files
  const starter = new Set([...g.scaffold, ...(project.base?.starter ?? [])])
  let base = project.base
  if (!project.retrofit && !project.base?.starter) {
    // The starter app as it was first written, as far as this version can tell.
    let before: ReturnType<typeof generate> | undefined
    try {
      before = generate(validate(org, project.raw), opts)
    } catch {
      // The recorded answers no longer pass (a policy added since): no base for the app's files.
    }
    if (before) {
      const scaffold = new Set(before.scaffold)
      for (const path of scaffold) starter.add(path)
      const app = Object.fromEntries(before.files.filter((f) => scaffold.has(f.path)).map((f) => [f.path, f.content]))
      base = { ...(project.base ?? { generator: project.generator ?? 'an unknown version', packs: [], kept: [] }), files: { ...app, ...project.base?.files }, starter: [...scaffold] }
    }
  }
  return { org, answers, vars, files, starter, base }
}

/**
 * What is on disk at each path, from the project's writeRoot, and what is there but cannot be
 * read (a FIFO, a folder, a file over the size bound): never opened, never taken for missing.
 */
export function readDisk(project: Project, paths: Iterable<string>): { files: Map<string, string>; unread: Map<string, string> } {
  const files = new Map<string, string>()
  const unread = new Map<string, string>()
  const root = resolve(project.writeRoot)
  for (const path of new Set(paths)) {
    const abs = resolve(root, path)
    const rel = relative(root, abs)
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`refusing to read outside the project: ${path}`)
    // A link is read through (its target must still be a regular file): check only reads, and
    // the writer refuses to write through it, so update stops there.
    const r = readRegularFile(abs, { followLinks: true })
    if (r.kind === 'text') files.set(path, r.text)
    else if (r.kind === 'not-read') unread.set(path, r.why)
  }
  return { files, unread }
}

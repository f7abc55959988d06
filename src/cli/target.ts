import { lstatSync, readdirSync, readFileSync, type Dirent } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { ANSWERS_FILE, parseAnswersFile, recordedRetrofit } from '../answers-file.js'
import type { RawAnswers } from '../answers.js'
import { realDir } from '../disk/guard.js'
import { UsageError } from './args.js'

/** The run will not write a new service here without consent. Exit 1: nothing was written. */
export class TargetRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TargetRefused'
  }
}

/**
 * The real folder a run works in. A target that is itself a symbolic link, or lies below one,
 * is followed (it is the user's own path, unlike a link inside the target) and reported, so the
 * user sees where the files go; a dangling one is refused.
 */
export function resolveTarget(dir: string): { dir: string; note?: string } {
  const real = realDir(dir)
  if (real === resolve(dir)) return { dir: real }
  let link = false
  try {
    link = lstatSync(dir).isSymbolicLink()
  } catch {
    // Not there yet: a folder above it is the link.
  }
  return { dir: real, note: `${dir} ${link ? 'is a symbolic link to' : 'resolves (through a symbolic link) to'} ${real}: the files go there.` }
}

const isFile = (path: string) => {
  try {
    return lstatSync(path).isFile()
  } catch {
    return false
  }
}

/** A project's answers record (the root's or a service's): committed first, so that a run stopped part-way leaves a folder the next run recognizes. */
export const isAnswersRecord = (path: string): boolean => path === ANSWERS_FILE || path.endsWith(`/${ANSWERS_FILE}`)

/** The answers record of a project this tool generated in `dir` itself, when there is one. */
export function ownRecord(dir: string): { raw: RawAnswers; retrofit: boolean } | undefined {
  const path = join(dir, ANSWERS_FILE)
  if (!isFile(path)) return undefined
  const text = readFileSync(path, 'utf8')
  try {
    return { raw: parseAnswersFile(text, ANSWERS_FILE), retrofit: recordedRetrofit(text) !== undefined }
  } catch (err) {
    throw new UsageError(`${ANSWERS_FILE} in ${dir}: ${(err as Error).message}`)
  }
}

/** The nearest folder at or above `dir` that holds an answers record: a project this tool generated. */
export function enclosingProject(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (isFile(join(d, ANSWERS_FILE))) return d
    if (dirname(d) === d) return undefined
  }
}

/** A killed run's temporary files, of this version or an earlier one. */
const DEBRIS = /^\..*\.cca-tmp$/

/**
 * What a new service's folder holds that is not the run's own: entries other than `.git` and
 * what a killed run left (its temporary files, and folders holding nothing else). Empty means
 * a new service may be written there without asking.
 */
export function foreignEntries(dir: string): string[] {
  const foreign: string[] = []
  const visit = (rel: string, depth: number): boolean => {
    let entries: Dirent[]
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true })
    } catch {
      return rel === ''
    }
    let clean = true
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name
      if ((rel === '' && e.name === '.git') || (e.isFile() && DEBRIS.test(e.name))) continue
      if (e.isDirectory() && depth < 4 && visit(path, depth + 1)) continue
      clean = false
      if (rel === '') foreign.push(e.name)
    }
    return clean
  }
  visit('', 0)
  return foreign.sort()
}

/** The error for a new service inside a project this tool generated: where it is, and how to regenerate or update it. */
export function nestedProjectError(target: string, project: string, cwd: string): TargetRefused {
  const rel = relative(cwd, project) || '.'
  return new TargetRefused(
    `${target} is inside ${project}, a project create-containerized-app generated: a new service here would nest a second project in it. ` +
      `To run it again on that project, run \`create-containerized-app --cwd ${rel}\`; to bring it to this version, \`create-containerized-app update --cwd ${rel}\`. ` +
      'Pass --force to create a separate project here anyway.',
  )
}

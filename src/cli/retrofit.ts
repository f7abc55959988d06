import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { FIELDS, type RawAnswers } from '../answers.js'
import { ANSWERS_FILE, parseAnswersFile, recordedRetrofit } from '../answers-file.js'
import type { Retrofit } from '../context.js'
import { detect } from '../detect/index.js'
import { proposeAnswers, type Uncertain } from '../detect/proposal.js'
import { RULES } from '../detect/languages/index.js'
import { describeBound } from '../detect/report.js'
import { scanRepo } from '../detect/scan.js'
import type { DetectedService, Detection, UnreadFile } from '../detect/types.js'
import { readNamedFile, UnreadableFileError } from '../utils/read-regular-file.js'
import { UsageError } from './args.js'

/** An existing app to add container files to. */
export interface RetrofitRun {
  /** The repository folder that was scanned. */
  repoRoot: string
  detection: Detection
  /** The chosen service; undefined when replayed from a record the scan no longer matches. */
  service: DetectedService | undefined
  /** The service's folder. */
  target: string
  /**
   * Where the run writes: the repository root (the nearest folder with .git, else the folder
   * scanned). Pipelines go there; everything else in the service's folder below it.
   */
  writeRoot: string
  retrofit: Retrofit
  /** Answers from detection (or the project's record), before the answers file and flags. */
  suggested: RawAnswers
  uncertain: Uncertain[]
  /** True when the project's own answers record was replayed. */
  fromRecord: boolean
}

/** The nearest folder at or above `dir` that holds .git: pipelines are read there. */
function gitRoot(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d
    if (dirname(d) === d) return undefined
  }
}

/** Where a service's files are written from, and its folder relative to that. */
export function placement(scanned: string, target: string): { writeRoot: string; dir: string } {
  const root = gitRoot(target) ?? scanned
  const rel = relative(root, target).split(sep).join('/')
  return rel.startsWith('..') ? { writeRoot: target, dir: '.' } : { writeRoot: root, dir: rel || '.' }
}

/**
 * True when a folder holds a manifest of a language this tool knows, or is a repository (its
 * services may sit in sub-folders). A cheap, top-level look; detection decides the rest.
 */
export function looksLikeProject(dir: string): boolean {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return false
  }
  return names.includes('.git') || names.some((n) => RULES.some((r) => r.manifests.test(n))) || existsSync(join(dir, ANSWERS_FILE))
}

/** A folder's answers record as text; undefined when it has none, an error when it has one that cannot be read. */
export function readRecordText(dir: string): string | undefined {
  return readNamedFile(join(dir, ANSWERS_FILE), `${ANSWERS_FILE} in ${dir}`)
}

function readRecord(dir: string): { raw: RawAnswers; retrofit: Retrofit | undefined } | undefined {
  const text = readRecordText(dir)
  if (text === undefined) return undefined
  try {
    return { raw: parseAnswersFile(text, ANSWERS_FILE), retrofit: recordedRetrofit(text) }
  } catch (err) {
    throw new UsageError(`${ANSWERS_FILE} in ${dir}: ${(err as Error).message}`)
  }
}

/**
 * Decides whether `dir` is an existing app and, if so, which services and which answers.
 * Undefined means a new service: the folder does not exist, holds no manifest, or was itself
 * generated as a new service (its answers record says so). Several services come back when
 * `--service` names several (or `all`), or `choose` picks several.
 */
export async function prepareRetrofit(
  dir: string,
  opts: {
    services: readonly string[]
    rootName?: string
    choose?: (services: readonly DetectedService[]) => Promise<string[]>
    /** Told about each file detection could not use that does not stop the run, and about a scan bound. */
    warn?: (message: string) => void
    /** The scan's file bound (tests). */
    maxFiles?: number
  },
): Promise<RetrofitRun[] | undefined> {
  if (!existsSync(dir)) return undefined
  const own = readRecord(dir)
  if (own && !own.retrofit) return undefined
  const wanted = (raw: string) => raw.replace(/^\.\//, '').replace(/\/$/, '') || '.'
  // --service names any folder holding an app, even one discovery classes as a sample, a
  // solution's project or a server's UI: detection considers it whatever it would class it as.
  const include = opts.services.filter((s) => s !== 'all').map(wanted)
  const detection = detect(scanRepo(dir, opts.maxFiles === undefined ? {} : { maxFiles: opts.maxFiles }), { rootName: opts.rootName ?? basename(dir), include })
  const blocking = detection.unread.filter((u) => u.decides)
  if (blocking.length) {
    // Without the manifest the repository reads as an app-less folder, and a new service's
    // starter app (package.json, src/) would be written into it.
    throw new UnreadableFileError(
      `cannot read ${blocking.length === 1 ? 'a file' : `${blocking.length} files`} that detection needs in ${dir}: ${listUnread(blocking)}. ` +
        'A manifest (or a folder that may hold one) tells what the app is; without it the repository would be misread. Nothing was written. Make it a readable text file, or remove it.',
    )
  }
  for (const u of detection.unread) opts.warn?.(`not read: ${u.file} is ${u.why}`)
  if (detection.bound) opts.warn?.(`${describeBound(detection.bound)}; run in the app's own folder to scan all of it.`)
  if (own?.retrofit) {
    // A re-run replays what was decided the first time: the same answers, the same names.
    const service = detection.services.find((s) => s.dir === '.')
    const at = placement(dir, dir)
    return [{ repoRoot: dir, detection, service, target: dir, writeRoot: at.writeRoot, retrofit: { ...own.retrofit, dir: at.dir }, suggested: own.raw, uncertain: [], fromRecord: true }]
  }
  if (detection.services.length === 0) {
    // An app may sit in what the bound left out: never take a cut-off scan for an empty folder.
    if (detection.bound) throw new UnreadableFileError(`no service found in ${dir}, but the scan stopped: ${describeBound(detection.bound)}. Run in the app's own folder (or --cwd it); nothing was written.`)
    if (detection.skipped.length === 0) return undefined
    throw new UsageError(
      `No service to containerize in ${dir}: ${detection.skipped.map((s) => `${s.dir} is ${s.reason}`).join('; ')}. ` +
        'Run it in the folder of an app (one with a web framework, a start script or a main package).',
    )
  }
  const listing = detection.services.map((s) => `${s.dir} (${s.language.value}${s.framework ? ` ${s.framework.value}` : ''})`).join(', ')
  let chosen: DetectedService[]
  if (opts.services.includes('all')) chosen = detection.services
  else if (opts.services.length > 0) {
    chosen = opts.services.map((raw) => {
      const want = wanted(raw)
      const match = detection.services.find((s) => s.dir === want)
      if (!match) {
        const skipped = detection.skipped.find((s) => s.dir === want)
        throw new UsageError(`--service "${raw}" is not a service here${skipped ? ` (${skipped.reason})` : ''}. Services found: ${detection.services.map((s) => s.dir).join(', ')}.`)
      }
      return match
    })
    chosen = [...new Set(chosen)]
  } else if (detection.services.length === 1) chosen = [detection.services[0]!]
  else if (opts.choose) {
    const dirs = await opts.choose(detection.services)
    chosen = detection.services.filter((s) => dirs.includes(s.dir))
    if (chosen.length === 0) throw new UsageError('No service chosen.')
  } else {
    throw new UsageError(`${detection.services.length} services found in ${dir}: ${listing}. Pass --service <folder> to choose one (repeat it, or --service all, for several).`)
  }
  return chosen.map((svc) => {
    const target = resolve(dir, svc.dir)
    const at = placement(dir, target)
    const record = svc.dir === '.' ? undefined : readRecord(target)
    if (record?.retrofit) {
      return { repoRoot: dir, detection, service: svc, target, writeRoot: at.writeRoot, retrofit: { ...record.retrofit, dir: at.dir }, suggested: record.raw, uncertain: [], fromRecord: true }
    }
    const proposal = proposeAnswers(svc, detection)
    return { repoRoot: dir, detection, service: svc, target, writeRoot: at.writeRoot, retrofit: { dir: at.dir, app: svc.app }, suggested: proposal.answers, uncertain: proposal.uncertain, fromRecord: false }
  })
}

const listUnread = (files: readonly UnreadFile[]) => files.map((u) => `${u.file} is ${u.why}`).join('; ')

/** Uncertain values that the flags and the answers file did not settle. */
export function openQuestions(run: RetrofitRun, given: RawAnswers): Uncertain[] {
  return run.uncertain.filter((u) => given[u.field] === undefined)
}

/** The error a run without questions gives for what detection could not settle. */
export function uncertainError(dir: string, open: readonly Uncertain[]): UsageError {
  const order = new Map(FIELDS.map((f, i) => [f.key, i]))
  const lines = [...open].sort((a, b) => order.get(a.field)! - order.get(b.field)!).map((u) => `  ${u.flag} <value>   ${u.why}`)
  return new UsageError(`could not settle everything about the app in ${dir} without asking. Pass:\n${lines.join('\n')}\n(or run in a terminal to be asked; --dry-run --json shows all the evidence)`)
}

/**
 * Puts a service's files in place below the repository root: pipelines where GitHub reads
 * them (the root's .github), everything else in the service's folder.
 */
export function placeInRepo<T extends { path: string }>(files: readonly T[], dir: string): T[] {
  if (dir === '.') return [...files]
  return files.map((f) => (f.path.startsWith('.github/') ? f : { ...f, path: `${dir}/${f.path}` }))
}

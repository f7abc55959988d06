import { FIELDS, type Answers, type RawAnswers } from './answers.js'
import type { AppFacts } from './detect/types.js'

/** Where a run records its answers inside the generated project. */
export const ANSWERS_FILE = '.containerized/answers.json'

/** What an organization's run adds to the record: presets and packs to apply again, and the packs' variables. */
export interface OrgRecord {
  presets: readonly string[]
  packs: readonly { name: string; version: string; spec: string; via: 'config' | 'flag' }[]
  vars: Readonly<Record<string, unknown>>
}

export interface AnswersRecord {
  /** The tool and version that generated the project, for `update` and support. */
  generator: string
  answers: Answers
  /**
   * Present when the project was an existing app (retrofit): the names detection found in its
   * code. A re-run replays them and never writes a starter app over the user's code.
   */
  retrofit?: { dir: string; app: AppFacts; workflowPrefix?: string }
  /** Only with presets, packs or variables; a plain run's record stays as it was. */
  presets?: OrgRecord['presets']
  packs?: OrgRecord['packs']
  vars?: OrgRecord['vars']
}

/**
 * The record written into every project. Answers never contain secrets (credentials live in
 * `.env`), so the file can be committed and replayed with `--answers`.
 */
export function answersRecord(answers: Answers, tool: { name: string; version: string }, retrofit?: AnswersRecord['retrofit'], org?: OrgRecord): string {
  const record: AnswersRecord = {
    generator: `${tool.name}@${tool.version}`,
    answers: applicableAnswers(answers),
    ...(retrofit ? { retrofit } : {}),
    ...(org?.presets.length ? { presets: org.presets } : {}),
    ...(org?.packs.length ? { packs: org.packs } : {}),
    ...(org && Object.keys(org.vars).length ? { vars: org.vars } : {}),
  }
  return `${JSON.stringify(record, null, 2)}\n`
}

/**
 * The answers that mean something for this run, in field order: one that does not apply (the
 * Kubernetes format of a Compose project) is left out and takes its default on replay.
 */
export function applicableAnswers(answers: Answers): Answers {
  return Object.fromEntries(FIELDS.filter((f) => f.applies?.(answers) ?? true).map((f) => [f.key, answers[f.key]])) as unknown as Answers
}

/** Reads an answers file's text: either a full record or a bare answers object. */
export function parseAnswersFile(text: string, source: string): RawAnswers {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new Error(`${source} is not valid JSON: ${(err as Error).message}`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(`${source} must hold a JSON object with the answers`)
  }
  const obj = data as Record<string, unknown>
  const answers = 'answers' in obj ? obj.answers : obj
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    throw new Error(`${source}: "answers" must be an object`)
  }
  return answers as RawAnswers
}

/** The retrofit part of a record, when the text is a record of a retrofitted project. */
export function recordedRetrofit(text: string): AnswersRecord['retrofit'] | undefined {
  try {
    const data = JSON.parse(text) as { retrofit?: { dir?: unknown; app?: unknown } }
    const r = data?.retrofit
    if (typeof r !== 'object' || r === null || typeof r.app !== 'object' || r.app === null) return undefined
    const prefix = (r as { workflowPrefix?: unknown }).workflowPrefix
    return { dir: typeof r.dir === 'string' ? r.dir : '.', app: r.app as AppFacts, ...(typeof prefix === 'string' ? { workflowPrefix: prefix } : {}) }
  } catch {
    return undefined
  }
}

/** The organization part of a record's text; empty for a plain run or a bare answers object. */
export function recordedOrg(text: string): OrgRecord {
  try {
    const data = JSON.parse(text) as Partial<AnswersRecord>
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
    const packs = Array.isArray(data.packs)
      ? data.packs.filter((p) => typeof p?.name === 'string' && typeof p.version === 'string' && typeof p.spec === 'string').map((p) => ({ ...p, via: p.via === 'flag' ? ('flag' as const) : ('config' as const) }))
      : []
    const vars = typeof data.vars === 'object' && data.vars !== null && !Array.isArray(data.vars) ? data.vars : {}
    return { presets: strings(data.presets), packs, vars }
  } catch {
    return { presets: [], packs: [], vars: {} }
  }
}

/** The generator (`name@version`) a record names, if any. */
export function recordedGenerator(text: string): string | undefined {
  try {
    const g = (JSON.parse(text) as { generator?: unknown }).generator
    return typeof g === 'string' ? g : undefined
  } catch {
    return undefined
  }
}

import { FIELDS, type Answers, type RawAnswers } from './answers.js'
import type { AppFacts } from './detect/types.js'

/** Where a run records its answers inside the generated project. */
export const ANSWERS_FILE = '.containerized/answers.json'

export interface AnswersRecord {
  /** The tool and version that generated the project, for `update` and support. */
  generator: string
  answers: Answers
  /**
   * Present when the project was an existing app (retrofit): the names detection found in its
   * code. A re-run replays them and never writes a starter app over the user's code.
   */
  retrofit?: { dir: string; app: AppFacts; workflowPrefix?: string }
}

/**
 * The record written into every project. Answers never contain secrets (credentials live in
 * `.env`), so the file can be committed and replayed with `--answers`.
 */
export function answersRecord(answers: Answers, tool: { name: string; version: string }, retrofit?: AnswersRecord['retrofit']): string {
  const record: AnswersRecord = { generator: `${tool.name}@${tool.version}`, answers: applicableAnswers(answers), ...(retrofit ? { retrofit } : {}) }
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

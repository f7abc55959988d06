import type { Answers } from '../answers.js'
import { FIELDS } from '../answers.js'
import type { FileReport } from '../write.js'

const LABEL: Record<string, string> = {
  create: 'create',
  identical: 'identical',
  conflict: 'conflict',
  created: 'created',
  unchanged: 'unchanged',
  overwritten: 'overwritten',
  kept: 'kept (yours)',
  alongside: 'kept (yours), ours beside it',
  extend: 'extend (yours, adding what it lacks)',
  extended: 'extended (yours, with what it lacked)',
}

/** One aligned line per file: what would happen (dry run) or what happened. */
export function formatReport(reports: readonly FileReport[]): string {
  const key = (r: FileReport) => (r.action === 'planned' ? r.status : r.action)
  const width = Math.max(...reports.map((r) => LABEL[key(r)]!.length))
  return reports.map((r) => `  ${LABEL[key(r)]!.padEnd(width)}  ${r.path}${r.writtenTo ? ` → ${r.writtenTo}` : ''}`).join('\n')
}

/** The non-interactive command that reproduces a wizard run. */
export function equivalentCommand(dir: string, answers: Answers): string {
  const quote = (s: string) => (/^[\w./:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
  const flags = FIELDS.filter((f) => f.applies?.(answers) ?? true).map((f) => `--${f.flag} ${quote(String(answers[f.key]))}`)
  return ['npx create-containerized-app', quote(dir), ...flags, '--yes'].join(' ')
}

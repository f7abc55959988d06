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

const CONFLICT_FLAG: Partial<Record<FileReport['action'], string>> = { kept: 'keep', alongside: 'alongside', overwritten: 'overwrite' }

/**
 * The non-interactive command that reproduces a wizard run. The name is left out when the run
 * would take it anyway (`impliedName`: the folder's, or the detected one). `--on-conflict` is
 * there when the wizard settled the conflicts all the same way, when the user gave it, or when
 * the user agreed to write into a folder holding other files (`consented`; without the flag the
 * command would stop there, and at the first conflict).
 */
export function equivalentCommand(dir: string, answers: Answers, reports: readonly FileReport[] = [], opts: { impliedName?: unknown; onConflict?: string; consented?: boolean } = {}): string {
  const quote = (s: string) => (/^[\w./:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
  const flags = FIELDS.filter((f) => (f.applies?.(answers) ?? true) && !(f.key === 'name' && answers.name === opts.impliedName)).map((f) => `--${f.flag} ${quote(String(answers[f.key]))}`)
  const settled = [...new Set(reports.filter((r) => r.status === 'conflict').map((r) => CONFLICT_FLAG[r.action]))]
  const mode = settled.length === 1 && settled[0] ? settled[0] : settled.length === 0 ? (opts.onConflict ?? (opts.consented ? 'keep' : undefined)) : undefined
  const conflict = mode ? [`--on-conflict ${mode}`] : []
  const command = ['npx create-containerized-app', quote(dir), ...flags, '--yes', ...conflict].join(' ')
  return settled.length > 1 ? `${command}   (your files were settled one by one: add --on-conflict keep, alongside or overwrite)` : command
}

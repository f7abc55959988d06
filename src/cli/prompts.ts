import * as p from '@clack/prompts'
import { canonicalAnswer, defaultFor, fieldProblem, FIELDS, type AnswerKey, type Answers, type FieldSpec, type RawAnswers } from '../answers.js'
import type { Choice } from '../options.js'
import { declaredVariables } from '../packs/apply.js'
import { variableProblem, coerceVariable, type Pack } from '../packs/pack.js'
import { unifiedDiff } from '../utils/diff.js'
import { showDiff } from './diff-pager.js'
import { alongsidePath, type ConflictChoice } from '../write.js'

/** The user cancelled a prompt (Ctrl-C or Escape). Exit code 130, as for the signal; nothing written. */
export class PromptCancelled extends Error {
  constructor() {
    super('Cancelled; nothing was written.')
    this.name = 'PromptCancelled'
  }
}

function unwrap<T>(value: T | symbol): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new PromptCancelled()
  return value as Exclude<T, symbol>
}

/** Narrows a field's choices to what the organization's policy allows. */
export type Restrict = (key: AnswerKey, choices: readonly Choice[]) => readonly Choice[]

async function ask(field: FieldSpec, so_far: Partial<Answers>, suggested: unknown, restrict: Restrict): Promise<unknown> {
  const choices = field.choices ? restrict(field.key, field.choices(so_far as Answers)) : undefined
  const builtIn = defaultFor(field.key, so_far)
  const fromDefault = !choices || choices.some((c) => c.id === builtIn && c.available) ? builtIn : choices.find((c) => c.available)?.id
  // A detected (or configured) value is offered first, when it is one of the choices.
  const initial = suggested !== undefined && (!choices || choices.some((c) => c.id === suggested && c.available)) ? suggested : fromDefault
  if (choices) {
    const available = choices.filter((c) => c.available)
    // A question with one possible answer is noise.
    if (available.length === 1) return available[0]!.id
    return unwrap(
      await p.select({
        message: field.message,
        initialValue: initial as string,
        options: choices.map((c) => ({
          value: c.id,
          label: c.label,
          hint: c.available ? c.hint : 'not available yet',
          disabled: !c.available,
        })),
      }),
    )
  }
  const text = unwrap(
    await p.text({
      message: field.message,
      placeholder: String(initial),
      defaultValue: String(initial),
      // Checked here, against the answers so far, as the flag would be: a runtime version out
      // of range is refused at its own prompt, not after the questions that follow it.
      validate: (v) => fieldProblem(field.key, v ? v : String(initial), so_far)?.replace(`--${field.flag} `, ''),
    }),
  )
  return canonicalAnswer(field.key, text ? text : String(initial), so_far)
}

/** A given answer in its canonical form (`Python` → python), so the choices after it follow it; as given when it is not valid (the final check names it). */
function settled(key: AnswerKey, value: unknown, so_far: Partial<Answers>): unknown {
  if (value === undefined) return value
  try {
    return canonicalAnswer(key, value, so_far)
  } catch {
    return value
  }
}

/**
 * Asks for every answer the flags and answers file left open, in field order, so later
 * choices (framework, package manager) follow the language picked before them.
 */
export async function promptAnswers(
  known: RawAnswers,
  suggestions: RawAnswers = {},
  notes: Partial<Record<keyof Answers, string>> = {},
  restrict: Restrict = (_, choices) => choices,
): Promise<RawAnswers> {
  const result: Partial<Answers> = {}
  const out: RawAnswers = { ...known }
  for (const field of FIELDS) {
    const given = known[field.key]
    const applies = field.applies?.(result) ?? true
    if (given === undefined && applies && notes[field.key]) p.log.warn(notes[field.key]!)
    const value = given !== undefined || !applies ? settled(field.key, given, result) : await ask(field, result, suggestions[field.key], restrict)
    if (value === undefined) continue
    ;(result as Record<string, unknown>)[field.key] = value
    out[field.key] = value
  }
  return out
}

/**
 * Asks what to do with one file that exists with other content; can show the diff first. `note`
 * says what a choice means for the other files (a kept Dockerfile without the stages they build).
 */
export async function askConflict(path: string, current: string, proposed: string, note?: string, view: { tty: boolean; env: Readonly<Record<string, string | undefined>> } = { tty: false, env: {} }): Promise<ConflictChoice> {
  if (note) p.log.info(note)
  for (;;) {
    const choice = unwrap(
      await p.select({
        message: `${path} already exists with different content`,
        initialValue: 'keep' as ConflictChoice | 'diff',
        options: [
          { value: 'keep' as const, label: 'Keep mine' },
          { value: 'alongside' as const, label: `Keep mine and write ours next to it`, hint: alongsidePath(path) },
          { value: 'overwrite' as const, label: 'Overwrite it' },
          { value: 'diff' as const, label: 'Show the differences' },
          { value: 'cancel' as const, label: 'Cancel the whole run', hint: 'nothing is written' },
        ],
      }),
    )
    if (choice !== 'diff') return choice
    // Paged in a terminal ($PAGER, else less -R): a long diff does not scroll the question away.
    await showDiff(unifiedDiff(current, proposed, { old: `${path} (yours)`, new: `${path} (generated)` }), { ...view, write: (text) => p.log.message(text) })
  }
}

/** Asks for the packs' variables that nothing else settled; answers come back as --var text. */
export async function promptVariables(packs: readonly Pack[], missing: readonly string[]): Promise<Record<string, string>> {
  const declared = declaredVariables(packs)
  const out: Record<string, string> = {}
  for (const name of missing) {
    const { spec, pack } = declared.get(name)!
    const message = `${spec.description} (${pack})`
    if (spec.type === 'choice' || spec.type === 'boolean') {
      const options = spec.type === 'choice' ? spec.choices!.map((c) => ({ value: c, label: c })) : [{ value: 'true', label: 'yes' }, { value: 'false', label: 'no' }]
      out[name] = unwrap(await p.select({ message, options }))
    } else {
      out[name] = unwrap(await p.text({ message, validate: (v) => variableProblem(spec, coerceVariable(spec, v ?? '')) }))
    }
  }
  return out
}

import { shown } from '../utils/text.js'
import { AnswerError, fieldSpec, FIELDS, validateAnswers, type AnswerKey, type Answers, type RawAnswers } from '../answers.js'
import type { Choice } from '../options.js'
import { PLATFORM_CHOICES } from '../registry/platforms.js'
import type { ResolvedConfig } from './resolve.js'

/** An answer the organization's config refuses. Exit code 2, like other bad input. */
export class PolicyError extends Error {
  constructor(
    readonly rule: string,
    readonly source: string,
    message: string,
  ) {
    super(message)
    this.name = 'PolicyError'
  }
}

export interface AnswerViolation {
  rule: string
  source: string
  field: AnswerKey
  message: string
}

const same = (a: unknown, b: unknown) => String(a) === String(b)

/** Whether the config lets a value through for one answer; used to narrow the wizard's choices. */
export function permitted(config: ResolvedConfig, key: AnswerKey, value: unknown): boolean {
  const lock = config.locked[key]
  if (lock) return same(lock.value, value)
  const allow = config.allow[key]
  if (allow && !allow.value.some((v) => same(v, value))) return false
  return !(config.forbid[key] ?? []).some((f) => same(f.value, value))
}

export function restrictChoices(config: ResolvedConfig, key: AnswerKey, choices: readonly Choice[]): Choice[] {
  return choices.filter((c) => permitted(config, key, c.id))
}

/** Every answer that breaks a lock, an allow list or a forbid list, each named by its rule and file. */
export function answerViolations(config: ResolvedConfig, answers: Answers): AnswerViolation[] {
  const out: AnswerViolation[] = []
  for (const f of FIELDS) {
    if (!(f.applies?.(answers) ?? true)) continue
    const value = answers[f.key]
    const flag = `--${f.flag}`
    const lock = config.locked[f.key]
    if (lock) {
      if (!same(lock.value, value)) out.push({ rule: `locked.${f.key}`, source: lock.source, field: f.key, message: `${flag} ${shown(value)} is not allowed: ${f.key} is locked to ${shown(lock.value)} (rule locked.${f.key} in ${lock.source}).` })
      continue
    }
    const allow = config.allow[f.key]
    if (allow && !allow.value.some((v) => same(v, value))) {
      out.push({ rule: `allow.${f.key}`, source: allow.source, field: f.key, message: `${flag} ${shown(value)} is not allowed by policy (rule policy.allow.${f.key} in ${allow.source}). Allowed: ${allow.value.join(', ')}.` })
    }
    const hit = (config.forbid[f.key] ?? []).find((x) => same(x.value, value))
    if (hit) {
      const allowed = f.choices?.(answers).filter((c) => c.available && permitted(config, f.key, c.id)).map((c) => c.id)
      out.push({ rule: `forbid.${f.key}`, source: hit.source, field: f.key, message: `${flag} ${shown(value)} is forbidden by policy (rule policy.forbid.${f.key} in ${hit.source}).${allowed?.length ? ` Allowed: ${allowed.join(', ')}.` : ''}` })
    }
  }
  return out
}

/**
 * Where each raw answer came from, weakest first. Config defaults sit between the built-in
 * defaults and everything the user or the repository said; locks fill what nobody said.
 */
export function withConfigDefaults(config: ResolvedConfig, raw: RawAnswers): RawAnswers {
  const out: RawAnswers = {}
  for (const [k, d] of Object.entries(config.defaults) as [AnswerKey, { value: unknown }][]) out[k] = d.value
  for (const [k, l] of Object.entries(config.locked) as [AnswerKey, { value: unknown }][]) out[k] = l.value
  return { ...out, ...raw }
}

/**
 * Raw answers → valid answers that obey the config. A built-in default the policy does not
 * allow is replaced by the first allowed choice (an org that allows only EKS gets EKS without
 * saying so twice); a value someone chose that breaks a rule is an error naming the rule.
 */
export function applyConfig(config: ResolvedConfig, raw: RawAnswers): Answers {
  const filled = withConfigDefaults(config, raw)
  let answers = validateWithSource(config, filled)
  for (let round = 0; round < FIELDS.length; round++) {
    const fix = FIELDS.find((f) => filled[f.key] === undefined && (f.applies?.(answers) ?? true) && f.choices && !permitted(config, f.key, answers[f.key]))
    if (!fix) break
    const first = fix.choices!(answers).find((c) => c.available && permitted(config, fix.key, c.id))
    if (!first) break
    filled[fix.key] = first.id
    answers = validateWithSource(config, filled)
  }
  const [v] = answerViolations(config, answers)
  if (v) throw new PolicyError(v.rule, v.source, v.message)
  const moot = inapplicableAnswer(raw, answers)
  if (moot) throw moot
  return answers
}

/**
 * An answer someone gave (a flag, an answers file) that means nothing with the others, such as
 * `--k8s-format` with `--platform compose`: it would be dropped without a word, so it is an error.
 * Config defaults and locks are not given per run and never fail this way.
 */
export function inapplicableAnswer(raw: RawAnswers, answers: Answers): AnswerError | undefined {
  for (const f of FIELDS) {
    if (raw[f.key] === undefined || (f.applies?.(answers) ?? true)) continue
    const by = f.key === 'k8sFormat' ? ` (--platform ${answers.platform} writes no Kubernetes manifests; they are for --platform ${PLATFORM_CHOICES.filter((p) => p.cluster !== null).map((p) => p.id).join(', ')})` : ''
    return new AnswerError(f.key, `--${f.flag} does not apply here${by}; leave it out.`)
  }
  return undefined
}

/** validateAnswers, with the config file named when the bad value came from it. */
function validateWithSource(config: ResolvedConfig, raw: RawAnswers): Answers {
  try {
    return validateAnswers(raw)
  } catch (err) {
    if (!(err instanceof AnswerError)) throw err
    const from = config.locked[err.field] ?? config.defaults[err.field]
    if (from && same(from.value, raw[err.field])) {
      throw new AnswerError(err.field, `${err.message} (the value comes from ${config.locked[err.field] ? 'locked' : 'defaults'}.${err.field} in ${from.source})`)
    }
    throw err
  }
}

/** Answers the config settles, so the wizard does not ask them. */
export function lockedAnswers(config: ResolvedConfig): RawAnswers {
  return Object.fromEntries(Object.entries(config.locked).map(([k, l]) => [k, l!.value]))
}

export const flagOf = (key: AnswerKey) => `--${fieldSpec(key).flag}`

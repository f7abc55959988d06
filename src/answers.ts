import {
  CACHES,
  CI_PROVIDERS,
  DATABASES,
  K8S_FORMATS,
  LANGUAGES,
  PLATFORMS,
  REGISTRIES,
  type Cache,
  type Choice,
  type CiProvider,
  type Database,
  type K8sFormat,
  type Language,
  type Platform,
  type Registry,
} from './options.js'
import { LANGUAGE_CHOICES, type LanguageChoice } from './registry/languages/index.js'
import { byId } from './registry/lookup.js'
import { CI_CHOICES, K8S_FORMAT_CHOICES, PLATFORM_CHOICES, REGISTRY_CHOICES } from './registry/platforms.js'
import { CACHE_CHOICES, DATABASE_CHOICES } from './registry/services.js'
import { nameProblem } from './utils/names.js'
import { shown } from './utils/text.js'
import { didYouMean } from './utils/suggest.js'
import { versionRangeProblem, versionRangeText } from './registry/languages/version-ranges.js'

/** Everything the user decides. Serialisable, free of secrets, replayable from the answers file. */
export interface Answers {
  name: string
  language: Language
  framework: string
  packageManager: string
  languageVersion: string
  port: number
  database: Database
  cache: Cache
  platform: Platform
  /** Kubernetes platforms only: Helm chart or Kustomize. Recorded but unused for Compose. */
  k8sFormat: K8sFormat
  ci: CiProvider
  registry: Registry
}

export type AnswerKey = keyof Answers
export type RawAnswers = Partial<Record<AnswerKey, unknown>>

/** Bad input, named by its field so the CLI can point at the flag. Exit code 2. */
export class AnswerError extends Error {
  constructor(
    readonly field: AnswerKey,
    message: string,
  ) {
    super(message)
    this.name = 'AnswerError'
  }
}

/** Several bad answers of one run, reported together (one line each). */
export class AnswerErrors extends AnswerError {
  constructor(readonly errors: readonly AnswerError[]) {
    super(errors[0]!.field, errors.map((e) => e.message).join('\n'))
    this.name = 'AnswerErrors'
  }
}

/** One error for one problem, the aggregate for several. */
function answerErrors(errors: readonly AnswerError[]): AnswerError {
  return errors.length === 1 ? errors[0]! : new AnswerErrors(errors)
}

/**
 * One row per answer: its flag, its prompt and where its choices come from. The CLI parser,
 * the wizard and `--help` all read this table.
 */
export interface FieldSpec {
  key: AnswerKey
  flag: string
  message: string
  /** Choices that depend on earlier answers (framework and package manager follow language). */
  choices?: (a: Pick<Answers, 'language'>) => readonly Choice[]
  placeholder?: string
  /**
   * Whether the answer means anything given the earlier ones. An answer that does not apply is
   * not asked, not printed in the equivalent command and not recorded; it keeps its default.
   */
  applies?: (a: Partial<Answers>) => boolean
}

/** True for the platforms that get Kubernetes manifests. */
export function isKubernetes(platform: Platform | undefined): boolean {
  return platform !== undefined && byId(PLATFORM_CHOICES, platform).cluster !== null
}

const lang = (a: Pick<Answers, 'language'>): LanguageChoice => byId(LANGUAGE_CHOICES, a.language)

export const FIELDS: readonly FieldSpec[] = [
  { key: 'name', flag: 'name', message: 'Project name', placeholder: 'orders-api' },
  { key: 'language', flag: 'language', message: 'Language', choices: () => LANGUAGE_CHOICES },
  { key: 'framework', flag: 'framework', message: 'Framework', choices: (a) => lang(a).frameworks },
  { key: 'packageManager', flag: 'package-manager', message: 'Package manager', choices: (a) => lang(a).packageManagers },
  { key: 'languageVersion', flag: 'language-version', message: 'Runtime version' },
  { key: 'port', flag: 'port', message: 'Port the app listens on' },
  { key: 'database', flag: 'database', message: 'Database', choices: () => DATABASE_CHOICES },
  { key: 'cache', flag: 'cache', message: 'Cache', choices: () => CACHE_CHOICES },
  { key: 'platform', flag: 'platform', message: 'Target platform', choices: () => PLATFORM_CHOICES },
  {
    key: 'k8sFormat',
    flag: 'k8s-format',
    message: 'Kubernetes manifests',
    choices: () => K8S_FORMAT_CHOICES,
    applies: (a) => isKubernetes(a.platform),
  },
  { key: 'ci', flag: 'ci', message: 'CI provider', choices: () => CI_CHOICES },
  { key: 'registry', flag: 'registry', message: 'Container registry', choices: () => REGISTRY_CHOICES },
]

export function fieldSpec(key: AnswerKey): FieldSpec {
  const f = FIELDS.find((x) => x.key === key)
  if (!f) throw new Error(`internal: no field ${key}`)
  return f
}

/** The default for one answer, given the answers decided before it (FIELDS order). */
export function defaultFor(key: AnswerKey, a: Partial<Answers>): Answers[AnswerKey] {
  switch (key) {
    case 'name':
      return 'my-service'
    case 'language':
      return 'node'
    case 'framework':
      return firstAvailable(lang(a as Answers).frameworks)
    case 'packageManager':
      return firstAvailable(lang(a as Answers).packageManagers)
    case 'languageVersion':
      return lang(a as Answers).defaultVersion
    case 'port': {
      const l = lang(a as Answers)
      return l.frameworks.find((f) => f.id === a.framework)?.defaultPort ?? l.defaultPort
    }
    case 'database':
    case 'cache':
      return 'none'
    // Pipelines are part of a complete setup; `--ci none` leaves them out.
    case 'ci':
      return 'github'
    case 'platform':
      return 'compose'
    case 'k8sFormat':
      return 'helm'
    case 'registry':
      return defaultRegistry(a.platform ?? 'compose', a.ci ?? 'none')
  }
}

function firstAvailable(choices: readonly Choice[]): string {
  return (choices.find((c) => c.available) ?? choices[0])?.id ?? ''
}

/** A cloud platform pushes to its own registry; GitLab CI to GitLab's; everything else to GHCR. */
export function defaultRegistry(platform: Platform, ci: CiProvider): Registry {
  const cloud = byId(PLATFORM_CHOICES, platform).cloud
  const own = REGISTRY_CHOICES.find((r) => r.cloud !== null && r.cloud === cloud)
  if (own) return own.id
  return ci === 'gitlab' ? 'gitlab' : 'ghcr'
}

/** The option tuple behind each choice field, for the registry consistency tests. */
export const AXES: Partial<Record<AnswerKey, readonly string[]>> = {
  language: LANGUAGES,
  database: DATABASES,
  cache: CACHES,
  platform: PLATFORMS,
  k8sFormat: K8S_FORMATS,
  ci: CI_PROVIDERS,
  registry: REGISTRIES,
}

function listIds(choices: readonly Choice[]): string {
  return choices.map((c) => c.id).join(', ')
}

function checkChoice(key: AnswerKey, value: unknown, choices: readonly Choice[]): string {
  const flag = `--${fieldSpec(key).flag}`
  const available = choices.filter((c) => c.available)
  if (typeof value !== 'string') {
    throw new AnswerError(key, `${flag} must be one of: ${listIds(available)}.`)
  }
  // Choices are ids in lower case: `Redis` means redis.
  const choice = choices.find((c) => c.id === value) ?? choices.find((c) => c.id.toLowerCase() === value.toLowerCase())
  if (!choice) {
    const hint = didYouMean(value, available.map((c) => c.id))
    throw new AnswerError(key, `${flag} ${shown(value)} is not a valid choice.${hint} Valid choices: ${listIds(available)}.`)
  }
  if (!choice.available) {
    throw new AnswerError(
      key,
      `${flag} ${shown(value)} (${choice.label}) is not available yet in this version. Available now: ${listIds(available)}.`,
    )
  }
  return choice.id
}

/**
 * Why one answer cannot be used given the answers before it (FIELDS order), or undefined: the
 * wizard checks each answer at its own prompt with it, as a flag would be checked.
 */
export function fieldProblem(key: AnswerKey, value: unknown, earlier: Partial<Answers>): string | undefined {
  try {
    checkField(fieldSpec(key), value, earlier)
    return undefined
  } catch (err) {
    if (err instanceof AnswerError) return err.message
    throw err
  }
}

/** A valid answer in its canonical form (`Redis` → redis, "8080" → 8080); throws AnswerError. */
export function canonicalAnswer(key: AnswerKey, value: unknown, earlier: Partial<Answers>): unknown {
  return checkField(fieldSpec(key), value, earlier)
}

/**
 * What detection (or a record) proposed, without the values the given answers invalidate:
 * `--language go` in a Node app drops the detected framework, package manager and version, so
 * they are derived again (Go's defaults, or asked) instead of being reported as flags the user
 * never passed. Each kept value is valid against the answers before it.
 */
export function consistentBasis(basis: RawAnswers, given: RawAnswers): RawAnswers {
  const out: RawAnswers = {}
  const a: Partial<Answers> = {}
  for (const field of FIELDS) {
    const set = (v: unknown) => ((a as Record<string, unknown>)[field.key] = v)
    if (given[field.key] !== undefined) {
      try {
        set(checkField(field, given[field.key], a))
      } catch {
        set(defaultFor(field.key, a))
      }
      continue
    }
    if (basis[field.key] === undefined) {
      set(defaultFor(field.key, a))
      continue
    }
    try {
      set(checkField(field, basis[field.key], a))
      out[field.key] = basis[field.key]
    } catch {
      set(defaultFor(field.key, a))
    }
  }
  const reason = combinationProblem(a as Answers)
  if (reason && given[reason.field] === undefined && out[reason.field] !== undefined) delete out[reason.field]
  return out
}

/**
 * Turns raw input (flags, an answers file, wizard results) into complete, valid answers.
 * Missing fields take their defaults; anything invalid throws an AnswerError naming the field.
 */
export function validateAnswers(raw: RawAnswers): Answers {
  const known = new Set<string>(FIELDS.map((f) => f.key))
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new AnswerError(key as AnswerKey, `Unknown answer ${shown(key)}. Known answers: ${[...known].join(', ')}.`)
  }
  const a: Partial<Answers> = {}
  for (const field of FIELDS) {
    const value = raw[field.key] ?? defaultFor(field.key, a)
    ;(a as Record<string, unknown>)[field.key] = checkField(field, value, a)
  }
  const answers = a as Answers
  const reason = combinationProblem(answers)
  if (reason) throw new AnswerError(reason.field, reason.message)
  return answers
}

/** Answers whose valid values follow the language (a package manager is npm's or uv's). */
const BY_LANGUAGE: ReadonlySet<AnswerKey> = new Set<AnswerKey>(['framework', 'packageManager', 'languageVersion'])

/**
 * Checks the answers the user gave (flags, an answers file), each against the answers before it
 * in FIELDS order: the given ones, else `basis` (what detection found in an existing app), else
 * the defaults. Only a given answer can fail; it fails as validateAnswers would, naming its flag
 * and the valid choices. With `languageUnknown` (an existing app not yet detected, no
 * `--language`), answers that follow the language are left for the check after detection:
 * `--package-manager uv` is valid in a Python app, not in the default language's.
 */
export function validateGiven(given: RawAnswers, basis: RawAnswers = {}, opts: { languageUnknown?: boolean } = {}): void {
  const known = new Set<string>(FIELDS.map((f) => f.key))
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new AnswerError(key as AnswerKey, `Unknown answer ${shown(key)}. Known answers: ${[...known].join(', ')}.`)
  }
  const deferred = opts.languageUnknown === true && given.language === undefined
  const a: Partial<Answers> = {}
  // Every bad answer is reported, not the first one only: a wrong one counts as its default for
  // the checks of the answers after it.
  const errors: AnswerError[] = []
  for (const field of FIELDS) {
    const set = (v: unknown) => ((a as Record<string, unknown>)[field.key] = v)
    if (given[field.key] !== undefined && !(deferred && BY_LANGUAGE.has(field.key))) {
      try {
        set(checkField(field, given[field.key], a))
      } catch (err) {
        if (!(err instanceof AnswerError)) throw err
        errors.push(err)
        set(defaultFor(field.key, a))
      }
      continue
    }
    try {
      set(checkField(field, basis[field.key] ?? defaultFor(field.key, a), a))
    } catch {
      set(defaultFor(field.key, a))
    }
  }
  const reason = combinationProblem(a as Answers)
  if (reason && given[reason.field] !== undefined && !errors.some((e) => e.field === reason.field)) errors.push(new AnswerError(reason.field, reason.message))
  if (errors.length) throw answerErrors(errors)
}

function checkField(field: FieldSpec, value: unknown, earlier: Partial<Answers>): unknown {
  const flag = `--${field.flag}`
  switch (field.key) {
    case 'name': {
      if (typeof value !== 'string') throw new AnswerError('name', `${flag} must be a string.`)
      const problem = nameProblem(value)
      if (problem) {
        throw new AnswerError(
          'name',
          `${flag} ${shown(value)} cannot be used: ${problem}. It becomes a DNS label, an image name and a Helm release name, e.g. "orders-api".`,
        )
      }
      return value
    }
    case 'port': {
      const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
        throw new AnswerError('port', `${flag} ${shown(String(value))} is not a valid port. Use a whole number from 1 to 65535.`)
      }
      return n
    }
    case 'languageVersion': {
      const spec = lang(earlier as Answers)
      if (typeof value !== 'string' || !spec.versionPattern.test(value)) {
        throw new AnswerError('languageVersion', `${flag} ${shown(value)} is not valid for ${spec.label}: use ${spec.versionHint}.`)
      }
      const range = versionRangeProblem(spec.id, value)
      if (range) throw new AnswerError('languageVersion', `${flag} ${shown(value)} is not supported for ${spec.label}: it is ${range}. Use ${spec.label} ${versionRangeText(spec.id)}.`)
      return value
    }
    default: {
      return checkChoice(field.key, value, field.choices?.(earlier as Answers) ?? [])
    }
  }
}

/**
 * The one place that says which otherwise-valid answers cannot go together. Returns the field
 * to blame and why, or undefined when the combination is valid.
 */
export function combinationProblem(a: Answers): { field: AnswerKey; message: string } | undefined {
  // The default ("helm") is harmless on Compose; asking for Kustomize there is a contradiction.
  if (a.k8sFormat !== defaultFor('k8sFormat', a) && !isKubernetes(a.platform)) {
    const k8s = PLATFORM_CHOICES.filter((p) => p.cluster !== null).map((p) => p.id)
    return {
      field: 'k8sFormat',
      message: `--k8s-format ${a.k8sFormat} applies only to the Kubernetes platforms (--platform ${k8s.join(', ')}); --platform ${a.platform} writes no Kubernetes manifests.`,
    }
  }
  const registry = byId(REGISTRY_CHOICES, a.registry)
  const platform = byId(PLATFORM_CHOICES, a.platform)
  if (registry.cloud && platform.cloud && registry.cloud !== platform.cloud) {
    const own = REGISTRY_CHOICES.filter((r) => r.cloud === null || r.cloud === platform.cloud).map((r) => r.id)
    return {
      field: 'registry',
      message: `--registry ${a.registry} (${registry.label}) cannot be used with --platform ${a.platform}: the cluster pulls through its own cloud identity. Valid registries for ${a.platform}: ${own.join(', ')}.`,
    }
  }
  return undefined
}

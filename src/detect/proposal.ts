import { fieldSpec, type AnswerKey, type RawAnswers } from '../answers.js'
import type { Detection, DetectedService, Finding } from './types.js'

/** A value detection could not settle: the wizard asks for it, a run without questions stops. */
export interface Uncertain {
  field: AnswerKey
  flag: string
  /** What was found (or not), for the question or the error. */
  why: string
}

export interface Proposal {
  answers: RawAnswers
  uncertain: Uncertain[]
}

const FIELDS_FROM_DETECTION = ['language', 'framework', 'packageManager', 'languageVersion', 'port', 'database', 'cache'] as const

const findingOf = (s: DetectedService, key: (typeof FIELDS_FROM_DETECTION)[number]): Finding<unknown> | undefined =>
  ({ language: s.language, framework: s.framework, packageManager: s.packageManager, languageVersion: s.languageVersion, port: s.port, database: s.database, cache: s.cache })[key]

/**
 * The answers a detected service suggests. High- and medium-confidence values are proposed;
 * low-confidence and missing ones are listed as uncertain with the flag that settles them.
 * The language version alone may be missing: the tool's default is a supported release.
 */
export function proposeAnswers(s: DetectedService, d?: Pick<Detection, 'ci'>): Proposal {
  const answers: RawAnswers = { name: s.name.value }
  const uncertain: Uncertain[] = []
  for (const key of FIELDS_FROM_DETECTION) {
    const f = findingOf(s, key)
    const flag = `--${fieldSpec(key).flag}`
    if (f === undefined) {
      if (key !== 'languageVersion') uncertain.push({ field: key, flag, why: `no ${fieldSpec(key).message.toLowerCase()} found` })
      continue
    }
    if (key === 'port' && f.value === null) {
      uncertain.push({ field: 'port', flag, why: `the app reads its port from ${s.port?.env ?? 'an environment variable'} with no default (${f.evidence[0]?.file}); the containers set ${s.port?.env ?? 'PORT'} to the port you choose` })
      continue
    }
    if (f.confidence === 'low') {
      const ev = f.evidence.map((e) => `${e.file}: ${e.reason}`).join('; ')
      uncertain.push({ field: key, flag, why: `${String(f.value)} is a guess (${ev})` })
      // Still proposed: the wizard offers it as the initial choice.
    }
    answers[key] = f.value
  }
  if (d?.ci && d.ci.confidence !== 'low') answers.ci = d.ci.value
  return { answers, uncertain }
}

import type { Finding } from '../../types.js'

/**
 * One file's statement of a value every file must agree on (the port, a health path, the
 * image). The value most of the outright statements give is taken as meant; ties go to the
 * earlier statement (the Dockerfile before Compose before the chart), so an edit in one place
 * is reported there.
 */
export interface Claim<T> {
  file: string
  line?: number
  /** Where the value is written, for messages: `EXPOSE`, `containerPort`. */
  what: string
  value: T
  /** States the value outright, so it counts toward the value the others must agree with. */
  votes: boolean
  /** Agrees with the settled value; by default when it is the same. */
  agrees?: (settled: T) => boolean
  /** The claim in words, when `<what> is <value>` does not read well. */
  statement?: string
  /** What to change, when the claim is not simply to be set to the settled value. */
  fix?: (settled: T) => string
}

export interface Disagreement<T> {
  claim: Claim<T>
  settled: T
  /** The claims that state the settled value. */
  backers: Claim<T>[]
}

/** The value most outright claims state, and those claims; undefined when none states one. */
export function settle<T>(claims: readonly Claim<T>[], key: (v: T) => string): { settled: T; backers: Claim<T>[] } | undefined {
  const tally = new Map<string, Claim<T>[]>()
  for (const c of claims) if (c.votes) tally.set(key(c.value), [...(tally.get(key(c.value)) ?? []), c])
  let backers: Claim<T>[] = []
  for (const group of tally.values()) if (group.length > backers.length) backers = group
  return backers[0] ? { settled: backers[0].value, backers } : undefined
}

export function disagreements<T>(claims: readonly Claim<T>[], key: (v: T) => string): Disagreement<T>[] {
  const s = settle(claims, key)
  if (!s) return []
  return claims.filter((c) => !(c.agrees ? c.agrees(s.settled) : key(c.value) === key(s.settled))).map((claim) => ({ claim, ...s }))
}

/** `containerPort in deploy/helm/api/values.yaml:72 and 3 other places` */
export function whereStated<T>(backers: readonly Claim<T>[]): string {
  const [first, ...rest] = backers
  if (!first) return 'the other files'
  const at = `${first.what} in ${first.file}${first.line ? `:${first.line}` : ''}`
  return rest.length ? `${at} and ${rest.length} other place${rest.length > 1 ? 's' : ''}` : at
}

/** A finding on a claim that disagrees: `<what> is <value>, but <where> say <settled>`. */
export function disagreementFinding<T>(rule: string, d: Disagreement<T>, show: (v: T) => string, hint: string): Finding {
  const says = d.backers.length > 1 ? 'say' : 'says'
  return {
    rule,
    severity: 'error',
    file: d.claim.file,
    ...(d.claim.line ? { line: d.claim.line } : {}),
    message: `${d.claim.statement ?? `${d.claim.what} is ${show(d.claim.value)}`}, but ${whereStated(d.backers)} ${says} ${show(d.settled)}`,
    hint: d.claim.fix?.(d.settled) ?? hint,
  }
}

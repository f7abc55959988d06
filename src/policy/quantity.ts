/**
 * Kubernetes resource quantities (`100m`, `0.25`, `128Mi`, `2G`, `1e3`), compared exactly: the
 * value is kept as a fraction of big integers, because floats would call `0.1` and `100m` unequal
 * or round a large `Ei` value. Grammar: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export interface Quantity {
  /** The text as written. */
  text: string
  numerator: bigint
  denominator: bigint
}

const DECIMAL_SI: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }
const BINARY_SI: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 }
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE])([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/

/** Parses a quantity; null when the text is not one. Numbers (`cpu: 1` in YAML) are accepted too. */
export function parseQuantity(value: string | number): Quantity | null {
  const text = String(value).trim()
  const m = QUANTITY.exec(text)
  if (!m) return null
  const [, sign, number, exp, expValue, suffix = ''] = m
  const [whole, fraction = ''] = number!.split('.')
  let numerator = BigInt(`${whole || '0'}${fraction}`) * (sign === '-' ? -1n : 1n)
  let denominator = 10n ** BigInt(fraction.length)
  const power10 = exp ? Number(expValue) : (DECIMAL_SI[suffix] ?? 0)
  if (power10 >= 0) numerator *= 10n ** BigInt(power10)
  else denominator *= 10n ** BigInt(-power10)
  if (!exp && suffix in BINARY_SI) numerator *= 1024n ** BigInt(BINARY_SI[suffix]!)
  return { text, numerator, denominator }
}

/** Negative, zero or positive as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const left = a.numerator * b.denominator
  const right = b.numerator * a.denominator
  return left < right ? -1 : left > right ? 1 : 0
}

/** Parses a quantity that must be one (a policy's floor), naming where it came from otherwise. */
export function requireQuantity(value: string | number, where: string): Quantity {
  const q = parseQuantity(value)
  if (!q) throw new Error(`${where}: ${JSON.stringify(value)} is not a Kubernetes quantity (e.g. 250m, 0.5, 256Mi, 1Gi)`)
  return q
}

/**
 * Edit distance between two strings (optimal string alignment: insertions, deletions,
 * substitutions and swaps of two neighbours each count one), case-insensitive.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[s.length]![t.length]!
}

/**
 * The candidate a mistyped input most likely meant (`postgress` → `postgres`, `databse` →
 * `database`), or undefined when none is close: at most a third of the input's length apart
 * (and at least one edit), or the input a prefix of exactly one candidate.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  if (input.length > 100) return undefined
  let best: { c: string; d: number } | undefined
  for (const c of candidates) {
    const d = editDistance(input, c)
    if (!best || d < best.d) best = { c, d }
  }
  if (best && best.d <= Math.max(1, Math.floor(input.length / 3))) return best.c
  const prefixed = input.length >= 2 ? candidates.filter((c) => c.toLowerCase().startsWith(input.toLowerCase())) : []
  return prefixed.length === 1 ? prefixed[0] : undefined
}

/** ` Did you mean "x"?`, or nothing. */
export function didYouMean(input: string, candidates: readonly string[], show: (s: string) => string = (s) => `"${s}"`): string {
  const c = closest(input, candidates)
  return c === undefined ? '' : ` Did you mean ${show(c)}?`
}

/**
 * A unified diff of two texts by lines (longest common subsequence), with `context` lines
 * around each change. Enough to show why a file conflicts; not a patch tool.
 */
export function unifiedDiff(oldText: string, newText: string, labels: { old: string; new: string }, context = 3): string {
  const a = oldText.split('\n')
  const b = newText.split('\n')
  if (a.length * b.length > 4_000_000) return `--- ${labels.old}\n+++ ${labels.new}\n(the files differ; too large to show a diff)\n`
  // lcs[i][j]: length of the common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  }
  type Op = { kind: ' ' | '-' | '+'; line: string; ai: number; bi: number }
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', line: a[i]!, ai: i++, bi: j++ })
    else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', line: a[i]!, ai: i++, bi: j })
    else ops.push({ kind: '+', line: b[j]!, ai: i, bi: j++ })
  }
  const out = [`--- ${labels.old}`, `+++ ${labels.new}`]
  let k = 0
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++
      continue
    }
    const start = Math.max(0, k - context)
    let end = k
    // Extend the hunk while changes are closer than 2*context lines apart.
    for (let gap = 0; end < ops.length; end++) {
      if (ops[end]!.kind === ' ') {
        if (++gap > 2 * context) break
      } else gap = 0
    }
    end = Math.min(ops.length, end - Math.max(0, (ops.slice(k, end).reverse().findIndex((o) => o.kind !== ' ')) - context))
    const hunk = ops.slice(start, end)
    const aLen = hunk.filter((o) => o.kind !== '+').length
    const bLen = hunk.filter((o) => o.kind !== '-').length
    out.push(`@@ -${hunk[0]!.ai + 1},${aLen} +${hunk[0]!.bi + 1},${bLen} @@`)
    for (const o of hunk) out.push(`${o.kind}${o.line}`)
    k = end
  }
  return `${out.join('\n')}\n`
}

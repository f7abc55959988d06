/**
 * A three-way merge by lines, after `git merge-file`: diff the base against each side, keep
 * every change that meets no change of the other side, and mark the rest as conflicts. Used
 * by `update` so that a user's edits to a generated file survive a newer generator's output.
 */

export interface MergeResult {
  text: string
  conflicts: number
  clean: boolean
}

/** Base lines [b0, b1) became side lines [s0, s1). */
interface Hunk {
  b0: number
  b1: number
  s0: number
  s1: number
}

interface Conflict {
  ours: string[]
  theirs: string[]
}

/** Past this many edits the trace (O(D²) memory) stops paying: the rest of the file is one change. */
const MAX_EDITS = 2000

/** Each line keeps its '\n', so a last line without one differs from the same line with one, as in git. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

/** The changes from `a` to `b`: Myers' O(ND) shortest edit script, after trimming the common ends. */
function diff(a: string[], b: string[]): Hunk[] {
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++
  const n = a.length - pre - suf
  const m = b.length - pre - suf
  // v[k + off]: the furthest x reached on diagonal k = x - y; trace[d] keeps diagonals -d..d after d edits.
  const off = n + m + 1
  const v = new Int32Array(2 * off + 1)
  const trace: Int32Array[] = []
  let done = n === 0 && m === 0
  for (let d = 0; !done && d <= Math.min(n + m, MAX_EDITS); d++) {
    for (let k = -d; k <= d && !done; k += 2) {
      let x = k === -d || (k !== d && v[k - 1 + off]! < v[k + 1 + off]!) ? v[k + 1 + off]! : v[k - 1 + off]! + 1
      while (x < n && x - k < m && a[pre + x] === b[pre + x - k]) x++
      v[k + off] = x
      done = x >= n && x - k >= m
    }
    trace.push(v.slice(off - d, off + d + 1))
  }
  // Walk the trace back from the end, collecting the matched lines of every snake.
  const mid: Array<[number, number]> = []
  let x = n
  let y = m
  for (let d = trace.length - 1; done && d > 0; d--) {
    const prev = trace[d - 1]! // diagonal k at index k + d - 1
    const k = x - y
    const fromAbove = k === -d || (k !== d && prev[k + d - 2]! < prev[k + d]!)
    const px = prev[(fromAbove ? k + 1 : k - 1) + d - 1]!
    while (x > (fromAbove ? px : px + 1)) mid.push([pre + --x, pre + --y])
    x = px
    y = fromAbove ? px - k - 1 : px - k + 1
  }
  while (done && x > 0) mid.push([pre + --x, pre + --y])
  const pairs = Array.from({ length: pre }, (_, i): [number, number] => [i, i]).concat(mid.reverse())
  // i = 0 is a sentinel match past both ends, closing the last hunk.
  for (let i = suf; i >= 0; i--) pairs.push([a.length - i, b.length - i])
  const hunks: Hunk[] = []
  for (let i = 0, j = 0, h = 0; h < pairs.length; h++) {
    const [pi, pj] = pairs[h]!
    if (pi > i || pj > j) hunks.push({ b0: i, b1: pi, s0: j, s1: pj })
    ;[i, j] = [pi + 1, pj + 1]
  }
  // Like xdiff, push a pure insertion or deletion down as far as equal lines allow, so hunks land where git's do.
  for (const [i, h] of hunks.entries()) {
    const stop = hunks[i + 1]?.s0 ?? b.length
    const slides = () => (h.b0 === h.b1 ? b[h.s0] === b[h.s1] : h.s0 === h.s1 && a[h.b0] === a[h.b1])
    for (; h.s1 < stop && slides(); h.b0++, h.b1++, h.s0++, h.s1++);
  }
  return hunks
}

/** labels name the sides in the markers, e.g. { ours: 'yours', theirs: 'create-containerized-app 1.2.0' } */
export function merge3(base: string, ours: string, theirs: string, labels: { ours: string; theirs: string }): MergeResult {
  if (ours === theirs || theirs === base) return { text: ours, conflicts: 0, clean: true }
  if (ours === base) return { text: theirs, conflicts: 0, clean: true }
  const [b, o, t] = [splitLines(base), splitLines(ours), splitLines(theirs)]
  const [ho, ht] = [diff(b, o), diff(b, t)]
  const out: string[] = []
  let conflicts = 0
  // The last conflict, held open while only lines both sides agree on (`gap`) follow it.
  let open: Conflict | undefined
  let gap: string[] = []
  const keep = (lines: string[]) => (open ? (gap = gap.concat(lines)) : out.push(lines.join('')))
  const flush = () => {
    if (open) out.push(marked(open, labels), gap.join(''))
    ;[open, gap] = [undefined, []]
  }
  const conflict = (c: Conflict) => {
    // git's zealous-alnum merge joins conflicts kept apart only by a few lines or by lines without letters or digits.
    if (open && (gap.length <= 3 || !/[a-z0-9]/i.test(gap.join('')))) {
      ;[open, gap] = [{ ours: [...open.ours, ...gap, ...c.ours], theirs: [...open.theirs, ...gap, ...c.theirs] }, []]
    } else {
      flush()
      ;[open, conflicts] = [c, conflicts + 1]
    }
  }
  let [pos, io, it] = [0, 0, 0]
  // Side line index minus base line index, past the hunks consumed so far.
  let [dO, dT] = [0, 0]
  while (io < ho.length || it < ht.length) {
    const start = Math.min(ho[io]?.b0 ?? Infinity, ht[it]?.b0 ?? Infinity)
    const [o0, t0] = [start + dO, start + dT]
    let end = start
    // Like git, changes that merely touch (no unchanged line between them) join one chunk, so they conflict.
    for (let grew = true; grew; ) {
      grew = false
      for (let h = ho[io]; h && h.b0 <= end; h = ho[++io]) [end, dO, grew] = [Math.max(end, h.b1), h.s1 - h.b1, true]
      for (let h = ht[it]; h && h.b0 <= end; h = ht[++it]) [end, dT, grew] = [Math.max(end, h.b1), h.s1 - h.b1, true]
    }
    keep(b.slice(pos, start))
    pos = end
    const [os, ts] = [o.slice(o0, end + dO), t.slice(t0, end + dT)]
    const [bText, oText, tText] = [b.slice(start, end).join(''), os.join(''), ts.join('')]
    if (oText === tText) keep(os)
    else if (oText === bText || tText === bText) {
      flush()
      out.push(oText === bText ? tText : oText)
    } else {
      // Lines both sides agree on at either end stay outside the markers, as in git's zealous merge.
      let p = 0
      while (p < os.length && p < ts.length && os[p] === ts[p]) p++
      let q = 0
      while (q < os.length - p && q < ts.length - p && os[os.length - 1 - q] === ts[ts.length - 1 - q]) q++
      keep(os.slice(0, p))
      conflict({ ours: os.slice(p, os.length - q), theirs: ts.slice(p, ts.length - q) })
      keep(os.slice(os.length - q))
    }
  }
  keep(b.slice(pos))
  flush()
  return { text: out.join(''), conflicts, clean: conflicts === 0 }
}

/** Markers must start a line, so a side ending without a newline gets one inside the conflict. */
function marked(c: Conflict, labels: { ours: string; theirs: string }): string {
  const block = (lines: string[]) => lines.join('').replace(/([^\n])$/, '$1\n')
  return `<<<<<<< ${labels.ours}\n${block(c.ours)}=======\n${block(c.theirs)}>>>>>>> ${labels.theirs}\n`
}

/** Compose's `${NAME}` interpolation, read without an environment. */

export interface VariableRef {
  name: string
  /** `${NAME:-x}` / `${NAME-x}` (default), `${NAME:?msg}` (required with a message), `${NAME:+x}` (alternative), or plain. */
  form: 'default' | 'required' | 'alternative' | 'plain'
}

/** Stands for a variable with no value written in the file: never equal to a literal. */
export const UNKNOWN = '\u0000'

/**
 * The text with every variable replaced by its written default (or UNKNOWN), and the variables
 * it references. `$$` is a literal `$` and references nothing.
 */
export function interpolate(text: string): { text: string; refs: VariableRef[] } {
  const refs: VariableRef[] = []
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c !== '$') {
      out += c
      i++
      continue
    }
    const next = text[i + 1]
    if (next === '$') {
      out += '$'
      i += 2
      continue
    }
    if (next === '{') {
      const end = closingBrace(text, i + 1)
      if (end === -1) {
        out += text.slice(i)
        break
      }
      const inner = text.slice(i + 2, end)
      const m = /^(\w+)(?:(:?)([-?+])([\s\S]*))?$/.exec(inner)
      if (m) {
        const [, name, , op, rest] = m
        const form = op === '-' ? 'default' : op === '?' ? 'required' : op === '+' ? 'alternative' : 'plain'
        refs.push({ name: name!, form })
        const nested = rest === undefined ? undefined : interpolate(rest)
        if (nested) refs.push(...nested.refs)
        out += form === 'default' ? nested!.text : UNKNOWN
      } else out += UNKNOWN
      i = end + 1
      continue
    }
    const bare = /^\w+/.exec(text.slice(i + 1))
    if (bare && /^[A-Za-z_]/.test(bare[0])) {
      refs.push({ name: bare[0], form: 'plain' })
      out += UNKNOWN
      i += 1 + bare[0].length
      continue
    }
    out += c
    i++
  }
  return { text: out, refs }
}

function closingBrace(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return i
  }
  return -1
}

/** A literal once interpolated: no unknown variable left in it. */
export const isLiteral = (text: string) => !text.includes(UNKNOWN)

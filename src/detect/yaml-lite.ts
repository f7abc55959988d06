/**
 * A reader for the YAML that detection meets (Compose files, Spring's application.yml, Rails'
 * database.yml, an app's config/base.yaml): block maps, block sequences, flow sequences of
 * scalars, quoted scalars and comments. Anchors, tags and multi-line strings are read as far as
 * a detector needs them (a `<<: *x` merge is dropped, a `|` block is skipped). The generator
 * ships no YAML parser at run time; this keeps detection free of one.
 */
export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue }

interface Line {
  indent: number
  text: string
}

/** Strips a comment that is not inside quotes. */
function stripComment(s: string): string {
  let quote: string | undefined
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i)
  }
  return s
}

function scalar(raw: string): YamlValue {
  const s = raw.trim()
  if (/^\[.*\]$/.test(s)) {
    return s
      .slice(1, -1)
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '')
      .map((x) => unquote(x))
  }
  if (/^\{.*\}$/.test(s)) {
    const out: Record<string, YamlValue> = {}
    for (const part of s.slice(1, -1).split(',')) {
      const m = /^\s*([^:]+?)\s*:\s*(.*)$/.exec(part)
      if (m) out[unquote(m[1]!)] = unquote(m[2]!)
    }
    return out
  }
  return unquote(s)
}

function unquote(s: string): string {
  const t = s.trim()
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1)
  return t.replace(/^&\S+\s*/, '')
}

/** A key at the start of a line: `key:` followed by a space or the end. */
const KEY = /^("[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:(?:\s+|$)(.*)$/

function parseBlock(lines: Line[], start: number, indent: number): [YamlValue, number] {
  const first = lines[start]
  if (!first) return ['', start]
  if (first.text.startsWith('- ') || first.text === '-') {
    const list: YamlValue[] = []
    let i = start
    while (i < lines.length && lines[i]!.indent === indent && (lines[i]!.text.startsWith('- ') || lines[i]!.text === '-')) {
      const rest = lines[i]!.text.slice(1).trimStart()
      if (rest === '') {
        const [v, next] = lines[i + 1] && lines[i + 1]!.indent > indent ? parseBlock(lines, i + 1, lines[i + 1]!.indent) : ['', i + 1]
        list.push(v)
        i = next
        continue
      }
      if (KEY.test(rest)) {
        // A map inside a list item: its first key sits after the dash, the others below it.
        const inner = indent + (lines[i]!.text.length - rest.length)
        const sub: Line[] = [{ indent: inner, text: rest }]
        let j = i + 1
        while (j < lines.length && lines[j]!.indent > indent) sub.push(lines[j++]!)
        list.push(parseBlock(sub, 0, inner)[0])
        i = j
        continue
      }
      list.push(scalar(rest))
      i++
    }
    return [list, i]
  }
  const map: Record<string, YamlValue> = {}
  let i = start
  while (i < lines.length && lines[i]!.indent === indent) {
    const m = KEY.exec(lines[i]!.text)
    if (!m) {
      i++
      continue
    }
    const key = unquote(m[1]!)
    const rest = m[2]!.trim()
    i++
    let value: YamlValue = ''
    if (rest === '' || /^&\S+$/.test(rest)) {
      const next = lines[i]
      // A block sequence may sit at the same indent as its key.
      if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- ')))) [value, i] = parseBlock(lines, i, next.indent)
    } else if (/^[|>][-+]?\d*$/.test(rest)) {
      while (i < lines.length && lines[i]!.indent > indent) i++
    } else value = scalar(rest)
    if (key !== '<<') map[key] = value
  }
  return [map, i]
}

/** The document's value, or undefined when the text is empty. Never throws. */
export function parseYaml(text: string): YamlValue | undefined {
  const lines: Line[] = []
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    if (/^(?:---|\.\.\.)\s*$/.test(raw)) {
      if (lines.length) break
      continue
    }
    const body = stripComment(raw).replace(/\s+$/, '')
    if (body.trim() === '') continue
    const indent = body.length - body.trimStart().length
    lines.push({ indent, text: body.trimStart() })
  }
  if (lines.length === 0) return undefined
  try {
    return parseBlock(lines, 0, lines[0]!.indent)[0]
  } catch {
    return undefined
  }
}

/** A map's entry, when the value is a map. */
export function child(v: YamlValue | undefined, key: string): YamlValue | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v[key] : undefined
}

export const isMap = (v: YamlValue | undefined): v is { [key: string]: YamlValue } => v !== undefined && typeof v === 'object' && !Array.isArray(v)

/** Every scalar leaf with its dotted path (`server.port` → `8081`); list items get no index. */
export function leaves(v: YamlValue | undefined, prefix = ''): [string, string][] {
  if (v === undefined) return []
  if (typeof v === 'string') return prefix ? [[prefix, v]] : []
  if (Array.isArray(v)) return v.flatMap((x) => leaves(x, prefix))
  return Object.entries(v).flatMap(([k, x]) => leaves(x, prefix ? `${prefix}.${k}` : k))
}

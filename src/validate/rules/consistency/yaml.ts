import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml'

export type YamlPath = readonly (string | number)[]

/** One YAML document: its plain value, and where its parts are written. */
export interface YamlDoc {
  value: unknown
  /** The node at `path`, to read its tag (Compose's `!reset`). */
  node(path: YamlPath): Node | undefined
  /** The 1-based line of `path`, or of the deepest part of it that exists. */
  line(path: YamlPath): number | undefined
  /** Every string scalar that is a value (not a key), with the line its text starts on. */
  strings(): { text: string; line: number }[]
}

export type Obj = Record<string, unknown>

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
export const asObj = (v: unknown): Obj => (isObj(v) ? v : {})
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
/** A scalar as text (ports and names are written as numbers or strings alike). */
export const asText = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined)

/**
 * Every document of a YAML stream; undefined when the text does not parse, so a rule skips the
 * file (reporting broken YAML is the linters' job). Unknown tags such as Compose's `!reset` are
 * kept as plain values.
 */
export function parseYaml(text: string): YamlDoc[] | undefined {
  const lines = new LineCounter()
  let docs: Document.Parsed[]
  try {
    // Warnings (Compose's own tags) would go to the process's stderr; errors still fail the parse.
    docs = parseAllDocuments(text, { lineCounter: lines, merge: true, uniqueKeys: false, logLevel: 'error' }) as Document.Parsed[]
  } catch {
    return undefined
  }
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined
  const lineAt = (offset: number) => lines.linePos(offset).line
  return docs.map((doc) => {
    const walk = (path: YamlPath): { node: Node | undefined; line: number | undefined } => {
      let node: unknown = doc.contents
      let line = isScalar(node) || isMap(node) || isSeq(node) ? (node.range ? lineAt(node.range[0]) : undefined) : undefined
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key || (isScalar(p.key) && String(p.key.value) === String(key)))
          if (!pair) return { node: undefined, line }
          if (isScalar(pair.key) && pair.key.range) line = lineAt(pair.key.range[0])
          node = pair.value
        } else if (isSeq(node) && typeof key === 'number') {
          node = node.items[key]
          const range = (node as { range?: [number, number, number] } | undefined)?.range
          if (range) line = lineAt(range[0])
        } else return { node: undefined, line }
      }
      return { node: node as Node | undefined, line }
    }
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: -1 })
    } catch {
      value = undefined
    }
    return {
      value,
      node: (path) => walk(path).node,
      line: (path) => walk(path).line,
      strings: () => {
        const out: { text: string; line: number }[] = []
        visit(doc, {
          Scalar(key, node) {
            if (key !== 'key' && typeof node.value === 'string' && node.range) {
              // A block scalar's text starts on the line below its `|` or `>`.
              const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED'
              out.push({ text: node.value, line: lineAt(node.range[0]) + (block ? 1 : 0) })
            }
          },
        })
        return out
      },
    }
  })
}

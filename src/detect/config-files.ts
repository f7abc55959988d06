import { leaves, parseYaml } from './yaml-lite.js'

/**
 * Flat `path → value` pairs of a YAML, TOML or JSON config file, for the few settings detection
 * reads (a port, a database adapter). Values are strings; lists and nesting become dotted paths.
 */
export function configLeaves(file: string, text: string): [string, string][] {
  if (/\.json$/.test(file)) {
    try {
      return jsonLeaves(JSON.parse(text) as unknown, '')
    } catch {
      return []
    }
  }
  if (/\.toml$/.test(file)) return tomlLeaves(text)
  return leaves(parseYaml(text))
}

function jsonLeaves(v: unknown, prefix: string): [string, string][] {
  if (v === null || v === undefined) return []
  if (typeof v !== 'object') return prefix ? [[prefix, String(v)]] : []
  if (Array.isArray(v)) return v.flatMap((x) => jsonLeaves(x, prefix))
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => jsonLeaves(x, prefix ? `${prefix}.${k}` : k))
}

/** TOML's `[table]` headers and `key = value` lines (arrays and inline tables kept as text). */
export function tomlLeaves(text: string): [string, string][] {
  const out: [string, string][] = []
  let table = ''
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim()
    if (line === '' || line.startsWith('#')) continue
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line)
    if (header) {
      table = header[1]!.replace(/["']/g, '')
      continue
    }
    const kv = /^([\w.-]+|"[^"]+")\s*=\s*(.+)$/.exec(line)
    if (!kv) continue
    const key = kv[1]!.replace(/"/g, '')
    const value = kv[2]!.trim().replace(/^(["'])(.*)\1$/, '$2')
    out.push([table ? `${table}.${key}` : key, value])
  }
  return out
}

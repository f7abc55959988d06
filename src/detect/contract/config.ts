import type { AppCode } from './sources.js'

export interface ConfigValue {
  value: string
  file: string
}

/**
 * A YAML mapping flattened to dotted keys (`spring.datasource.url`). Only what config files of
 * this kind use: nested mappings of scalars; lists and anchors are skipped.
 */
export function flattenYaml(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const stack: { indent: number; key: string }[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '')
    if (!line.trim() || /^\s*-/.test(line)) continue
    const m = /^(\s*)(["']?)([\w.$@/-]+)\2\s*:(?:\s+(.*))?$/.exec(line)
    if (!m) continue
    const indent = m[1]!.length
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop()
    const key = stack.length ? `${stack[stack.length - 1]!.key}.${m[3]}` : m[3]!
    const value = m[4]?.trim()
    if (value === undefined || value === '' || value === '|' || value === '>') stack.push({ indent, key })
    else out.set(key, value.replace(/^(["'])(.*)\1$/, '$2'))
  }
  return out
}

/** A TOML file's `key = value` lines under their `[table]`, as dotted keys. */
export function flattenToml(text: string): Map<string, string> {
  const out = new Map<string, string>()
  let table = ''
  for (const line of text.split('\n')) {
    const t = /^\s*\[([\w.-]+)\]\s*$/.exec(line)
    if (t) {
      table = t[1]!
      continue
    }
    const kv = /^\s*([\w-]+)\s*=\s*(.+?)\s*$/.exec(line)
    if (kv) out.set(table ? `${table}.${kv[1]}` : kv[1]!, kv[2]!.replace(/^(["'])(.*)\1$/, '$2'))
  }
  return out
}

/** A JSON (or JSONC) document's scalars, as dotted keys. */
export function flattenJson(text: string): Map<string, string> {
  const out = new Map<string, string>()
  try {
    const walk = (v: unknown, path: string) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k)
      else if (path) out.set(path, String(v))
    }
    walk(JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, s: string | undefined) => s ?? '')), '')
  } catch {
    // not JSON: nothing read
  }
  return out
}

/** A YAML, TOML or JSON config file's scalars as dotted keys, by its extension. */
export function flattenConfig(file: string, text: string): Map<string, string> {
  return /\.ya?ml$/.test(file) ? flattenYaml(text) : file.endsWith('.toml') ? flattenToml(text) : flattenJson(text)
}

/** `key=value` and `key: value` lines of a .properties file. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.replace(/\\\r?\n\s*/g, '').split('\n')) {
    const m = /^\s*([^#!\s=:][^=:\s]*)\s*[=:]\s*(.*?)\s*$/.exec(line)
    if (m) out.set(m[1]!, m[2]!)
  }
  return out
}

/**
 * Spring Boot or Quarkus properties as the app runs them: application.properties/yml (YAML
 * documents bound to a profile left out), then, when given, one profile's file on top.
 * Quarkus `%prod.` keys count as the key itself: the image runs the prod profile.
 */
export function jvmConfig(code: AppCode, profile?: string): Map<string, ConfigValue> {
  const out = new Map<string, ConfigValue>()
  const files = code.config.filter((c) => /^src\/main\/resources\/application\.(?:properties|ya?ml)$/.test(c.file))
  if (profile) files.push(...code.config.filter((c) => new RegExp(`^src/main/resources/application-${profile}\\.(?:properties|ya?ml)$`).test(c.file)))
  for (const { file, text } of files) {
    const maps = file.endsWith('.properties') ? [parseProperties(text)] : text.split(/^---\s*$/m).filter((doc) => !/on-profile:|^\s*profiles:\s*\S/m.test(doc)).map(flattenYaml)
    for (const map of maps) {
      for (const [k, v] of map) {
        const key = k.replace(/^%prod\./, '')
        if (/^%/.test(key)) continue
        out.set(key, { value: v, file })
      }
    }
  }
  return out
}

/** Profiles a Spring app has a file for (`application-postgres.properties` → postgres). */
export function springProfiles(code: AppCode): string[] {
  return code.config.map((c) => /^src\/main\/resources\/application-([\w-]+)\.(?:properties|ya?ml)$/.exec(c.file)?.[1]).filter((p): p is string => !!p)
}

/** `${NAME}` and `${NAME:default}` placeholders in a value. */
export function placeholders(value: string): { name: string; default: string | undefined; whole: boolean }[] {
  const out: { name: string; default: string | undefined; whole: boolean }[] = []
  for (const m of value.matchAll(/\$\{([A-Za-z_][\w.-]*)(?::([^}]*))?\}/g)) out.push({ name: m[1]!, default: m[2], whole: m[0] === value.trim() })
  return out
}

import { parse } from 'yaml'
import { CONTROL } from './text.js'

// Words some YAML reader takes for a boolean or null, in any case: YAML 1.1 (Helm and Kubernetes'
// sigs.k8s.io/yaml, PyYAML) reads y, yes, on, off...; 1.2's core schema keeps true, false and null.
// The parsers below know the standard spellings; mixed case (`yEs`) is quoted too, to be safe
// with readers that are laxer than the standard.
const SPECIAL_WORDS = /^(?:y|yes|n|no|true|false|on|off|null|~)$/i
// YAML 1.1's merge key and value key: read as special keys by some 1.1 parsers.
const SPECIAL_KEYS = new Set(['<<', '='])

const cache = new Map<string, boolean>()

/**
 * Names, paths and image-like words that start with a letter other than `e`, `_` or `/` and hold
 * only letters, digits, `_`, `.`, `/` and `-`: once SPECIAL_WORDS has ruled out the booleans and
 * nulls, no YAML 1.1 or 1.2 type claims them (numbers, timestamps, `.inf` and `.nan` start with a
 * digit, a sign or a dot; the `yaml` package's 1.1 float also takes `e5`, so `e` goes the long
 * way), so they skip the two parses, most of a generation's quoting cost.
 */
export const SIMPLE = /^[A-DF-Za-df-z_/][A-Za-z0-9_./-]*$/

/** Whether YAML 1.1 and 1.2 both read `text`, standing alone, as exactly that string. */
function readsBack(text: string): boolean {
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(text, { version, logLevel: 'silent', uniqueKeys: false }) !== text) return false
    } catch {
      return false
    }
  }
  return true
}

/**
 * Whether a string can stand as a plain (unquoted) YAML scalar, a key or a value in block
 * context, and be read back as the same string by YAML 1.1 and 1.2 readers alike. The `yaml`
 * package decides, in both versions (so `null`, `yes`, `on`, `~`, `1e3`, `0x1f`, `0o17`, `1_000`,
 * `1:20` (1.1's base 60), `2001-12-14` (1.1's timestamp), `a: b`, `a #b`, `[a]`, `&a`, `*a`, `!a`
 * and `'a'` are all quoted); on top of that nothing with a control character, surrounding space
 * or a `#` or `:` that a less careful reader could misplace is left plain; what starts with a
 * digit, sign or dot must hold a letter too.
 */
export function isPlainYamlSafe(value: string): boolean {
  let ok = cache.get(value)
  if (ok === undefined) {
    ok =
      // A digit, sign or dot first is where readers disagree most (1.1's base 60 and
      // timestamps, 1.2's octal, `.5`): such a value stays plain only when it also holds a
      // letter (`512Mi`, `./src`, `--inspect=...`) and the parsers agree; `0.0.0.0` is quoted.
      (/^[A-Za-z$/_]/.test(value) || (/^[0-9.+-]/.test(value) && /[A-Za-z]/.test(value))) &&
      !CONTROL.test(value) &&
      !/^\s|\s$/.test(value) &&
      !SPECIAL_WORDS.test(value) &&
      !SPECIAL_KEYS.has(value) &&
      !/\s#|:\s|:$/.test(value) &&
      (SIMPLE.test(value) || readsBack(value))
    if (cache.size < 10_000) cache.set(value, ok)
  }
  return ok
}

// Characters JSON.stringify leaves raw that YAML (NEL, DEL, C1 are not printable; NEL, LS and PS
// are line breaks in 1.1) or an editor (bidirectional controls) would misread.
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g

/**
 * A JSON string literal with every control character escaped as `\uXXXX`, which is also a valid
 * YAML double-quoted scalar, an HCL string and a Dockerfile exec-form argument: a quoted context
 * escapes what a value holds rather than refusing it.
 */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value)
  return text === undefined ? 'null' : text.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * A string as a YAML scalar: plain when every YAML 1.1 and 1.2 reader reads it back as that
 * string (`my-service`, `postgres://db:5432/app`, `250m`), double-quoted otherwise (`"null"`,
 * `"yes"`, `"1e3"`, `"0x1f"`, `"a: b"`). Usable for keys and values in block context.
 */
export function yamlScalar(value: string): string {
  return isPlainYamlSafe(value) ? value : jsonText(value)
}

/**
 * What `{{yaml x}}` writes: numbers and booleans as themselves (a port stays an integer), every
 * other value as a string scalar, quoted when a YAML reader would take it for something else.
 */
export function yamlTemplateValue(value: unknown): string {
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value)
  return yamlScalar(value === null || value === undefined ? '' : String(value))
}

import { CONTROL } from './text.js'

// Words YAML 1.1 reads as booleans or null (Helm, Kubernetes' sigs.k8s.io/yaml and PyYAML read
// 1.1; YAML 1.2's core schema keeps true, false and null), in any case: `on`, `Yes`, `NULL`.
const SPECIAL_WORDS = /^(?:y|yes|n|no|true|false|on|off|null)$/i

/**
 * Whether a string can stand as a plain (unquoted) YAML scalar and be read back as the same string
 * by YAML 1.1 and 1.2 parsers alike. Deliberately narrow: it starts with a letter, `$` or `/`
 * (so never a number, `.inf`, `~`, a timestamp, an indicator or 1.1's `=` and `<<`), is not a word
 * either version reads as a boolean or null, has no `#` (a comment) and no `: ` or trailing `:`
 * (a mapping), no surrounding space and no control character. Anything else is quoted.
 */
export function isPlainYamlSafe(value: string): boolean {
  return (
    /^[A-Za-z$/]/.test(value) &&
    !SPECIAL_WORDS.test(value) &&
    !value.includes('#') &&
    !/:(?:\s|$)/.test(value) &&
    !/\s$/.test(value) &&
    !CONTROL.test(value)
  )
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
 * A string as a YAML scalar: plain when every YAML 1.1 and 1.2 parser reads it back as that
 * string (`my-service`, `postgres://db:5432/app`), double-quoted otherwise (`"null"`, `"yes"`,
 * `"1e3"`, `"0x1f"`, `"a: b"`). Usable for keys and values in block context.
 */
export function yamlScalar(value: string): string {
  return isPlainYamlSafe(value) ? value : jsonText(value)
}

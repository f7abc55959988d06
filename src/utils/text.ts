/**
 * Characters that change how text is laid out or shown rather than what it says: C0 controls
 * (newline, tab and carriage return included), DEL, C1 controls (NEL is a line break in YAML 1.1),
 * the Unicode line and paragraph separators, the bidirectional overrides and isolates that make a
 * terminal or an editor show text in another order than it is read ("Trojan Source"), and the
 * byte-order mark. None of them belongs in a value that a generated file or a message carries.
 */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/
const CONTROL_ALL = new RegExp(CONTROL.source, 'g')
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** One control character as it is written in JSON (`\n`, `\u001b`): visible, and unambiguous. */
export const escapedControl = (c: string): string => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/** The text with every control character written as its escape. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_ALL, escapedControl)
}

/** The first control character in the text, escaped (`\n`, `\u001b`), or undefined. */
export function controlCharacter(text: string): string | undefined {
  const m = CONTROL.exec(text)
  return m ? escapedControl(m[0]) : undefined
}

/** How many characters of a value a message shows before it is cut. */
export const SHOWN_LENGTH = 80

/**
 * A value as a message quotes it: in double quotes, control characters escaped, and cut after
 * `max` characters with its whole length said, so a 100,000-character value or an ANSI escape
 * never reaches the terminal as it is (`"aaaa…" (100000 characters)`).
 */
export function shown(value: unknown, max = SHOWN_LENGTH): string {
  const text = typeof value === 'string' ? value : value === undefined ? 'undefined' : typeof value === 'object' && value !== null ? safeJson(value) : String(value)
  const chars = [...text]
  const cut = chars.length > max
  const body = escapeControls((cut ? chars.slice(0, max).join('') : text).replace(/["\\]/g, '\\$&'))
  return cut ? `"${body}…" (${chars.length} characters)` : `"${body}"`
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** How long one line of an error message may be before it is cut. */
export const MESSAGE_LINE_LENGTH = 2000

/**
 * A message made safe for a terminal: every control character but the newline between its lines
 * escaped, and each line longer than MESSAGE_LINE_LENGTH cut with its length said. Values the
 * message quotes through `shown` are already safe; this catches any that were not (an error from
 * a library, a path, an unknown flag echoed by the argument parser).
 */
export function safeMessage(message: string): string {
  return message
    .replace(CONTROL_BUT_NEWLINE, escapedControl)
    .split('\n')
    .map((line) => {
      const chars = [...line]
      return chars.length > MESSAGE_LINE_LENGTH ? `${chars.slice(0, MESSAGE_LINE_LENGTH).join('')}… (cut: the line is ${chars.length} characters)` : line
    })
    .join('\n')
}

/**
 * The path to the first string (a value or a key) holding a control character in a JSON-like
 * value, as `answers.name` or `retrofit.app.entry[2]`, with the character escaped; undefined when
 * there is none. Used when a file is read, so the error names the file and the key.
 */
export function controlCharacterPath(value: unknown, path = ''): { path: string; char: string } | undefined {
  const at = (key: string) => (/^[A-Za-z_$][\w$-]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`)
  if (typeof value === 'string') {
    const char = controlCharacter(value)
    return char ? { path: path || '(the value)', char } : undefined
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = controlCharacterPath(value[i], `${path}[${i}]`)
      if (hit) return hit
    }
    return undefined
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const char = controlCharacter(key)
      if (char) return { path: `${path ? `${path} ` : ''}key ${shown(key)}`, char }
      const hit = controlCharacterPath(v, at(key))
      if (hit) return hit
    }
  }
  return undefined
}

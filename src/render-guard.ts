import { CONTROL, controlCharacter, escapeControls, shown } from './utils/text.js'

/**
 * A value that would reach a generated file with a raw newline or another control character.
 * Exit code 2: it is bad input (a config, an answers file, a pack variable, an app's own files),
 * never something to write.
 */
export class UnsafeValueError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnsafeValueError'
  }
}

/**
 * What a value interpolated with `{{x}}` may hold, by the file it lands in. Every `{{x}}` stands
 * on one line of its template, so a line break in the value would start a line of its own (a
 * `RUN` in a Dockerfile, a key in a YAML file, a command in a script): the rules are per file.
 *
 * - Documentation (`*.md`): control characters are written as their escapes (`\n`, `\u001b`),
 *   visible and harmless in prose.
 * - Every other file: the value is refused (UnsafeValueError, naming the file, the template line
 *   and the value); its meaning would change if it were escaped.
 *
 * Quoted contexts never reach either rule: `{{json x}}` and `{{yaml x}}` write `\n` and
 * `\uXXXX` escapes themselves. A template that means to insert several lines uses `{{{x}}}`,
 * which this guard does not see; the built-in templates use none.
 */
export type ValuePolicy = 'escape' | 'refuse'

export const valuePolicy = (output: string): ValuePolicy => (/\.md$/i.test(output) ? 'escape' : 'refuse')

/** The file being rendered: set around each template call (rendering is synchronous). */
let current: { template: string; output: string } | undefined

/** Runs `render` with the guard told which template renders which output file. */
export function guarded<T>(template: string, output: string, render: () => T): T {
  const outer = current
  current = { template, output }
  try {
    return render()
  } finally {
    current = outer
  }
}

/**
 * What `{{x}}` appends: the value as text (nothing for null), checked. `undefined` is a key the
 * context does not have (the guard receives values as a helper argument, where Handlebars'
 * `strict` does not look): a template bug, reported as strict mode would.
 */
export function guardValue(value: unknown, line: number, expression = 'the value'): string {
  if (value === undefined) throw new Error(`"${expression}" not defined (line ${line}; strict mode)`)
  if (value === null) return ''
  const text = String(value)
  if (!CONTROL.test(text)) return text
  const where = current ?? { template: '(a template)', output: '(a file)' }
  if (valuePolicy(where.output) === 'escape') return escapeControls(text)
  throw new UnsafeValueError(
    `${where.output}: the value ${shown(text)} holds the control character ${controlCharacter(text)} and would break line ${line} of templates/${where.template} apart. ` +
      'Values written into generated files are single lines without control characters; fix the value where it is set (the config, answers file, --var or the file of the app it came from).',
  )
}

/** Characters a generated file may hold besides printable text: line feed, tab and the CR of CRLF files. */
const FILE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/

/**
 * The last line of defence, over every file as it will be written: no control character but line
 * feed, tab and carriage return (a leading byte-order mark is the file's own). Values that reach
 * files outside Handlebars (mirror rewrites, names put into copied files, records) are covered too.
 */
export function checkGeneratedText(files: readonly { path: string; content: string }[]): void {
  for (const f of files) {
    const body = f.content.startsWith('\ufeff') ? f.content.slice(1) : f.content
    const m = FILE_CONTROL.exec(body)
    if (!m) continue
    const line = body.slice(0, m.index).split('\n').length
    const text = body.split('\n')[line - 1] ?? ''
    throw new UnsafeValueError(`${f.path}: line ${line} would hold the control character ${controlCharacter(m[0])} (${shown(text)}); generated files hold none. Fix the value where it is set (the config, answers file, --var or the file of the app it came from).`)
  }
}

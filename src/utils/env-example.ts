/**
 * An app's own `.env.example` is the user's documentation of its settings: the generated one is
 * folded into it, never put in its place. Their lines stay as they are, in their order; the
 * variables they lack follow in one marked block, each with the comment that explains it.
 */

export const ADDED_MARK = '# Added by create-containerized-app: variables the container files read that this file lacked.'

/** An active assignment (`NAME=…`, `export NAME=…`); a commented-out line documents, it does not set. */
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/

/** The names a file sets. */
export function envNames(text: string): Set<string> {
  const names = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const m = ASSIGNMENT.exec(line)
    if (m) names.add(m[1]!)
  }
  return names
}

interface Entry {
  name: string
  /** The assignment with the comment lines directly above it. */
  lines: string[]
}

/** Each assignment with its own comment; a header separated by a blank line belongs to none. */
function entries(text: string): Entry[] {
  const out: Entry[] = []
  let comment: string[] = []
  for (const line of text.split(/\r?\n/)) {
    const m = ASSIGNMENT.exec(line)
    if (m) {
      out.push({ name: m[1]!, lines: [...comment, line] })
      comment = []
    } else if (/^\s*#/.test(line)) comment.push(line)
    else comment = []
  }
  return out
}

/**
 * `theirs` with the variables of `ours` it does not set appended in a marked block; `theirs`
 * unchanged (the same string) when it lacks none. A block added by an earlier run sets its
 * variables like any other line, so a re-run adds nothing.
 */
export function extendEnvExample(theirs: string, ours: string): string {
  const have = envNames(theirs)
  const seen = new Set<string>()
  const missing = entries(ours).filter((e) => !have.has(e.name) && !seen.has(e.name) && seen.add(e.name))
  if (missing.length === 0) return theirs
  const eol = theirs.includes('\r\n') ? '\r\n' : '\n'
  const block = [ADDED_MARK, ...missing.flatMap((e) => e.lines)].join(eol) + eol
  if (theirs === '') return block
  const ended = /\n$/.test(theirs) ? theirs : theirs + eol
  return `${ended}${eol}${block}`
}

/**
 * `validate`: rules that need no external tool, each a pure function over the repository's
 * files, and external validators run when the machine has them.
 */
export type Severity = 'error' | 'warning'

export interface Finding {
  /** Stable id, e.g. `port-mismatch`, `dockerfile-root-user`, `policy.labels`. */
  rule: string
  severity: Severity
  /** Path from the repository root. */
  file: string
  /** 1-based, when the rule can point at a line. */
  line?: number
  message: string
  /** What to change, in one sentence. */
  hint: string
}

/** The files a rule reads: path from the root → text. Rules never touch the disk. */
export interface ProjectFiles {
  files: ReadonlyMap<string, string>
  /** Container files that are there but could not be read, each with why (not in `files`). */
  unchecked?: ReadonlyMap<string, string>
}

export interface Rule {
  id: string
  severity: Severity
  /** One line for `validate --rules` and the README. */
  summary: string
  check(project: ProjectFiles): Finding[]
}

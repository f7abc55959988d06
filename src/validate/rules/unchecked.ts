/**
 * A container file validate could not read was not checked: reported, so that padding a
 * Dockerfile past the size bound (or swapping it for a FIFO or a link) never reads as a pass.
 */
import type { Rule } from '../types.js'

export const fileNotChecked: Rule = {
  id: 'file-not-checked',
  severity: 'warning',
  summary: 'A container file that could not be read (a link or special file, over the size bound, binary, not UTF-8) is reported as not checked; --strict fails on it.',
  check: (project) =>
    [...(project.unchecked ?? [])].map(([file, why]) => ({
      rule: 'file-not-checked',
      severity: 'warning' as const,
      file,
      message: `not checked: ${why}`,
      hint: file === '.' ? "Run validate in the folder that holds the app's container files." : 'Make it a regular UTF-8 text file within the bound (Docker, Compose and Helm read it as text), or remove it.',
    })),
}

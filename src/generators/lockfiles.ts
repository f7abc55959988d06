/**
 * Yarn writes `yarn.lock` entries sorted by key and `yarn install --immutable` compares the
 * file byte for byte. The project's own workspace entry is keyed by the project name, so its
 * place depends on the name: the entries are put back in Yarn's order after rendering.
 */
export function sortYarnLock(text: string): string {
  const blocks = text.trimEnd().split(/\n{2,}/)
  const isEntry = (b: string) => b.startsWith('"') || /^[^#\s_][^\n]*:\n/.test(b)
  const head = blocks.filter((b) => !isEntry(b))
  const key = (b: string) => b.slice(0, b.indexOf('\n')).replace(/^"|":?$|:$/g, '')
  const entries = blocks.filter(isEntry).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  return `${[...head, ...entries].join('\n\n')}\n`
}

/** Post-render normalisers a planned file can ask for by name. */
export const FORMATTERS = { 'yarn-lock': sortYarnLock } as const
export type FormatterId = keyof typeof FORMATTERS

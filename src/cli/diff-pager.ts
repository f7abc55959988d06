import { spawn } from 'node:child_process'
import { escapeControls } from '../utils/text.js'

const COLOR: Readonly<Record<string, string>> = { '+': '\u001b[32m', '-': '\u001b[31m', '@': '\u001b[36m' }
const RESET = '\u001b[0m'

/**
 * A diff for a terminal: each line's control characters written as escapes (a file's own ANSI
 * codes never reach the pager raw), then added lines green, removed red, hunk headers cyan.
 */
export function colorDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => {
      const safe = escapeControls(line)
      const color = line.startsWith('+++') || line.startsWith('---') ? undefined : COLOR[line[0] ?? '']
      return color ? `${color}${safe}${RESET}` : safe
    })
    .join('\n')
}

/** The pager command: $PAGER when set (`cat` or an empty value turn paging off), else `less -R`. */
export function pagerCommand(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const pager = env.PAGER
  if (pager === undefined) return 'less -R'
  const trimmed = pager.trim()
  return trimmed === '' || trimmed === 'cat' ? undefined : trimmed
}

/** Runs a shell command with `input` on its stdin and the terminal as its output; resolves to its exit code (null: it did not start). */
export function runPager(command: string, input: string, env: Readonly<Record<string, string | undefined>>): Promise<number | null> {
  // Ctrl-C in the pager is the pager's (less stops a search with it): while it runs, the run's
  // own SIGINT handling (clean up, then exit 130) waits, as git does with its pager.
  const handlers = process.listeners('SIGINT')
  process.removeAllListeners('SIGINT')
  const ignore = () => undefined
  process.on('SIGINT', ignore)
  const restore = () => {
    process.off('SIGINT', ignore)
    for (const h of handlers) process.on('SIGINT', h)
  }
  return new Promise<number | null>((resolve) => {
    // less: quit when it fits on one screen, keep colors, leave the text on the screen.
    const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRX', ...env } })
    child.on('error', () => resolve(null))
    child.on('close', (code) => resolve(code))
    child.stdin.on('error', () => undefined) // the pager quit before reading everything
    child.stdin.end(input)
  }).finally(restore)
}

/**
 * Shows a diff: through the pager (`$PAGER`, else `less -R`) when the output is a terminal,
 * written plainly otherwise or when the pager cannot run (127: no such command).
 */
export async function showDiff(
  diff: string,
  opts: { tty: boolean; env: Readonly<Record<string, string | undefined>>; write: (text: string) => void; run?: typeof runPager },
): Promise<'paged' | 'plain'> {
  const command = opts.tty ? pagerCommand(opts.env) : undefined
  if (command !== undefined) {
    const code = await (opts.run ?? runPager)(command, `${colorDiff(diff)}\n`, opts.env)
    if (code !== null && code !== 127 && code !== 126) return 'paged'
  }
  opts.write(diff)
  return 'plain'
}

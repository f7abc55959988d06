import { rmSync } from 'node:fs'

/**
 * Temporary files and folders the run made outside the target (a preset fetched with
 * `npm pack`): removed when the work that needed them ends, and on any exit before that,
 * a signal included. Inside the target there is nothing to remove on a signal: a commit is
 * synchronous, so a handled signal waits until it has finished or rolled back, and what
 * SIGKILL leaves (`*.cca-tmp`) is swept by the next run.
 */
const pending = new Set<string>()

/** Registers a temporary path; the returned function removes it now and forgets it. */
export function temporary(path: string): () => void {
  pending.add(path)
  return () => {
    pending.delete(path)
    rmSync(path, { recursive: true, force: true })
  }
}

function removeAll(): void {
  for (const path of pending) {
    try {
      rmSync(path, { recursive: true, force: true })
    } catch {
      // Exiting anyway: nothing else can be done about it.
    }
  }
  pending.clear()
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
let installed = false

/**
 * For the CLI's process only (never in a library caller's): on SIGINT, SIGTERM or SIGHUP the
 * temporary paths are removed and the signal is raised again with the default action, so the
 * exit status still says which signal stopped the run (130, 143, 129).
 */
export function cleanUpOnExit(): void {
  if (installed) return
  installed = true
  process.on('exit', removeAll)
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      removeAll()
      for (const s of SIGNALS) process.removeAllListeners(s)
      process.kill(process.pid, signal)
    })
  }
}

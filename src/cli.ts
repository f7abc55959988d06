import { cleanUpOnExit } from './disk/cleanup.js'
import { main } from './index.js'

/** Entry point of the published bin: wires the real process into main(). */
export async function run(): Promise<void> {
  // A signal waits for a commit in progress and removes the run's temporary folders.
  cleanUpOnExit()
  process.exitCode = await main({
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    tty: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  })
}

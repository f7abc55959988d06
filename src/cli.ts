import type { Io } from './index.js'

// Set by scripts/build.mjs: the version, and the self-contained bundle that answers --help.
declare const __CCA_VERSION__: string | undefined
declare const __CCA_HELP_BUNDLE__: string | undefined

/**
 * Entry point of the published bin: wires the real process into main(). It loads only what
 * the command needs: `--version` nothing more, `--help` the field table and the config
 * (help.ts, bundled on its own: one file to load), anything else the CLI (index.ts), which
 * loads each command's own module.
 */
export async function run(): Promise<void> {
  const io: Io = {
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    tty: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  }
  // The lone flags answer without the CLI; main() gives the same answers to the same argv.
  const only = io.argv.length === 1 ? io.argv[0] : undefined
  if (only === '--version' || only === '-v') {
    io.stdout.write(`${typeof __CCA_VERSION__ === 'string' ? __CCA_VERSION__ : (await import('./version.js')).TOOL.version}\n`)
    return
  }
  if (only === '--help' || only === '-h') {
    const help: typeof import('./help.js') = typeof __CCA_HELP_BUNDLE__ === 'string' ? await import(new URL(__CCA_HELP_BUNDLE__, import.meta.url).href) : await import('./help.js')
    // The help bundle has its own copy of the cleanup registry (a preset fetched for its pack
    // variables is registered there), so its own handlers are the ones to install.
    help.cleanUpOnExit()
    io.stdout.write(`${help.usage(io, help.parseCliArgs(io.argv))}\n`)
    return
  }
  const [{ main }, { cleanUpOnExit }] = await Promise.all([import('./index.js'), import('./disk/cleanup.js')])
  // A signal waits for a commit in progress and removes the run's temporary folders.
  cleanUpOnExit()
  process.exitCode = await main(io)
}

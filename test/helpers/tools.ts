import { execFileSync } from 'node:child_process'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where scripts/install-tools.sh puts the validators (kept outside the clone, reused). */
export const TOOLS_HOME =
  process.env.CCA_TOOLS_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-containerized-app', 'tools')
export const TOOLS_BIN = join(TOOLS_HOME, 'bin')

/** PATH with the installed validators first. */
export function toolsEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH ?? ''}`, ...extra }
}

/** Absolute path of a validator; throws a clear error (never skips) when it is missing. */
export function requireTool(name: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { env: toolsEnv(), encoding: 'utf8' }).trim()
  } catch {
    throw new Error(`validator "${name}" is not installed. Run: bash scripts/install-tools.sh (npm test does this first).`)
  }
}

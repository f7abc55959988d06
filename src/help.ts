import { resolve } from 'node:path'
import { commandHelpText, type CliArgs } from './cli/args.js'
export { parseCliArgs } from './cli/args.js'
export { cleanUpOnExit } from './disk/cleanup.js'
import { loadOrg, type Org } from './cli/org.js'
import type { Io } from './index.js'
import { declaredVariables } from './packs/apply.js'

/**
 * `--help` (or `<command> --help`, `help <command>`): the command's options, then the variables
 * of the packs that apply here (validate reads no packs). Its own module (and
 * its own bundle, dist/help.js) so that `--help` loads the field table and the config, not the
 * generator (src/cli.ts).
 */
export function usage(io: Io, args: CliArgs): string {
  return commandHelpText(args.command) + (args.command === 'validate' ? '' : packVariablesHelp(io, args))
}

/**
 * The variables of the packs that apply here, as flags: packs extend the tool, so their
 * settings belong in --help. A config that cannot be read is left to the run to report.
 */
export function packVariablesHelp(io: Io, args: CliArgs): string {
  let org: Org
  try {
    org = loadOrg(resolve(io.cwd, args.cwd ?? '.'), { ...args, cwd: io.cwd }, io.env)
  } catch {
    return ''
  }
  const rows = [...declaredVariables(org.packs)].map(([name, { spec, pack }]) => {
    const value = spec.type === 'choice' ? spec.choices!.join(' | ') : spec.type
    const fallback = spec.default !== undefined ? ` (default ${String(spec.default)})` : org.config.variables[name] ? ` (set in ${org.config.variables[name]!.source})` : ' (required)'
    return `  --var ${name}=<${value}>`.padEnd(34) + `${spec.description}${fallback}; pack ${pack}`
  })
  return rows.length ? `\nTemplate pack variables here:\n${rows.join('\n')}\n` : ''
}

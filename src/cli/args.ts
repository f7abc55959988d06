import { parseArgs } from 'node:util'
import { AnswerError, AnswerErrors, FIELDS, validateGiven, type RawAnswers } from '../answers.js'
import type { Choice } from '../options.js'
import { LANGUAGE_CHOICES } from '../registry/languages/index.js'
import { versionRangeText } from '../registry/languages/version-ranges.js'
import { closest } from '../utils/suggest.js'
import { shown } from '../utils/text.js'

/** Wrong flags or arguments. Exit code 2, like other bad input. Several problems: one line each. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Each problem on its own, when there are several. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

export const COMMANDS = ['create', 'update', 'check', 'validate'] as const
export type Command = (typeof COMMANDS)[number]

export interface CliArgs {
  /** `create` (the default), or `update` / `check` / `validate` as the first word. */
  command: Command
  /** `help [command]` as the first word(s): the help of that command, nothing else runs. */
  helpCommand?: boolean
  dir: string | undefined
  answers: RawAnswers
  answersFile: string | undefined
  yes: boolean
  dryRun: boolean
  json: boolean
  force: boolean
  skipExisting: boolean
  /** What to do with files that exist with other content; undefined: ask, or stop without a terminal. */
  onConflict: OnConflict | undefined
  /** The folder to run in (default: the current one). */
  cwd: string | undefined
  /** Monorepos: the service folders to containerize. */
  services: string[]
  git: boolean
  /** Presets (paths or npm specs), applied before the config files. */
  presets: string[]
  /** Template packs given on the command line, after the config's. */
  packs: string[]
  /** `--var name=value`: values for the packs' variables. */
  vars: Record<string, string>
  /** Ignore containerized.config.* files and the user's config. */
  noConfig: boolean
  /** validate: warnings count as errors. */
  strict: boolean
  /** validate: built-in rules only, no external validators. */
  noExternal: boolean
  help: boolean
  version: boolean
}

export const ON_CONFLICT = ['abort', 'keep', 'overwrite', 'alongside'] as const
export type OnConflict = (typeof ON_CONFLICT)[number]

const FLAGS = {
  yes: { type: 'boolean', short: 'y' },
  cwd: { type: 'string' },
  service: { type: 'string', multiple: true },
  'on-conflict': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  'skip-existing': { type: 'boolean' },
  answers: { type: 'string' },
  git: { type: 'boolean' },
  preset: { type: 'string', multiple: true },
  pack: { type: 'string', multiple: true },
  var: { type: 'string', multiple: true },
  'no-config': { type: 'boolean' },
  strict: { type: 'boolean' },
  'no-external': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

const ANSWER_FLAGS = Object.fromEntries(FIELDS.map((f) => [f.flag, { type: 'string' as const }]))
const ALL_FLAGS = { ...ANSWER_FLAGS, ...FLAGS }
const SHORT = new Map(Object.entries(FLAGS).flatMap(([name, o]) => ('short' in o ? [[o.short as string, name] as const] : [])))

/**
 * The flags on the command line that no command knows, each with the one it most likely meant,
 * and argv without them (a value that follows one is taken as its value). node:util stops at the
 * first; every one is named here.
 */
function unknownFlags(argv: readonly string[]): { problems: string[]; rest: string[] } {
  const problems: string[] = []
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      rest.push(...argv.slice(i))
      break
    }
    const long = /^--([^=]+)(=.*)?$/s.exec(arg)
    const short = /^-([^-].*)$/s.exec(arg)
    const known = long ? long[1]! in ALL_FLAGS : short ? [...short[1]!].every((c) => SHORT.has(c)) : true
    if (known) {
      rest.push(arg)
      // A string flag's value is the next argument, whatever it looks like (`--name -x` is refused by the parser, with its own message).
      const option = long ? (ALL_FLAGS as Record<string, { type: string }>)[long[1]!] : undefined
      if (option?.type === 'string' && !long![2] && i + 1 < argv.length) rest.push(argv[++i]!)
      continue
    }
    const meant = long ? closest(long[1]!, Object.keys(ALL_FLAGS)) : undefined
    // Quoted as node:util quotes it (the message is escaped on its way out).
    problems.push(`Unknown option '${arg.split('=')[0]!.slice(0, 80)}'.${meant ? ` Did you mean --${meant}?` : ''} See --help.`)
    // `--databse postgres`: its value is not a target directory.
    if (long && !long[2] && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) i++
  }
  return { problems, rest }
}

/** Parses argv (without node and the script). Throws UsageError on anything unknown. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  // `help [command] ...`: nothing but the help; the rest of the line is not a run.
  if (argv[0] === 'help') {
    // The first word that is not a flag or a flag's value (`help --cwd app update`).
    const words = argv.slice(1).filter((a, i, all) => !a.startsWith('-') && !(i > 0 && /^--[^=]+$/.test(all[i - 1]!) && (ALL_FLAGS as Record<string, { type: string }>)[all[i - 1]!.slice(2)]?.type === 'string'))
    const topic = words[0]
    if (topic !== undefined && !(COMMANDS as readonly string[]).includes(topic)) {
      const meant = closest(topic, COMMANDS)
      throw new UsageError(`help: no command ${shown(topic)}.${meant ? ` Did you mean \`help ${meant}\`?` : ''} Commands: ${COMMANDS.join(', ')}.`)
    }
    return { ...EMPTY, command: (topic as Command | undefined) ?? 'create', help: true, helpCommand: true }
  }
  const unknown = unknownFlags(argv)
  if (unknown.problems.length) {
    // The answers' values are checked too, so that one run names every mistake. Those that
    // follow the language wait: the folder may hold an app in another one.
    const problems = [...unknown.problems]
    try {
      const partial = parseArgs({ args: unknown.rest, options: ALL_FLAGS, allowPositionals: true, strict: false })
      const answers: RawAnswers = {}
      for (const f of FIELDS) if (typeof partial.values[f.flag] === 'string') answers[f.key] = partial.values[f.flag]
      validateGiven(answers, {}, { languageUnknown: true })
    } catch (err) {
      if (err instanceof AnswerErrors) problems.push(...err.errors.map((e) => e.message))
      else if (err instanceof AnswerError) problems.push(err.message)
    }
    throw new UsageError(problems.join('\n'), problems)
  }
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: ALL_FLAGS, allowPositionals: true, strict: true, tokens: true })
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify a positional argument.*$/s, '.')} See --help.`)
  }
  const { values } = parsed
  let positionals = parsed.positionals
  const command: Command = (COMMANDS as readonly string[]).includes(positionals[0] ?? '') ? (positionals[0] as Command) : 'create'
  if (command !== 'create') positionals = positionals.slice(1)
  // `update --help`: that command's help, whatever else the line says.
  if (values.help) {
    const list = (v: unknown) => (v as string[] | undefined) ?? []
    return { ...EMPTY, command, help: true, cwd: values.cwd as string | undefined, presets: list(values.preset), packs: list(values.pack), noConfig: Boolean(values['no-config']) }
  }
  const given = checkRepeats(parsed.tokens)
  checkCommandFlags(command, given)
  if (positionals.length > 1) throw new UsageError(`Expected at most one target directory, got: ${positionals.map((x) => shown(x)).join(' ')}. See --help.`)
  if (values.force && values['skip-existing']) throw new UsageError('--force and --skip-existing cannot be used together.')
  const onConflictRaw = values['on-conflict'] as string | undefined
  const onConflictId = onConflictRaw === undefined ? undefined : ON_CONFLICT.find((c) => c === onConflictRaw.toLowerCase())
  if (onConflictRaw !== undefined && onConflictId === undefined) {
    const meant = closest(onConflictRaw, ON_CONFLICT)
    throw new UsageError(`--on-conflict ${shown(onConflictRaw)} is not a valid choice.${meant ? ` Did you mean "${meant}"?` : ''} Valid choices: ${ON_CONFLICT.join(', ')}.`)
  }
  if (onConflictRaw !== undefined && (values.force || values['skip-existing'])) {
    throw new UsageError('--on-conflict cannot be combined with --force or --skip-existing (they are its shorthands).')
  }
  const onConflict: OnConflict | undefined = onConflictId ?? (values.force ? 'overwrite' : values['skip-existing'] ? 'keep' : undefined)
  const answers: RawAnswers = {}
  for (const f of FIELDS) {
    const v = (values as Record<string, unknown>)[f.flag]
    // Choice ids are lower case: `--cache Redis` is redis from here on.
    if (v !== undefined) answers[f.key] = f.choices && typeof v === 'string' ? v.toLowerCase() : v
  }
  const vars: Record<string, string> = {}
  for (const v of (values.var as string[] | undefined) ?? []) {
    const eq = v.indexOf('=')
    if (eq < 1) throw new UsageError(`--var ${shown(v)} must be name=value, e.g. --var team=payments.`)
    const name = v.slice(0, eq)
    const value = v.slice(eq + 1)
    if (name in vars && vars[name] !== value) throw new UsageError(`--var ${name} is given twice with different values (${shown(vars[name])} and ${shown(value)}); give it once.`)
    vars[name] = value
  }
  return {
    command,
    dir: positionals[0],
    answers,
    answersFile: values.answers as string | undefined,
    yes: Boolean(values.yes),
    dryRun: Boolean(values['dry-run']),
    json: Boolean(values.json),
    force: Boolean(values.force),
    skipExisting: Boolean(values['skip-existing']),
    onConflict,
    cwd: values.cwd as string | undefined,
    services: (values.service as string[] | undefined) ?? [],
    git: Boolean(values.git),
    presets: (values.preset as string[] | undefined) ?? [],
    packs: (values.pack as string[] | undefined) ?? [],
    vars,
    noConfig: Boolean(values['no-config']),
    strict: Boolean(values.strict),
    noExternal: Boolean(values['no-external']),
    help: Boolean(values.help),
    version: Boolean(values.version),
  }
}

/** The arguments of a run that only shows help. */
const EMPTY: CliArgs = {
  command: 'create',
  dir: undefined,
  answers: {},
  answersFile: undefined,
  yes: false,
  dryRun: false,
  json: false,
  force: false,
  skipExisting: false,
  onConflict: undefined,
  cwd: undefined,
  services: [],
  git: false,
  presets: [],
  packs: [],
  vars: {},
  noConfig: false,
  strict: false,
  noExternal: false,
  help: false,
  version: false,
}

/** The flags each command reads; anything else given to it would be silently ignored. */
const COMMAND_FLAGS: Readonly<Record<Command, ReadonlySet<string> | 'all'>> = {
  create: 'all',
  update: new Set(['yes', 'cwd', 'dry-run', 'json', 'preset', 'pack', 'var', 'no-config', 'help', 'version', ...FIELDS.map((f) => f.flag)]),
  check: new Set(['yes', 'cwd', 'json', 'preset', 'pack', 'var', 'no-config', 'help', 'version', ...FIELDS.map((f) => f.flag)]),
  validate: new Set(['yes', 'cwd', 'json', 'strict', 'no-external', 'preset', 'no-config', 'help', 'version']),
}
/** Flags only `validate` reads. */
const VALIDATE_ONLY = new Set(['strict', 'no-external'])

/**
 * The flags on the command line, each once. The same flag twice with one value is harmless; with
 * two different values one of them would be dropped without a word, so it is an error. Flags that
 * take a list (`--service`, `--preset`, `--pack`, `--var`) repeat by design.
 */
function checkRepeats(tokens: readonly ArgToken[] | undefined): Set<string> {
  const seen = new Map<string, { value: string | undefined; raw: string }>()
  for (const t of tokens ?? []) {
    if (t.kind !== 'option') continue
    const multiple = (FLAGS as Record<string, { multiple?: boolean }>)[t.name]?.multiple === true
    const prev = seen.get(t.name)
    if (prev && !multiple && prev.value !== t.value) {
      throw new UsageError(`--${t.name} is given twice with different values (${shown(prev.value ?? 'true')} and ${shown(t.value ?? 'true')}); give it once.`)
    }
    seen.set(t.name, { value: t.value, raw: t.rawName })
  }
  return new Set(seen.keys())
}

function checkCommandFlags(command: Command, given: ReadonlySet<string>): void {
  const allowed = COMMAND_FLAGS[command]
  for (const name of given) {
    const ok = allowed === 'all' ? !VALIDATE_ONLY.has(name) : allowed.has(name)
    if (!ok) {
      const takers = COMMANDS.filter((c) => (COMMAND_FLAGS[c] === 'all' ? !VALIDATE_ONLY.has(name) : (COMMAND_FLAGS[c] as ReadonlySet<string>).has(name)))
      throw new UsageError(`--${name} does not apply to ${command === 'create' ? 'creating a project' : `\`${command}\``}; it is for ${takers.map((c) => (c === 'create' ? 'creating a project' : `\`${c}\``)).join(', ')}. See --help.`)
    }
  }
}

/** One token of node:util's parseArgs (the typings only export it through the result). */
type ArgToken = { kind: 'option'; name: string; rawName: string; value: string | undefined } | { kind: 'positional' | 'option-terminator' }

function choiceList(choices: readonly Choice[]): string {
  const now = choices.filter((c) => c.available).map((c) => c.id)
  const later = choices.filter((c) => !c.available).map((c) => c.id)
  return now.join(' | ') + (later.length ? `   (not available yet: ${later.join(', ')})` : '')
}

const COMMAND_HELP: Record<Exclude<Command, 'create'>, string> = {
  update: `Usage: create-containerized-app update [dir] [--dry-run] [--json] [answer flags]

Re-renders a generated project from its .containerized/answers.json with this version and the
template packs' current versions, and merges the result into your files (3-way, against what was
generated last time, .containerized/base.json): your edits stay; where you and the new version
changed the same lines the file gets conflict markers and is listed. An answer flag
(--database mysql, say) changes that answer and everything generated from it.

Options:
  [dir]                 The project (default: the current folder)
  --dry-run             Show the diff of every change; write nothing
  --json                A machine-readable summary (with --dry-run: the diffs too)
  -y, --yes             Do not ask before writing
  --cwd <dir>           Run in this folder
  --preset <path|pkg>   An organization's preset; repeatable
  --pack <path|pkg>     A template pack to apply after the config's packs; repeatable
  --var <name=value>    A value for a template pack's variable; repeatable
  --no-config           Ignore containerized.config.* files and the user config
  --<answer> <value>    Any answer flag of create-containerized-app --help

Exit codes: 0 merged cleanly (or nothing to do), 1 conflicts were written or it failed, 2 bad input.

Examples:
  npx create-containerized-app update --dry-run
  npx create-containerized-app update --database mysql
`,
  check: `Usage: create-containerized-app check [dir] [--json]

Writes nothing. Compares a generated project with what this version (and the template packs'
current versions) would generate, and with the organization's policy: the answers, files edited
away from the policy, and conflict markers an update left.

Options:
  [dir]                 The project (default: the current folder)
  --json                A machine-readable report (for CI)
  --cwd <dir>           Run in this folder
  --preset <path|pkg>   An organization's preset; repeatable
  --pack <path|pkg>     A template pack to apply after the config's packs; repeatable
  --var <name=value>    A value for a template pack's variable; repeatable
  --no-config           Ignore containerized.config.* files and the user config
  --<answer> <value>    Check as if the project had this answer

Exit codes: 0 up to date and compliant, 1 a policy violation (or unresolved conflict markers),
2 bad input, 3 compliant but an update is available.

Example:
  npx create-containerized-app check --json
`,
  validate: `Usage: create-containerized-app validate [dir] [--json] [--strict] [--no-external]

Checks a containerized repository, generated or not: the port, health paths, image name, env
names and service names agree across the Dockerfile, Compose, chart and CI; Dockerfile, Compose
and chart rules; the organization policy; then hadolint, docker compose config, helm
lint/template, kubeconform, actionlint, terraform, tflint and checkov/trivy where installed
(each reported as run or not installed).

Options:
  [dir]                 The repository (default: the current folder)
  --json                A machine-readable report
  --strict              Warnings count as errors
  --no-external         The built-in rules only, no external validators
  --cwd <dir>           Run in this folder
  --preset <path|pkg>   An organization's preset (its policy is checked); repeatable
  --no-config           Ignore containerized.config.* files and the user config

Exit codes: 0 clean, 1 an error (or a failed validator), 2 bad input.

Example:
  npx create-containerized-app validate --strict
`,
}

/** The help of one command: `create` (the default) has the full help, the others their own. */
export function commandHelpText(command: Command): string {
  return command === 'create' ? helpText() : COMMAND_HELP[command]
}

/** `--help`, written from the same field table and registries that validate the input. */
export function helpText(): string {
  const node = LANGUAGE_CHOICES.find((l) => l.id === 'node')!
  const rows: [string, string][] = FIELDS.map((f) => {
    const flag = `--${f.flag} <${f.key === 'port' ? 'n' : 'value'}>`
    let text = f.message
    if (f.key === 'framework' || f.key === 'packageManager') {
      text += `; for node: ${choiceList(f.choices!({ language: 'node' }))}`
    } else if (f.key === 'languageVersion') text += `; for node: ${node.versionHint}, ${versionRangeText('node')} (default ${node.defaultVersion})`
    else if (f.key === 'port') text += ' (default: the language default, 3000 for node)'
    else if (f.key === 'name') text += ' (default: the directory name); a DNS-1123 label, at most 53 characters'
    else if (f.key === 'k8sFormat') text += ` (Kubernetes platforms only): ${choiceList(f.choices!({ language: 'node' }))}`
    else if (f.key === 'platform') text += `: ${choiceList(f.choices!({ language: 'node' }))}   (eks, aks, gke: with Terraform)`
    else if (f.choices) text += `: ${choiceList(f.choices({ language: 'node' }))}`
    return [flag, text]
  })
  const opts: [string, string][] = [
    ['-y, --yes', 'Do not ask; use flags, the answers file and defaults'],
    ['--answers <file>', 'Replay the answers of an earlier run (.containerized/answers.json)'],
    ['--dry-run', 'Show the files and what would happen to each; write nothing'],
    ['--json', 'Print a machine-readable summary instead of progress'],
    ['--cwd <dir>', 'Run in this folder; an existing app there is detected and containerized'],
    ['--service <folder>', 'Monorepos: a service folder to containerize (repeat it, or `all`; see --dry-run)'],
    ['--on-conflict <mode>', `Files that exist with other content: ${ON_CONFLICT.join(' | ')} (default: ask; abort without a terminal)`],
    ['--force', 'Same as --on-conflict overwrite'],
    ['--skip-existing', 'Same as --on-conflict keep'],
    ['--git', 'Run `git init` in the target directory if it is not in a repository'],
    ['--preset <path|pkg>', "An organization's preset (a config file, folder, .tgz or npm package); repeatable"],
    ['--pack <path|pkg>', 'A template pack to apply after the config\'s packs; repeatable'],
    ['--var <name=value>', "A value for a template pack's variable; repeatable"],
    ['--no-config', 'Ignore containerized.config.* files and the user config (presets still apply)'],
    ['-h, --help', 'Show this help; `<command> --help` or `help <command>` for a command\'s'],
    ['-v, --version', 'Show the version'],
  ]
  const width = Math.max(...[...rows, ...opts].map(([a]) => a.length)) + 2
  const fmt = (list: [string, string][]) => list.map(([a, b]) => `  ${a.padEnd(width)}${b}`).join('\n')
  return `Usage: create-containerized-app [dir] [options]
       create-containerized-app update [dir] [--dry-run] [--json] [answer flags]
       create-containerized-app check [dir] [--json]
       create-containerized-app validate [dir] [--json] [--strict] [--no-external]

Writes a production-grade container setup for a service: a multi-stage Dockerfile,
.dockerignore, Compose files for dev, test and prod, (for a new service) a starter app with
health endpoints, and for the Kubernetes platforms a Helm chart or Kustomize overlays for dev,
staging and prod. Asks for anything not given as a flag when run in a terminal.

Answers:
${fmt(rows)}

Options:
${fmt(opts)}

Runs without questions when stdin is not a terminal, when CI is set, or with --yes.
Without [dir], an empty current folder becomes the project, named after it; in any other
folder the project goes into a new folder named after --name (default my-service).

In an existing app (the current folder, --cwd or [dir] holding package.json, pyproject.toml,
go.mod, pom.xml, build.gradle, Cargo.toml, a .csproj, Gemfile or composer.json) it detects the
language, framework, package manager, version, port, database and cache, shows the evidence
(--dry-run; --json for machines) and adds only container files: application code is never
written. A value it cannot settle is asked for, or named as a flag to pass.

Existing files are never overwritten without consent: with a conflict and no --on-conflict
the run asks per file (keep, overwrite, write alongside as <file>.generated, or show the
diff), or stops before writing anything when it cannot ask. Your Dockerfile is asked about
first: when ours goes beside it (alongside, or keep when yours has no dev, test and prod
stages), the Compose files and CI build Dockerfile.generated. An app's own .env.example gains
the variables it lacks in a marked block; workflows of yours at our names make ours
container-ci.yml, container-release.yml...; your .github/dependabot.yml is left alone.
Exit codes: 0 done, 1 failed or refused, 2 bad input.

Organizations: containerized.config.json (or .yaml, or "containerized" in package.json) in the
project folder or any folder above it, the user's ~/.config/create-containerized-app/config.json
and --preset files set default answers ("defaults"), lock them ("locked"), set policy ("policy":
allow/forbid lists, base image mirrors, required labels and annotations, minimum resources, the
scan's failing severity) and add template packs ("packs", "variables"). A run that breaks a rule
stops with the rule's name and the file that set it.

update  Re-renders the project from .containerized/answers.json with this version and the
        packs' current versions, and merges into your files (3-way, against what was generated
        last time): your edits stay; overlapping changes get conflict markers and are listed.
        --dry-run shows the diff. Exit 0 merged cleanly, 1 conflicts were written.
check   Reports policy violations and available updates without writing (--json for CI).
        Exit 0 up to date and compliant, 1 a policy violation, 3 an update is available.
validate
        Checks a containerized repository (generated or not): the port, health paths, image
        name, env names and service names agree across the Dockerfile, Compose, chart and CI;
        Dockerfile, Compose and chart rules; the organization policy; then hadolint, docker
        compose config, helm lint/template, kubeconform, actionlint, terraform, tflint and
        checkov/trivy where installed (each reported as run or not installed). --json for
        machines, --strict fails on warnings, --no-external runs the built-in rules only.
        Exit 0 clean, 1 an error (or a failed validator).

Examples:
  npx create-containerized-app orders-api
  npx create-containerized-app orders-api --yes --database postgres --cache redis
  npx create-containerized-app orders-api --yes --platform eks --database postgres --k8s-format helm
  npx create-containerized-app . --answers .containerized/answers.json --dry-run
  npx create-containerized-app --cwd ~/src/billing --dry-run            # what it detects
  npx create-containerized-app --cwd ~/src/shop --service apps/api --yes --on-conflict alongside
  npx create-containerized-app orders-api --yes --preset @acme/containerized-preset --var team=payments
  npx create-containerized-app update --dry-run                          # what a newer version changes
  npx create-containerized-app check --json                              # the CI gate
`
}

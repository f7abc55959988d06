import { parseArgs } from 'node:util'
import { FIELDS, type RawAnswers } from '../answers.js'
import type { Choice } from '../options.js'
import { LANGUAGE_CHOICES } from '../registry/languages/index.js'

/** Wrong flags or arguments. Exit code 2, like other bad input. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface CliArgs {
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
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

/** Parses argv (without node and the script). Throws UsageError on anything unknown. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const answerFlags = Object.fromEntries(FIELDS.map((f) => [f.flag, { type: 'string' as const }]))
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: { ...answerFlags, ...FLAGS }, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify a positional argument.*$/s, '.')} See --help.`)
  }
  const { values, positionals } = parsed
  if (positionals.length > 1) throw new UsageError(`Expected at most one target directory, got: ${positionals.join(' ')}. See --help.`)
  if (values.force && values['skip-existing']) throw new UsageError('--force and --skip-existing cannot be used together.')
  const onConflictRaw = values['on-conflict'] as string | undefined
  if (onConflictRaw !== undefined && !(ON_CONFLICT as readonly string[]).includes(onConflictRaw)) {
    throw new UsageError(`--on-conflict "${onConflictRaw}" is not a valid choice. Valid choices: ${ON_CONFLICT.join(', ')}.`)
  }
  if (onConflictRaw !== undefined && (values.force || values['skip-existing'])) {
    throw new UsageError('--on-conflict cannot be combined with --force or --skip-existing (they are its shorthands).')
  }
  const onConflict: OnConflict | undefined = (onConflictRaw as OnConflict | undefined) ?? (values.force ? 'overwrite' : values['skip-existing'] ? 'keep' : undefined)
  const answers: RawAnswers = {}
  for (const f of FIELDS) {
    const v = (values as Record<string, unknown>)[f.flag]
    if (v !== undefined) answers[f.key] = v
  }
  return {
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
    help: Boolean(values.help),
    version: Boolean(values.version),
  }
}

function choiceList(choices: readonly Choice[]): string {
  const now = choices.filter((c) => c.available).map((c) => c.id)
  const later = choices.filter((c) => !c.available).map((c) => c.id)
  return now.join(' | ') + (later.length ? `   (not available yet: ${later.join(', ')})` : '')
}

/** `--help`, written from the same field table and registries that validate the input. */
export function helpText(): string {
  const node = LANGUAGE_CHOICES.find((l) => l.id === 'node')!
  const rows: [string, string][] = FIELDS.map((f) => {
    const flag = `--${f.flag} <${f.key === 'port' ? 'n' : 'value'}>`
    let text = f.message
    if (f.key === 'framework' || f.key === 'packageManager') {
      text += `; for node: ${choiceList(f.choices!({ language: 'node' }))}`
    } else if (f.key === 'languageVersion') text += `; for node: ${node.versionHint} (default ${node.defaultVersion})`
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
    ['-h, --help', 'Show this help'],
    ['-v, --version', 'Show the version'],
  ]
  const width = Math.max(...[...rows, ...opts].map(([a]) => a.length)) + 2
  const fmt = (list: [string, string][]) => list.map(([a, b]) => `  ${a.padEnd(width)}${b}`).join('\n')
  return `Usage: create-containerized-app [dir] [options]

Writes a production-grade container setup for a service: a multi-stage Dockerfile,
.dockerignore, Compose files for dev, test and prod, (for a new service) a starter app with
health endpoints, and for the Kubernetes platforms a Helm chart or Kustomize overlays for dev,
staging and prod. Asks for anything not given as a flag when run in a terminal.

Answers:
${fmt(rows)}

Options:
${fmt(opts)}

Runs without questions when stdin is not a terminal, when CI is set, or with --yes.

In an existing app (the current folder, --cwd or [dir] holding package.json, pyproject.toml,
go.mod, pom.xml, build.gradle, Cargo.toml, a .csproj, Gemfile or composer.json) it detects the
language, framework, package manager, version, port, database and cache, shows the evidence
(--dry-run; --json for machines) and adds only container files: application code is never
written. A value it cannot settle is asked for, or named as a flag to pass.

Existing files are never overwritten without consent: with a conflict and no --on-conflict
the run asks per file (keep, overwrite, write alongside as <file>.generated, or show the
diff), or stops before writing anything when it cannot ask.
Exit codes: 0 done, 1 failed or refused, 2 bad input.

Examples:
  npx create-containerized-app orders-api
  npx create-containerized-app orders-api --yes --database postgres --cache redis
  npx create-containerized-app orders-api --yes --platform eks --database postgres --k8s-format helm
  npx create-containerized-app . --answers .containerized/answers.json --dry-run
  npx create-containerized-app --cwd ~/src/billing --dry-run            # what it detects
  npx create-containerized-app --cwd ~/src/shop --service apps/api --yes --on-conflict alongside
`
}

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
  git: boolean
  help: boolean
  version: boolean
}

const FLAGS = {
  yes: { type: 'boolean', short: 'y' },
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
    ['--force', 'Overwrite files that exist with different content'],
    ['--skip-existing', 'Keep files that exist with different content'],
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
Existing files are never overwritten without --force; with a conflict and no policy the run
stops before writing anything. Exit codes: 0 done, 1 failed or refused, 2 bad input.

Examples:
  npx create-containerized-app orders-api
  npx create-containerized-app orders-api --yes --database postgres --cache redis
  npx create-containerized-app orders-api --yes --platform eks --database postgres --k8s-format helm
  npx create-containerized-app . --answers .containerized/answers.json --dry-run
`
}

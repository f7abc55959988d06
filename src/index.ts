import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { basename, relative, resolve } from 'node:path'
import * as p from '@clack/prompts'
import { AnswerError, validateAnswers, type Answers, type RawAnswers } from './answers.js'
import { applicableAnswers, parseAnswersFile } from './answers-file.js'
import { helpText, parseCliArgs, UsageError, type CliArgs, type OnConflict } from './cli/args.js'
import { askConflict, PromptCancelled, promptAnswers } from './cli/prompts.js'
import { equivalentCommand, formatReport } from './cli/report.js'
import { looksLikeProject, openQuestions, placeInRepo, prepareRetrofit, uncertainError } from './cli/retrofit.js'
import { formatDetection } from './detect/report.js'
import type { RenderContext } from './context.js'
import { generate } from './generate.js'
import { toProjectName } from './utils/names.js'
import { TOOL } from './version.js'
import { ConflictError, DryRunWriter, FsWriter, statusOf, writeAll, WriteCancelled, type ConflictPolicy } from './write.js'

export interface Io {
  argv: readonly string[]
  cwd: string
  env: Readonly<Record<string, string | undefined>>
  stdout: { write(s: string): unknown }
  stderr: { write(s: string): unknown }
  /** Both stdin and stdout are terminals. */
  tty: boolean
}

export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const

function isCi(env: Io['env']): boolean {
  const v = env.CI
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
}

/** Flags win over the answers file. */
async function collectRaw(args: CliArgs, base: string): Promise<RawAnswers> {
  let raw: RawAnswers = {}
  if (args.answersFile) {
    const path = resolve(base, args.answersFile)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch {
      throw new UsageError(`--answers: cannot read ${args.answersFile}`)
    }
    try {
      raw = parseAnswersFile(text, args.answersFile)
    } catch (err) {
      throw new UsageError(`--answers: ${(err as Error).message}`)
    }
  }
  return { ...raw, ...args.answers }
}

const POLICY: Record<OnConflict, ConflictPolicy> = { abort: 'abort', keep: 'skip', overwrite: 'overwrite', alongside: 'alongside' }

/**
 * The whole run: arguments → (detection) → answers → generate (pure) → write. Returns the exit
 * code and never calls process.exit, so tests drive it in-process.
 */
export async function main(io: Io): Promise<number> {
  const out = (s: string) => io.stdout.write(`${s}\n`)
  const err = (s: string) => io.stderr.write(`${s}\n`)
  let args: CliArgs
  try {
    args = parseCliArgs(io.argv)
  } catch (e) {
    err(`error: ${(e as Error).message}`)
    return EXIT.badInput
  }
  if (args.help) return out(helpText()), EXIT.ok
  if (args.version) return out(TOOL.version), EXIT.ok

  const interactive = io.tty && !args.yes && !isCi(io.env) && !args.json
  try {
    const base = resolve(io.cwd, args.cwd ?? '.')
    if (args.cwd !== undefined && !existsSync(base)) throw new UsageError(`--cwd: ${args.cwd} does not exist`)
    const given = await collectRaw(args, base)
    // Bad flags fail before any question is asked or any file is read.
    validateAnswers(given)
    // An existing app is looked for in the named folder, in --cwd, or in the current folder
    // when it holds a manifest; otherwise this is a new service in a new folder.
    const existingDir = args.dir !== undefined ? resolve(base, args.dir) : args.cwd !== undefined || looksLikeProject(base) ? base : undefined
    const retro = existingDir ? prepareRetrofit(existingDir, { services: args.services }) : undefined
    if (args.services.length > 0 && !retro) throw new UsageError('--service picks a service of an existing repository; none was detected here.')

    let raw: RawAnswers
    if (retro) {
      raw = { ...retro.suggested, ...given }
      const open = openQuestions(retro, given)
      if (open.length > 0 && !interactive) {
        if (args.dryRun) {
          if (args.json) out(JSON.stringify({ dryRun: true, directory: retro.target, detection: retro.detection, service: retro.service?.dir, uncertain: open, files: [] }, null, 2))
          else out(formatDetection(retro.detection, retro.repoRoot))
        }
        throw uncertainError(retro.target, open)
      }
      if (interactive) {
        p.intro(`${TOOL.name} ${TOOL.version}`)
        p.note(formatDetection(retro.detection, retro.repoRoot), retro.fromRecord ? 'Replaying .containerized/answers.json' : 'What is already here')
        const openKeys = new Set(open.map((u) => u.field))
        const known = Object.fromEntries(Object.entries(raw).filter(([k]) => !openKeys.has(k as keyof RawAnswers)))
        raw = await promptAnswers(known, raw, Object.fromEntries(open.map((u) => [u.field, `Not settled by the repository: ${u.why}`])))
      }
    } else {
      raw = { ...given }
      if (raw.name === undefined && args.dir !== undefined) raw.name = toProjectName(basename(resolve(base, args.dir)))
      if (interactive) {
        p.intro(`${TOOL.name} ${TOOL.version}`)
        raw = await promptAnswers(raw)
      }
    }
    const answers = validateAnswers(raw)
    const root = retro ? retro.writeRoot : resolve(base, args.dir ?? answers.name)
    const generated = generate(answers, retro ? { retrofit: retro.retrofit } : {})
    const context = generated.context
    const files = retro ? placeInRepo(generated.files, retro.retrofit.dir) : generated.files

    const policy: ConflictPolicy = args.onConflict ? POLICY[args.onConflict] : interactive ? 'prompt' : 'abort'
    const disk = new FsWriter(root)
    const detectionJson = retro ? { detection: retro.detection, service: retro.retrofit.dir } : {}
    if (args.dryRun) {
      // The dry-run writer reads the real directory but records writes instead of doing them.
      const dry = new DryRunWriter(disk)
      const reports = policy === 'prompt' || policy === 'abort' ? await statusOf(files, dry) : await writeAll(files, dry, policy)
      const conflicts = reports.filter((r) => r.status === 'conflict').length
      if (args.json) out(JSON.stringify({ dryRun: true, directory: root, ...detectionJson, answers: applicableAnswers(answers), files: reports }, null, 2))
      else {
        if (retro) out(`${formatDetection(retro.detection, retro.repoRoot)}\n`)
        out(`Dry run for ${root}: nothing was written. With these flags the run would:`)
        out(formatReport(reports))
        if (conflicts && (policy === 'prompt' || policy === 'abort')) {
          out(`\n${conflicts} conflict(s): the run would ${interactive ? 'ask about each' : 'stop before writing'}; pass --on-conflict keep, alongside or overwrite.`)
        }
      }
      return EXIT.ok
    }

    const spin = interactive ? p.spinner() : undefined
    spin?.start('Writing files')
    const reports = await writeAll(files, disk, policy, async (path, current, proposed) => {
      spin?.stop('Waiting for you')
      const choice = await askConflict(path, current, proposed)
      spin?.start('Writing files')
      return choice
    })
    spin?.stop(`Wrote ${reports.filter((r) => r.action === 'created' || r.action === 'overwritten' || r.action === 'alongside').length} files`)

    if (args.git) await gitInit(root, interactive ? (m) => p.log.info(m) : err)

    if (args.json) {
      out(JSON.stringify({ directory: root, ...detectionJson, answers: applicableAnswers(answers), files: reports }, null, 2))
      return EXIT.ok
    }
    const rel = relative(io.cwd, retro ? retro.target : root) || '.'
    const next = nextSteps(rel, answers, context)
    if (interactive) {
      p.log.message(formatReport(reports))
      p.note(next, 'Next steps')
      p.log.info(`Same run without questions:\n${equivalentCommand(rel, answers)}`)
      p.outro('Done')
    } else {
      out(`${TOOL.name} ${TOOL.version}: ${root}`)
      out(formatReport(reports))
      out(`\nNext steps:\n${next.replace(/^/gm, '  ')}`)
    }
    return EXIT.ok
  } catch (e) {
    if (e instanceof AnswerError || e instanceof UsageError) {
      err(`error: ${e.message}`)
      return EXIT.badInput
    }
    if (e instanceof PromptCancelled || e instanceof WriteCancelled) {
      if (interactive) p.cancel(e.message)
      else err(e.message)
      return EXIT.failed
    }
    if (e instanceof ConflictError) {
      err(`error: ${e.message}`)
      return EXIT.failed
    }
    err(`error: ${(e as Error).message}`)
    return EXIT.failed
  }
}

function nextSteps(rel: string, a: Answers, ctx: RenderContext): string {
  const k8s = ctx.k8s
  return [
    ctx.retrofit
      ? `Your app must answer GET /healthz and /readyz on port ${a.port} (the healthchecks and probes call them); the Dockerfile's header says what else it expects.`
      : ctx.framework.starter !== null
        ? undefined
        : `No starter app for --framework ${a.framework}: add your code; the Dockerfile documents what it expects.`,
    rel === '.' ? undefined : `cd ${rel}`,
    'docker compose up --build --watch',
    `curl http://localhost:${a.port}/readyz`,
    ...(k8s?.format === 'helm'
      ? [
          `helm upgrade --install ${a.name} ${k8s.chartDir} -n ${a.name}-dev --create-namespace -f ${k8s.chartDir}/values-dev.yaml --set image.tag=<tag>`,
          `helm test ${a.name} -n ${a.name}-dev`,
        ]
      : k8s?.format === 'kustomize'
        ? [`kubectl apply -k ${k8s.kustomizeDir}/overlays/dev   (after pushing the image: kustomize edit set image in the base)`]
        : []),
    ctx.terraform ? `Cloud stack: ${ctx.terraform.dir}/README.md (terraform init, plan and apply per environment)` : undefined,
    'See README.containers.md for test and production runs.',
  ]
    .filter(Boolean)
    .join('\n')
}

async function gitInit(root: string, log: (m: string) => void): Promise<void> {
  const { execa } = await import('execa')
  const inside = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, reject: false })
  if (inside.exitCode === 0) return log('Already inside a git repository; left it as it is.')
  await execa('git', ['init', '--quiet'], { cwd: root })
  log('Initialized a git repository.')
}

import { existsSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import * as p from '@clack/prompts'
import { AnswerError, AnswerErrors, consistentBasis, fieldSpec, validateGiven, type AnswerKey, type Answers, type RawAnswers } from './answers.js'
import { ANSWERS_FILE, applicableAnswers, parseAnswersFile, recordedOrg, type OrgRecord } from './answers-file.js'
import { EXIT } from './cli/exit.js'
import { loadOrg, orgRecord, orgVariables, type Org } from './cli/org.js'
import { formatFindings } from './cli/validate.js'
import { isContainerFile, policyFindings, RULES, runRules, sortFindings } from './validate/index.js'
import { ConfigError } from './config/resolve.js'
import { applyConfig, lockedAnswers, PolicyError, restrictChoices, withConfigDefaults } from './config/rules.js'
import { PackError, packRef } from './packs/pack.js'
import type { RenderedFile } from './render.js'
import { baseFor, baseRecordText, BASE_FILE } from './update/base.js'
import { parseCliArgs, UsageError, type CliArgs, type OnConflict } from './cli/args.js'
import { askConflict, PromptCancelled, promptAnswers, promptVariables } from './cli/prompts.js'
import { equivalentCommand, formatReport } from './cli/report.js'
import { fitRepository, theirDependabot, withOwnIgnoreFile, type RepositoryFit } from './cli/fit.js'
import { multiNextSteps, nextSteps, repositoryNotes } from './cli/next-steps.js'
import { formatDetection } from './detect/report.js'
import type { RenderContext, Retrofit } from './context.js'
import type { DetectedService } from './detect/types.js'
import { combineServices, rootComposePath } from './monorepo.js'
import { byId } from './registry/lookup.js'
import { PLATFORM_CHOICES } from './registry/platforms.js'
import { generate } from './generate.js'
import { usage } from './help.js'
import { UnsafeValueError } from './render-guard.js'
import { safeMessage } from './utils/text.js'
import { toProjectName } from './utils/names.js'
import { readNamedFile, readRegularFile } from './utils/read-regular-file.js'
import { TOOL } from './version.js'
import { ConflictError, DryRunWriter, FsWriter, statusOf, writeAll, WriteCancelled, type ConflictPolicy, type FileReport, type Writer } from './write.js'
import { enclosingProject, foreignEntries, isAnswersRecord, nestedProjectError, ownRecord, resolveTarget, TargetRefused } from './cli/target.js'

export interface Io {
  argv: readonly string[]
  cwd: string
  env: Readonly<Record<string, string | undefined>>
  stdout: { write(s: string): unknown }
  stderr: { write(s: string): unknown }
  /** Both stdin and stdout are terminals. */
  tty: boolean
}

export { EXIT }

function isCi(env: Io['env']): boolean {
  const v = env.CI
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
}

/** Flags win over the answers file. The file's presets, packs and variables come along for replay. */
async function collectRaw(args: CliArgs, base: string): Promise<{ raw: RawAnswers; org: OrgRecord | undefined; recordedIn: string | undefined }> {
  let raw: RawAnswers = {}
  let org: OrgRecord | undefined
  let recordedIn: string | undefined
  if (args.answersFile) {
    const path = resolve(base, args.answersFile)
    // Never a plain readFile: a FIFO given as the answers file would block the run for good.
    const read = readRegularFile(path, { followLinks: true })
    if (read.kind !== 'text') throw new UsageError(`--answers: cannot read ${args.answersFile}${read.kind === 'not-read' ? `: ${read.why}` : ': there is no such file'}`)
    const text = read.text
    try {
      raw = parseAnswersFile(text, args.answersFile)
    } catch (err) {
      throw new UsageError(`--answers: ${(err as Error).message}`)
    }
    org = recordedOrg(text)
    // A record's local paths are relative to its project: the folder holding .containerized/.
    recordedIn = basename(dirname(path)) === '.containerized' ? dirname(dirname(path)) : dirname(path)
  }
  return { raw: { ...raw, ...args.answers }, org, recordedIn }
}

/** The organization part of a project's own record, when it has one. */
function ownOrgRecord(dir: string): OrgRecord | undefined {
  const text = readNamedFile(join(dir, ANSWERS_FILE), `${ANSWERS_FILE} in ${dir}`)
  return text === undefined ? undefined : recordedOrg(text)
}

const POLICY: Record<OnConflict, ConflictPolicy> = { abort: 'abort', keep: 'skip', overwrite: 'overwrite', alongside: 'alongside' }

/**
 * The whole run: arguments → (detection) → answers → generate (pure) → write. Returns the exit
 * code and never calls process.exit, so tests drive it in-process.
 */
export async function main(io: Io): Promise<number> {
  const out = (s: string) => io.stdout.write(`${s}\n`)
  // Messages can quote what the user or a file gave: control characters and ANSI escapes are
  // written escaped and huge values cut, whatever the message's author did.
  const err = (s: string) => io.stderr.write(`${safeMessage(s)}\n`)
  let args: CliArgs
  try {
    args = parseCliArgs(io.argv)
  } catch (e) {
    for (const line of problemsOf(e as Error)) err(`error: ${line}`)
    return EXIT.badInput
  }
  if (args.help) return out(usage(io, args)), EXIT.ok
  if (args.version) return out(TOOL.version), EXIT.ok
  const interactive = io.tty && !args.yes && !isCi(io.env) && !args.json
  try {
    // Each command's module is loaded when it runs (scripts/build.mjs splits them out).
    if (args.command === 'update') return await (await import('./cli/update.js')).runUpdate(io, args, interactive)
    if (args.command === 'check') return await (await import('./cli/check.js')).runCheck(io, args)
    if (args.command === 'validate') return await (await import('./cli/validate.js')).runValidate(io, args)
    const base = resolve(io.cwd, args.cwd ?? '.')
    if (args.cwd !== undefined && !existsSync(base)) throw new UsageError(`--cwd: ${args.cwd} does not exist`)
    const { raw: given, org: fileOrg, recordedIn: fileDir } = await collectRaw(args, base)
    const { looksLikeProject, openQuestions, placeInRepo, prepareRetrofit, uncertainError } = await retrofitFlow(args, base)
    // An existing app is looked for in the named folder, in --cwd, or in the current folder
    // when it holds a manifest; otherwise this is a new service in a new folder.
    let existingDir = args.dir !== undefined ? resolve(base, args.dir) : args.cwd !== undefined || args.services.length > 0 || looksLikeProject(base) ? base : undefined
    const note = (m: string) => (interactive ? p.log.warn(m) : err(`note: ${m}`))
    if (existingDir !== undefined && existsSync(existingDir)) {
      const t = resolveTarget(existingDir)
      if (t.note) note(t.note)
      existingDir = t.dir
    }
    // Bad flags fail before any question is asked or any app file is read. In an existing app
    // the answers that follow the language wait for detection to name it.
    validateGiven(given, {}, { languageUnknown: existingDir !== undefined && existsSync(existingDir) })
    if (interactive) p.intro(`${TOOL.name} ${TOOL.version}`)
    const runs = existingDir
      ? await prepareRetrofit(existingDir, {
          services: args.services,
          warn: interactive ? (m) => p.log.warn(m) : (m) => err(`warning: ${m}`),
          ...(interactive ? { choose: chooseServices } : {}),
        })
      : undefined
    if (args.services.length > 0 && !runs) throw new UsageError('--service picks a service of an existing repository; none was detected here.')
    // No app after all (a new service in an existing folder): the default language's choices.
    if (!runs) validateGiven(given)

    // Each folder's organization config (and packs) is read once.
    const orgs = new Map<string, Org>()
    const orgFor = (target: string): Org => {
      let org = orgs.get(target)
      const own = ownOrgRecord(target)
      if (!org) orgs.set(target, (org = loadOrg(target, { ...args, cwd: base }, io.env, own ?? fileOrg, own ? target : (fileDir ?? target))))
      return org
    }
    const recordedVars = (target: string) => ownOrgRecord(target)?.vars ?? fileOrg?.vars ?? {}
    const askVars = interactive ? (org: Org) => (missing: readonly string[]) => promptVariables(org.packs, missing) : undefined
    let plans: { answers: Answers; retrofit?: Retrofit; target: string; org: Org; vars: Record<string, unknown> }[]
    /** The name a run without --name would take (the folder's, or detection's): the equivalent command leaves it out. */
    let impliedName: unknown
    /** The user agreed in the terminal to write into a folder with other files in it. */
    let consented = false
    let root: string
    if (runs) {
      const first = runs[0]!
      if (runs.length > 1) {
        // Flags that describe one app cannot describe several.
        const own = PER_SERVICE.filter((k) => given[k] !== undefined)
        if (own.length) throw new UsageError(`${own.map((k) => `--${fieldSpec(k).flag}`).join(', ')}: ${own.length > 1 ? 'these describe' : 'this describes'} one app; with several services, run once per service (--service <folder>) to set ${own.length > 1 ? 'them' : 'it'}.`)
      }
      // The flags held back above, now in the app's language (or the one --language names).
      for (const r of runs) validateGiven(given, r.suggested)
      // What detection could not settle about the app's language is moot when --language names another one.
      const moot = (r: (typeof runs)[number]) => (k: AnswerKey) => given.language !== undefined && given.language !== r.suggested.language && BY_LANGUAGE.has(k)
      const open = runs.map((r) => ({ r, open: openQuestions(r, given).filter((u) => !moot(r)(u.field)) }))
      if (open.some((o) => o.open.length) && !interactive) {
        if (args.dryRun) {
          if (args.json) out(JSON.stringify({ dryRun: true, directory: first.writeRoot, detection: first.detection, services: open.map((o) => ({ dir: o.r.retrofit.dir, uncertain: o.open })), files: [] }, null, 2))
          else out(formatDetection(first.detection, first.repoRoot))
        }
        throw open.filter((o) => o.open.length).map((o) => uncertainError(o.r.target, o.open)).reduce((a, b) => new UsageError(`${a.message}\n${b.message}`))
      }
      if (interactive) p.note(formatDetection(first.detection, first.repoRoot), first.fromRecord ? 'Replaying .containerized/answers.json' : 'What is already here')
      plans = []
      let shared: RawAnswers = {}
      for (const { r, open: questions } of open) {
        const org = orgFor(r.target)
        let raw: RawAnswers = { ...consistentBasis({ ...r.suggested, ...shared }, given), ...given }
        if (interactive) {
          if (runs.length > 1) p.log.step(`${r.retrofit.dir}`)
          const openKeys = new Set(questions.map((u) => u.field))
          const known = { ...lockedAnswers(org.config), ...Object.fromEntries(Object.entries(raw).filter(([k]) => !openKeys.has(k as keyof RawAnswers))) }
          const notes = Object.fromEntries(questions.map((u) => [u.field, `Not settled by the repository: ${u.why}`]))
          raw = await promptAnswers(known, withConfigDefaults(org.config, raw), notes, (key, choices) => restrictChoices(org.config, key, choices))
        }
        const answers = applyConfig(org.config, raw)
        const vars = await orgVariables(org, recordedVars(r.target), args.vars, askVars?.(org))
        if (runs.length > 1 && isCloud(answers.platform)) {
          throw new UsageError(
            `--platform ${answers.platform} with several services: each service would get its own Terraform stack, and so its own cluster. Containerize them for --platform kubernetes (one cluster you provide), or one service per run for ${answers.platform}.`,
          )
        }
        // The deployment choices are the repository's: asked once, the same for every service.
        shared = Object.fromEntries(SHARED.filter((k) => raw[k] !== undefined).map((k) => [k, answers[k]]))
        const retrofit: Retrofit = runs.length > 1 ? { workflowPrefix: answers.name, ...r.retrofit } : r.retrofit
        plans.push({ answers, retrofit, target: r.target, org, vars })
      }
      const names = plans.map((x) => x.answers.name)
      const dup = names.find((n, i) => names.indexOf(n) !== i)
      if (dup) throw new UsageError(`two services are both named "${dup}": run once per service with --service <folder> --name <name> to tell them apart.`)
      root = first.writeRoot
      impliedName = first.suggested.name
    } else {
      // A project this tool generated as a new service, run again: regenerated in place from its
      // record (flags win), as `.` would, never a second project nested inside it.
      const home = existingDir ?? base
      const record = ownRecord(home)
      if (!record) {
        const enclosing = enclosingProject(args.dir !== undefined ? dirname(home) : base)
        if (enclosing && !args.force) throw nestedProjectError(args.dir !== undefined ? home : base, enclosing, io.cwd)
      }
      let raw: RawAnswers = { ...(record ? consistentBasis(record.raw, given) : {}), ...given }
      // Without a directory argument an empty folder (but for .git) is the project, as `.` would
      // be; elsewhere the project goes into a new folder named after --name (default my-service).
      const inPlace = !record && args.dir === undefined && given.name === undefined && foreignEntries(home).length === 0
      if (raw.name === undefined && (args.dir !== undefined || inPlace)) raw.name = toProjectName(basename(inPlace ? home : resolve(base, args.dir!)))
      // A new folder's config is its parents': the folder the run starts in, or the named one's.
      const org = orgFor(resolve(base, args.dir ?? '.'))
      if (interactive) raw = await promptAnswers({ ...lockedAnswers(org.config), ...raw }, withConfigDefaults(org.config, raw), {}, (key, choices) => restrictChoices(org.config, key, choices))
      const answers = applyConfig(org.config, raw)
      const vars = await orgVariables(org, recordedVars(resolve(base, args.dir ?? '.')), args.vars, askVars?.(org))
      const target = resolveTarget(record || inPlace ? home : resolve(base, args.dir ?? answers.name))
      if (target.note) note(target.note)
      root = target.dir
      if (!record) consented = await consentToOccupied(root, args, interactive, io.cwd)
      plans = [{ answers, target: root, org, vars }]
      impliedName = record ? record.raw.name : toProjectName(basename(root))
    }
    const policy: ConflictPolicy = args.onConflict ? POLICY[args.onConflict] : interactive ? 'prompt' : 'abort'
    const disk = new FsWriter(root)
    const render = (x: (typeof plans)[number], retrofit = x.retrofit) =>
      generate(x.answers, { ...(retrofit ? { retrofit } : {}), policy: x.org.config.policy, packs: x.org.packs, vars: x.vars, org: orgRecord(x.org, x.vars) })
    // What the repository already has decides which Dockerfile the rest builds and what our
    // workflows are called: settled (and the Dockerfile asked about) before the final render.
    let fitted: RepositoryFit = { services: [], decided: new Map(), keptTheirs: [] }
    if (runs) {
      fitted = await fitRepository(plans.map((x) => x.retrofit!), (r, i) => placeInRepo(render(plans[i]!, r).files, r.dir), {
        read: (path) => disk.read(path),
        policy,
        ...(interactive && !args.dryRun ? { ask: (path: string, current: string, proposed: string, why?: string) => askConflict(path, current, proposed, why, { tty: io.tty, env: io.env }) } : {}),
      })
      plans = plans.map((x, i) => ({ ...x, retrofit: fitted.services[i]!.retrofit }))
    }
    const placed = plans.map((x) => {
      const g = render(x)
      return { dir: x.retrofit?.dir ?? '.', context: g.context, files: x.retrofit ? withOwnIgnoreFile(placeInRepo(g.files, x.retrofit.dir), x.retrofit) : g.files, org: x.org, scaffold: new Set(g.scaffold) }
    })
    let files = plans.length > 1 ? combineServices(placed, toProjectName(basename(root))) : placed[0]!.files
    const dependabot = runs ? await theirDependabot(files, plans.map((x) => x.retrofit!.dir), (path) => disk.read(path)) : undefined
    if (dependabot) files = files.filter((f) => f.path !== dependabot.path)
    const answers = plans[0]!.answers
    const context = placed[0]!.context
    const retro = runs?.[0]
    const notesOf = (reports: readonly FileReport[]) => (runs ? repositoryNotes(fitted, dependabot, reports) : [])
    const detectionJson = retro
      ? { detection: retro.detection, service: plans[0]!.retrofit!.dir, services: plans.map((x) => ({ dir: x.retrofit!.dir, answers: applicableAnswers(x.answers) })) }
      : {}
    if (args.dryRun) {
      // The dry-run writer reads the real directory but records writes instead of doing them.
      const dry = new DryRunWriter(disk)
      const reports = policy === 'prompt' || policy === 'abort' ? await statusOf(files, dry) : await writeAll(files, dry, policy, undefined, fitted.decided)
      // What the run would refuse, the dry run refuses too.
      disk.check([...dry.written, ...reports.filter((r) => r.status === 'create' || r.status === 'extend').map((r) => r.path)])
      const conflicts = reports.filter((r) => r.status === 'conflict').length
      const notes = notesOf(reports)
      if (args.json) out(JSON.stringify({ dryRun: true, directory: root, ...detectionJson, answers: applicableAnswers(answers), files: reports, notes }, null, 2))
      else {
        if (retro) out(`${formatDetection(retro.detection, retro.repoRoot)}\n`)
        out(`Dry run for ${root}: nothing was written. With these flags the run would:`)
        out(formatReport(reports))
        if (notes.length) out(`\n${notes.join('\n')}`)
        if (conflicts && (policy === 'prompt' || policy === 'abort')) {
          out(`\n${conflicts} conflict(s): the run would ${interactive ? 'ask about each' : 'stop before writing'}; pass --on-conflict keep, alongside or overwrite.`)
        }
      }
      return EXIT.ok
    }

    // No spinner: writing takes milliseconds, and one stopped for a conflict question left a
    // stray line ("Waiting for you") above it.
    const reports = await writeAll(files, disk, policy, (path, current, proposed) => askConflict(path, current, proposed, undefined, { tty: io.tty, env: io.env }), fitted.decided)
    if (interactive) p.log.step(`Wrote ${reports.filter((r) => r.action === 'created' || r.action === 'overwritten' || r.action === 'alongside' || r.action === 'extended').length} files`)
    await writeBaseRecords(disk, placed, files, reports)
    // The answers record first: a run stopped part-way, even by SIGKILL, leaves a folder the
    // next run recognizes as this project and completes.
    await disk.commit(isAnswersRecord)
    const notes = notesOf(reports)
    // The built-in checks over what is now on disk at every path this run wrote or kept: a
    // generated project is checked before the user sees it, and a kept file that disagrees
    // with the generated ones (another port, say) is caught here.
    const onDisk = new Map<string, string>()
    for (const path of [...files.map((f) => f.path), ...reports.flatMap((r) => (r.writtenTo ? [r.writtenTo] : []))]) {
      const text = await disk.read(path)
      if (text !== undefined && isContainerFile(path)) onDisk.set(path, text)
    }
    const checked = sortFindings([...runRules({ files: onDisk }), ...policyFindings({ files: onDisk }, plans[0]!.org.config)])

    if (args.git) await gitInit(root, interactive ? (m) => p.log.info(m) : err)

    if (args.json) {
      out(JSON.stringify({ directory: root, ...detectionJson, answers: applicableAnswers(answers), files: reports, notes, validation: checked }, null, 2))
      return EXIT.ok
    }
    const verdict = checked.length
      ? `The built-in checks found ${checked.length} problem(s) (create-containerized-app validate for details):\n${formatFindings(checked)}`
      : `Checked: no findings from the ${RULES.length} built-in rules (run create-containerized-app validate for the external validators too).`
    const rel = relative(io.cwd, plans[0]!.target) || '.'
    const next = [...notes, plans.length > 1 ? multiNextSteps(plans.map((x, i) => ({ target: x.target, context: placed[i]!.context })), root, io.cwd) : nextSteps(rel, answers, context)].join('\n')
    if (interactive) {
      p.log.message(formatReport(reports))
      if (checked.length) p.log.warn(verdict)
      else p.log.success(verdict)
      p.note(next, 'Next steps')
      // A kept Dockerfile without the stages Compose builds gets ours beside it under `keep` too.
      const forTargets = new Set(fitted.services.flatMap((s) => (s.dockerfile?.kind === 'alongside-for-targets' ? [s.dockerfile.path] : [])))
      // Files of theirs kept in the fit never reach the writer: they were conflicts all the same.
      const asChosen = [...reports.map((r) => (forTargets.has(r.path) ? { ...r, action: 'kept' as const } : r)), ...fitted.keptTheirs.map((path) => ({ path, status: 'conflict' as const, action: 'kept' as const }))]
      if (plans.length === 1) p.log.info(`Same run without questions:\n${equivalentCommand(rel, answers, asChosen, { impliedName, onConflict: args.onConflict, consented })}`)
      p.outro('Done')
    } else {
      out(`${TOOL.name} ${TOOL.version}: ${root}`)
      out(formatReport(reports))
      out(`\n${verdict}`)
      out(`\nNext steps:\n${next.replace(/^/gm, '  ')}`)
    }
    return EXIT.ok
  } catch (e) {
    if (e instanceof AnswerError || e instanceof UsageError || e instanceof ConfigError || e instanceof PolicyError || e instanceof PackError || e instanceof UnsafeValueError) {
      for (const line of problemsOf(e)) err(`error: ${line}`)
      return EXIT.badInput
    }
    if (e instanceof PromptCancelled || e instanceof WriteCancelled) {
      if (interactive) p.cancel(e.message)
      else err(e.message)
      // Ctrl-C (or Escape) at a prompt is an interrupt, as the signal is; a "cancel" or "no" chosen is a refusal.
      return e instanceof PromptCancelled ? EXIT.interrupted : EXIT.failed
    }
    if (e instanceof ConflictError || e instanceof TargetRefused) {
      err(`error: ${e.message}`)
      return EXIT.failed
    }
    err(`error: ${(e as Error).message}`)
    return EXIT.failed
  }
}

/**
 * A new service goes into a folder that is missing or empty (but for .git and a killed run's
 * debris). Another folder is written into only with consent: --force, an explicit
 * --on-conflict (the user has said what happens to files there), or a yes in the terminal.
 */
async function consentToOccupied(dir: string, args: CliArgs, interactive: boolean, cwd: string): Promise<boolean> {
  const foreign = foreignEntries(dir)
  if (foreign.length === 0 || args.force || args.onConflict !== undefined) return false
  const shown = `${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ` and ${foreign.length - 5} more` : ''}`
  const rel = relative(cwd, dir) || '.'
  if (interactive) {
    const go = await p.confirm({ message: `${rel} is not empty (${shown}) and holds no app this tool recognizes. Write a new service into it?`, initialValue: false })
    if (p.isCancel(go)) throw new PromptCancelled()
    if (!go) throw new WriteCancelled()
    return true
  }
  throw new TargetRefused(
    `${dir} is not empty (${shown}) and holds no app create-containerized-app recognizes, so a new service would be written among its files. ` +
      'Nothing was written. Choose an empty or new folder, or pass --force (or --on-conflict keep|alongside|overwrite) to write into it.',
  )
}

type RetrofitFlow = Pick<typeof import('./cli/retrofit.js'), 'looksLikeProject' | 'openQuestions' | 'placeInRepo' | 'prepareRetrofit' | 'uncertainError'>

/**
 * The retrofit flow, and detection with it (a third of the CLI's code), loaded only where an
 * app may already be: a new service in a folder that does not exist yet skips it.
 */
async function retrofitFlow(args: CliArgs, base: string): Promise<RetrofitFlow> {
  if (args.dir !== undefined && !existsSync(resolve(base, args.dir))) {
    const never = (): never => {
      throw new Error('internal: no retrofit for a new folder')
    }
    // prepareRetrofit's own answer for a folder that does not exist.
    return { looksLikeProject: () => false, prepareRetrofit: async () => undefined, openQuestions: never, placeInRepo: never, uncertainError: never }
  }
  return import('./cli/retrofit.js')
}

const isCloud = (platform: string) => byId(PLATFORM_CHOICES, platform).cloud !== null

/** Answers whose valid values follow the language. */
const BY_LANGUAGE: ReadonlySet<AnswerKey> = new Set<AnswerKey>(['framework', 'packageManager', 'languageVersion'])

/** An error's problems, one line each: every bad flag and answer of the run is named. */
function problemsOf(e: Error): readonly string[] {
  if (e instanceof AnswerErrors) return e.errors.map((x) => x.message)
  if (e instanceof UsageError) return e.problems
  return [e.message]
}

/** Answers that describe one app; with several services they come from each one's detection. */
const PER_SERVICE: readonly AnswerKey[] = ['name', 'language', 'framework', 'packageManager', 'languageVersion', 'port', 'database', 'cache']
/** Answers that describe the repository's deployment: the same for all its services. */
const SHARED: readonly AnswerKey[] = ['platform', 'k8sFormat', 'ci', 'registry']

async function chooseServices(services: readonly DetectedService[]): Promise<string[]> {
  const picked = await p.multiselect({
    message: 'Which services get container files?',
    options: services.map((s) => ({ value: s.dir, label: s.dir, hint: `${s.language.value}${s.framework ? ` ${s.framework.value}` : ''}` })),
    initialValues: services.map((s) => s.dir),
    required: true,
  })
  if (p.isCancel(picked)) throw new PromptCancelled()
  return picked as string[]
}

async function gitInit(root: string, log: (m: string) => void): Promise<void> {
  const { execa } = await import('execa')
  const inside = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, reject: false })
  if (inside.exitCode === 0) return log('Already inside a git repository; left it as it is.')
  await execa('git', ['init', '--quiet'], { cwd: root })
  log('Initialized a git repository.')
}

/**
 * Beside each service's answers record: what this run generated for it, the base of a later
 * `update`. Files the user kept as theirs are listed so an update leaves them alone too.
 */
async function writeBaseRecords(writer: Writer, placed: readonly { dir: string; files: readonly RenderedFile[]; org: Org; scaffold: ReadonlySet<string> }[], written: readonly RenderedFile[], reports: readonly FileReport[]): Promise<void> {
  const kept = reports.filter((r) => r.action === 'kept' || r.action === 'alongside').map((r) => r.path)
  // An extended file is the user's, with lines of ours in it, on this run and every later one
  // (when it lacks nothing more): update leaves it alone too.
  for (const f of written) if (f.merge && (await writer.read(f.path)) !== f.content) kept.push(f.path)
  const final = new Map(written.map((f) => [f.path, f.content]))
  for (const service of placed) {
    // Files several services share (the root Compose file, Dependabot) belong to none of them.
    // The starter app too: update keeps the files of it you have not edited in step with the answers.
    const own = service.files.filter((f) => final.get(f.path) === f.content)
    const path = service.dir === '.' ? BASE_FILE : `${service.dir}/${BASE_FILE}`
    const base = baseFor(own, `${TOOL.name}@${TOOL.version}`, service.org.packs.map(packRef), kept.filter((k) => own.some((f) => f.path === k)), service.scaffold)
    await writer.write({ path, content: baseRecordText(base) })
  }
}

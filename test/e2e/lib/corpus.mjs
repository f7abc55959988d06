// The retrofit corpus's steps, shared by the container tier (corpus.e2e.test.ts) and
// `npm run bench`: copy an app, lock it with its own tools, retrofit it with the CLI, check the
// generated files against the app's truth, build the image as generated, run it alone, run it
// with `docker compose up`. Each step throws an Error whose message says what went wrong.
import { createConnection } from 'node:net'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { execa } from 'execa'
import YAML from 'yaml'
import { buildImage, compose, dockerCli, inspect, processUid, removeContainer, TOOLS_BIN } from './containers.mjs'

const ROOT = new URL('../../../', import.meta.url).pathname
export const CORPUS_DIR = join(ROOT, 'test/e2e/corpus')
// CCA_CORPUS_CLI runs the corpus against another build of the CLI (a baseline, a bisect).
const CLI = process.env.CCA_CORPUS_CLI ?? join(ROOT, 'bin/create-containerized-app.js')

const toolsEnv = (extra = {}) => ({ ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH ?? ''}`, NO_COLOR: '1', ...extra })
const seconds = (t0) => (performance.now() - t0) / 1000

/** Copies a tree, turning `_gitignore` into `.gitignore` (a real one would hide the fixture's files from this repository). */
function copyApp(from, to) {
  cpSync(from, to, { recursive: true })
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name === '_gitignore') renameSync(p, join(d, '.gitignore'))
    }
  }
  walk(to)
}

/**
 * The app as a user has it: its files, the lockfiles its own package manager makes from the
 * real registries, and a git repository (pipelines go to its root) with everything committed.
 * @returns {Promise<{ root: string, dir: string, seconds: number }>}
 */
export async function materialize(app, parent) {
  const t0 = performance.now()
  const root = join(parent, app.id)
  mkdirSync(parent, { recursive: true })
  copyApp(join(CORPUS_DIR, app.id), root)
  for (const step of app.prepare) {
    const r = await execa(step.run[0], step.run.slice(1), { cwd: join(root, step.cwd ?? '.'), env: toolsEnv(), reject: false, all: true })
    if (r.exitCode !== 0) throw new Error(`prepare: \`${step.run.join(' ')}\` in ${step.cwd ?? '.'} failed (${r.exitCode}):\n${r.all.slice(-3000)}`)
  }
  const git = (...args) => execa('git', args, { cwd: root, env: { ...process.env, GIT_AUTHOR_NAME: 'corpus', GIT_AUTHOR_EMAIL: 'corpus@example.com', GIT_COMMITTER_NAME: 'corpus', GIT_COMMITTER_EMAIL: 'corpus@example.com' } })
  await git('init', '-q', '-b', 'main')
  await git('add', '-A')
  await git('commit', '-q', '-m', 'the app as cloned')
  return { root, dir: join(root, app.service ?? '.'), seconds: seconds(t0) }
}

/** `--dry-run --json` with some flags: exit code, the JSON summary (when printed), stderr. */
async function dryRun(root, flags) {
  const r = await execa('node', [CLI, '--cwd', root, '--dry-run', '--json', ...flags], { env: toolsEnv(), reject: false })
  let json
  try {
    json = JSON.parse(r.stdout)
  } catch {
    json = undefined
  }
  return { exitCode: r.exitCode, json, stderr: r.stderr.trim() }
}

const argsOf = (flags) => flags.flatMap((f) => f.args)

/**
 * What the CLI asks for before it will run without questions, found by dry runs: `--service`
 * when the plain run does not settle on the app's folder by itself, the answer flags it names
 * as uncertain once the service is chosen, `--on-conflict` when files it would write exist.
 * Also the detection's warnings (shown for apps this machine cannot build).
 */
export async function probe(app, root) {
  const asked = []
  const serviceFlags = app.flags.filter((f) => f.args[0] === '--service')
  const answerFlags = app.flags.filter((f) => f.args[0] !== '--service' && f.args[0] !== '--on-conflict')
  const plain = await dryRun(root, [])
  if (app.service) {
    const chosen = plain.json?.services?.map((s) => s.dir)
    if (plain.exitCode !== 0 && !plain.json) asked.push({ flag: '--service', why: plain.stderr.split('\n')[0] })
    else if (chosen?.length !== 1 || chosen[0] !== app.service) asked.push({ flag: '--service', why: `the plain run picks ${chosen?.join(', ') || 'nothing'}` })
  } else if (plain.exitCode !== 0 && !plain.json && /--service/.test(plain.stderr)) asked.push({ flag: '--service', why: plain.stderr.split('\n')[0] })
  const chosen = serviceFlags.length ? await dryRun(root, argsOf(serviceFlags)) : plain
  for (const u of chosen.json?.services?.flatMap((s) => s.uncertain ?? []) ?? []) asked.push({ flag: u.flag, why: u.why })
  const answered = await dryRun(root, argsOf([...serviceFlags, ...answerFlags]))
  const conflicts = (answered.json?.files ?? []).filter((f) => f.status === 'conflict').map((f) => f.path)
  if (conflicts.length) asked.push({ flag: '--on-conflict', why: `files that exist: ${conflicts.join(', ')}` })
  const detection = answered.json?.detection ?? chosen.json?.detection ?? plain.json?.detection
  const warnings = [...(detection?.warnings ?? []), ...(detection?.services ?? []).flatMap((s) => s.warnings)].map((w) => `${w.code}: ${w.file}: ${w.message}`)
  const given = app.flags.map((f) => f.args[0])
  return {
    asked,
    /** Asked for but not given: the run cannot go through without questions. */
    notGiven: asked.filter((a) => !given.includes(a.flag)),
    /** Given but not asked for: the corpus gives a flag the CLI no longer needs (known only when the dry run gets that far). */
    unasked: answered.json ? given.filter((g) => !asked.some((a) => a.flag === g)) : [],
    warnings,
    error: answered.json ? undefined : answered.stderr,
  }
}

/** `create-containerized-app --cwd <root> --yes` plus the app's flags. */
export async function retrofit(app, root) {
  const t0 = performance.now()
  const args = [CLI, '--cwd', root, '--yes', ...app.flags.flatMap((f) => f.args)]
  const r = await execa('node', args, { env: toolsEnv(), reject: false, all: true })
  const result = { exitCode: r.exitCode, output: r.all, seconds: seconds(t0), warnings: warningsOf(r.all) }
  if (r.exitCode !== 0) throw Object.assign(new Error(`retrofit exited ${r.exitCode}:\n${r.all.slice(-4000)}`), { result })
  return result
}

/** The warning lines a run printed (shown in the report for apps this machine cannot build). */
function warningsOf(output) {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(▲|⚠|!|warning\b|warn\b)/i.test(l) || /\bwarning:/i.test(l))
}

/** What the app's tracked files look like after the run: only .env.example may change, and only by additions. */
export async function changedAppFiles(root) {
  const { stdout } = await execa('git', ['diff', '--numstat'], { cwd: root })
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'))
    .filter(([, removed, path]) => !(path.endsWith('.env.example') && removed === '0'))
    .map(([added, removed, path]) => `${path} (+${added} -${removed})`)
}

// ---- the generated files -------------------------------------------------------------------

const readYaml = (path) => (existsSync(path) ? YAML.parse(readFileSync(path, 'utf8'), { logLevel: 'silent' }) ?? {} : {})

/**
 * The generated Compose files: compose.yaml and the files named after it, or, beside Compose
 * files the app keeps as its own, the base the run recorded (`retrofit.app.composeFile`).
 */
export function composeNames(dir) {
  let base = 'compose.yaml'
  try {
    base = JSON.parse(readFileSync(join(dir, '.containerized/answers.json'), 'utf8')).retrofit?.app?.composeFile ?? base
  } catch {
    // no record: the default family
  }
  const stem = base.replace(/\.ya?ml$/, '')
  return { base, override: `${stem}.override.yaml`, test: `${stem}.test.yaml`, prod: `${stem}.prod.yaml` }
}

/**
 * The app service of the generated Compose files and what it builds: the Dockerfile, context
 * and target compose.yaml names (Dockerfile.generated when the user's own was kept).
 */
export function generatedSetup(dir) {
  const names = composeNames(dir)
  const base = readYaml(join(dir, names.base))
  const prod = readYaml(join(dir, names.prod))
  const name = base.services?.app ? 'app' : Object.keys(base.services ?? {}).find((s) => base.services[s]?.build)
  if (!name) {
    const beside = readdirSync(dir).filter((f) => f.endsWith('.generated'))
    throw new Error(`no app service with a build section in ${join(dir, names.base)}${beside.length ? ` (written beside the app's own files: ${beside.join(', ')})` : ''}`)
  }
  const svc = base.services[name]
  const build = typeof svc.build === 'string' ? { context: svc.build } : (svc.build ?? {})
  const context = join(dir, build.context ?? '.')
  const dockerfile = join(context, build.dockerfile ?? 'Dockerfile')
  const envKeys = new Set()
  for (const s of [svc, prod.services?.[name] ?? {}]) {
    const e = s.environment ?? {}
    for (const k of Array.isArray(e) ? e.map((x) => String(x).split('=')[0]) : Object.keys(e)) envKeys.add(k)
  }
  return { service: name, context, dockerfile, target: build.target ?? 'prod', envKeys, services: Object.keys(base.services ?? {}), compose: names }
}

/** Instructions of a Dockerfile by stage, continuation lines joined, comments dropped. */
export function dockerfileStages(text) {
  const stages = []
  const global = []
  let line = ''
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw) && !line) continue
    line += raw.endsWith('\\') ? `${raw.slice(0, -1)} ` : raw
    if (raw.endsWith('\\')) continue
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line)
    line = ''
    if (!m) continue
    const ins = { keyword: m[1].toUpperCase(), args: m[2].trim() }
    if (ins.keyword === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(ins.args)?.[1] ?? String(stages.length), body: [] })
    else (stages.at(-1)?.body ?? global).push(ins)
  }
  return stages
}

/** Each name or `a|b` alternative present in `keys`. */
const missing = (names = [], keys) => names.filter((n) => !n.split('|').some((alt) => keys.has(alt)))
const envFileKeys = (path) =>
  new Set(existsSync(path) ? [...readFileSync(path, 'utf8').matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((m) => m[1]) : [])

/**
 * The generated files measured against the app's truth: the port, the health check, the
 * app's own variable names in Compose, its required variables in Compose and .env.example,
 * the services the tool does not provide named in README.containers.md.
 * @returns {string[]} one line per expectation not met
 */
export function contractProblems(app, dir) {
  const problems = []
  const setup = generatedSetup(dir)
  const text = readFileSync(setup.dockerfile, 'utf8')
  const stages = dockerfileStages(text)
  const prod = stages.find((s) => s.name === setup.target)
  if (!prod) return [`${relative(dir, setup.dockerfile)} has no stage ${setup.target}, which ${setup.compose.base} builds`]
  const exposed = prod.body.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => Number.parseInt(p, 10)))
  if (!exposed.includes(app.port)) problems.push(`port: the ${setup.target} stage exposes ${exposed.join(', ') || 'nothing'}, the app listens on ${app.port}`)
  const healthcheck = prod.body.filter((i) => i.keyword === 'HEALTHCHECK').map((i) => i.args).join(' ')
  if (!healthcheck) problems.push(`health: the ${setup.target} stage has no HEALTHCHECK`)
  // The probe's path may sit in the check's own source (Java's inline class, Go's probe).
  const code = stages.flatMap((s) => s.body.map((i) => i.args)).join('\n') + text.replace(/^\s*#.*$/gm, '')
  const asks = (path) => new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w/-])`).test(code)
  if (app.health && !asks(app.health)) problems.push(`health: the checks never ask ${app.health}, the app's health route`)
  if (!app.health && /\/(healthz|readyz)\b/.test(healthcheck)) problems.push(`health: the HEALTHCHECK asks ${/\/(healthz|readyz)\b/.exec(healthcheck)[0]}, which the app does not have (it has no health route)`)
  const envNames = [...(app.env.database ?? []), ...(app.env.cache ?? [])]
  const noEnv = missing(envNames, setup.envKeys)
  if (noEnv.length) problems.push(`env: compose does not set the app's own ${noEnv.join(', ')} (it sets ${[...setup.envKeys].join(', ') || 'nothing'})`)
  if (app.env.host) {
    const dockerEnv = new Set(prod.body.filter((i) => i.keyword === 'ENV').flatMap((i) => [...i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1])))
    if (missing([app.env.host], new Set([...setup.envKeys, ...dockerEnv])).length) problems.push(`host: neither compose nor the image sets ${app.env.host}, so the app binds to localhost`)
  }
  const required = app.env.required ?? []
  const noCompose = missing(required, setup.envKeys)
  if (noCompose.length) problems.push(`required: compose does not pass ${noCompose.join(', ')}, which the app needs at boot`)
  const noExample = missing(required, envFileKeys(join(dir, '.env.example')))
  if (noExample.length) problems.push(`required: .env.example does not list ${noExample.join(', ')}`)
  const readme = existsSync(join(dir, 'README.containers.md')) ? readFileSync(join(dir, 'README.containers.md'), 'utf8') : ''
  for (const u of app.unprovided ?? []) if (!readme.includes(u)) problems.push(`unprovided: README.containers.md does not name ${u}`)
  for (const [kind, want] of Object.entries(app.backing)) {
    const image = { postgres: /postgres/, mysql: /mysql|mariadb/, mariadb: /mariadb/, redis: /redis/, valkey: /valkey/, memcached: /memcached/ }[want]
    if (!setup.services.some((s) => image.test(s))) problems.push(`${kind}: compose has no ${want} service (services: ${setup.services.join(', ')})`)
  }
  return problems
}

// ---- static validation ----------------------------------------------------------------------

/**
 * The repository's validators on the files the run wrote (never on the app's own): validate's
 * built-in rules (errors in written files), BuildKit's checks and hadolint on the Dockerfile
 * Compose builds, `docker compose config` for every environment, actionlint on new workflows.
 */
export async function validateStatic(root, dir) {
  const t0 = performance.now()
  const problems = []
  const written = new Set((await writtenFiles(root)).map((f) => join(root, f)))
  const v = await execa('node', [CLI, 'validate', dir, '--json', '--no-external'], { env: toolsEnv({ CI: 'true' }), reject: false, all: true })
  let report
  try {
    report = JSON.parse(v.stdout)
  } catch {
    problems.push(`validate printed no JSON (exit ${v.exitCode}): ${v.all.slice(-1500)}`)
  }
  for (const f of report?.findings ?? []) {
    if (f.severity === 'error' && written.has(join(dir, f.file))) problems.push(`validate ${f.rule} ${f.file}:${f.line ?? ''} ${f.message}`)
  }
  const setup = generatedSetup(dir)
  if (written.has(setup.dockerfile)) {
    const lint = await execa('dockerfile-lint', ['--json', setup.dockerfile], { env: toolsEnv(), reject: false })
    if (lint.exitCode !== 0) problems.push(`BuildKit checks could not run: ${lint.stderr.slice(0, 500)}`)
    else if (JSON.parse(lint.stdout || '[]').length) problems.push(`BuildKit checks: ${lint.stdout.slice(0, 1500)}`)
    const hl = await execa('hadolint', ['--no-color', setup.dockerfile], { env: toolsEnv(), reject: false, all: true })
    if (hl.exitCode !== 0) problems.push(`hadolint: ${hl.all.slice(0, 1500)}`)
  }
  userDotenv(dir)
  const c = setup.compose
  for (const set of [[c.base], [c.base, c.override], [c.base, c.test], [c.base, c.prod]]) {
    if (!set.every((f) => existsSync(join(dir, f)))) {
      problems.push(`compose: ${set.filter((f) => !existsSync(join(dir, f))).join(', ')} not written`)
      continue
    }
    const r = await execa('docker-compose', [...set.flatMap((f) => ['-f', f]), 'config', '--quiet'], { cwd: dir, env: toolsEnv({ IMAGE_TAG: '1.0.0' }), reject: false, all: true })
    if (r.exitCode !== 0) problems.push(`docker compose ${set.join(' + ')} config: ${r.all.slice(0, 800)}`)
  }
  const workflows = [...written].filter((f) => /\/\.github\/workflows\/[^/]+\.ya?ml$/.test(f))
  if (workflows.length) {
    const al = await execa('actionlint', ['-no-color', ...workflows], { cwd: root, env: toolsEnv(), reject: false, all: true })
    if (al.exitCode !== 0) problems.push(`actionlint: ${al.all.slice(0, 1500)}`)
  }
  return { problems, seconds: seconds(t0) }
}

// ---- build and run --------------------------------------------------------------------------

/** Builds what compose.yaml builds (its Dockerfile, context and target) with BuildKit, as generated. */
export async function buildApp(dir, tag) {
  const setup = generatedSetup(dir)
  const build = await buildImage(setup.context, tag, { target: setup.target, dockerfile: setup.dockerfile })
  const image = await inspect(tag)
  return { ...build, user: image.Config.User ?? '', healthcheck: image.Config.Healthcheck?.Test ?? [] }
}

/** The TCP sockets listening in a container's network namespace, read from the host's /proc. */
export async function listening(id) {
  const { Pid } = (await inspect(id)).State
  const out = []
  for (const [file, v6] of [['tcp', false], ['tcp6', true]]) {
    let text = ''
    try {
      text = readFileSync(`/proc/${Pid}/net/${file}`, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f[3] !== '0A') continue
      const [addr, port] = f[1].split(':')
      const loopback = v6 ? addr === '00000000000000000000000001000000' || addr === '0000000000000000FFFF00000100007F' : addr.endsWith('7F')
      out.push({ port: Number.parseInt(port, 16), loopback })
    }
  }
  return out
}

const connects = (host, port) =>
  new Promise((resolve) => {
    const s = createConnection({ host, port, timeout: 3000 })
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
    s.once('timeout', () => (s.destroy(), resolve(false)))
  })

/**
 * What the test asserts of a running app container: Docker's health status, a non-root UID,
 * and a socket on the app's port that other containers can reach (not only localhost).
 * @returns {Promise<string[]>} the expectations not met
 */
export async function runningProblems(id, port, health) {
  const problems = []
  if (!(health.healthy ?? health.status === 'healthy')) problems.push(`Docker health: ${health.status}\n${health.logs.slice(-2500)}`)
  let uid
  try {
    uid = await processUid(id)
  } catch {
    uid = undefined
  }
  if (uid === 0) problems.push('runs as root (UID 0)')
  else if (uid === undefined) problems.push('no process to check (the container exited)')
  const socks = await listening(id).catch(() => [])
  const onPort = socks.filter((s) => s.port === port)
  if (onPort.length === 0) problems.push(`nothing listens on port ${port} (listening: ${socks.map((s) => `${s.port}${s.loopback ? ' (localhost)' : ''}`).join(', ') || 'none'})`)
  else if (onPort.every((s) => s.loopback)) problems.push(`port ${port} listens on localhost only: other containers cannot reach it`)
  else {
    const networks = (await inspect(id)).NetworkSettings.Networks ?? {}
    const ip = Object.values(networks).map((n) => n.IPAddress).find(Boolean)
    if (ip && !(await connects(ip, port))) problems.push(`port ${port} does not accept connections on ${ip}`)
  }
  return problems
}

/**
 * Docker's health status once it settles: healthy, the container gone, or unhealthy for 20 s
 * in a row (a slow start may still recover from an early unhealthy), within `timeoutMs`.
 */
async function settledHealth(id, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs
  let unhealthySince
  let state
  while (Date.now() < deadline) {
    state = (await inspect(id)).State
    const status = state.Health?.Status
    if (status === 'healthy' || !state.Running) break
    unhealthySince = status === 'unhealthy' ? (unhealthySince ?? Date.now()) : undefined
    if (unhealthySince && Date.now() - unhealthySince > 20_000) break
    await new Promise((r) => setTimeout(r, 500))
  }
  const { stdout, stderr } = await dockerCli(['logs', '--tail', '30', id], { reject: false })
  const probes = (state?.Health?.Log ?? []).slice(-2).map((l) => `probe exit ${l.ExitCode}: ${String(l.Output).trim().slice(0, 300)}`)
  const test = (await inspect(id)).Config.Healthcheck?.Test ?? []
  const status = state?.Health?.Status ?? (state?.Running ? 'none' : `exited (${state?.ExitCode})`)
  return { status: `${status} (HEALTHCHECK ${JSON.stringify(test).slice(0, 300)})`, healthy: status === 'healthy', logs: `${probes.join('\n')}\n${stdout}\n${stderr}` }
}

/** Runs the image alone with the variables a user would pass; the container is removed afterwards. */
export async function runAlone(app, tag) {
  const t0 = performance.now()
  // Published on localhost like a user's `docker run -p`; the checks reach it by its address.
  const args = ['run', '-d', '-p', `127.0.0.1::${app.port}`, '--health-interval', '1s']
  for (const [k, v] of Object.entries(app.alone ? app.alone.env : {})) args.push('-e', `${k}=${v}`)
  const { stdout: id } = await dockerCli([...args, tag])
  try {
    const health = await settledHealth(id)
    return { problems: await runningProblems(id, app.port, health), seconds: seconds(t0) }
  } finally {
    await removeContainer(id)
  }
}

/**
 * What a user does before the first `up`: .env from .env.example, each empty secret given a
 * value (the file says to fill them in).
 */
export function userDotenv(dir) {
  const example = existsSync(join(dir, '.env.example')) ? readFileSync(join(dir, '.env.example'), 'utf8') : ''
  const filled = example.replace(/^(\w*(?:PASSWORD|SECRET|TOKEN|KEY)\w*)=$/gm, (_, k) => `${k}=e2e-${k.toLowerCase().replace(/_/g, '-')}-4f9a`)
  writeFileSync(join(dir, '.env'), filled)
}

/**
 * `docker compose -f compose.yaml -f compose.prod.yaml up --wait` with the built image; every
 * service must turn healthy and the app must pass runningProblems. Always brought down.
 */
export async function composeUp(app, dir, project, tag) {
  const t0 = performance.now()
  userDotenv(dir)
  const setup = generatedSetup(dir)
  // Engine 20.10 ignores HEALTHCHECK --start-interval, so the first probe would wait a full
  // interval; only the interval is shortened, the probes stay as generated.
  writeFileSync(join(dir, 'compose.e2e.yaml'), `services:\n${setup.services.map((s) => `  ${s}:\n    healthcheck:\n      interval: 1s\n`).join('')}`)
  const files = [setup.compose.base, setup.compose.prod, 'compose.e2e.yaml']
  const [repository, version] = [tag.slice(0, tag.lastIndexOf(':')), tag.slice(tag.lastIndexOf(':') + 1)]
  const vars = { IMAGE_REPOSITORY: repository, IMAGE_TAG: version }
  const problems = []
  try {
    const up = await compose(dir, project, files, ['up', '-d', '--wait', '--wait-timeout', '180'], vars)
    const ps = await compose(dir, project, files, ['ps', '-a', '--format', '{{.Service}} {{.State}} {{.Health}}'], vars)
    const states = ps.stdout.split('\n').filter(Boolean)
    const unhealthy = states.filter((l) => !/ running healthy$/.test(l))
    if (up.exitCode !== 0 || unhealthy.length) {
      const logs = await compose(dir, project, files, ['logs', '--no-color', '--tail', '30'], vars)
      problems.push(`compose up (exit ${up.exitCode}): ${unhealthy.join('; ') || 'all healthy'}\n${up.all.slice(-1500)}\n${logs.all.slice(-3000)}`)
    }
    const appId = (await compose(dir, project, files, ['ps', '-q', setup.service], vars)).stdout.trim()
    if (appId) {
      const state = (await inspect(appId)).State
      problems.push(...(await runningProblems(appId, app.port, { status: state.Health?.Status ?? (state.Running ? 'none' : 'exited'), logs: '' })).filter((p) => !p.startsWith('Docker health')))
    } else problems.push('compose has no app container')
    if (!states.length) problems.push(`compose ps listed nothing:\n${ps.all}`)
    return { problems, states, seconds: seconds(t0) }
  } finally {
    await compose(dir, project, files, ['down', '-v', '--timeout', '20'], vars)
  }
}

export async function removeImage(tag) {
  await dockerCli(['rmi', '-f', tag], { reject: false })
}

/** Files the run wrote, relative to the repository root (for the report). */
export async function writtenFiles(root) {
  const { stdout } = await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root })
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('??'))
    .map((l) => l.slice(3))
}

/**
 * One app through every step, each timed, none stopping the others' record (for `npm run
 * bench`; the container tier runs the same steps as separate tests).
 * @returns {Promise<Record<string, { ok: boolean, seconds: number, why?: string }>>}
 */
export async function runApp(app, parent) {
  const out = {}
  const time = async (name, fn) => {
    const t0 = performance.now()
    try {
      const extra = await fn()
      out[name] = { ok: true, seconds: seconds(t0), ...(extra ?? {}) }
      return true
    } catch (e) {
      const message = String(e.message)
      out[name] = { ok: false, seconds: seconds(t0), why: message.split('\n').find(Boolean)?.slice(0, 200), detail: message.slice(0, 3000) }
      return false
    }
  }
  const fail = (problems) => {
    if (problems.length) throw new Error(problems.join('\n'))
  }
  let m
  if (!(await time('prepare', async () => void (m = await materialize(app, parent))))) return out
  if (!(await time('retrofit', async () => void (await retrofit(app, m.root))))) return out
  await time('contract', async () => fail(contractProblems(app, m.dir)))
  await time('validate', async () => fail((await validateStatic(m.root, m.dir)).problems))
  if (app.build?.static) return out
  const tag = `cca-bench-corpus/${app.id}:1`
  if (!(await time('build', async () => void (await buildApp(m.dir, tag))))) return out
  try {
    if (app.alone !== false) await time('alone', async () => fail((await runAlone(app, tag)).problems))
    await time('compose', async () => fail((await composeUp(app, m.dir, `cca-bench-${app.id}`, tag)).problems))
  } finally {
    await removeImage(tag)
  }
  return out
}

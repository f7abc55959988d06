// Builds generated projects with BuildKit and runs them on the engine that test/e2e/engine.sh
// prepared. Plain ESM so the e2e tests and `npm run bench` share it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { execa } from 'execa'

const CACHE = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')
export const TOOLS_BIN = join(process.env.CCA_TOOLS_HOME ?? join(CACHE, 'create-containerized-app', 'tools'), 'bin')
export const E2E_HOME = process.env.CCA_E2E_HOME ?? join(CACHE, 'create-containerized-app', 'e2e')
const ROOT = new URL('../../../', import.meta.url).pathname

/** What engine.sh wrote; a clear error when it has not run. */
export function engineEnv() {
  let text
  try {
    text = readFileSync(join(E2E_HOME, 'engine.env'), 'utf8')
  } catch {
    throw new Error(`${join(E2E_HOME, 'engine.env')} is missing: run \`bash test/e2e/engine.sh\` first (npm run test:e2e does).`)
  }
  const vars = Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
  // Another BuildKit (an empty one, to time cold builds without emptying the shared cache).
  if (process.env.CCA_E2E_BUILDKIT_HOST) vars.BUILDKIT_HOST = process.env.CCA_E2E_BUILDKIT_HOST
  return vars
}

const env = () => ({ ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH ?? ''}` })
const docker = (args, opts = {}) => execa(engineEnv().DOCKER, args, { env: env(), ...opts })

/** Runs the packaged CLI, as a user would, into `dir`. */
export async function generateProject(dir, flags, retrofit) {
  if (!retrofit) {
    await execa('node', [join(ROOT, 'bin/create-containerized-app.js'), dir, '--yes', ...flags], { env: env() })
    return
  }
  // An existing app: its files, its lockfiles made by its own package manager, then the CLI
  // run in its folder (detection decides everything the flags do not).
  for (const [path, content] of Object.entries(retrofit.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  for (const [cmd, ...args] of retrofit.prepare) await execa(cmd, args, { cwd: dir, env: env() })
  await execa('node', [join(ROOT, 'bin/create-containerized-app.js'), '--cwd', dir, '--yes', ...flags], { env: env() })
}

/**
 * Builds `target` of the Dockerfile in `dir` (or `dockerfile`, with `dir` as the context)
 * exactly as generated (its `# syntax=` and `# check=error=true` lines included) and loads the
 * result into the engine as `tag`.
 * @returns {{ seconds: number, log: string, steps: Map<string, { name: string, cached: boolean, output: string }> }}
 */
export async function buildImage(dir, tag, { target = 'prod', buildArgs = {}, dockerfile = join(dir, 'Dockerfile') } = {}) {
  const { BUILDKIT_HOST } = engineEnv()
  // The Dockerfile may sit outside the context's root (a workspace member's, or
  // Dockerfile.generated beside the user's own); BuildKit then reads <name>.dockerignore
  // next to it before the context's .dockerignore, as `docker build -f` does.
  const args = ['--addr', BUILDKIT_HOST, 'build', '--progress=plain', '--frontend', 'dockerfile.v0', '--local', `context=${dir}`, '--local', `dockerfile=${dirname(dockerfile)}`, '--opt', `filename=${basename(dockerfile)}`, '--opt', `target=${target}`]
  for (const [k, v] of Object.entries(buildArgs)) args.push('--opt', `build-arg:${k}=${v}`)
  args.push('--output', `type=docker,name=${tag}`)
  const started = performance.now()
  const build = execa('buildctl', args, { env: env(), reject: false, buffer: { stdout: false } })
  const load = docker(['load'], { reject: false, stdin: 'pipe' })
  build.stdout.pipe(load.stdin)
  const [b, l] = await Promise.all([build, load])
  const seconds = (performance.now() - started) / 1000
  const log = String(b.stderr)
  if (b.exitCode !== 0) {
    // The cause first (BuildKit's last error line), then the log's tail.
    const cause = log.split('\n').filter((l) => /^(error: |#\d+ ERROR: )/.test(l)).at(-1) ?? ''
    throw new Error(`build of ${dir} (target ${target}) failed: ${cause}\n${log.slice(-6000)}`)
  }
  if (l.exitCode !== 0) throw new Error(`docker load of ${tag} failed: ${l.stderr}`)
  return { seconds, log, steps: parseSteps(log) }
}

/** Plain progress → step id → name, whether it came from cache, and what it printed. */
export function parseSteps(log) {
  const steps = new Map()
  for (const line of log.split('\n')) {
    const m = /^#(\d+) (.*)$/.exec(line)
    if (!m) continue
    const [, id, rest] = m
    if (!steps.has(id)) {
      steps.set(id, { name: rest, cached: false, output: '' })
      continue
    }
    const step = steps.get(id)
    if (rest === 'CACHED') step.cached = true
    else step.output += `${rest}\n`
  }
  return steps
}

/** Starts a container with a published port; `healthInterval` replaces the image's interval only. */
export async function runContainer(image, port, { env: vars = {}, healthInterval = '1s', name } = {}) {
  const args = ['run', '-d', '-p', `127.0.0.1::${port}`, '--health-interval', healthInterval]
  if (name) args.push('--name', name)
  for (const [k, v] of Object.entries(vars)) args.push('-e', `${k}=${v}`)
  const { stdout: id } = await docker([...args, image])
  const { stdout } = await docker(['port', id, `${port}/tcp`])
  const hostPort = Number(stdout.split('\n')[0].split(':').pop())
  return { id, url: `http://127.0.0.1:${hostPort}` }
}

export async function inspect(ref) {
  const { stdout } = await docker(['inspect', ref])
  return JSON.parse(stdout)[0]
}

/** Waits for Docker's own health status; returns it with the container's last log lines. */
export async function waitHealthy(id, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  let state
  while (Date.now() < deadline) {
    state = (await inspect(id)).State
    if (state.Health?.Status === 'healthy' || !state.Running) break
    await new Promise((r) => setTimeout(r, 500))
  }
  const { stdout, stderr } = await docker(['logs', '--tail', '30', id], { reject: false })
  return { status: state?.Health?.Status ?? (state?.Running ? 'none' : 'exited'), logs: `${stdout}\n${stderr}` }
}

/** The real UID of the container's main process, read from the host's /proc. */
export async function processUid(id) {
  const { Pid } = (await inspect(id)).State
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${Pid}/status`, 'utf8'))[1])
}

export async function removeContainer(id) {
  await docker(['rm', '-f', '-v', id], { reject: false })
}

/** Every path in an image's filesystem. */
export async function imagePaths(image) {
  const { stdout: id } = await docker(['create', image])
  try {
    const exp = docker(['export', id], { buffer: { stdout: false } })
    const tar = execa('tar', ['-t'], { stdin: 'pipe' })
    exp.stdout.pipe(tar.stdin)
    const [, t] = await Promise.all([exp, tar])
    return t.stdout.split('\n').map((p) => `/${p.replace(/^\.?\//, '')}`)
  } finally {
    await docker(['rm', id], { reject: false })
  }
}

/** Size in bytes of an image in the engine. */
export async function imageSize(ref) {
  return (await inspect(ref)).Size
}

/**
 * Pulls a stand-in from the local registry into the engine under its official name (for
 * Compose's services and size comparisons); scratch has size 0.
 */
export async function pullStandIn(official) {
  if (official === 'scratch') return
  const have = await docker(['image', 'inspect', official], { reject: false })
  if (have.exitCode === 0) return
  const { CCA_E2E_REGISTRY } = engineEnv()
  // gcr.io/distroless/x → distroless/x; node:24 → library/node:24; oven/bun:1 → oven/bun:1
  const parts = official.split('/')
  const hasHost = parts.length > 1 && /[.:]/.test(parts[0])
  const path = hasHost ? parts.slice(1).join('/') : parts.length > 1 ? official : `library/${official}`
  await docker(['pull', `${CCA_E2E_REGISTRY}/${path}`])
  await docker(['tag', `${CCA_E2E_REGISTRY}/${path}`, official])
}

/** `docker compose` (v2 CLI) in `dir` with the engine's socket. */
export function compose(dir, project, files, args, vars = {}) {
  const fileArgs = files.flatMap((f) => ['-f', f])
  return execa('docker-compose', ['-p', project, ...fileArgs, ...args], { cwd: dir, env: { ...env(), ...vars }, reject: false, all: true })
}

export const dockerCli = docker

/**
 * Shared by the reading part of the safety suite (read*.test.ts): the built CLI run as a user
 * runs it, bounded in time (a hang is a failure, never a stuck suite), and the fixtures it
 * reads: an app to retrofit, a generated project for check and update.
 */
import { cpSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa, execaSync } from 'execa'

const BIN = new URL('../../bin/create-containerized-app.js', import.meta.url).pathname

/** Long enough for a run on a busy CI machine, far shorter than a test's own timeout. */
export const RUN_TIMEOUT_MS = 45_000

export interface Run {
  exitCode: number | undefined
  stdout: string
  stderr: string
  /** Killed at the time bound: the run hung (on a FIFO, typically). */
  timedOut: boolean
}

const isRoot = () => process.getuid?.() === 0

/**
 * Root reads a chmod 000 file anyway (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). Run as root, an
 * "unreadable" case drops exactly those two capabilities from the bounding set with setpriv
 * (util-linux): the run stays uid 0, so the repository, node and the bundle stay readable by
 * their owner bits wherever the clone lives (under /root too), while a mode 000 file or folder
 * fails with EACCES as it does for any user. Not root, mode 000 is enough by itself.
 */
function dacDropped(): string[] {
  if (!isRoot()) return []
  const probe = execaSync('setpriv', ['--version'], { reject: false })
  if (probe.exitCode !== 0) throw new Error('the unreadable-file cases run as root need setpriv (util-linux) to drop CAP_DAC_OVERRIDE: install util-linux')
  return ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search']
}

/** Runs the built CLI in a separate process: no TTY, CI unset, killed at the time bound. */
export async function cli(args: readonly string[], cwd: string, opts: { withoutDacOverride?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  const prefix = opts.withoutDacOverride ? dacDropped() : []
  const [cmd, ...rest] = [...prefix, process.execPath, BIN, ...args]
  const r = await execa(cmd!, rest, {
    cwd,
    reject: false,
    timeout: opts.timeoutMs ?? RUN_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    stdin: 'ignore',
    env: { CI: '', NO_COLOR: '1' },
  })
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut }
}

/** A run that ended by itself, with its output in the message when it did not. */
export function finished(r: Run): string {
  if (r.timedOut) throw new Error(`the run hung (killed after ${RUN_TIMEOUT_MS / 1000}s)\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`)
  return `exit ${r.exitCode}\nstdout: ${r.stdout.slice(-3000)}\nstderr: ${r.stderr.slice(-3000)}`
}

const made: string[] = []

/** A fresh folder under the system temporary folder, removed by {@link cleanTemp}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cca-safety-read-'))
  made.push(dir)
  return dir
}

/** Removes every folder {@link tempDir} made (FIFOs, sockets and mode 000 entries included). */
export function cleanTemp(): void {
  for (const dir of made.splice(0)) {
    // Not root, a mode 000 folder cannot be emptied until it is opened again.
    if (!isRoot()) execaSync('chmod', ['-R', 'u+rwx', dir], { reject: false })
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Every entry below `dir` (`.git` aside) with its kind and size: equal before and after means nothing was written. */
export function listing(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    let names: string[]
    try {
      names = readdirSync(join(dir, rel)).sort()
    } catch {
      return // a folder the test made unlistable: its entry is listed by its parent
    }
    for (const name of names) {
      if (rel === '' && name === '.git') continue
      const path = rel ? `${rel}/${name}` : name
      const st = lstatSync(join(dir, path))
      const kind = st.isFile() ? `file ${st.size}` : st.isDirectory() ? 'dir' : st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : st.isSymbolicLink() ? 'link' : 'other'
      out.push(`${path} ${kind}`)
      if (st.isDirectory()) walk(path)
    }
  }
  walk('')
  return out
}

/** Flags that settle everything detection leaves uncertain about {@link writeApp}'s app. */
export const APP_FLAGS = ['--package-manager', 'npm', '--port', '3000', '--yes'] as const

export const APP_MANIFEST = `${JSON.stringify({ name: 'shop', version: '1.0.0', scripts: { start: 'node index.js' }, dependencies: { express: '4.19.2' } }, null, 2)}\n`

/** An Express app in `dir` (a git repository): what retrofit adds container files to. */
export function writeApp(dir: string, opts: { manifest?: boolean } = {}): void {
  if (opts.manifest !== false) writeFileSync(join(dir, 'package.json'), APP_MANIFEST)
  writeFileSync(join(dir, 'index.js'), "const app = require('express')()\napp.get('/healthz', (_, res) => res.send('ok'))\napp.listen(3000)\n")
  execaSync('git', ['init', '--quiet'], { cwd: dir })
}

export function mkfifo(path: string): void {
  execaSync('mkfifo', [path])
}

/** A listening Unix socket at `path`; close the server when done. */
export async function socketAt(path: string): Promise<Server> {
  const server = createServer()
  await new Promise<void>((res, rej) => server.once('error', rej).listen(path, () => res()))
  return server
}

const generated = new Map<string, string>()

/**
 * A copy of a project the CLI generated (`svc`, the defaults, on `platform` if given): what
 * validate, check and update read. Generated once per test file, copied for each test.
 */
export async function generatedProject(platform?: string): Promise<string> {
  const key = platform ?? ''
  if (!generated.has(key)) {
    const dir = tempDir()
    const r = await cli(['svc', '--yes', ...(platform ? ['--platform', platform] : [])], dir)
    if (r.exitCode !== 0) throw new Error(`generating the fixture project failed: ${finished(r)}`)
    generated.set(key, join(dir, 'svc'))
  }
  const copy = join(tempDir(), 'svc')
  cpSync(generated.get(key)!, copy, { recursive: true })
  return copy
}

/** Forget the generated projects (their folders go with {@link cleanTemp}). */
export function forgetGenerated(): void {
  generated.clear()
}

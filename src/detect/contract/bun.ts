import { sourceCandidates } from '../code.js'
import { record } from '../languages/types.js'
import type { Folder } from '../repo.js'
import type { Evidence } from '../types.js'
import type { NodeEntry } from './entry.js'
import { isServerSource, lineOf, oneLine, type AppCode } from './sources.js'

/** Bun's own subcommands: `bun <word>` with one of these is not running a file or a script. */
const SUBCOMMANDS = new Set(['install', 'i', 'add', 'a', 'remove', 'rm', 'update', 'outdated', 'link', 'unlink', 'pm', 'test', 'build', 'x', 'create', 'init', 'upgrade', 'publish', 'patch', 'audit', 'info', 'repl', 'exec', 'completions', 'why'])
/** Flags a development run adds: watchers, debuggers and local env files are not the image's. */
const DEV_FLAGS = /^--(?:hot|watch|no-clear-screen|inspect(?:-wait|-brk)?|env-file)(?:=|$)/
/** Flags that take the next word as their value. */
const VALUE_FLAGS = new Set(['--preload', '-r', '--cwd', '--env-file', '--config', '-c', '--tsconfig-override', '--conditions', '--main-fields', '--define', '-d', '--loader', '-l'])
const WRAPPERS = new Set(['cross-env', 'cross-env-shell', 'env', 'exec', 'dotenv', 'dotenvx', 'env-cmd'])
const RUNS_FILE = /\.(?:[cm]?[jt]sx?)$/
/** Files `bun init` and Bun's templates start a server from, in the order they are tried. */
const CONVENTIONAL = ['src/index.ts', 'src/server.ts', 'src/main.ts', 'src/app.ts', 'index.ts', 'server.ts', 'main.ts', 'app.ts', 'src/index.js', 'index.js', 'server.js']
/** Bun's own APIs and modules: code using them runs on Bun only. `bun:test` is the test runner's. */
const BUN_API = /\bBun\.(?:serve|file|write|spawn|spawnSync|env|password|sql|SQL|redis|s3|S3Client|Glob|build|argv|main|sleep|hash|CryptoHasher|Cookie|CookieMap)\b|\bfrom\s+['"]bun(?::(?!test\b)\w+)?['"]|\brequire\(\s*['"]bun(?::(?!test\b)\w+)?['"]\s*\)/
/** Adapters that run a fetch-handler framework on Node's http server. */
const NODE_ADAPTERS = ['@hono/node-server', '@elysiajs/node', '@whatwg-node/server', 'srvx']

const words = (line: string): string[] => [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)

/** What a command line runs: Bun on a file (with its flags and arguments), another program, or nothing readable. */
type Run = { bun: true; flags: string[]; file: string; args: string[]; source: string } | { bun: false; program: string } | undefined

/**
 * The program a package.json script line finally runs: env assignments and wrappers dropped,
 * `bun run <script>` / `bun <script>` / `npm run <script>` followed into that script, the last
 * step of `a && b` (the earlier ones build or migrate).
 */
function runOf(line: string, scripts: Record<string, string>, source: string, depth = 0): Run {
  const steps = line.split(/\s*(?:&&|;|\|\|)\s*/).filter((s) => s.trim() !== '')
  let w = words(steps[steps.length - 1] ?? '')
  for (;;) {
    while (w[0] && /^[A-Za-z_]\w*=/.test(w[0])) w = w.slice(1)
    if (!w[0] || !WRAPPERS.has(w[0])) break
    w = w.slice(1)
    const dd = w.indexOf('--')
    if (dd >= 0) w = w.slice(dd + 1)
    else while (w[0]?.startsWith('-')) w = w.slice(/^-[a-z]$|^--(?:file|env-file|path|environment)$/.test(w[0]) ? 2 : 1)
  }
  const cmd = w[0]
  if (!cmd) return undefined
  const follow = (name: string | undefined) => (name && typeof scripts[name] === 'string' && depth < 3 ? runOf(scripts[name]!, scripts, `"${name}": "${scripts[name]}"`, depth + 1) : undefined)
  if (/^(?:npm|pnpm|yarn)$/.test(cmd)) return follow(w[1] === 'run' || w[1] === 'run-script' ? w[2] : w[1] === 'start' ? 'start' : cmd !== 'npm' ? w[1] : undefined) ?? { bun: false, program: cmd }
  if (cmd !== 'bun' && cmd !== 'bunx') return { bun: false, program: cmd }
  if (cmd === 'bunx') return { bun: false, program: w[1] ?? cmd }
  const flags: string[] = []
  let i = 1
  if (w[i] === 'run') i++
  for (; i < w.length && w[i]!.startsWith('-'); i++) {
    const flag = w[i]!
    const takes = VALUE_FLAGS.has(flag)
    if (!DEV_FLAGS.test(flag)) flags.push(flag, ...(takes && w[i + 1] ? [w[i + 1]!] : []))
    if (takes) i++
  }
  const target = w[i]
  if (!target || SUBCOMMANDS.has(target)) return { bun: false, program: `bun ${target ?? ''}`.trim() }
  if (!RUNS_FILE.test(target) && typeof scripts[target] === 'string') return follow(target)
  return { bun: true, flags, file: target.replace(/^\.\//, ''), args: w.slice(i + 1), source }
}

/**
 * Why a Node-ecosystem app runs on Bun's runtime rather than Node's, or undefined: its code
 * uses Bun's APIs; its start script (or, without one, its dev script or Procfile) runs a file
 * with bun; it uses Elysia without a Node adapter; or its entry default-exports a fetch handler
 * (Hono's and Bun's `export default app`), which only Bun serves, in a project typed or locked for Bun.
 */
export function bunRuntime(f: Folder, pkg: Record<string, unknown>, sourceExt: RegExp): Evidence[] | undefined {
  const scripts = record(pkg.scripts)
  const deps = { ...record(pkg.devDependencies), ...record(pkg.dependencies) }
  const prod = record(pkg.dependencies)
  const sources = sourceCandidates(f.files, sourceExt, 200).filter((file) => isServerSource('node', file))
  for (const file of sources) {
    const text = f.read(file) ?? ''
    // Code that checks for Bun (`typeof Bun !== 'undefined'`) runs on Node as well.
    if (/typeof\s+Bun\b/.test(text)) continue
    const m = BUN_API.exec(text)
    if (m) return [{ file: f.path(file), reason: `uses Bun's own API, which Node lacks: \`${oneLine(m[0], 40)}\` (line ${lineOf(text, m.index)})` }]
  }
  const start = typeof scripts.start === 'string' ? runOf(scripts.start, scripts, `"start": "${scripts.start}"`) : undefined
  if (start?.bun) return [{ file: f.path('package.json'), reason: `${start.source} runs ${start.file} with Bun` }]
  if (start) return undefined
  const procfile = /^web:\s*(.+)$/m.exec(f.read('Procfile') ?? '')?.[1]
  const web = procfile ? runOf(procfile, scripts, `Procfile "web: ${procfile.trim()}"`) : undefined
  if (web?.bun) return [{ file: f.path('Procfile'), reason: `${web.source} runs ${web.file} with Bun` }]
  if (web) return undefined
  for (const name of ['dev', 'serve', 'start:dev', 'watch']) {
    const dev = typeof scripts[name] === 'string' ? runOf(scripts[name]!, scripts, `"${name}": "${scripts[name]}"`) : undefined
    if (dev?.bun) return [{ file: f.path('package.json'), reason: `${dev.source} runs ${dev.file} with Bun, and there is no start script` }]
  }
  if (NODE_ADAPTERS.some((a) => a in prod)) return undefined
  if ('elysia' in prod) return [{ file: f.path('package.json'), reason: 'depends on Elysia, a Bun server, without @elysiajs/node' }]
  const typedForBun = ['@types/bun', 'bun-types'].find((d) => d in deps) ?? ['bun.lock', 'bun.lockb', 'bunfig.toml'].find((x) => f.has(x))
  if (!typedForBun) return undefined
  for (const file of sources) {
    const text = f.read(file) ?? ''
    const m = /^export\s+default\s+(?:\{[^}]*\bfetch\b|(\w+)\s*;?\s*$)/m.exec(text)
    // `export default app` of a Hono (or other fetch-handler) app: Bun serves it; Node does nothing with it.
    if (m && (m[1] === undefined || new RegExp(`\\b(?:const|let|var)\\s+${m[1]}\\s*=\\s*new\\s+(?:Hono|Elysia|OpenAPIHono)\\b`).test(text))) {
      return [{ file: f.path(file), reason: `\`${oneLine(m[0], 50)}\` (line ${lineOf(text, m.index)}): Bun serves a default-exported fetch handler; ${typedForBun} says the project is Bun's` }]
    }
  }
  return undefined
}

/**
 * The command the prod image runs for a Bun app, as argv: `bun <file>` from the start script
 * (watchers and debuggers dropped), else the Procfile's web process, else the dev script's
 * file, else `module` or `main`, else a conventional server file. Bun runs TypeScript as it
 * is, so the file is the source unless the start script runs the build's output.
 */
export function bunEntry(code: AppCode): NodeEntry {
  const { f } = code
  const pkg = f.json('package.json') ?? {}
  const scripts = record(pkg.scripts)
  const build = typeof scripts.build === 'string' ? scripts.build : undefined
  const buildEvidence = build ? [{ file: f.path('package.json'), reason: `"build": "${build}"` }] : [{ file: f.path('package.json'), reason: 'no "build" script: Bun runs the source as it is' }]
  const rejected: Evidence[] = []
  const built = (file: string) => build !== undefined && /^(?:dist|build|out|\.output)\//.test(file)
  const accept = (argv: string[], file: string, where: string, reason: string): NodeEntry | undefined => {
    if (!f.has(file) && !built(file)) {
      rejected.push({ file: f.path(where), reason: `${reason}, which is not in the repository${build ? '' : ' and no build step writes it'}` })
      return undefined
    }
    return { nodeEntry: argv, hasBuildScript: build !== undefined, evidence: [{ file: f.path(where), reason: `${reason}${f.has(file) ? '' : `, written by the build ("${build}")`}` }, ...rejected], buildEvidence }
  }
  const fromRun = (run: Run, where: string) => (run?.bun ? accept(['bun', ...run.flags, run.file, ...run.args], run.file, where, `${run.source} runs ${run.file} with Bun`) : undefined)
  const procfile = /^web:\s*(.+)$/m.exec(f.read('Procfile') ?? '')?.[1]
  const found =
    (typeof scripts.start === 'string' ? fromRun(runOf(scripts.start, scripts, `"start": "${scripts.start}"`), 'package.json') : undefined) ??
    (procfile ? fromRun(runOf(procfile, scripts, `Procfile "web: ${procfile.trim()}"`), 'Procfile') : undefined) ??
    ['dev', 'serve', 'start:dev', 'watch'].map((name) => (typeof scripts[name] === 'string' ? fromRun(runOf(scripts[name]!, scripts, `"${name}": "${scripts[name]}" (without its watcher)`), 'package.json') : undefined)).find((x) => x) ??
    (['module', 'main'] as const).map((field) => (typeof pkg[field] === 'string' ? accept(['bun', (pkg[field] as string).replace(/^\.\//, '')], (pkg[field] as string).replace(/^\.\//, ''), 'package.json', `"${field}": "${pkg[field] as string}" is the file Bun runs`) : undefined)).find((x) => x)
  if (found) return found
  const conv = CONVENTIONAL.find((c) => f.has(c) && /\bserve\(|\.listen\(|^export\s+default\b/m.test(f.read(c) ?? ''))
  if (conv) return { nodeEntry: ['bun', conv], hasBuildScript: build !== undefined, evidence: [{ file: f.path(conv), reason: `${conv} starts the server (no start script, Procfile, dev script, module or main names a file)` }, ...rejected], buildEvidence }
  return {
    hasBuildScript: build !== undefined,
    evidence: rejected,
    buildEvidence,
    warning: {
      code: 'no-entry-point',
      file: f.path('package.json'),
      message: `no file found that Bun runs to start the server (${rejected.map((r) => r.reason).join('; ') || 'no start script, Procfile, dev script, module, main or server file'}): set "start": "bun <your server file>" in package.json`,
    },
  }
}

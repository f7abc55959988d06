import { posix } from 'node:path'
import { record } from '../languages/types.js'
import type { Folder } from '../repo.js'
import type { DetectionWarning, Evidence } from '../types.js'
import type { AppCode } from './sources.js'

export interface NodeEntry {
  nodeEntry?: string[]
  hasBuildScript: boolean
  evidence: Evidence[]
  buildEvidence: Evidence[]
  warning?: DetectionWarning
}

/** Runners that watch or transpile on the fly: development tools, not what the image runs. */
const DEV_RUNNERS = new Set(['nodemon', 'ts-node', 'ts-node-dev', 'tsnd', 'ts-node-esm', 'tsx', 'babel-node', 'node-dev', 'supervisor', 'esno', 'esr', 'vite-node', 'swc-node', 'jiti'])
/** Wrappers that set the environment and run the rest of the line. */
const WRAPPERS = new Set(['cross-env', 'cross-env-shell', 'env', 'exec', 'npx', 'dotenv', 'dotenvx', 'env-cmd'])
const JS = /\.[cm]?js$/
const TS = /\.[cm]?tsx?$/
const CONVENTIONAL = ['server.js', 'index.js', 'app.js', 'main.js', 'src/server.js', 'src/index.js', 'src/app.js', 'src/main.js', 'bin/www', 'bin/server.js']

interface Candidate {
  argv: string[]
  reason: string
}

/** Shell words of a command line (quotes removed, no expansion). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)
}

/**
 * Where the build writes a source file's compiled form, when the build script says so: tsc
 * (tsconfig's outDir and rootDir), tsup, esbuild, ncc, babel and swc.
 */
function compiledPath(f: Folder, build: string, source: string): string | undefined {
  const js = (p: string) => p.replace(/\.([cm]?)tsx?$/, (_, m: string) => `.${m}js`)
  const base = posix.basename(source)
  const outfile = /--outfile[= ](\S+)/.exec(build)?.[1]
  if (/\besbuild\b/.test(build)) {
    if (outfile) return outfile.replace(/^\.\//, '')
    const outdir = /--outdir[= ](\S+)/.exec(build)?.[1]
    return outdir ? posix.join(outdir, js(base)) : undefined
  }
  if (/\bncc build\b/.test(build)) return posix.join(/(?:-o|--out)[= ](\S+)/.exec(build)?.[1] ?? 'dist', 'index.js')
  if (/\btsup\b/.test(build)) return posix.join(/(?:-d|--out-dir)[= ](\S+)/.exec(build)?.[1] ?? 'dist', js(base))
  const babel = /\b(?:babel|swc)\s+(\S+)\s+(?:-d|--out-dir)[= ](\S+)/.exec(build)
  if (babel) {
    const from = babel[1]!.replace(/^\.\//, '').replace(/\/$/, '')
    const strip = /\bbabel\b/.test(build) || /--strip-leading-paths/.test(build)
    const rel = strip && source.startsWith(`${from}/`) ? source.slice(from.length + 1) : source
    return posix.join(babel[2]!, js(rel))
  }
  if (/\btsc\b/.test(build)) {
    const project = /\btsc\b[^&|;]*?(?:-p|--project)[= ](\S+)/.exec(build)?.[1]
    const configFile = project ? (project.endsWith('.json') ? project : posix.join(project, 'tsconfig.json')) : 'tsconfig.json'
    const options = tsconfigOptions(f, configFile.replace(/^\.\//, ''))
    const outDir = /--outDir[= ](\S+)/.exec(build)?.[1] ?? options.outDir
    if (!outDir) return js(source)
    let rootDir = options.rootDir
    if (!rootDir) {
      // tsc's default rootDir is the common folder of the inputs; `include: ["src"]` makes it src.
      const include = options.include ?? []
      rootDir = include.length > 0 && include.every((i) => /^\.?\/?src(?:\/|$)/.test(i)) ? 'src' : source.startsWith('src/') && !f.files.some((x) => TS.test(x) && !x.startsWith('src/') && !/\.d\.ts$|config\.[cm]?ts$|^(?:tests?|scripts?)\//.test(x)) ? 'src' : '.'
    }
    const root = rootDir.replace(/^\.\//, '').replace(/\/$/, '')
    const rel = root === '.' || root === '' ? source : source.startsWith(`${root}/`) ? source.slice(root.length + 1) : source
    return posix.join(outDir.replace(/^\.\//, ''), js(rel))
  }
  return undefined
}

/** tsconfig's outDir, rootDir and include, following one `extends` of a file in the repository. */
function tsconfigOptions(f: Folder, file: string, depth = 0): { outDir?: string; rootDir?: string; include?: string[] } {
  const text = f.read(file)
  if (text === undefined) return {}
  let cfg: Record<string, unknown>
  try {
    // JSONC: comments and trailing commas are allowed in tsconfig.
    cfg = JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, s: string | undefined) => s ?? '').replace(/,(\s*[}\]])/g, '$1')) as Record<string, unknown>
  } catch {
    return {}
  }
  const co = record(cfg.compilerOptions)
  const dir = posix.dirname(file)
  const at = (p: string | undefined) => (p === undefined ? undefined : posix.normalize(posix.join(dir, p)))
  const parent = typeof cfg.extends === 'string' && cfg.extends.startsWith('.') && depth < 2 ? tsconfigOptions(f, posix.normalize(posix.join(dir, cfg.extends.endsWith('.json') ? cfg.extends : `${cfg.extends}.json`)), depth + 1) : {}
  return {
    outDir: at(co.outDir) ?? parent.outDir,
    rootDir: at(co.rootDir) ?? parent.rootDir,
    include: Array.isArray(cfg.include) ? (cfg.include as string[]) : parent.include,
  }
}

/**
 * The command the prod image runs for a Node server, as argv: the start script's (env
 * assignments, cross-env, --env-file and dev-only preloads dropped; a watcher or on-the-fly
 * transpiler replaced by node on the file, or on its compiled output when a build makes one;
 * pm2 by the script its ecosystem file names), else the Procfile's web process, else `main`,
 * else a conventional server file. A file is accepted only if it exists, or if the build step
 * writes it.
 */
export function nodeEntry(code: AppCode): NodeEntry {
  const { f } = code
  const pkg = f.json('package.json') ?? {}
  const scripts = record(pkg.scripts)
  const prodDeps = record(pkg.dependencies)
  const build = typeof scripts.build === 'string' ? scripts.build : undefined
  const buildEvidence = build ? [{ file: f.path('package.json'), reason: `"build": "${build}"` }] : [{ file: f.path('package.json'), reason: 'no "build" script: the image ships the source as it is' }]
  const rejected: Evidence[] = []
  const exists = (file: string) => f.has(file) || f.has(`${file}.js`) || f.has(`${file}/index.js`)
  // Build output folders are not in the file list; a file there exists once the build ran.
  const built = (file: string) => build !== undefined && /^(?:dist|build|lib|out|\.output|server-dist|compiled)\//.test(file)

  /** A node argv for a file: itself when it runs, its compiled form when the build makes one. */
  const runnable = (file: string, flags: string[], args: string[], source: string): Candidate | undefined => {
    const clean = posix.normalize(file).replace(/^\.\//, '')
    if (TS.test(clean)) {
      const out = build ? compiledPath(f, build, clean) : undefined
      if (out) return { argv: ['node', ...flags, out, ...args], reason: `${source} runs ${clean}; the build ("${build}") compiles it to ${out}` }
      if ('tsx' in prodDeps && f.has(clean)) return { argv: ['node', '--import', 'tsx', clean, ...args], reason: `${source} runs ${clean} with tsx, a production dependency` }
      rejected.push({ file: f.path('package.json'), reason: `${source} runs the TypeScript file ${clean}${build ? ', and the build script writes no output this tool can place' : ' and there is no build step'}` })
      return undefined
    }
    if (exists(clean)) return { argv: ['node', ...flags, clean, ...args], reason: `${source} runs ${clean}` }
    if (built(clean)) return { argv: ['node', ...flags, clean, ...args], reason: `${source} runs ${clean}, written by the build ("${build}")` }
    rejected.push({ file: f.path('package.json'), reason: `${source} runs ${clean}, which is not in the repository${build ? '' : ' and no build step writes it'}` })
    return undefined
  }

  /** One command line → a candidate. */
  const parse = (line: string, source: string, depth = 0): Candidate | undefined => {
    // In `a && b`, the last step is the server; earlier ones build or migrate.
    const steps = line.split(/\s*(?:&&|;|\|\|)\s*/).filter((s) => s.trim() !== '')
    const last = steps[steps.length - 1] ?? ''
    let w = words(last)
    for (;;) {
      while (w[0] && /^[A-Za-z_]\w*=/.test(w[0])) w = w.slice(1)
      if (!w[0] || !WRAPPERS.has(w[0])) break
      w = w.slice(1)
      // dotenv-cli and env-cmd take options before the command (`dotenv -e .env --`).
      const dd = w.indexOf('--')
      if (dd >= 0 && w.slice(0, dd).every((x, i) => x.startsWith('-') || (i > 0 && w[i - 1]!.startsWith('-')))) w = w.slice(dd + 1)
      else while (w[0]?.startsWith('-')) w = w.slice(/^-[a-z]$|^--(?:file|env-file|path|environment)$/.test(w[0]) ? 2 : 1)
    }
    const cmd = w[0]
    if (!cmd) return undefined
    const run = /^(npm|yarn|pnpm|bun)$/.test(cmd) ? (w[1] === 'run' || w[1] === 'run-script' ? w[2] : w[1] === 'start' ? 'start' : cmd !== 'npm' ? w[1] : undefined) : undefined
    if (run && scripts[run] && depth < 3) return parse(scripts[run]!, `"${run}": "${scripts[run]}"`, depth + 1)
    if (cmd === 'node' || cmd === 'nodejs') {
      const flags: string[] = []
      let i = 1
      let transpiled = false
      for (; i < w.length && w[i]!.startsWith('-'); i++) {
        const flag = w[i]!
        const [name, inline] = flag.split('=', 2) as [string, string | undefined]
        if (/^--(?:env-file|env-file-if-exists)$/.test(name)) {
          if (inline === undefined) i++
          continue
        }
        if (/^--(?:watch|watch-path|watch-preserve-output|inspect|inspect-brk|inspect-wait)$/.test(name)) {
          if (name === '--watch-path' && inline === undefined) i++
          continue
        }
        if (/^(?:-r|--require|--import|--loader|--experimental-loader)$/.test(name)) {
          const mod = inline ?? w[++i] ?? ''
          const pkgName = mod.startsWith('@') ? mod.split('/').slice(0, 2).join('/') : mod.split('/')[0]!
          if (/^(?:ts-node|tsx|@swc-node|@babel\/register|esbuild-register)$/.test(pkgName)) transpiled = true
          // A preload the prod install does not have would stop the app at start.
          else if (pkgName in prodDeps || mod.startsWith('.') || mod.startsWith('node:')) flags.push(name, mod)
          continue
        }
        flags.push(flag)
      }
      const file = w[i]
      if (!file) return undefined
      return runnable(file, flags, w.slice(i + 1), transpiled ? `${source} (transpiled on the fly)` : source)
    }
    if (DEV_RUNNERS.has(cmd)) {
      const rest = w.slice(1).filter((x) => x !== 'watch')
      // nodemon --exec "ts-node src/index.ts": the runner inside does the work.
      const exec = rest.indexOf('--exec')
      if (exec >= 0 && rest[exec + 1]) return parse(rest.slice(exec + 1).join(' '), source, depth + 1)
      const file = rest.find((x, i) => !x.startsWith('-') && !(i > 0 && /^(?:-w|--watch|-e|--ext|-r|--require|--import|-i|--ignore|--delay|--project|-P|--tsconfig|--env-file)$/.test(rest[i - 1]!)))
      if (!file) return undefined
      return runnable(file, [], [], `${source} (${cmd}, a development runner)`)
    }
    if (cmd === 'pm2-runtime' || cmd === 'pm2' || cmd === 'forever') {
      const target = w.slice(1).find((x) => !x.startsWith('-') && x !== 'start')
      if (!target) return undefined
      if (/(?:ecosystem|process)[\w.-]*\.(?:[cm]?js|json|ya?ml|config\.[cm]?js)$|\.config\.[cm]?js$/.test(target) && f.has(target.replace(/^\.\//, ''))) {
        const file = target.replace(/^\.\//, '')
        const text = f.read(file) ?? ''
        const script = /["']?script["']?\s*:\s*["']([^"']+)["']/.exec(text)?.[1]
        if (!script) return undefined
        const args = /["']?args["']?\s*:\s*["']([^"']+)["']/.exec(text)?.[1]
        return runnable(script, [], args ? words(args) : [], `${source} (pm2 with ${file}, whose app runs ${script})`)
      }
      return runnable(target, [], [], `${source} (${cmd})`)
    }
    return undefined
  }

  const evidence: Evidence[] = []
  const accept = (c: Candidate | undefined, file: string) => {
    if (c && evidence.length === 0) evidence.push({ file: f.path(file), reason: c.reason })
    return c
  }
  let pick: Candidate | undefined
  if (typeof scripts.start === 'string') pick = accept(parse(scripts.start, `"start": "${scripts.start}"`), 'package.json')
  const procfile = /^web:\s*(.+)$/m.exec(f.read('Procfile') ?? '')?.[1]
  if (!pick && procfile) pick = accept(parse(procfile, `Procfile "web: ${procfile.trim()}"`), 'Procfile')
  if (!pick && typeof pkg.main === 'string') pick = accept(runnable(pkg.main, [], [], `"main": "${pkg.main}"`), 'package.json')
  if (!pick) {
    const conv = CONVENTIONAL.find((c) => f.has(c) && /\.listen\(|createServer\(|serve\(/.test(f.read(c) ?? ''))
    if (conv) pick = accept({ argv: ['node', conv], reason: `${conv} starts the server (no start script, Procfile or main names a runnable file)` }, conv)
  }
  if (!pick && build) {
    const ts = ['src/index.ts', 'src/server.ts', 'src/main.ts', 'src/app.ts', 'index.ts', 'server.ts'].find((c) => f.has(c) && /\.listen\(|serve\(/.test(f.read(c) ?? ''))
    const out = ts && compiledPath(f, build, ts)
    if (ts && out) pick = accept({ argv: ['node', out], reason: `${ts} starts the server; the build ("${build}") compiles it to ${out}` }, ts)
  }
  // What was passed over is kept: it says why the start script's file is not the entry.
  const out: NodeEntry = { hasBuildScript: build !== undefined, evidence: [...evidence, ...rejected], buildEvidence }
  if (pick) out.nodeEntry = pick.argv
  else {
    out.warning = {
      code: 'no-entry-point',
      file: f.path('package.json'),
      message: `no command found that starts the server in the image (${rejected.map((r) => r.reason).join('; ') || 'no start script, Procfile, main or server file'}): set "start": "node <your server file>" in package.json, or pass the entry when you edit the Dockerfile's CMD`,
    }
  }
  return out
}

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { spawn } from 'node:child_process'
import { execa } from 'execa'
import { requireTool, toolsEnv } from './helpers/tools.js'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../src/answers.js'
import { generate } from '../src/generate.js'
import { main } from '../src/index.js'
import { CACHES, CI_PROVIDERS, DATABASES, K8S_FORMATS, LANGUAGES, PLATFORMS, REGISTRIES } from '../src/options.js'
import { VERSION_RANGES } from '../src/registry/languages/version-ranges.js'
import { isBookkeeping } from '../src/update/base.js'

/**
 * Every single-answer change that `update` is for, on every language: from a project generated
 * with postgres and redis on Compose (on Kubernetes for the chart format), `update --<answer> <value>` must leave what a fresh
 * generation with the new answers would write (the starter app included), a starter app whose
 * configuration accepts the URLs the Compose file now gives it, and a project `validate` passes.
 *
 * The starter apps' own test tiers (test/languages/*.app.test.ts) prove every fresh
 * database × cache combination; equality with a fresh generation carries that proof over to the
 * updated project. The acceptance check reads the app as it stands on disk: the wiring file names
 * the probe, and the probe's scheme list holds the URL's scheme. For Python (the language of the
 * report) the app's own config loader, for PHP its preflight, run on the URLs, and the Go
 * starter is built and started with them.
 */

async function run(argv: string[], cwd: string) {
  let stdout = ''
  let stderr = ''
  const code = await main({ argv, cwd, env: {}, tty: false, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } })
  return { code, stdout, stderr }
}

/** The starter app's wiring file: where the chosen services' probes are named. */
const WIRING: Record<(typeof LANGUAGES)[number], string> = {
  node: 'src/service.ts',
  python: 'src/app/service.py',
  go: 'cmd/server/main.go',
  java: 'src/main/java/com/example/app/Services.java',
  rust: 'src/service.rs',
  dotnet: 'src/App/Service.cs',
  ruby: 'src/service.rb',
  php: 'src/Service.php',
}

const START = { database: 'postgres', cache: 'redis', platform: 'compose', ci: 'github', registry: 'ghcr' } as const

interface Change {
  flag: string
  key: keyof Answers
  value: string | number
  /** The project it starts from: START, or START on Kubernetes (for the answers only Kubernetes has). */
  from?: 'kubernetes'
}

/** The single-answer changes from START; those the answers refuse (a registry a CI cannot push to...) are left out by validateAnswers. */
function changes(language: (typeof LANGUAGES)[number]): Change[] {
  const others = <T extends string>(all: readonly T[], now: string) => all.filter((v) => v !== now)
  return [
    ...others(DATABASES, START.database).map((value) => ({ flag: 'database', key: 'database' as const, value })),
    ...others(CACHES, START.cache).map((value) => ({ flag: 'cache', key: 'cache' as const, value })),
    ...others(PLATFORMS, START.platform).map((value) => ({ flag: 'platform', key: 'platform' as const, value })),
    ...others(CI_PROVIDERS, START.ci).map((value) => ({ flag: 'ci', key: 'ci' as const, value })),
    ...others(REGISTRIES, START.registry).map((value) => ({ flag: 'registry', key: 'registry' as const, value })),
    { flag: 'port', key: 'port' as const, value: 9090 },
    // The oldest supported line (the default is the newest).
    { flag: 'language-version', key: 'languageVersion' as const, value: VERSION_RANGES[language].min },
    ...others(K8S_FORMATS, 'helm').map((value) => ({ flag: 'k8s-format', key: 'k8sFormat' as const, value, from: 'kubernetes' as const })),
  ]
}

/** `${VAR:-default}` and `${VAR:?message}` as Compose resolves them with nothing set. */
const interpolate = (text: string) => text.replace(/\$\{(\w+)(?::?-([^}]*)|:?\?[^}]*)?\}/g, (_m, _name: string, fallback: string | undefined) => fallback ?? 'set-in-env')

/** DATABASE_URL and CACHE_URL as the dev Compose file gives them to the app. */
function composeUrls(dir: string): Record<string, string> {
  const doc = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as { services: Record<string, { environment?: Record<string, unknown> }> }
  const out: Record<string, string> = {}
  for (const svc of Object.values(doc.services)) {
    for (const key of ['DATABASE_URL', 'CACHE_URL']) {
      const v = svc.environment?.[key]
      if (typeof v === 'string') out[key] = interpolate(v)
    }
  }
  return out
}

/** The schemes a probe file on disk declares (`SCHEMES = ('mysql', 'mariadb')`, `%w[redis rediss]`, `['postgres:', …]`). */
function declaredSchemes(text: string): Set<string> {
  const lines = text.split('\n')
  const found = new Set<string>()
  lines.forEach((line, i) => {
    if (!/schemes/i.test(line) || /expected|must be/i.test(line)) return
    const near = lines.slice(i, i + 3).join('\n')
    for (const m of near.matchAll(/['"]([a-z][a-z0-9+.-]*):?['"]/g)) found.add(m[1]!)
    for (const m of near.matchAll(/%w\[([^\]]*)\]/g)) for (const w of m[1]!.trim().split(/\s+/)) found.add(w)
  })
  return found
}

function listFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]).filter((d) => d.isFile()).map((d) => posix.relative(root.split('\\').join('/'), join(d.parentPath, d.name).split('\\').join('/')))
}

/** What the starter app on disk accepts, for each URL the Compose file sets: failures as text. */
function acceptance(dir: string, language: (typeof LANGUAGES)[number], answers: Answers, urls: Record<string, string>): string[] {
  const ctx = generate(answers).context
  const problems: string[] = []
  const wiring = readFileSync(join(dir, WIRING[language]), 'utf8')
  const files = listFiles(dir)
  for (const [env, service] of [['DATABASE_URL', ctx.database], ['CACHE_URL', ctx.cache]] as const) {
    const url = urls[env]
    if (!service) {
      if (url !== undefined) problems.push(`${env} set without a service`)
      if (wiring.includes(env)) problems.push(`${WIRING[language]} still expects ${env}`)
      continue
    }
    if (url === undefined) {
      problems.push(`${env} not set in compose.yaml`)
      continue
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase()
    if (!wiring.includes(env)) problems.push(`${WIRING[language]} does not read ${env}`)
    if (!wiring.toLowerCase().includes(service.probe)) problems.push(`${WIRING[language]} does not name the ${service.probe} probe`)
    const probeFiles = files.filter((f) => /(^|\/)probes\//i.test(f) && !/test/i.test(f) && posix.basename(f).toLowerCase().includes(service.probe))
    const schemes = new Set(probeFiles.flatMap((f) => [...declaredSchemes(readFileSync(join(dir, f), 'utf8'))]))
    if (!scheme || !schemes.has(scheme)) problems.push(`${env}=${scheme}://… is not among the ${service.probe} probe's schemes (${[...schemes].join(', ') || 'none found'} in ${probeFiles.join(', ') || 'no probe file'})`)
  }
  return problems
}

/** Python: the app's own configuration loader, run on the URLs (standard library only). */
async function pythonLoads(dir: string, urls: Record<string, string>): Promise<void> {
  const script = [
    'import json, sys',
    "sys.path.insert(0, 'src')",
    'from app.config import load_config',
    'from app import service',
    'env = json.load(sys.stdin)',
    'config = load_config(env, default_port=service.DEFAULT_PORT, dependencies=service.DEPENDENCIES)',
    'print(json.dumps([d.dependency.env for d in config.dependencies]))',
  ].join('\n')
  const r = await execa(requireTool('python3'), ['-c', script], { cwd: dir, input: JSON.stringify(urls), reject: false, env: { PYTHONDONTWRITEBYTECODE: '1' } })
  expect(r.exitCode, r.stderr).toBe(0)
  expect(JSON.parse(r.stdout).sort()).toEqual(Object.keys(urls).sort())
}

/**
 * PHP: the app's own preflight (bin/preflight.php, which the image runs before the server) on
 * the URLs. It loads Composer's autoloader; the app needs no package to read its settings, so
 * a stand-in autoloader maps the PSR-4 prefixes composer.json declares.
 */
async function phpPreflight(dir: string, urls: Record<string, string>): Promise<void> {
  const psr4 = (JSON.parse(readFileSync(join(dir, 'composer.json'), 'utf8')) as { autoload: { 'psr-4': Record<string, string> } }).autoload['psr-4']
  const autoload = [
    '<?php',
    `$map = json_decode(${JSON.stringify(JSON.stringify(psr4))}, true);`,
    'spl_autoload_register(static function (string $class) use ($map): void {',
    '    foreach ($map as $prefix => $path) {',
    '        if (str_starts_with($class, $prefix)) {',
    "            $file = dirname(__DIR__) . '/' . $path . str_replace('\\\\', '/', substr($class, strlen($prefix))) . '.php';",
    '            if (is_file($file)) { require $file; return; }',
    '        }',
    '    }',
    '});',
  ].join('\n')
  mkdirSync(join(dir, 'vendor'), { recursive: true })
  writeFileSync(join(dir, 'vendor/autoload.php'), `${autoload}\n`)
  const r = await execa(requireTool('php'), ['bin/preflight.php'], { cwd: dir, reject: false, extendEnv: false, env: { PATH: process.env.PATH ?? '', ...urls } })
  expect(r.exitCode, `${r.stdout}${r.stderr}`).toBe(0)
  const started = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { dependencies: string[] }
  expect(started.dependencies.length).toBe(Object.keys(urls).length)
}

/**
 * Go: the starter built and started on the URLs: it validates its settings before it listens,
 * so a "listening" line means it accepted them (the probes only run for /readyz).
 */
async function goStarts(dir: string, urls: Record<string, string>): Promise<void> {
  const env = toolsEnv({ CGO_ENABLED: '0', GOFLAGS: '-mod=readonly', GOTOOLCHAIN: 'local', GOPROXY: 'off' })
  const build = await execa(requireTool('go'), ['build', '-o', 'out/server', './cmd/server'], { cwd: dir, env, reject: false, all: true })
  expect(build.exitCode, build.all).toBe(0)
  const child = spawn(join(dir, 'out/server'), [], { env: { PATH: process.env.PATH ?? '', PORT: '0', ...urls } })
  let output = ''
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('no "listening" line within 20 s'), 20_000)
    const seen = (chunk: Buffer) => {
      output += chunk.toString()
      if (/"msg":"listening"/.test(output)) {
        clearTimeout(timer)
        resolve('listening')
      }
    }
    child.stdout.on('data', seen)
    child.stderr.on('data', seen)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve(`exited ${code} before listening`)
    })
  })
  child.kill('SIGTERM')
  expect(outcome, output).toBe('listening')
}

/** Whether the starter app's files differ between two sets of answers. */
function starterMoved(before: Answers, after: Answers): boolean {
  const app = (a: Answers) => {
    const g = generate(a)
    const scaffold = new Set(g.scaffold)
    return new Map(g.files.filter((f) => scaffold.has(f.path)).map((f) => [f.path, f.content]))
  }
  const [x, y] = [app(before), app(after)]
  return x.size !== y.size || [...x].some(([path, text]) => y.get(path) !== text)
}

describe.each(LANGUAGES.map((l) => [l]))('update matrix: %s', (language) => {
  it('every single-answer change leaves a fresh generation\'s files, a starter app that accepts its new configuration, and a clean validate', async () => {
    const cwd = mkdtempSync(join(tmpdir(), `cca-umatrix-${language}-`))
    const flags = Object.entries(START).filter(([k]) => k !== 'platform').flatMap(([k, v]) => [`--${k}`, v])
    for (const [name, platform] of [['svc', 'compose'], ['svc-k8s', 'kubernetes']] as const) {
      const g = await run([name, '--yes', '--language', language, ...flags, '--platform', platform], cwd)
      expect(g.code, g.stderr).toBe(0)
    }
    const recorded = (name: string) => JSON.parse(readFileSync(join(cwd, name, '.containerized/answers.json'), 'utf8')).answers as Record<string, unknown>
    const failures: string[] = []
    let ran = 0
    for (const c of changes(language)) {
      const from = c.from === 'kubernetes' ? 'svc-k8s' : 'svc'
      let answers: Answers
      try {
        answers = validateAnswers({ ...recorded(from), [c.key]: c.value })
      } catch {
        continue // not a valid combination: the CLI refuses it (update.test.ts covers refusals)
      }
      ran++
      const label = `--${c.flag} ${c.value}`
      const dir = join(cwd, `${c.flag}-${c.value}`)
      cpSync(join(cwd, from), dir, { recursive: true })
      const u = await run(['update', `--${c.flag}`, String(c.value), '--json'], dir)
      if (u.code !== 0) {
        failures.push(`${label}: update exited ${u.code}: ${u.stderr}${u.stdout.slice(0, 500)}`)
        continue
      }
      expect(JSON.parse(u.stdout).needsChange, label).toEqual([])
      // Exactly what a fresh generation with these answers writes (the starter app included).
      for (const f of generate(answers).files) {
        if (isBookkeeping(f.path)) continue
        const path = join(dir, f.path)
        if (!existsSync(path)) failures.push(`${label}: ${f.path} missing`)
        else if (readFileSync(path, 'utf8') !== f.content) failures.push(`${label}: ${f.path} differs from a fresh generation`)
      }
      const urls = existsSync(join(dir, 'compose.yaml')) ? composeUrls(dir) : {}
      for (const p of acceptance(dir, language, answers, urls)) failures.push(`${label}: ${p}`)
      if (language === 'python') await pythonLoads(dir, urls)
      const v = await run(['validate', '--no-external'], dir)
      if (v.code !== 0) failures.push(`${label}: validate exited ${v.code}: ${v.stdout}`)
      const c2 = await run(['check'], dir)
      if (c2.code !== 0) failures.push(`${label}: check exited ${c2.code}: ${c2.stdout}`)
      // Last: they write (a stand-in vendor/autoload.php, a binary under out/).
      if (language === 'php') await phpPreflight(dir, urls)
      // A build per change is dear: only where the change reaches the app's code.
      if (language === 'go' && starterMoved(validateAnswers(recorded(from)), answers)) await goStarts(dir, urls)
    }
    expect(ran).toBeGreaterThanOrEqual(17)
    expect(failures).toEqual([])
    rmSync(cwd, { recursive: true, force: true }) // kept when the test fails, to look at
  }, 300_000)
})

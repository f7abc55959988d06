// `npm run bench`: prints figures; never asserts on time.
//  - CPU time (user + sys) side by side, median of 5 interleaved runs: a default `--yes`
//    generation with postgres and redis against create-vite's react-ts scaffold (a
//    devDependency, pinned), and `--help` / `--version` against `node -e 0`; with the ratios
//    (`-- --only-cpu` prints this part alone)
//  - wall time of a whole `--yes` generation (new process each run), median of N runs
//  - files and bytes written
//  - detection (scan + detect + plan) on a 50,000-file repository
//  - organizations: generation with a preset (policy + pack), check, and update after a pack change
//  - validate: the built-in rules, and once with the external validators installed
//  - the packed npm package: tarball size, unpacked size, file count
//  - as root: each language's cold build, source-only rebuild and image size; then the retrofit
//    corpus (test/e2e/corpus.mjs): build and healthy rates and per-app times
//    (`-- --no-containers` skips both, `-- --no-corpus` the corpus, `-- --only-corpus` runs it
//    alone; CCA_E2E_ONLY=<regex> a subset)
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin/create-containerized-app.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)

// `-- --only-corpus`: the retrofit corpus alone (as root, with the engine ready).
if (process.argv.includes('--only-corpus')) {
  execFileSync('bash', [join(root, 'test/e2e/engine.sh')], { stdio: ['ignore', 'ignore', 'inherit'] })
  await corpusBench()
  process.exit(0)
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function walk(dir) {
  let files = 0
  let bytes = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) {
      const r = walk(p)
      files += r.files
      bytes += r.bytes
    } else {
      files++
      bytes += statSync(p).size
    }
  }
  return { files, bytes }
}

// ---- CPU time side by side: generation against create-vite, --help/--version against node ----
// Each process runs with scripts/cpu-usage.cjs preloaded, which writes its user + sys time on
// exit; the commands take turns so that load from elsewhere on the machine hits each alike.
{
  const CPU_RUNS = 5
  const hook = join(root, 'scripts/cpu-usage.cjs')
  const createVite = join(root, 'node_modules/create-vite/index.js')
  const cviteVersion = JSON.parse(readFileSync(join(root, 'node_modules/create-vite/package.json'), 'utf8')).version
  const cases = [
    { id: 'vite', label: `create-vite ${cviteVersion} --template react-ts`, args: (dir) => [createVite, 'app', '--template', 'react-ts', '--no-interactive'], dir: true },
    { id: 'gen', label: '--yes --database postgres --cache redis', args: () => [bin, 'svc', '--yes', '--database', 'postgres', '--cache', 'redis'], dir: true },
    { id: 'node', label: 'node -e 0', args: () => ['-e', '0'] },
    { id: 'help', label: '--help', args: () => [bin, '--help'] },
    { id: 'version', label: '--version', args: () => [bin, '--version'] },
  ]
  const cpu = Object.fromEntries(cases.map((c) => [c.id, []]))
  const out = join(mkdtempSync(join(tmpdir(), 'cca-bench-cpu-')), 'cpu.txt')
  for (let i = 0; i < CPU_RUNS; i++) {
    for (const c of cases) {
      const dir = mkdtempSync(join(tmpdir(), 'cca-bench-cpu-'))
      writeFileSync(out, '')
      const r = spawnSync(process.execPath, ['-r', hook, ...c.args(dir)], { cwd: dir, env: { ...process.env, CI: 'true', CCA_CPU_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'] })
      if (r.status !== 0) throw new Error(`${c.label} failed (${r.status}): ${r.stderr}`)
      cpu[c.id].push(Number(readFileSync(out, 'utf8').trim()) / 1000)
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const ms = (id) => median(cpu[id])
  const row = (id, label, vs) =>
    console.log(`  ${label.padEnd(46)} ${ms(id).toFixed(0).padStart(4)} ms  (min ${Math.min(...cpu[id]).toFixed(0)}, max ${Math.max(...cpu[id]).toFixed(0)})${vs ? `  ${(ms(id) / ms(vs.id)).toFixed(2)}× ${vs.name} (goal ≤ ${vs.goal}×)` : ''}`)
  console.log(`CPU time (user + sys), whole process, median of ${CPU_RUNS} interleaved runs (node ${process.version}):`)
  row('vite', cases[0].label)
  row('gen', `ours: ${cases[1].label}`, { id: 'vite', name: 'create-vite', goal: 1.5 })
  row('node', 'node -e 0')
  row('help', `ours: ${cases[3].label}`, { id: 'node', name: 'node -e 0', goal: 1.2 })
  row('version', `ours: ${cases[4].label}`, { id: 'node', name: 'node -e 0', goal: 1.2 })
  rmSync(dirname(out), { recursive: true, force: true })
  if (process.argv.includes('--only-cpu')) process.exit(0)
}

const scenarios = [
  ['defaults', []],
  ['postgres + redis', ['--database', 'postgres', '--cache', 'redis']],
  ['eks + terraform', ['--platform', 'eks', '--registry', 'ecr', '--database', 'postgres', '--cache', 'redis']],
]
console.log(`Generation, whole process, median of ${RUNS} runs (node ${process.version}):`)
for (const [label, flags] of scenarios) {
  const times = []
  let written
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'cca-bench-'))
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [bin, 'svc', '--yes', ...flags], { cwd: dir, env: { ...process.env, CI: '' } })
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(`generation failed: ${r.stderr}`)
    written = walk(join(dir, 'svc'))
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(
    `  ${label.padEnd(20)} ${median(times).toFixed(0).padStart(5)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})  ${written.files} files, ${(written.bytes / 1024).toFixed(1)} KiB`,
  )
}

// ---- detection on a large repository ----------------------------------------------------
// 50,000 source files the scan must list, plus 25,000 in node_modules and .git it must skip.
// Whole process (`--dry-run --json`: scan, detect, generate, compare with the disk).
{
  const repo = join(mkdtempSync(join(tmpdir(), 'cca-bench-large-')), 'monolith')
  const mk = (dir, count, content) => {
    mkdirSync(join(repo, dir), { recursive: true })
    for (let i = 0; i < count; i++) writeFileSync(join(repo, dir, `f${i}.ts`), content(i))
  }
  mkdirSync(repo, { recursive: true })
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'monolith', scripts: { build: 'tsc', start: 'node dist/server.js' }, dependencies: { express: '5.1.0', pg: '8.16.0' } }))
  writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3}')
  for (let d = 0; d < 250; d++) mk(`src/module${d}`, d === 0 ? 199 : 200, (i) => `export const v${i} = ${i}\n`)
  writeFileSync(join(repo, 'src/server.ts'), "app.listen(Number(process.env.PORT ?? 4000), '0.0.0.0')\n")
  for (let d = 0; d < 100; d++) mk(`node_modules/pkg${d}`, 200, () => 'module.exports = {}\n')
  for (let d = 0; d < 25; d++) mk(`.git/objects/${d}`, 200, () => 'x')
  const times = []
  let out
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [bin, '--cwd', repo, '--dry-run', '--json'], { env: { ...process.env, CI: '' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(`detection failed: ${r.stderr}`)
    out = JSON.parse(r.stdout)
  }
  const s = out.detection.services[0]
  console.log('Detection on a large repository, whole process, median of 5 runs:')
  console.log(
    `  ${String(out.detection.fileCount).padStart(6)} files listed (node_modules and .git skipped)  ${median(times).toFixed(0)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})  → ${s.language.value}/${s.framework.value}, port ${s.port.value}, ${s.database.value}`,
  )
  rmSync(dirname(repo), { recursive: true, force: true })
}

// ---- organizations: a preset with policy and a pack; check and update -------------------
{
  const org = mkdtempSync(join(tmpdir(), 'cca-bench-org-'))
  const put = (path, text) => {
    mkdirSync(dirname(join(org, path)), { recursive: true })
    writeFileSync(join(org, path), text)
  }
  const packVersion = (v) => {
    put('pack/pack.json', JSON.stringify({ name: 'bench-pack', version: v, variables: { team: { type: 'string', description: 'team', default: 'platform' } } }))
    put('pack/templates/project/README.containers.md.hbs', `# {{name}}\n\nOwned by {{vars.team}}.\n\nPack ${v}.\n`)
    put('pack/files/CODEOWNERS.hbs', `* @acme/{{vars.team}}\n${v === '1.1.0' ? '/deploy/ @acme/platform\n' : ''}`)
  }
  packVersion('1.0.0')
  put('preset/containerized.config.json', JSON.stringify({
    defaults: { platform: 'eks', registry: 'ecr', database: 'postgres', cache: 'redis' },
    policy: { baseImages: { mirrors: { 'docker.io': 'registry.acme.dev/hub' } }, labels: { 'acme.dev/team': 'platform' }, resources: { requests: { memory: '256Mi' } }, scan: { failOn: 'MEDIUM' } },
    packs: ['../pack'],
  }))
  const time = (args, cwd, ok = [0]) => {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: 'true' }, encoding: 'utf8' })
    if (!ok.includes(r.status)) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`)
    return Number(process.hrtime.bigint() - t0) / 1e6
  }
  const gen = [], check = [], update = []
  for (let i = 0; i < RUNS; i++) {
    packVersion('1.0.0')
    const dir = mkdtempSync(join(org, 'run-'))
    gen.push(time(['svc', '--yes', '--preset', join(org, 'preset')], dir))
    packVersion('1.1.0')
    check.push(time(['check', '--json'], join(dir, 'svc'), [3]))
    update.push(time(['update', '--json'], join(dir, 'svc')))
  }
  const fmt = (xs) => `${median(xs).toFixed(0).padStart(5)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`
  console.log(`Organizations, whole process, median of ${RUNS} runs (eks + postgres + redis, a preset with policy and a pack):`)
  console.log(`  generate with the preset ${fmt(gen)}`)
  console.log(`  check (an update pending) ${fmt(check)}`)
  console.log(`  update (pack 1.0 → 1.1)   ${fmt(update)}`)
  rmSync(org, { recursive: true, force: true })
}

// ---- validate: the built-in rules (every run does them) and, once, the external validators ----
{
  const dir = mkdtempSync(join(tmpdir(), 'cca-bench-validate-'))
  const flags = ['--platform', 'eks', '--registry', 'ecr', '--database', 'postgres', '--cache', 'redis']
  const gen = spawnSync(process.execPath, [bin, 'svc', '--yes', ...flags], { cwd: dir, env: { ...process.env, CI: 'true' } })
  if (gen.status !== 0) throw new Error(`generation failed: ${gen.stderr}`)
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [bin, 'validate', '--no-external', '--json'], { cwd: join(dir, 'svc'), env: { ...process.env, CI: 'true' }, encoding: 'utf8' })
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(`validate found problems in a generated project: ${r.stdout}`)
  }
  const tools = join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '', '.cache'), 'create-containerized-app', 'tools')
  const t0 = process.hrtime.bigint()
  const full = spawnSync(process.execPath, [bin, 'validate', '--json'], {
    cwd: join(dir, 'svc'),
    env: { ...process.env, CI: 'true', PATH: `${join(tools, 'bin')}:${process.env.PATH}`, CCA_KUBECONFORM_SCHEMAS: join(tools, 'k8s-schemas', '1.36.3'), TF_CLI_CONFIG_FILE: join(tools, 'terraform', 'terraformrc') },
    encoding: 'utf8',
  })
  const fullMs = Number(process.hrtime.bigint() - t0) / 1e6
  const ran = JSON.parse(full.stdout).external.map((x) => `${x.id} ${x.status}`).join(', ')
  console.log('validate on an eks + postgres + redis project, whole process:')
  console.log(`  built-in rules only      ${median(times).toFixed(0).padStart(5)} ms  (median of ${RUNS}; min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`)
  console.log(`  with external validators ${fullMs.toFixed(0).padStart(5)} ms  (once: ${ran})`)
  rmSync(dir, { recursive: true, force: true })
}

const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0]
console.log('Package (npm pack):')
console.log(`  tarball ${(pack.size / 1024).toFixed(1)} KiB, unpacked ${(pack.unpackedSize / 1024).toFixed(1)} KiB, ${pack.entryCount} files, 0 runtime dependencies`)

// ---- container builds (needs root: the engine, BuildKit and stand-in base images) -----------
// Per language: a cold build (BuildKit's cache emptied first, so dependency downloads count),
// a warm rebuild after a source-only change, and the bytes the app adds to its base image.
if (process.argv.includes('--no-containers')) process.exit(0)
if (process.getuid?.() !== 0) {
  console.log('Container builds: skipped (needs root for the engine; run as root, or pass --no-containers)')
  process.exit(0)
}
const { CASES } = await import('../test/e2e/cases.mjs')
const c = await import('../test/e2e/lib/containers.mjs')
const { execa } = await import('execa')
const { appendFileSync } = await import('node:fs')
console.log('Container builds (BuildKit, stand-in base images; test/e2e/engine.sh):')
execFileSync('bash', [join(root, 'test/e2e/engine.sh')], { stdio: ['ignore', 'ignore', 'inherit'] })
const { BUILDKIT_HOST } = c.engineEnv()
const mb = (n) => (Math.abs(n) < 1e6 ? `${(n / 1e3).toFixed(0)} kB` : `${(n / 1e6).toFixed(1)} MB`)
for (const k of CASES.filter((x) => x.full)) {
  const dir = join(mkdtempSync(join(tmpdir(), 'cca-bench-')), `bench-${k.id}`)
  await c.generateProject(dir, k.flags, k.retrofit)
  await execa('buildctl', ['--addr', BUILDKIT_HOST, 'prune', '--all'], { env: { ...process.env, PATH: `${c.TOOLS_BIN}:${process.env.PATH}` } })
  const cold = await c.buildImage(dir, `cca-bench/${k.id}:1`)
  appendFileSync(join(dir, k.full.edit), `\n${k.full.comment} bench ${Date.now()}\n`)
  const warm = await c.buildImage(dir, `cca-bench/${k.id}:2`)
  await c.pullStandIn(k.runtime)
  const size = await c.imageSize(`cca-bench/${k.id}:2`)
  const base = k.runtime === 'scratch' ? 0 : await c.imageSize(k.runtime)
  console.log(
    `  ${k.id.padEnd(12)} cold ${cold.seconds.toFixed(1).padStart(6)} s   source-only rebuild ${warm.seconds.toFixed(1).padStart(5)} s   image ${mb(size).padStart(9)} = base ${mb(base).padStart(9)} + app ${mb(size - base).padStart(8)}`,
  )
  rmSync(dir, { recursive: true, force: true })
}

// ---- the retrofit corpus: existing apps retrofitted, built, run alone and with Compose ---------
// Rates over the apps this machine can build and over all apps (the rest are checked statically:
// their registries are unreachable here), and each app's time per step. The BuildKit cache is
// left as it is: the figures are a CI run's, not a cold machine's.
async function corpusBench() {
  const { CORPUS } = await import('../test/e2e/corpus.mjs')
  const corpus = await import('../test/e2e/lib/corpus.mjs')
  const only = process.env.CCA_E2E_ONLY ? new RegExp(process.env.CCA_E2E_ONLY) : undefined
  const apps = CORPUS.filter((a) => !only || only.test(a.id))
  const parent = mkdtempSync(join(tmpdir(), 'cca-bench-corpus-'))
  const steps = ['prepare', 'retrofit', 'contract', 'validate', 'build', 'alone', 'compose']
  console.log(`Retrofit corpus (${apps.length} apps; seconds per step, x = failed, - = not run):`)
  console.log(`  ${'app'.padEnd(22)} ${steps.map((s) => s.padStart(9)).join('')}   total`)
  const all = []
  const t0 = performance.now()
  for (const app of apps) {
    const r = await corpus.runApp(app, parent)
    all.push({ app, r })
    const cell = (s) => (r[s] ? `${r[s].ok ? '' : 'x'}${r[s].seconds.toFixed(1)}` : '-').padStart(9)
    const total = Object.values(r).reduce((n, x) => n + x.seconds, 0)
    console.log(`  ${app.id.padEnd(22)} ${steps.map(cell).join('')}   ${total.toFixed(1).padStart(5)}`)
  }
  const buildable = all.filter((x) => !x.app.build?.static)
  // Healthy: the app's container turned healthy, non-root and reachable on its port when first
  // run: alone, or in Compose for an app that needs its database at boot.
  const healthy = (x) => (x.app.alone === false ? x.r.compose?.ok : x.r.alone?.ok) === true
  const rate = (n, d) => `${n}/${d} (${d ? Math.round((100 * n) / d) : 0}%)`
  const count = (xs, f) => xs.filter(f).length
  const line = (label, f) => console.log(`  ${label.padEnd(26)} buildable ${rate(count(buildable, f), buildable.length).padEnd(13)} all ${rate(count(all, f), all.length)}`)
  line('retrofit ran (--yes)', (x) => x.r.retrofit?.ok)
  line('contract honoured', (x) => x.r.contract?.ok)
  line('validators pass', (x) => x.r.validate?.ok)
  line('image builds', (x) => x.r.build?.ok)
  line('healthy', healthy)
  line('compose healthy', (x) => x.r.compose?.ok)
  console.log(`  corpus wall time ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  for (const { app, r } of all) {
    const failed = Object.entries(r).filter(([, v]) => !v.ok)
    if (failed.length) console.log(`  ${app.id}: ${failed.map(([k, v]) => `${k}: ${v.why}`).join(' | ')}`)
  }
  rmSync(parent, { recursive: true, force: true })
}
if (!process.argv.includes('--no-corpus')) await corpusBench()

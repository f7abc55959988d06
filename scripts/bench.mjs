// `npm run bench`: prints figures; never asserts on time.
//  - wall time of a whole `--yes` generation (new process each run), median of N runs
//  - files and bytes written
//  - the packed npm package: tarball size, unpacked size, file count
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin/create-containerized-app.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)

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

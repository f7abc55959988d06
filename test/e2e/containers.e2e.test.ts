import { appendFileSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CASES, DEPENDENCY_STEP, FORBIDDEN_IN_RUNTIME, type E2ECase } from './cases.mjs'
import {
  buildImage,
  compose,
  E2E_HOME,
  engineEnv,
  generateProject,
  imagePaths,
  inspect,
  processUid,
  removeContainer,
  runContainer,
  waitHealthy,
  type Build,
} from './lib/containers.mjs'

// Builds run with the Dockerfile exactly as generated: `# syntax=docker/dockerfile:1` makes
// BuildKit fetch the current frontend (served by the local registry) and `# check=error=true`
// turns any build-check finding into a failed build, so a green build is also a clean lint.
beforeAll(() => {
  engineEnv()
})

// CI prepares the tier in the background and test:e2e runs engine.sh again. A daemon that
// inherited the script's flock descriptor kept the lock for ever, and that second run hung CI.
describe('engine.sh', () => {
  it('leaves no daemon holding its lock, so a second run finds everything ready', async () => {
    const lock = join(E2E_HOME, '.lock')
    for (const name of ['dockerd', 'registry', 'buildkitd']) {
      const pid = readFileSync(join(E2E_HOME, 'run', `${name}.pid`), 'utf8').trim()
      const fds = readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`)
        } catch {
          return ''
        }
      })
      expect(fds, name).not.toContain(lock)
    }
    const again = await execa('bash', ['test/e2e/engine.sh'], { reject: false, all: true, timeout: 120_000 })
    expect(again.exitCode, again.all).toBe(0)
    expect(again.all).toMatch(/dockerd: running[\s\S]*ready: engine/)
  }, 150_000)
})

const containers: string[] = []
afterAll(async () => {
  for (const id of containers) await removeContainer(id)
})

/** Step names that ran (not cached) in a build. */
const ran = (b: Build) => [...b.steps.values()].filter((s) => !s.cached).map((s) => s.name)

/**
 * The connection URLs Compose gives the app, pointed at a closed port: the app starts (it
 * refuses to without them) and is alive, but not ready.
 */
function unreachableUrls(dir: string): Record<string, string> {
  const composeFile = readFileSync(join(dir, 'compose.yaml'), 'utf8')
  const urls: Record<string, string> = {}
  for (const m of composeFile.matchAll(/^ {6}(\w+_URL): (\S+)$/gm)) {
    urls[m[1]!] = m[2]!.replace(/\$\{\w+:-([^}]*)\}/g, '$1').replace(/(:\/\/(?:[^@/]*@)?)[a-z][\w-]*:\d+/, '$1127.0.0.1:1')
  }
  return urls
}

function project(c: E2ECase): { dir: string; name: string } {
  const name = `e2e-${c.id}`
  return { dir: join(mkdtempSync(join(tmpdir(), 'cca-e2e-')), name), name }
}

// CCA_E2E_ONLY=<regex> runs only the matching cases (for local work; CI runs them all).
const only = process.env.CCA_E2E_ONLY ? new RegExp(process.env.CCA_E2E_ONLY) : undefined

describe.each(CASES.filter((c) => !only || only.test(c.id)))('$id', (c) => {
  const { dir, name } = project(c)
  const tag = `cca-e2e/${c.id}:1`
  let build: Build

  it('builds the prod target as generated, with zero build-check findings', async () => {
    await generateProject(dir, c.flags, c.retrofit)
    build = await buildImage(dir, tag)
    expect(build.log).toMatch(/docker-image:\/\/docker\.io\/docker\/dockerfile:1/)
    expect(build.log).not.toMatch(/^WARN|\bwarning:.*check/im)
    const image = await inspect(tag)
    expect(image.Config.User, 'USER in the image').toMatch(/^[1-9]\d*(:\d+)?$/)
    expect(image.Config.Healthcheck?.Test?.length, 'a HEALTHCHECK').toBeGreaterThan(0)
  })

  it('becomes healthy, answers /healthz and runs as a non-root UID', async () => {
    // The app's dependencies are absent; readiness says so, liveness must not care.
    const { id, url } = await runContainer(tag, c.port, { env: unreachableUrls(dir) })
    containers.push(id)
    const health = await waitHealthy(id)
    expect(health.status, health.logs).toBe('healthy')
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(await processUid(id)).not.toBe(0)
    await removeContainer(id)
  })

  it('ships no compiler and no package-manager cache', async () => {
    const paths = await imagePaths(tag)
    expect(paths.length).toBeGreaterThan(0)
    const bad = paths.filter((p) => FORBIDDEN_IN_RUNTIME.some((re) => re.test(p)))
    expect(bad.slice(0, 20)).toEqual([])
  })

  if (!c.full) return
  const full = c.full

  it('rebuilds a source-only change without re-running the dependency install', async () => {
    const deps = [...build.steps.values()].filter((s) => DEPENDENCY_STEP.test(s.name))
    if (!full.cacheMountedDeps) expect(deps.length, 'the build has a dependency step').toBeGreaterThan(0)
    // Unique per run: an edit seen before would be a cache hit all the way down.
    appendFileSync(join(dir, full.edit), `\n${full.comment} source-only change ${Date.now()}\n`)
    const again = await buildImage(dir, `cca-e2e/${c.id}:2`)
    const rerun = ran(again)
    expect(rerun.filter((n) => DEPENDENCY_STEP.test(n))).toEqual([])
    // The change did reach the build: something after the dependency layer ran again.
    expect(rerun.some((n) => /\] (COPY|RUN)/.test(n))).toBe(true)
    if (full.cacheMountedDeps) {
      // Only the app's own crate compiles again; its dependencies come from the cache mount.
      const compiled = [...again.steps.values()].flatMap((s) => [...s.output.matchAll(/Compiling (\S+) v/g)].map((m) => m[1]))
      const crate = /^name = "([^"]+)"/m.exec(readFileSync(join(dir, 'Cargo.toml'), 'utf8'))![1]
      expect(compiled).toEqual([crate])
    }
  })

  it('Compose base + prod brings the app, its database and cache to healthy, and /readyz passes', async () => {
    // What a user does before the first `up`: copy the example and set the passwords.
    const dotenv = readFileSync(join(dir, '.env.example'), 'utf8').replace(/^(\w*PASSWORD)=$/gm, (_, k: string) => `${k}=e2e-${k.toLowerCase()}-4f9a`)
    writeFileSync(join(dir, '.env'), dotenv)
    // Engine 20.10 ignores Compose's start_interval, so the first probe would wait a full
    // interval; the test shortens the interval only (the probes themselves stay as generated).
    const services = [...readFileSync(join(dir, 'compose.yaml'), 'utf8').matchAll(/^ {2}([a-z][\w-]*):$/gm)]
      .map((m) => m[1]!)
      .filter((s) => s !== 'backend' && s !== 'frontend')
    writeFileSync(join(dir, 'compose.e2e.yaml'), `services:\n${services.map((s) => `  ${s}:\n    healthcheck:\n      interval: 1s\n`).join('')}`)
    const files = ['compose.yaml', 'compose.prod.yaml', 'compose.e2e.yaml']
    const vars = { IMAGE_REPOSITORY: `cca-e2e/${c.id}`, IMAGE_TAG: '2' }
    try {
      const up = await compose(dir, name, files, ['up', '-d', '--wait', '--wait-timeout', '180'], vars)
      const ps = await compose(dir, name, files, ['ps', '--format', '{{.Service}} {{.Health}}'], vars)
      expect(up.exitCode, `${up.all}\n${ps.all}\n${(await compose(dir, name, files, ['logs', '--tail', '40'], vars)).all}`).toBe(0)
      expect(ps.stdout.split('\n').sort()).toEqual(services.map((s) => `${s} healthy`).sort())
      const appId = (await compose(dir, name, files, ['ps', '-q', 'app'], vars)).stdout.trim()
      const networks = (await inspect(appId)).NetworkSettings.Networks as Record<string, { IPAddress: string }>
      const ip = Object.values(networks).map((n) => n.IPAddress).find(Boolean)
      const ready = await fetch(`http://${ip}:${c.port}/readyz`)
      const body = (await ready.json()) as { status: string; checks: Record<string, string> }
      expect([ready.status, body.status]).toEqual([200, 'ready'])
      expect(Object.keys(body.checks).length).toBe(services.length - 1)
      expect(Object.values(body.checks).every((v) => v === 'ok')).toBe(true)
    } finally {
      await compose(dir, name, files, ['down', '-v', '--timeout', '20'], vars)
    }
  })
})

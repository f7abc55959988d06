import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CASES } from './cases.mjs'
import { engineEnv, generateProject } from './lib/containers.mjs'
import { podmanBuild, podmanInspect, podmanRemove, podmanRun, podmanVersion, podmanWaitHealthy } from './lib/podman.mjs'

// The Podman leg: one starter per language, built with Podman as Debian 12 ships it (4.3.1,
// Buildah 1.28) from the Dockerfile exactly as generated, then run and health-checked. Buildah
// 1.28 refuses relative bind-mount targets and HEALTHCHECK --start-interval, and has no heredocs
// or COPY --link; a green build here says the Dockerfile needs none of them. The base images are
// the same stand-ins the BuildKit leg uses, moved into Podman's storage by engine.sh.
beforeAll(() => {
  expect(engineEnv().PODMAN, 'engine.sh records Podman in engine.env').toBeTruthy()
})

const containers: string[] = []
afterAll(async () => {
  for (const id of containers) await podmanRemove(id)
})

it('is the Podman Debian 12 ships', async () => {
  expect(await podmanVersion()).toMatch(/^4\.3\./)
})

/** The connection URLs Compose gives the app, pointed at a closed port (as the BuildKit leg). */
function unreachableUrls(dir: string): Record<string, string> {
  const composeFile = readFileSync(join(dir, 'compose.yaml'), 'utf8')
  const urls: Record<string, string> = {}
  for (const m of composeFile.matchAll(/^ {6}(\w+_URL): (\S+)$/gm)) {
    urls[m[1]!] = m[2]!.replace(/\$\{\w+:-([^}]*)\}/g, '$1').replace(/(:\/\/(?:[^@/]*@)?)[a-z][\w-]*:\d+/, '$1127.0.0.1:1')
  }
  return urls
}

// The first starter case of each language.
const LANGUAGES = ['node', 'python', 'go', 'rust', 'java']
const PODMAN_CASES = LANGUAGES.map((l) => CASES.find((c) => !c.retrofit && c.flags[1] === l)!)
// CCA_E2E_ONLY=<regex> runs only the matching cases, as in the BuildKit leg.
const only = process.env.CCA_E2E_ONLY ? new RegExp(process.env.CCA_E2E_ONLY) : undefined

describe.each(PODMAN_CASES.filter((c) => !only || only.test(c.id)))('podman: $id', (c) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'cca-podman-')), `podman-${c.id}`)
  const tag = `localhost/cca-podman/${c.id}:1`

  it('builds the prod target as generated with podman build --format docker', async () => {
    await generateProject(dir, c.flags)
    await podmanBuild(dir, tag)
    const image = await podmanInspect(tag, 'image')
    expect(image.Config.User, 'USER in the image').toMatch(/^[1-9]\d*(:\d+)?$/)
    expect(image.Healthcheck?.Test?.length, 'a HEALTHCHECK kept by the Docker format').toBeGreaterThan(0)
  })

  it('becomes healthy by its own HEALTHCHECK, answers /healthz and runs as a non-root UID', async () => {
    const { id, url } = await podmanRun(tag, c.port, { env: unreachableUrls(dir) })
    containers.push(id)
    const health = await podmanWaitHealthy(id)
    expect(health.status, health.logs).toBe('healthy')
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    const { Pid } = (await podmanInspect(id)).State as { Pid: number }
    expect(Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${Pid}/status`, 'utf8'))![1])).not.toBe(0)
    await podmanRemove(id)
  })
})

import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { generate } from '../src/generate.js'
import { matrix, variants } from './fixtures/scenarios.js'

// The generated Dockerfiles build with BuildKit and with Podman/Buildah as Debian 12 ships them
// (podman 4.3.1, buildah 1.28). That Buildah refuses a relative bind-mount target ("must be an
// absolute path") and HEALTHCHECK --start-interval ("flag provided but not defined"); it has no
// heredocs and no COPY --link. The container tier builds one image per language with it
// (test/e2e/podman.e2e.test.ts); this checks every combination's text.

const combos = [...matrix(), ...variants()]
const dockerfiles = combos.flatMap((answers) => {
  const { files, context } = generate(answers)
  return files
    .filter((f) => /(^|\/)Dockerfile[^/]*$/.test(f.path) && !f.path.endsWith('.dockerignore'))
    .map((f) => ({ name: `${answers.name}: ${f.path}`, language: answers.language, starter: context.framework.starter !== null, text: f.content }))
})

/**
 * Languages whose starter apps the container tier builds with Podman: their Dockerfiles use
 * nothing Buildah 1.28 lacks. (Heredocs remain where no engine here builds them: .NET, the
 * nginx config of a Node SPA, the probes of Go and Rust retrofits.)
 */
const PODMAN_BUILT = new Set(['node', 'python', 'go', 'rust', 'java'])

describe(`Dockerfiles for any OCI builder (${dockerfiles.length})`, () => {
  it.each(dockerfiles.map((d) => [d.name, d] as const))('%s', (_name, d) => {
    // Continuation lines joined: one instruction per line.
    const instructions = d.text.replace(/\\\n\s*/g, ' ').split('\n')
    for (const m of d.text.matchAll(/--mount=type=bind,([^\s]+)/g)) {
      const target = /(?:^|,)(?:target|dst|destination)=([^,\s]+)/.exec(m[1]!)?.[1]
      expect(target, m[0]).toMatch(/^\//)
    }
    const healthchecks = instructions.filter((l) => /^HEALTHCHECK /.test(l))
    for (const hc of healthchecks) expect(hc).not.toMatch(/--start-interval/)
    if (d.starter && PODMAN_BUILT.has(d.language)) {
      expect(instructions.filter((l) => /^(COPY|ADD|RUN) .*<</.test(l))).toEqual([])
      expect(instructions.filter((l) => /^COPY .*--link/.test(l))).toEqual([])
    }
  })

  it('README.containers.md shows the Podman commands: the docker build line as podman build --format docker, and Compose', () => {
    for (const answers of [...matrix(), ...variants()]) {
      const readme = generate(answers).files.find((f) => f.path === 'README.containers.md')!.content
      const docker = /^docker build (--target prod .*)$/m.exec(readme)?.[1]
      expect(docker, answers.name).toBeDefined()
      expect(readme, answers.name).toContain(`\npodman build --format docker ${docker}\n`)
      expect(readme, answers.name).toMatch(/^podman-compose -f \S+ -f \S+ up -d /m)
    }
  })

  it('Compose keeps the quick first probes: the app service sets start_interval over the image’s HEALTHCHECK', () => {
    for (const answers of matrix()) {
      const compose = generate(answers).files.find((f) => f.path === 'compose.yaml')!
      const doc = parseAllDocuments(compose.content)[0]!.toJS() as { services: { app: { healthcheck?: Record<string, unknown> } } }
      expect(doc.services.app.healthcheck, answers.name).toEqual({ start_period: '30s', start_interval: '2s' })
    }
  })
})

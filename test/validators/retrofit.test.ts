import { execa } from 'execa'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { detect, memoryRepo } from '../../src/detect/index.js'
import { proposeAnswers } from '../../src/detect/proposal.js'
import { generate } from '../../src/generate.js'
import { FIXTURES } from '../detect/fixtures.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Every service of every fixture repository, containerized as a retrofit (detected answers;
// a value detection left open gets the tool's default), then checked by the same linters as
// the new-service matrix: the Dockerfile variants for existing apps and the Compose files.
let buildkitLint: string
let hadolint: string
let compose: string
beforeAll(() => {
  buildkitLint = requireTool('dockerfile-lint')
  hadolint = requireTool('hadolint')
  compose = requireTool('docker-compose')
})

const cases = FIXTURES.flatMap((fx) =>
  detect(memoryRepo(fx.files), { rootName: fx.rootName }).services.map((s) => {
    const raw = proposeAnswers(s).answers
    if (raw.port === null || raw.port === undefined) delete raw.port
    let answers: Answers
    try {
      answers = validateAnswers(raw)
    } catch {
      // An unsupported version (the .NET 8 and Python 3.9 fixtures) is replaced, as the user would.
      answers = validateAnswers({ ...raw, languageVersion: undefined })
    }
    const prefix = s.dir === '.' ? '' : `${s.dir}/`
    const own = Object.entries(fx.files).filter(([p]) => p.startsWith(prefix)).map(([p, content]) => ({ path: p.slice(prefix.length), content }))
    return { id: `${fx.id}${s.dir === '.' ? '' : `:${s.dir}`}`, answers, app: s.app, own }
  }),
)

describe.concurrent.each(cases.map((c) => [c.id, c] as const))('retrofit: %s', (_id, c) => {
  it('the Dockerfile passes BuildKit checks and hadolint; Compose validates every environment', async () => {
    const { files } = generate(c.answers, { retrofit: { dir: '.', app: c.app } })
    const generated = new Set(files.map((f) => f.path))
    const dir = writeTree([...c.own.filter((f) => !generated.has(f.path)), ...files], 'cca-retro-lint-')
    const bk = await execa(buildkitLint, ['--json', join(dir, 'Dockerfile')], { reject: false, env: toolsEnv() })
    expect(bk.exitCode, bk.stderr).toBe(0)
    expect(JSON.parse(bk.stdout || '[]')).toEqual([])
    const hl = await execa(hadolint, ['--no-color', '--format', 'json', join(dir, 'Dockerfile')], { reject: false, env: toolsEnv() })
    expect(hl.exitCode, hl.stdout).toBe(0)
    const ctx = buildContext(c.answers, { name: 't', version: '0' })
    const secrets = Object.fromEntries(ctx.env.filter((v) => v.secret).map((v) => [v.name, `s3cret-${v.name.toLowerCase()}`]))
    for (const set of [['compose.yaml'], ['compose.yaml', 'compose.override.yaml'], ['compose.yaml', 'compose.test.yaml'], ['compose.yaml', 'compose.prod.yaml']]) {
      const r = await execa(compose, [...set.flatMap((f) => ['-f', f]), 'config', '--quiet'], {
        cwd: dir,
        reject: false,
        env: { PATH: toolsEnv().PATH!, HOME: process.env.HOME ?? '/tmp', IMAGE_TAG: '1.0.0', ...secrets },
        extendEnv: false,
      })
      expect(r.exitCode, `${set.join(' + ')}: ${r.stderr}`).toBe(0)
    }
  })
})

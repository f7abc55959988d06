import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { variants } from '../fixtures/scenarios.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Two real linters, zero findings each: Docker's own build checks (BuildKit's Dockerfile
// frontend, the rules behind `docker build --check`) and hadolint.
let buildkitLint: string
let hadolint: string
beforeAll(() => {
  buildkitLint = requireTool('dockerfile-lint')
  hadolint = requireTool('hadolint')
})

// The Dockerfile's shape depends on language, framework and package manager; port and
// runtime version only change values, so one extra case covers them.
const cases = variants()
cases.push(validateAnswers({ name: 'lint-port', port: 8443, languageVersion: '22' }))

async function lint(file: string) {
  const bk = await execa(buildkitLint, ['--json', file], { reject: false, env: toolsEnv() })
  const hl = await execa(hadolint, ['--no-color', '--format', 'json', file], { reject: false, env: toolsEnv() })
  return { bk, hl, bkFindings: JSON.parse(bk.stdout || '[]') as { rule: string }[], hlFindings: JSON.parse(hl.stdout || '[]') as { code: string }[] }
}

describe.each(cases.map((a) => [`${a.language}/${a.framework}/${a.packageManager}/port ${a.port}`, a] as const))('Dockerfile linters: %s', (_n, answers) => {
  it('BuildKit checks and hadolint report nothing', async () => {
    const dir = writeTree(generate(answers).files, 'cca-lint-')
    const r = await lint(join(dir, 'Dockerfile'))
    expect(r.bk.exitCode, r.bk.stderr).toBe(0)
    expect(r.bkFindings).toEqual([])
    expect(r.hl.exitCode, r.hl.stderr).toBe(0)
    expect(r.hlFindings).toEqual([])
  })
})

describe('the linters are live (negative control)', () => {
  it('both flag a broken copy of a generated Dockerfile', async () => {
    const { files } = generate(cases[0]!)
    const good = files.find((f) => f.path === 'Dockerfile')!.content
    const bad = good
      .replace('FROM ${NODE_IMAGE} AS prod', 'FROM ${NODE_IMAGE} as prod')
      .replace('CMD ["node", "dist/server.js"]', 'CMD node dist/server.js')
      .replace('USER 1000:1000', 'USER root')
      .replace('ENV NODE_ENV=production', 'ENV API_TOKEN=abc NODE_ENV=production')
    expect(bad).not.toBe(good)
    const dir = writeTree([{ path: 'Dockerfile', content: bad }], 'cca-lint-bad-')
    const r = await lint(join(dir, 'Dockerfile'))
    expect(r.bk.exitCode).toBe(1)
    expect(r.bkFindings.map((f) => f.rule)).toEqual(expect.arrayContaining(['FromAsCasing', 'JSONArgsRecommended', 'SecretsUsedInArgOrEnv']))
    expect(r.hl.exitCode).not.toBe(0)
    expect(r.hlFindings.map((f) => f.code)).toContain('DL3002')
  })
})

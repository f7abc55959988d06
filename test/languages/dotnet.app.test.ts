import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, posix } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { CACHES, DATABASES } from '../../src/options.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { PROBES } from '../../src/registry/services.js'
import { diskTemplates } from '../../src/templates.js'
import { renderMap } from '../helpers/render.js'
import { TOOLS_HOME } from '../helpers/tools.js'

// No .NET SDK can run here: Debian has none, the reachable registries carry none, and nuget.org
// (restore) is unreachable. So the starter app is checked as far as that allows, for every
// database × cache: every C# file must parse with tree-sitter's C# grammar (the WebAssembly
// build, run by web-tree-sitter, both installed by scripts/install-tools.sh), the project files
// must be well-formed and consistent, and cross-file references between the app's own types
// (type and member names, call arities, usings, private members) must resolve. What this does
// NOT prove: that the code compiles against the real base class library and ASP.NET Core, or
// that its xUnit tests pass; `dotnet test` in the image's test target does that.

const dotnet = LANGUAGE_CHOICES.find((l) => l.id === 'dotnet')!

// ------------------------------------------------------------------ tree-sitter

interface Point {
  row: number
  column: number
}
interface TsNode {
  type: string
  text: string
  startIndex: number
  endIndex: number
  isError: boolean
  isMissing: boolean
  hasError: boolean
  startPosition: Point
  children: (TsNode | null)[]
  namedChildren: (TsNode | null)[]
  parent: TsNode | null
  childForFieldName(name: string): TsNode | null
  descendantsOfType(types: string | string[]): (TsNode | null)[]
}
interface TsParser {
  parse(text: string): { rootNode: TsNode } | null
}

function toolPath(pkg: string, ...rest: string[]): string {
  const path = join(TOOLS_HOME, 'npm', pkg, 'lib', 'node_modules', pkg, ...rest)
  if (!existsSync(path)) {
    throw new Error(`${pkg} is not installed (${path} is missing). Run: bash scripts/install-tools.sh (npm test does this first).`)
  }
  return path
}

let parser: TsParser
beforeAll(async () => {
  // The CommonJS build through Node's own require: Vite does not transform it.
  const load = createRequire(import.meta.url)
  const { Parser, Language } = load(toolPath('web-tree-sitter', 'tree-sitter.cjs')) as {
    Parser: { init(): Promise<void>; new (): TsParser & { setLanguage(l: unknown): void } }
    Language: { load(path: string): Promise<unknown> }
  }
  await Parser.init()
  const csharp = await Language.load(toolPath('tree-sitter-c-sharp', 'tree-sitter-c_sharp.wasm'))
  const p = new Parser()
  p.setLanguage(csharp)
  parser = p
})

const kids = (n: TsNode): TsNode[] => n.namedChildren.filter((c): c is TsNode => c !== null)
const all = (n: TsNode, types: string | string[]): TsNode[] => n.descendantsOfType(types).filter((c): c is TsNode => c !== null)
const same = (a: TsNode | null, b: TsNode | null) => !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type
const where = (file: string, n: TsNode) => `${file}:${n.startPosition.row + 1}:${n.startPosition.column + 1}`

function parse(file: string, text: string): TsNode {
  const tree = parser.parse(text)
  if (!tree) throw new Error(`${file}: tree-sitter returned no tree`)
  return tree.rootNode
}

/**
 * Where the parse failed: the innermost nodes that contain an ERROR or MISSING node (missing
 * tokens can sit in hidden nodes that `children` does not list).
 */
function syntaxErrors(file: string, root: TsNode): string[] {
  const out: string[] = []
  const visit = (n: TsNode) => {
    const inner = n.children.filter((c): c is TsNode => c !== null && (c.hasError || c.isError || c.isMissing))
    if (inner.length === 0) out.push(`${where(file, n)} ${n.isMissing ? 'missing' : 'syntax error in'} ${n.type} ${JSON.stringify(n.text.slice(0, 80))}`)
    for (const c of inner) visit(c)
  }
  if (root.hasError) visit(root)
  return out
}

// ------------------------------------------------------------------ a small symbol table

interface Member {
  name: string
  kind: string
  isPrivate: boolean
  /** For methods and constructors: required and maximum argument counts (Infinity for params). */
  arity?: [number, number]
}
interface TypeInfo {
  name: string
  namespace: string
  file: string
  topLevel: string
  members: Member[]
  constructors: [number, number][]
}

const TYPE_DECLARATIONS = [
  'class_declaration',
  'record_declaration',
  'struct_declaration',
  'interface_declaration',
  'enum_declaration',
  'delegate_declaration',
]

function namespaceOf(root: TsNode): string {
  const ns = all(root, ['file_scoped_namespace_declaration', 'namespace_declaration'])[0]
  return ns?.childForFieldName('name')?.text ?? ''
}

function modifiers(n: TsNode): string[] {
  return kids(n)
    .filter((c) => c.type === 'modifier')
    .map((c) => c.text)
}

function arityOf(parameterList: TsNode | null): [number, number] {
  if (!parameterList) return [0, 0]
  const params = kids(parameterList).filter((c) => c.type === 'parameter')
  const required = params.filter((p) => !p.text.includes('=')).length
  // A `params` array is not wrapped in a parameter node: its keyword sits in the list itself.
  const variadic = parameterList.children.some((c) => c?.type === 'params')
  return [required, variadic ? Infinity : params.length]
}

function collectTypes(file: string, root: TsNode): TypeInfo[] {
  const namespace = namespaceOf(root)
  const out: TypeInfo[] = []
  for (const decl of all(root, TYPE_DECLARATIONS)) {
    const name = decl.childForFieldName('name')!.text
    let top = decl
    for (let p = decl.parent; p; p = p.parent) if (TYPE_DECLARATIONS.includes(p.type)) top = p
    const info: TypeInfo = { name, namespace, file, topLevel: top.childForFieldName('name')!.text, members: [], constructors: [] }
    const primary = kids(decl).find((c) => c.type === 'parameter_list')
    if (primary && decl.type === 'record_declaration') {
      info.constructors.push(arityOf(primary))
      for (const p of kids(primary).filter((c) => c.type === 'parameter')) {
        info.members.push({ name: p.childForFieldName('name')!.text, kind: 'property', isPrivate: false })
      }
    }
    const body = decl.childForFieldName('body') ?? kids(decl).find((c) => c.type === 'declaration_list' || c.type === 'enum_member_declaration_list')
    for (const m of body ? kids(body) : []) {
      const isPrivate = modifiers(m).includes('private') || (!modifiers(m).some((x) => ['public', 'internal', 'protected'].includes(x)) && m.type !== 'enum_member_declaration')
      switch (m.type) {
        case 'method_declaration':
          info.members.push({ name: m.childForFieldName('name')!.text, kind: 'method', isPrivate, arity: arityOf(m.childForFieldName('parameters')) })
          break
        case 'constructor_declaration':
          info.constructors.push(arityOf(m.childForFieldName('parameters')))
          break
        case 'property_declaration':
        case 'event_declaration':
          info.members.push({ name: m.childForFieldName('name')!.text, kind: 'property', isPrivate })
          break
        case 'field_declaration':
          for (const v of all(m, 'variable_declarator')) info.members.push({ name: kids(v)[0]!.text, kind: 'field', isPrivate })
          break
        case 'enum_member_declaration':
          info.members.push({ name: m.childForFieldName('name')!.text, kind: 'enum member', isPrivate: false })
          break
        default:
          if (TYPE_DECLARATIONS.includes(m.type)) info.members.push({ name: m.childForFieldName('name')!.text, kind: 'type', isPrivate })
      }
    }
    if (info.constructors.length === 0 && decl.type !== 'delegate_declaration') info.constructors.push([0, 0])
    out.push(info)
  }
  return out
}

/** The type declaration enclosing `n`, by name of its outermost type. */
function enclosingTopLevel(n: TsNode): string | undefined {
  let top: string | undefined
  for (let p: TsNode | null = n.parent; p; p = p.parent) if (TYPE_DECLARATIONS.includes(p.type)) top = p.childForFieldName('name')?.text
  return top
}

/** A use of a name that may be one of the app's types, resolved once the whole project is known. */
interface Reference {
  kind: 'member' | 'new' | 'type'
  name: string
  member?: string
  /** Argument count when the member is called or the type constructed. */
  args?: number
  at: string
  enclosing?: string
}

/** What one C# file declares and uses; extracted once per distinct file content. */
interface Facts {
  namespace: string
  usings: Set<string>
  types: TypeInfo[]
  refs: Reference[]
  syntax: string[]
}

const TYPE_POSITIONS = ['variable_declaration', 'parameter', 'type_argument_list', 'array_type', 'nullable_type', 'base_list', 'cast_expression', 'property_declaration', 'method_declaration', 'generic_name', 'record_declaration', 'tuple_element', 'catch_declaration']

const factsCache = new Map<string, Facts>()

function factsOf(file: string, text: string): Facts {
  const key = `${file}\0${text}`
  const cached = factsCache.get(key)
  if (cached) return cached
  const root = parse(file, text)
  const refs: Reference[] = []
  for (const access of all(root, 'member_access_expression')) {
    const target = access.childForFieldName('expression')
    const member = access.childForFieldName('name')?.text
    if (!target || target.type !== 'identifier' || !member) continue
    const call = access.parent?.type === 'invocation_expression' && same(access.parent.childForFieldName('function'), access) ? access.parent : null
    const args = call ? kids(call.childForFieldName('arguments')!).filter((c) => c.type === 'argument').length : undefined
    refs.push({ kind: 'member', name: target.text, member, at: where(file, access), enclosing: enclosingTopLevel(access), ...(args === undefined ? {} : { args }) })
  }
  for (const creation of all(root, 'object_creation_expression')) {
    const typeNode = creation.childForFieldName('type')
    if (!typeNode || typeNode.type !== 'identifier') continue
    const argList = creation.childForFieldName('arguments')
    refs.push({ kind: 'new', name: typeNode.text, at: where(file, creation), args: argList ? kids(argList).filter((c) => c.type === 'argument').length : 0 })
  }
  // Types named in declarations, casts and generic arguments must be visible too.
  for (const id of all(root, 'identifier')) {
    const parent = id.parent
    if (parent && /^[A-Z]/.test(id.text) && TYPE_POSITIONS.includes(parent.type) && !same(parent.childForFieldName('name'), id)) {
      refs.push({ kind: 'type', name: id.text, at: where(file, id) })
    }
  }
  const facts: Facts = {
    namespace: namespaceOf(root),
    usings: new Set(all(root, 'using_directive').map((u) => u.text.replace(/^(global\s+)?using\s+(static\s+)?/, '').replace(/;\s*$/, '').trim())),
    types: collectTypes(file, root),
    refs,
    syntax: syntaxErrors(file, root),
  }
  factsCache.set(key, facts)
  return facts
}

/**
 * Cross-file checks on the app's own types: `Type.Member` must name a member of Type (and a
 * private one only from inside it), `Type.Method(...)` and `new Type(...)` must match an arity,
 * and a type from another namespace must be visible (same or enclosing namespace, or a using).
 */
function crossReferenceProblems(files: Map<string, Facts>): string[] {
  const types = new Map<string, TypeInfo[]>()
  for (const facts of files.values()) for (const t of facts.types) types.set(t.name, [...(types.get(t.name) ?? []), t])
  const problems: string[] = []
  for (const [name, decls] of types) if (decls.length > 1 && decls.some((d) => d.topLevel === d.name)) problems.push(`${name} is declared ${decls.length} times`)

  for (const facts of files.values()) {
    const { namespace, usings } = facts
    const visible = (ns: string) => ns === namespace || namespace.startsWith(`${ns}.`) || usings.has(ns)
    for (const ref of facts.refs) {
      const type = types.get(ref.name)?.[0]
      if (!type) continue
      if (!visible(type.namespace)) problems.push(`${ref.at} ${ref.name} (namespace ${type.namespace}) is used without "using ${type.namespace};"`)
      if (ref.kind === 'new') {
        if (!type.constructors.some(([min, max]) => ref.args! >= min && ref.args! <= max)) problems.push(`${ref.at} new ${type.name} with ${ref.args} arguments`)
      } else if (ref.kind === 'member') {
        const found = type.members.filter((m) => m.name === ref.member)
        if (found.length === 0) {
          problems.push(`${ref.at} ${type.name} has no member ${ref.member}`)
          continue
        }
        if (found.every((m) => m.isPrivate) && ref.enclosing !== type.topLevel) problems.push(`${ref.at} ${type.name}.${ref.member} is private`)
        const methods = found.filter((m) => m.arity)
        if (ref.args !== undefined && methods.length > 0 && !methods.some((m) => ref.args! >= m.arity![0] && ref.args! <= m.arity![1])) {
          problems.push(`${ref.at} ${type.name}.${ref.member} called with ${ref.args} arguments`)
        }
      }
    }
  }
  return [...new Set(problems)]
}

// ------------------------------------------------------------------ a small XML reader

interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

/** Just enough XML for MSBuild and .slnx files; throws on anything malformed. */
function parseXml(file: string, source: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' }
  const stack = [root]
  const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([A-Za-z_][\w.:-]*)\s*>|<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g
  for (const m of source.matchAll(token)) {
    const [whole, close, open, attrs, selfClose, text, stray] = m
    if (stray) throw new Error(`${file}: malformed markup at offset ${m.index}: ${source.slice(m.index, m.index! + 40)}`)
    if (whole.startsWith('<!--') || whole.startsWith('<?')) continue
    const top = stack.at(-1)!
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text)) throw new Error(`${file}: unescaped & in ${JSON.stringify(text.trim())}`)
      top.text += text
    } else if (close) {
      if (top.name !== close) throw new Error(`${file}: </${close}> closes <${top.name}>`)
      stack.pop()
    } else {
      const el: XmlElement = { name: open!, attrs: {}, children: [], text: '' }
      for (const a of attrs!.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/g)) {
        if (a[1]! in el.attrs) throw new Error(`${file}: duplicate attribute ${a[1]} on <${open}>`)
        el.attrs[a[1]!] = a[2]!
      }
      top.children.push(el)
      if (!selfClose) stack.push(el)
    }
  }
  if (stack.length !== 1) throw new Error(`${file}: <${stack.at(-1)!.name}> is not closed`)
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error(`${file}: expected exactly one root element`)
  return root.children[0]!
}

const elements = (el: XmlElement, name: string): XmlElement[] => [
  ...el.children.filter((c) => c.name === name),
  ...el.children.flatMap((c) => elements(c, name)),
]
const property = (el: XmlElement, name: string): string | undefined => elements(el, name)[0]?.text.trim()

// ------------------------------------------------------------------ the suites

const combos: Answers[] = DATABASES.flatMap((database) =>
  CACHES.map((cache) => validateAnswers({ name: `c-${database}-${cache}`, language: 'dotnet', database, cache })),
)

/** Probe ids whose C# class name is not simply the capitalised id. */
const PROBE_CLASS: Record<string, string> = { postgres: 'PostgresProbe', mysql: 'MySqlProbe', mongodb: 'MongoDbProbe', redis: 'RedisProbe', memcached: 'MemcachedProbe' }

describe('the .NET starter app', () => {
  it('keeps one rendered C# file (Service.cs) and no NuGet package in the app project', () => {
    const templates = diskTemplates()
    const app = templates.list('dotnet/app')
    expect(app.filter((f) => f.endsWith('.hbs'))).toEqual(['src/App/Service.cs.hbs'])
    for (const probe of PROBES) {
      expect(app).toContain(`src/App/probes/${PROBE_CLASS[probe]}.cs`)
      expect(app).toContain(`tests/App.Tests/probes/${PROBE_CLASS[probe]}Tests.cs`)
    }
    // No lock file directory: nothing in the app project to lock (see PINS.md).
    expect(app.some((f) => f.startsWith('lockfiles/'))).toBe(false)
  })

  it.each(combos.map((a) => [`${a.database} + ${a.cache}`, a] as const))('%s: every C# file parses, references resolve, project files agree', (_n, answers) => {
    const ctx = buildContext(answers, { name: 't', version: '0' })
    const files = renderMap(answers)
    const lang = ctx.lang as { assembly: string; appProject: string; testProject: string; targetFramework: string }

    // 1. Syntax: the whole C# grammar, every file.
    const sources = new Map<string, Facts>()
    for (const [path, text] of files) if (path.endsWith('.cs')) sources.set(path, factsOf(path, text))
    expect([...sources.values()].flatMap((f) => f.syntax)).toEqual([])
    expect([...sources.keys()].filter((p) => p.startsWith('src/App/')).length).toBeGreaterThanOrEqual(7)

    // 2. Exactly the chosen probes (and their tests) are present, and only they are referenced.
    const chosen = new Set(ctx.services.map((s) => s.probe))
    for (const probe of PROBES) {
      const cls = PROBE_CLASS[probe]!
      expect(files.has(`src/App/probes/${cls}.cs`), cls).toBe(chosen.has(probe))
      expect(files.has(`tests/App.Tests/probes/${cls}Tests.cs`), `${cls}Tests`).toBe(chosen.has(probe))
      if (!chosen.has(probe)) for (const [path, text] of files) if (path.endsWith('.cs')) expect(text, path).not.toMatch(new RegExp(`\\b${cls}\\b`))
    }
    const service = files.get('src/App/Service.cs')!
    const entries = [...service.matchAll(/new\("([a-z]+)", "([A-Z_]+)", (\w+)\.Schemes, (\w+)\.ProbeAsync\)/g)].map((m) => [m[1], m[2], m[3], m[4]])
    expect(entries).toEqual(ctx.services.map((s) => [s.id, s.urlEnv, PROBE_CLASS[s.probe], PROBE_CLASS[s.probe]]))
    expect(service).toContain(`public const string Name = "${answers.name}";`)
    expect(service).toContain(`public const int DefaultPort = ${answers.port};`)

    // 3. Cross-file references between the app's own types.
    expect(crossReferenceProblems(sources)).toEqual([])

    // 4. Project files: well-formed, one target framework, versions pinned centrally.
    const xml = (path: string) => parseXml(path, files.get(path) ?? '')
    const props = xml('Directory.Build.props')
    expect(property(props, 'TargetFramework')).toBe(lang.targetFramework)
    expect(property(props, 'Nullable')).toBe('enable')
    const app = xml(lang.appProject)
    expect(app.attrs['Sdk']).toBe('Microsoft.NET.Sdk.Web')
    expect(property(app, 'TargetFramework')).toBeUndefined()
    expect(elements(app, 'PackageReference')).toEqual([])
    expect(`${property(app, 'AssemblyName')}.dll`).toBe(lang.assembly)
    expect(property(app, 'UseAppHost')).toBe('false')
    expect(elements(app, 'InternalsVisibleTo').map((e) => e.attrs['Include'])).toEqual(['App.Tests'])
    const tests = xml(lang.testProject)
    expect(tests.attrs['Sdk']).toBe('Microsoft.NET.Sdk')
    expect(property(tests, 'OutputType')).toBe('Exe')
    const refs = elements(tests, 'ProjectReference').map((e) => posix.normalize(posix.join(posix.dirname(lang.testProject), e.attrs['Include']!)))
    expect(refs).toEqual([lang.appProject])
    const pins = xml('Directory.Packages.props')
    expect(property(pins, 'ManagePackageVersionsCentrally')).toBe('true')
    const versions = new Map(elements(pins, 'PackageVersion').map((e) => [e.attrs['Include']!, e.attrs['Version']!]))
    for (const v of versions.values()) expect(v).toMatch(/^\d+\.\d+\.\d+$/)
    const packages = elements(tests, 'PackageReference')
    expect(packages.map((p) => p.attrs['Include']).sort()).toEqual([...versions.keys()].sort())
    for (const p of packages) expect(p.attrs['Version'], 'versions live in Directory.Packages.props').toBeUndefined()
    const solution = xml('App.slnx')
    for (const e of [...elements(solution, 'Project'), ...elements(solution, 'File')]) expect(files.has(e.attrs['Path']!), e.attrs['Path']).toBe(true)

    // 5. The Dockerfile copies files that exist and starts the assembly the project builds.
    const dockerfile = files.get('Dockerfile')!
    for (const m of dockerfile.matchAll(/^COPY (.+)$/gm)) {
      const words = m[1]!.split(' ')
      if (words.some((w) => w.startsWith('--from='))) continue
      for (const source of words.filter((w) => !w.startsWith('--')).slice(0, -1)) {
        if (source === '.') continue
        const dir = source.replace(/\/$/, '')
        expect(files.has(dir) || [...files.keys()].some((f) => f.startsWith(`${dir}/`)), source).toBe(true)
      }
    }
    expect(dockerfile).toContain(`ENTRYPOINT ["dotnet", "${lang.assembly}"]`)
    for (const m of ctx.packageManager.manifests) expect(files.has(m), m).toBe(true)
  })

  it('the cross-reference check is live (negative control)', () => {
    const answers = combos.find((a) => a.database === 'mysql' && a.cache === 'redis')!
    const files = renderMap(answers)
    const broken = new Map<string, Facts>()
    for (const [path, text] of files) {
      if (!path.endsWith('.cs')) continue
      let t = text
      if (path === 'src/App/Service.cs') t = t.replace('using App.Probes;', '').replace('RedisProbe.ProbeAsync', 'RedisProbe.PingAsync')
      if (path === 'src/App/Program.cs') t = t.replace('Settings.Load(Environment.GetEnvironmentVariable, ', 'Settings.Load(')
      if (path === 'tests/App.Tests/probes/MySqlProbeTests.cs') t = t.replace('new MySqlConnection(connection)', 'new MySqlConnection()')
      if (path === 'src/App/AppHost.cs') t = t.replace('Service.Name', 'Wire.Concat()') // Wire lives in App.Probes
      broken.set(path, factsOf(path, t))
    }
    const problems = crossReferenceProblems(broken).join('\n')
    expect(problems).toMatch(/Service\.cs.*MySqlProbe .*without "using App\.Probes;"/)
    expect(problems).toMatch(/RedisProbe has no member PingAsync/)
    expect(problems).toMatch(/Program\.cs.*Settings\.Load called with 2 arguments/)
    expect(problems).toMatch(/new MySqlConnection with 0 arguments/)
    expect(problems).toMatch(/AppHost\.cs.*Wire .*without "using App\.Probes;"/)
    expect(() => parseXml('x.csproj', '<Project><PropertyGroup></Project>')).toThrow(/closes/)
    const bad = parse('Bad.cs', 'namespace App;\ninternal static class Bad { public static int X() => 1 + ; }\n')
    expect(syntaxErrors('Bad.cs', bad)).not.toEqual([])
  })

  it('documents what could not be built here', () => {
    expect(diskTemplates().read('dotnet/app/PINS.md')).toMatch(/could not be built here/i)
  })
})

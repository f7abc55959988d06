import { readFileSync } from 'node:fs'
import Handlebars from 'handlebars'
import Runtime from 'handlebars/runtime.js'
import { guardValue } from './render-guard.js'
import { jsonText, yamlTemplateValue } from './utils/yaml-scalar.js'

/**
 * Handlebars for the templates: compiled at build time for the package's own templates
 * (scripts/build.mjs writes each one's precompiled spec beside the bundle), at run time for
 * anything else (a pack's templates, a template edited in place, tests running from src/).
 * Both go through the same options and helpers, so they render the same text.
 */

/** The helper every `{{x}}` is routed through (see guardedAst); not for templates to call. */
const GUARD = 'cca-guard'

const HELPERS: Record<string, Handlebars.HelperDelegate> = {
  eq: (a: unknown, b: unknown) => a === b,
  /**
   * A JSON literal, which is also a valid YAML flow value (quoted strings, arrays); control
   * characters come out as `\uXXXX` escapes.
   */
  json: (v: unknown) => jsonText(v),
  /**
   * A value as a YAML scalar (key or value): a number or boolean as itself; a string plain when
   * YAML 1.1 and 1.2 both read it back as that string, else double-quoted, so `null`, `yes`, `on`
   * or `1e3` stay strings. Every `{{x}}` that is a whole YAML scalar in a template uses it.
   */
  yaml: (v: unknown) => yamlTemplateValue(v),
  [GUARD]: (value: unknown, line: number, expression: string) => guardValue(value, line, expression),
}

/**
 * A Handlebars environment that fails loudly: `strict` turns a missing key (or a stray
 * `${{ }}` meant for another tool) into an error, and `noEscape` keeps config files intact
 * (nothing is HTML-escaped). Every `{{x}}` goes through the value guard (src/render-guard.ts).
 */
export const COMPILE_OPTIONS = {
  strict: true,
  noEscape: true,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((k) => [k, true])),
  knownHelpersOnly: true,
} as const

type Node = { type?: string; [key: string]: unknown }

/**
 * The template's syntax tree with every `{{x}}` (and `{{helper x}}`) rewritten to
 * `{{cca-guard x LINE "x"}}`, so the guard sees exactly what would be appended and on which line of
 * the template. `{{{x}}}` is left raw: a template that means to insert several lines says so.
 * A value the guard receives is looked up as a helper argument, where `strict` does not apply:
 * the guard refuses `undefined` itself, so a missing key still fails.
 */
function guardedAst(source: string, hb: { parse(source: string): unknown }): Parameters<typeof Handlebars.compile>[0] {
  const ast = hb.parse(source) as Node
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (!node || typeof node !== 'object') return
    const n = node as Node & { escaped?: boolean; path?: Node; params?: Node[]; hash?: Node; loc?: { start: { line: number } } }
    if (n.type === 'MustacheStatement' && n.escaped && n.loc) {
      const loc = n.loc
      const expression = String(n.path?.original ?? '')
      const value = n.params?.length || n.hash ? { type: 'SubExpression', path: n.path, params: n.params, hash: n.hash, loc } : n.path
      n.path = { type: 'PathExpression', data: false, depth: 0, parts: [GUARD], original: GUARD, loc }
      n.params = [value as Node, { type: 'NumberLiteral', value: loc.start.line, original: loc.start.line, loc }, { type: 'StringLiteral', value: expression, original: expression, loc }]
      n.hash = undefined
      return
    }
    for (const key of ['body', 'program', 'inverse']) visit(n[key])
  }
  visit(ast)
  return ast as unknown as Parameters<typeof Handlebars.compile>[0]
}

function withHelpers<T extends { registerHelper(name: string, fn: Handlebars.HelperDelegate): void }>(hb: T): T {
  for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn)
  return hb
}

// Both environments are made on first use: the compiler (most of Handlebars) only when a
// template has no precompiled spec, the runtime only when one has.
let compiler: typeof Handlebars | undefined
let runtime: typeof Handlebars | undefined
const compilerEnv = () => (compiler ??= withHelpers(Handlebars.create()))
const runtimeEnv = () => (runtime ??= withHelpers((Runtime as unknown as typeof Handlebars).create()))

/**
 * The name a template's precompiled spec is stored under: its length and a 53-bit hash of its
 * text (cyrb53), so a spec is found by content, as the compile cache is keyed, and a pack's
 * template of the same path but other text compiles at run time.
 */
export function templateKey(source: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return `${source.length.toString(36)}-${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`
}

/** The precompiled spec's source text (an object literal), as the build stores it. */
export function precompileTemplate(source: string): string {
  return compilerEnv().precompile(guardedAst(source, compilerEnv()), COMPILE_OPTIONS) as unknown as string
}

// The folder of precompiled specs relative to the bundle; set only by scripts/build.mjs.
declare const __CCA_PRECOMPILED__: string | undefined

function precompiled(source: string): Handlebars.TemplateDelegate | undefined {
  if (typeof __CCA_PRECOMPILED__ !== 'string') return undefined
  let spec: string
  try {
    spec = readFileSync(new URL(`${__CCA_PRECOMPILED__}/${templateKey(source)}.js`, import.meta.url), 'utf8')
  } catch {
    return undefined // not one of the package's templates as built
  }
  // The spec is the build's own output for this exact text: what Handlebars.compile would
  // generate and evaluate on first render.
  return runtimeEnv().template(new Function(`return ${spec}`)() as Parameters<typeof Handlebars.template>[0])
}

// Compiled templates keyed by their text: a process that generates many projects (the test
// matrix, the package test) compiles each template once, and a changed template is simply a
// new key.
const COMPILED = new Map<string, Handlebars.TemplateDelegate>()

/** The template function for this text: the build's precompiled spec when it has one. */
export function compileTemplate(source: string): Handlebars.TemplateDelegate {
  let t = COMPILED.get(source)
  if (!t) {
    t = precompiled(source) ?? compilerEnv().compile(guardedAst(source, compilerEnv()), COMPILE_OPTIONS)
    COMPILED.set(source, t)
  }
  return t
}

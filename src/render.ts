import Handlebars from 'handlebars'
import type { RenderContext } from './context.js'
import { FORMATTERS } from './generators/lockfiles.js'
import type { PlannedFile } from './plan.js'
import type { TemplateSource } from './templates.js'
import { guarded, installGuard, UnsafeValueError } from './render-guard.js'
import { jsonText, yamlTemplateValue } from './utils/yaml-scalar.js'

/**
 * How a file that already exists takes the rendered one, instead of being a conflict. `env`:
 * the existing file keeps every line and gains, in a marked block, the variables it lacks (an
 * app's own `.env.example`).
 */
export type MergeKind = 'env'

export interface RenderedFile {
  path: string
  content: string
  mode?: number
  merge?: MergeKind
}

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
}

/**
 * A Handlebars environment that fails loudly: `strict` turns a missing key (or a stray
 * `${{ }}` meant for another tool) into an error. Every `{{x}}` goes through the value guard
 * (src/render-guard.ts), which never HTML-escapes: config files stay intact.
 */
function createEngine(): typeof Handlebars {
  const hb = Handlebars.create()
  for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn)
  installGuard(hb)
  return hb
}

export const COMPILE_OPTIONS = {
  strict: true,
  // Off so that each `{{x}}` compiles to a call the guard replaces; nothing is HTML-escaped.
  noEscape: false,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((k) => [k, true])),
  knownHelpersOnly: true,
} as const

// One engine (its helpers never change) and its compiled templates, keyed by their text: a
// process that generates many projects (the test matrix, the package test) compiles each
// template once, and a changed template is simply a new key.
const ENGINE = createEngine()
const COMPILED = new Map<string, Handlebars.TemplateDelegate>()

/** Renders planned files into memory. Each distinct template text is compiled once. */
export function createRenderer(templates: TemplateSource) {
  const compile = (path: string): Handlebars.TemplateDelegate => {
    const source = templates.read(path)
    let t = COMPILED.get(source)
    if (!t) {
      t = ENGINE.compile(source, COMPILE_OPTIONS)
      COMPILED.set(source, t)
    }
    return t
  }
  const renderOne = (path: string, ctx: RenderContext, output: string): string => {
    if (!path.endsWith('.hbs')) return templates.read(path)
    try {
      return guarded(path, output, () => compile(path)(ctx))
    } catch (err) {
      if (err instanceof UnsafeValueError) throw err
      throw new Error(`internal: rendering ${path} failed: ${(err as Error).message}`)
    }
  }
  return (plan: readonly PlannedFile[], ctx: RenderContext): RenderedFile[] =>
    plan.map((f) => {
      let content: string
      if ('content' in f) content = f.content
      else if ('parts' in f)
        content = f.parts
          .map((part) => {
            if (typeof part === 'string') return renderOne(part, ctx, f.to)
            let text = renderOne(part.template, ctx, f.to)
            for (const [from, to] of Object.entries(part.replace)) text = text.replaceAll(from, to)
            return text
          })
          .join('')
      else {
        content = renderOne(f.template, ctx, f.to)
        for (const [from, to] of Object.entries(f.replace ?? {})) content = content.replaceAll(from, to)
      }
      if ('format' in f && f.format) content = FORMATTERS[f.format](content)
      return { path: f.to, content, ...(f.mode === undefined ? {} : { mode: f.mode }), ...('merge' in f && f.merge ? { merge: f.merge } : {}) }
    })
}

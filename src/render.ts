import Handlebars from 'handlebars'
import type { RenderContext } from './context.js'
import { FORMATTERS } from './generators/lockfiles.js'
import type { PlannedFile } from './plan.js'
import type { TemplateSource } from './templates.js'

export interface RenderedFile {
  path: string
  content: string
  mode?: number
}

const HELPERS: Record<string, Handlebars.HelperDelegate> = {
  eq: (a: unknown, b: unknown) => a === b,
  /** A JSON literal, which is also a valid YAML flow value (quoted strings, arrays). */
  json: (v: unknown) => JSON.stringify(v),
}

/**
 * A Handlebars environment that fails loudly: `strict` turns a missing key (or a stray
 * `${{ }}` meant for another tool) into an error, and `noEscape` keeps config files intact.
 */
function createEngine(): typeof Handlebars {
  const hb = Handlebars.create()
  for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn)
  return hb
}

export const COMPILE_OPTIONS = {
  strict: true,
  noEscape: true,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((k) => [k, true])),
  knownHelpersOnly: true,
} as const

/** Renders planned files into memory. Each template is compiled once per renderer. */
export function createRenderer(templates: TemplateSource) {
  const engine = createEngine()
  const compiled = new Map<string, Handlebars.TemplateDelegate>()
  const compile = (path: string): Handlebars.TemplateDelegate => {
    let t = compiled.get(path)
    if (!t) {
      t = engine.compile(templates.read(path), COMPILE_OPTIONS)
      compiled.set(path, t)
    }
    return t
  }
  return (plan: readonly PlannedFile[], ctx: RenderContext): RenderedFile[] =>
    plan.map((f) => {
      let content: string
      if ('content' in f) content = f.content
      else if (f.template.endsWith('.hbs')) {
        try {
          content = compile(f.template)(ctx)
        } catch (err) {
          throw new Error(`internal: rendering ${f.template} failed: ${(err as Error).message}`)
        }
      } else {
        content = templates.read(f.template)
        for (const [from, to] of Object.entries(f.replace ?? {})) content = content.replaceAll(from, to)
      }
      if ('format' in f && f.format) content = FORMATTERS[f.format](content)
      return f.mode === undefined ? { path: f.to, content } : { path: f.to, content, mode: f.mode }
    })
}

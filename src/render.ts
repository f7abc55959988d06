import type { RenderContext } from './context.js'
import { FORMATTERS } from './generators/lockfiles.js'
import type { PlannedFile } from './plan.js'
import { COMPILE_OPTIONS, compileTemplate } from './template-engine.js'
import type { TemplateSource } from './templates.js'
import { guarded, UnsafeValueError } from './render-guard.js'

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

export { COMPILE_OPTIONS }

/**
 * Renders planned files into memory. Each distinct template text is compiled once, or not at
 * all in the bundle, which carries the package's templates precompiled (template-engine.ts).
 */
export function createRenderer(templates: TemplateSource) {
  const renderOne = (path: string, ctx: RenderContext, output: string): string => {
    if (!path.endsWith('.hbs')) return templates.read(path)
    try {
      return guarded(path, output, () => compileTemplate(templates.read(path))(ctx))
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

import { posix } from 'node:path'
import type { RenderContext } from './context.js'
import type { FormatterId } from './generators/lockfiles.js'
import type { MergeKind } from './render.js'
import type { TemplateSource } from './templates.js'

/** One file the run intends to write, before rendering. */
export type PlannedFile =
  /**
   * Rendered through Handlebars when `template` ends in `.hbs`, else copied verbatim; then
   * put in its tool's canonical form when `format` names one.
   */
  | {
      to: string
      template: string
      mode?: number
      format?: FormatterId
      /**
       * Literal substitutions in a verbatim copy (`<CHARTNAME>` in Helm templates, as `helm
       * create` does): the file stays a plain template of its own tool, not Handlebars.
       */
      replace?: Readonly<Record<string, string>>
      /** How an existing file at `to` takes this one (see MergeKind); absent: a conflict. */
      merge?: MergeKind
    }
  /**
   * A file assembled from template parts in order: verbatim parts hold another tool's own
   * syntax (GitHub `${{ }}` expressions), `.hbs` parts hold the values that vary.
   */
  | { to: string; parts: readonly Part[]; mode?: number }
  /** Content produced by the planner itself (e.g. the answers record). */
  | { to: string; content: string; mode?: number }

/**
 * One part of an assembled file: a template path, or a verbatim part with literal
 * substitutions (a monorepo service's own workflow file name in `uses: ./.github/workflows/…`).
 */
export type Part = string | { template: string; replace: Readonly<Record<string, string>> }

export interface Generator {
  id: string
  applies(ctx: RenderContext): boolean
  plan(ctx: RenderContext, templates: TemplateSource): PlannedFile[]
}

/**
 * `_gitignore` → `.gitignore`, `x.yaml.hbs` → `x.yaml`: npm strips dotfiles from packages.
 * Names that start with `_` for their own tool keep it: `__init__.py`, and Helm's partials
 * (`_helpers.tpl`), which Helm recognises by the underscore.
 */
export function outputName(templatePath: string, dotfiles = true): string {
  const noHbs = templatePath.endsWith('.hbs') ? templatePath.slice(0, -4) : templatePath
  if (!dotfiles) return noHbs
  return noHbs
    .split('/')
    .map((part) => (part.startsWith('_') && !part.startsWith('__') && !part.endsWith('.tpl') ? `.${part.slice(1)}` : part))
    .join('/')
}

/** Every file below a template folder, mapped to the same relative path in the project. */
export function planFolder(
  templates: TemplateSource,
  dir: string,
  opts: { to?: string; include?: (rel: string) => boolean; replace?: Readonly<Record<string, string>> } = {},
): PlannedFile[] {
  return templates
    .list(dir)
    .filter((rel) => opts.include?.(rel) ?? true)
    .map((rel) => ({
      to: posix.join(opts.to ?? '', outputName(rel)),
      template: posix.join(dir, rel),
      // Substitutions apply to verbatim copies only; rendered files get their values from the context.
      ...(opts.replace && !rel.endsWith('.hbs') ? { replace: opts.replace } : {}),
    }))
}

/** Runs the generators that apply; the result is sorted and free of duplicate paths. */
export function planFiles(ctx: RenderContext, templates: TemplateSource, generators: readonly Generator[]): PlannedFile[] {
  const seen = new Map<string, string>()
  const files: PlannedFile[] = []
  for (const g of generators) {
    if (!g.applies(ctx)) continue
    for (const f of g.plan(ctx, templates)) {
      const to = posix.normalize(f.to)
      if (to.startsWith('../') || posix.isAbsolute(to)) throw new Error(`internal: generator ${g.id} plans ${f.to} outside the project`)
      const other = seen.get(to)
      if (other) throw new Error(`internal: generators ${other} and ${g.id} both plan ${to}`)
      seen.set(to, g.id)
      files.push({ ...f, to })
    }
  }
  return files.sort((a, b) => a.to.localeCompare(b.to))
}

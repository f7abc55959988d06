import type { Answers } from './answers.js'
import { buildContext, type RenderContext, type Retrofit } from './context.js'
import { GENERATORS } from './generators/index.js'
import { planFiles, type Generator, type PlannedFile } from './plan.js'
import { createRenderer, type RenderedFile } from './render.js'
import { diskTemplates, type TemplateSource } from './templates.js'
import { TOOL } from './version.js'

export interface Generated {
  context: RenderContext
  plan: PlannedFile[]
  files: RenderedFile[]
}

/**
 * answers → context → plan → render, all in memory. Nothing here writes; the caller hands
 * the files to a Writer.
 */
export function generate(
  answers: Answers,
  opts: { templates?: TemplateSource; generators?: readonly Generator[]; tool?: typeof TOOL; retrofit?: Retrofit } = {},
): Generated {
  const templates = opts.templates ?? diskTemplates()
  const context = buildContext(answers, opts.tool ?? TOOL, opts.retrofit)
  const plan = planFiles(context, templates, opts.generators ?? GENERATORS)
  const files = createRenderer(templates)(plan, context)
  return { context, plan, files }
}

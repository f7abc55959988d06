import { posix } from 'node:path'
import type { Answers } from './answers.js'
import type { Policy } from './config/types.js'
import { buildContext, type RenderContext, type Retrofit } from './context.js'
import { GENERATORS } from './generators/index.js'
import { planFiles, type Generator, type PlannedFile } from './plan.js'
import { isComposeFile, isDockerfile, rewriteComposeImages, rewriteDockerfileImages } from './policy/images.js'
import { createRenderer, type RenderedFile } from './render.js'
import { checkGeneratedText } from './render-guard.js'
import { diskTemplates, type TemplateSource } from './templates.js'
import { TOOL } from './version.js'
import { ANSWERS_FILE, answersRecord, type OrgRecord } from './answers-file.js'
import { packTemplates, planPackFiles } from './packs/apply.js'
import { PackError, type Pack } from './packs/pack.js'

export interface Generated {
  context: RenderContext
  plan: PlannedFile[]
  files: RenderedFile[]
  /**
   * The starter app's files: written for a new service, then the user's code. `update` keeps
   * those the user has not edited in step with the answers and lists the edited ones it would change.
   */
  scaffold: string[]
}

/**
 * The policy's registry mirrors on the rendered Dockerfiles and Compose files. Base images are
 * written literally across the languages' Dockerfiles (`FROM oven/bun:…`, `ARG UV_IMAGE=ghcr.io/…`),
 * so they are rewritten where they finally stand rather than threaded through every template.
 */
function mirrorImages(files: RenderedFile[], policy: Policy): RenderedFile[] {
  const mirrors = policy.baseImages?.mirrors ?? {}
  if (Object.keys(mirrors).length === 0) return files
  return files.map((f) => {
    if (isDockerfile(f.path)) return { ...f, content: rewriteDockerfileImages(f.content, mirrors) }
    if (isComposeFile(f.path)) return { ...f, content: rewriteComposeImages(f.content, mirrors) }
    return f
  })
}

/**
 * answers → context → plan → render, all in memory. Nothing here writes; the caller hands
 * the files to a Writer.
 */
export function generate(
  answers: Answers,
  opts: {
    templates?: TemplateSource
    generators?: readonly Generator[]
    tool?: typeof TOOL
    retrofit?: Retrofit
    policy?: Policy
    /** Template packs, laid over the built-in templates in order; their added files are planned last. */
    packs?: readonly Pack[]
    /** The packs' variables, as `{{vars.name}}` in their templates. */
    vars?: Readonly<Record<string, unknown>>
    /** Presets and packs, kept in the answers record for update and check. */
    org?: OrgRecord
  } = {},
): Generated {
  const packs = opts.packs ?? []
  const templates = packTemplates(opts.templates ?? diskTemplates(), packs)
  const policy = opts.policy ?? {}
  const context = buildContext(answers, opts.tool ?? TOOL, opts.retrofit, policy)
  let plan = planFiles(context, templates, opts.generators ?? GENERATORS)
  if (opts.org) {
    const record = answersRecord(context.answers, context.tool, context.retrofit ?? undefined, opts.org)
    plan = plan.map((f) => (f.to === ANSWERS_FILE ? { to: f.to, content: record } : f))
  }
  plan = [...plan, ...planPackFiles(packs, plan)].sort((a, b) => a.to.localeCompare(b.to))
  // Pack templates see everything the built-in ones do, and their variables as `vars`.
  const data = packs.length ? ({ ...context, vars: opts.vars ?? {} } as RenderContext) : context
  const files = mirrorImages(renderPlan(templates, plan, data, packs), policy)
  checkGeneratedText(files)
  const scaffold = (opts.generators ?? GENERATORS).filter((g) => g.id === 'starter-app' && g.applies(context)).flatMap((g) => g.plan(context, templates).map((f) => posix.normalize(f.to)))
  return { context, plan, files, scaffold }
}

/** Renders; a template a pack brought that fails is the pack's error (exit 2), not the tool's. */
function renderPlan(templates: TemplateSource, plan: readonly PlannedFile[], context: RenderContext, packs: readonly Pack[]): RenderedFile[] {
  try {
    return createRenderer(templates)(plan, context)
  } catch (err) {
    const path = /rendering (\S+) failed/.exec((err as Error).message)?.[1]
    const pack = path && (path.startsWith('@pack/') ? packs[Number(path.split('/')[1])] : [...packs].reverse().find((p) => p.templates[path] !== undefined))
    if (!pack) throw err
    const shown = path.startsWith('@pack/') ? path.split('/').slice(2).join('/') : `templates/${path}`
    throw new PackError(`pack ${pack.name}@${pack.version}: ${shown} does not render: ${(err as Error).message.replace(/^internal: rendering \S+ failed: /, '')}`)
  }
}

import { relative } from 'node:path'
import type { Answers } from '../answers.js'
import { composeCommands, DEFAULT_COMPOSE_FILE } from '../compose-files.js'
import type { RenderContext } from '../context.js'
import type { HealthCheck } from '../detect/types.js'
import { rootComposePath } from '../monorepo.js'
import type { FileReport } from '../write.js'
import type { RepositoryFit, TheirDependabot } from './fit.js'
import { ADDED_MARK } from '../utils/env-example.js'

const list = (items: readonly string[]) => (items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`)

/** What the healthchecks and probes ask, in words: the route, or a TCP check on the port. */
export function describeHealth(h: HealthCheck, port: number): string {
  const check = (path: string | null) => (path === null ? `a TCP check on port ${port}` : `GET ${path}`)
  if (h.liveness === h.readiness) return h.liveness === null ? `a TCP check on port ${port}` : `GET ${h.liveness} on port ${port}`
  return `${check(h.liveness)} (liveness) and ${check(h.readiness)} (readiness)${h.liveness !== null && h.readiness !== null ? ` on port ${port}` : ''}`
}

/**
 * For an existing app: what the healthchecks ask of it. Its own route when detection found one,
 * a TCP check when it has none (with how to get better probes), else the convention it must meet.
 */
function healthStep(ctx: RenderContext): string {
  const h = ctx.health
  const own = ctx.retrofit?.app.health !== undefined
  if (h.liveness === null || h.readiness === null) {
    return `The healthchecks and probes use ${describeHealth(h, ctx.port)}: your app has no health route for ${h.liveness === null && h.readiness === null ? 'them' : h.liveness === null ? 'liveness' : 'readiness'}. For better probes add GET /healthz (the process is up) and GET /readyz (its dependencies answer); README.containers.md says how.`
  }
  if (own) return `The healthchecks and probes ask ${describeHealth(h, ctx.port)}, your app's own health route${h.liveness === h.readiness ? '' : 's'}; the Dockerfile's header says what else it expects.`
  return `Your app must answer ${h.liveness === h.readiness ? `GET ${h.liveness}` : `GET ${h.liveness} and ${h.readiness}`} on port ${ctx.port} (the healthchecks and probes call ${h.liveness === h.readiness ? 'it' : 'them'}); the Dockerfile's header says what else it expects.`
}

/** The variables an existing app needs at boot and the services it uses that are not set up here. */
function appSteps(ctx: RenderContext): string[] {
  const app = ctx.retrofit?.app
  if (!app) return []
  const required = app.requiredEnv ?? []
  const unprovided = app.unprovided ?? []
  return [
    required.length
      ? `Your app requires ${list(required.map((v) => (v.secret ? `${v.name} (secret)` : v.name)))} at boot: copy .env.example to .env and set ${required.length > 1 ? 'them' : 'it'} (dev runs with the placeholders there; production refuses to start without the secrets).`
      : undefined,
    ...unprovided.map((u) => `Not set up by this tool, add it yourself: ${u.service} (${u.evidence.file}): ${u.hint}.`),
  ].filter((x): x is string => x !== undefined)
}

/** The health endpoint to try once the dev environment is up, or how to see it turn healthy. */
function tryStep(ctx: RenderContext): string {
  const path = ctx.health.readiness ?? ctx.health.liveness
  return path === null ? `${ctx.compose.cmd.dev} ps   (the app turns healthy once port ${ctx.port} accepts connections)` : `curl http://localhost:${ctx.port}${path}`
}

/** The stack's CI identity trusts one repository, which the generator can only guess: say where to set it. */
function placeholderStep(a: Answers, ctx: RenderContext): string | undefined {
  const tf = ctx.terraform
  if (!tf?.ci) return undefined
  const [variable, guess, what] = tf.ci === 'github' ? ['github_repository', `my-org/${a.name}`, 'your GitHub repository (owner/name)'] : ['gitlab_project_path', `my-group/${a.name}`, 'your GitLab project path (group/project)']
  return `Before the first terraform apply: set ${variable} in ${tf.dir}/environments/*.tfvars to ${what}; it says "${guess}", a placeholder, and CI's OIDC login trusts only the repository named there.`
}

export function nextSteps(rel: string, a: Answers, ctx: RenderContext): string {
  const k8s = ctx.k8s
  return [
    ctx.retrofit
      ? healthStep(ctx)
      : ctx.framework.starter !== null
        ? undefined
        : `No starter app for --framework ${a.framework}: add your code; the Dockerfile documents what it expects.`,
    ...appSteps(ctx),
    rel === '.' ? undefined : `cd ${rel}`,
    `${ctx.compose.cmd.dev} up --build --watch`,
    tryStep(ctx),
    ...(k8s?.format === 'helm'
      ? [
          `helm upgrade --install ${a.name} ${k8s.chartDir} -n ${a.name}-dev --create-namespace -f ${k8s.chartDir}/values-dev.yaml --set image.tag=<tag>`,
          `helm test ${a.name} -n ${a.name}-dev`,
        ]
      : k8s?.format === 'kustomize'
        ? [`kubectl apply -k ${k8s.kustomizeDir}/overlays/dev   (after pushing the image: kustomize edit set image in the base)`]
        : []),
    ctx.terraform ? `Cloud stack: ${ctx.terraform.dir}/README.md (terraform init, plan and apply per environment)` : undefined,
    placeholderStep(a, ctx),
    'See README.containers.md for test and production runs.',
  ]
    .filter(Boolean)
    .join('\n')
}

export function multiNextSteps(services: readonly { target: string; context: RenderContext }[], root: string, cwd: string): string {
  const composeFile = rootComposePath(services.map((x) => ({ dir: relative(root, x.target) || '.' })))
  return [
    relative(cwd, root) ? `cd ${relative(cwd, root)}` : undefined,
    `docker compose${composeFile === 'compose.yaml' ? '' : ` -f ${composeFile}`} up --build --wait   (every service, with the databases and caches they share)`,
    ...services.flatMap((x) => [
      `${x.context.name}: ${relative(root, x.target)}/README.containers.md; its healthchecks and probes use ${describeHealth(x.context.health, x.context.port)}`,
      ...appSteps(x.context).map((line) => `${x.context.name}: ${line}`),
    ]),
  ]
    .filter(Boolean)
    .join('\n')
}

/**
 * What a run did around the user's own files, for the next steps and `--json`: which Dockerfile
 * the generated files build, what our workflows are called beside theirs, what their Dependabot
 * file lacks, and the .env.example that gained variables.
 */
export function repositoryNotes(fit: RepositoryFit, dependabot: TheirDependabot | undefined, reports: readonly FileReport[] = []): string[] {
  const notes: string[] = []
  for (const s of fit.services) {
    const df = s.dockerfile
    if (df?.kind === 'alongside') notes.push(`Your ${df.path} is kept as it is; ours is ${df.built} (with its own ${df.built}.dockerignore), and the generated Compose files and CI build ${df.built}.`)
    else if (df?.kind === 'alongside-for-targets') {
      notes.push(
        `Your ${df.path} is kept, but it has no ${list(df.missing)} stage${df.missing.length > 1 ? 's' : ''}, which the generated Compose files (dev, test, prod) and CI (prod) build as targets: ours is written beside it as ${df.built} (with its own ${df.built}.dockerignore) and they build that. To build yours instead, give it those stages and point build.dockerfile (${s.retrofit.app.composeFile ?? DEFAULT_COMPOSE_FILE}) and DOCKERFILE (the release workflow) back at it.`,
      )
    } else if (df?.kind === 'kept') notes.push(`Your ${df.path} is kept, and the generated Compose files and CI build its dev, test and prod stages.`)
    const ig = s.dockerignore
    if (ig) notes.push(`Your ${ig.theirs} is kept as it is for your own builds; ours is ${ig.ours}, which BuildKit reads for ${ig.dockerfile} in its place.`)
    const c = s.compose
    if (c) {
      const at = (f: string) => (c.dir === '.' ? f : `${c.dir}/${f}`)
      const cmd = composeCommands(c.ours)
      notes.push(
        `Your ${list(c.theirs)} ${c.theirs.length > 1 ? 'stay' : 'stays'} as ${c.theirs.length > 1 ? 'they are' : 'it is'}, and a plain \`docker compose up\` keeps running ${c.theirs.length > 1 ? 'them' : 'it'}; ours are ${list([c.ours.base, c.ours.override, c.ours.test, c.ours.prod].map(at))}, which README.containers.md, CI and these steps name with -f: ${cmd.dev} up --build --watch.`,
      )
    }
    const wf = s.renamedWorkflows
    if (wf) {
      const name = (p: string) => p.slice(p.lastIndexOf('/') + 1)
      notes.push(`Your workflow${wf.theirs.length > 1 ? 's' : ''} ${list(wf.theirs.map(name))} ${wf.theirs.length > 1 ? 'stay' : 'stays'} as ${wf.theirs.length > 1 ? 'they are' : 'it is'}; ours are named ${wf.prefix}-…: ${list(wf.ours.map(name))}.`)
    }
  }
  if (dependabot) {
    notes.push(
      dependabot.missing.length
        ? `Your ${dependabot.path} is left as it is (ours is not written); add these updates to it: ${list(dependabot.missing)}.`
        : `Your ${dependabot.path} is left as it is (ours is not written); it already covers what ours would.`,
    )
  }
  for (const r of reports.filter((x) => (x.action === 'extended' || x.status === 'extend') && /(^|\/)\.env\.example$/.test(x.path))) {
    notes.push(`Your ${r.path} keeps its lines; the variables the container files read that it lacked are added at its end, under "${ADDED_MARK.split(':')[0]}".`)
  }
  return notes
}

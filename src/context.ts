import { posix } from 'node:path'
import type { Answers } from './answers.js'
import { appEnvironment, dotenvValue, yamlValue, type AppEnv } from './app-env.js'
import type { AppFacts, Evidence, HealthCheck, UnprovidedService } from './detect/types.js'
import { ciContext, type CiContext } from './ci-context.js'
import { composeCommands, composeFiles, DEFAULT_COMPOSE_FILE, type ComposeFiles } from './compose-files.js'
import type { Policy } from './config/types.js'
import { HEALTH, kubernetesContext, type KubernetesContext } from './kubernetes-context.js'
import { LANGUAGE_CHOICES, type DevSpec, type FrameworkChoice, type LanguageChoice, type PackageManagerChoice } from './registry/languages/index.js'
import { fromWorkspaceRoot } from './registry/languages/contract.js'
import { byId } from './registry/lookup.js'
import { mirrorImage, type Mirrors } from './policy/images.js'
import { PLATFORM_CHOICES, REGISTRY_CHOICES, type PlatformChoice } from './registry/platforms.js'
import { CACHE_CHOICES, DATABASE_CHOICES, forExistingApp, type EnvVar, type ServiceSpec } from './registry/services.js'
import { terraformContext, type TerraformContext } from './terraform-context.js'
import { nativeRun, type NativeRun } from './native.js'

/** Generating for an existing app: no starter, and the names its code decides. */
export interface Retrofit {
  /** The service's folder in the repository, `.` for its root. */
  dir: string
  app: AppFacts
  /** Several services in one repository: this one's workflows are prefixed with its name. */
  workflowPrefix?: string
}

/** A `KEY: value` pair for a Compose `environment:` map. */
export interface EnvEntry {
  name: string
  value: string
}

/** A `.env` variable with its line in .env.example (secrets empty, values quoted where needed). */
export interface DotenvVar extends EnvVar {
  example: string
}

/** The app container's environment, as the Compose files and README.containers.md write it. */
export interface AppEnvContext {
  /** The variable the app reads its port from (PORT unless the app reads another). */
  portName: string
  /** Its value: the port, or an address holding it (`0.0.0.0:8080`), then `portIsAddress`. */
  portValue: string
  portIsAddress: boolean
  /** The variable it reads its bind address from, set to 0.0.0.0; null when none. */
  hostName: string | null
  /** compose.yaml: every variable, dev and test falling back to dev-only values. */
  base: EnvEntry[]
  /** compose.prod.yaml: the settings, connections and required variables, secrets required. */
  prod: EnvEntry[]
  /** The app's connection variables and what each carries. */
  connections: { name: string; description: string }[]
  /** Variables the app requires at boot: where each was found, and whether it is secret. */
  required: { name: string; secret: boolean; source: string; devValue: string }[]
}

/** A backing service as the templates see it. */
export interface ServiceContext extends ServiceSpec {
  id: string
  label: string
  /** Named volume for the data directory, when the service keeps state. */
  volume: string | null
  /** Container environment with dev-only fallbacks, for the base and dev files. */
  envDev: EnvEntry[]
  /** Container environment where secrets must be set (`:?`), for compose.prod.yaml. */
  envProd: EnvEntry[]
  /** The registry's URL with Compose's fallbacks (the app's own variables are in `appEnv`; kept for template packs). */
  urlDev: string
  urlProd: string
}

/**
 * Everything the templates need, derived once from the answers. Templates hold no logic
 * beyond `if`/`each`: every name, image and command is decided here or in the registries.
 */
export interface RenderContext {
  answers: Answers
  tool: { name: string; version: string }
  name: string
  port: number
  language: LanguageChoice
  /** The dev container: the language's settings with the framework's overrides. */
  dev: DevSpec
  languageVersion: string
  framework: FrameworkChoice
  packageManager: PackageManagerChoice
  platform: PlatformChoice
  database: ServiceContext | null
  cache: ServiceContext | null
  services: ServiceContext[]
  /** Named volumes of the stateful services. */
  volumes: string[]
  /** `.env` variables: the app's and every service's, in a stable order. */
  env: DotenvVar[]
  /** What the app container is given, from the app's own contract (or the tool's conventions). */
  appEnv: AppEnvContext
  /**
   * The Compose `build:` of the app: its context relative to the service folder, and the
   * Dockerfile relative to that context; `file` is the Dockerfile relative to the service
   * folder (`docker build -f <file> <context>` run there).
   */
  build: { context: string; dockerfile: string; file: string }
  /** The build's ignore file, relative to the service folder (ignoreFileOf). */
  dockerignore: string
  /**
   * The Compose files and the command that runs each environment with them. `auto`: the default
   * family, which `docker compose up` finds by itself; otherwise (beside the app's own Compose
   * files) every command names them with `-f`.
   */
  compose: { files: ComposeFiles; auto: boolean; cmd: { dev: string; test: string; prod: string } }
  /** Services the app uses that are not set up here (retrofit); the README says what to add (table cells). */
  unprovided: (UnprovidedService & { source: string })[]
  /** `example`: a plausible repository for the chosen registry; `compose`: the prod image reference. */
  image: { example: string; compose: string }
  /** The language's own template values (LanguageChoice.templateData). */
  lang: Readonly<Record<string, unknown>>
  /** `ports:` of the dev container: the app (APP_PORT in .env moves it) and the debugger. */
  devPorts: string[]
  /** Compose watch rules for the dev container. */
  watch: { action: 'sync' | 'sync+restart' | 'rebuild'; path: string; target?: string }[]
  /**
   * What every healthcheck and probe asks: the app's own routes, or null for a TCP check on the
   * port (an existing app without a health route). New services: /healthz and /readyz.
   */
  health: HealthCheck
  /**
   * Where `health` comes from: the app's own routes, its framework's endpoint, this tool's
   * /healthz and /readyz, or none (`tcp`: the app has no health route, every check connects).
   */
  healthSource: 'app' | 'framework' | 'convention' | 'tcp'
  /** True for a new service (starter app written); false when retrofitting. */
  starter: boolean
  /** How to run the app and its tests without Docker (README.containers.md). */
  native: NativeRun
  /** What detection found about an existing app; null for a new service. */
  retrofit: Retrofit | null
  /** The Kubernetes platforms' manifests; null for Compose. */
  k8s: KubernetesContext | null
  /** The CI pipelines; null without a CI provider. */
  ci: CiContext | null
  /** The cloud stack for EKS, AKS and GKE; null for other platforms. */
  terraform: TerraformContext | null
}

/**
 * Rewrites `${NAME}` references into Compose interpolation: dev and test fall back to the
 * dev-only default, production refuses to start until a secret is set in `.env`.
 */
function interpolate(text: string, vars: readonly EnvVar[], mode: 'dev' | 'prod'): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => {
    const v = vars.find((x) => x.name === name)
    if (!v) return whole
    if (mode === 'prod' && v.secret) return `\${${name}:?Set ${name} in .env (see .env.example)}`
    return `\${${name}:-${v.devDefault}}`
  })
}

/** Text for a Markdown table cell: a pipe would end the cell, a line break the row. */
const markdownCell = (text: string) => text.replace(/\r?\n/g, ' ').replaceAll('|', '\\|')

/** Where detection found something, as a README table cell. */
const evidenceCell = (e: Evidence) => `\`${e.file.replaceAll('`', "'")}\`: ${markdownCell(e.reason)}`

/** The Compose environment of the app: the base file's (dev fallbacks) and production's. */
function composeAppEnv(env: AppEnv, vars: readonly EnvVar[]): { base: EnvEntry[]; prod: EnvEntry[] } {
  const entry = (mode: 'dev' | 'prod') => (v: AppEnv['vars'][number]): EnvEntry => ({ name: v.name, value: yamlValue(interpolate(v.value, vars, mode)) })
  return {
    base: env.vars.map(entry('dev')),
    // The port and bind address come from compose.yaml unchanged.
    prod: env.vars.filter((v) => v.kind !== 'port' && v.kind !== 'host').map(entry('prod')),
  }
}

/**
 * The Compose build of the app. A workspace member builds from the workspace root, so the
 * Dockerfile is named from there; alongside the user's own Dockerfile it is ours, under its own name.
 */
function composeBuild(app: AppFacts): RenderContext['build'] {
  const dockerfile = app.dockerfile ?? 'Dockerfile'
  if (!app.buildContext || app.buildContext === '.') return { context: '.', dockerfile, file: dockerfile }
  if (!app.memberDir) throw new Error(`internal: buildContext ${app.buildContext} without memberDir`)
  return { context: app.buildContext, dockerfile: posix.join(app.memberDir, dockerfile), file: dockerfile }
}

/**
 * Where our ignore file goes: the context's `.dockerignore`, unless BuildKit must read one for
 * our Dockerfile alone (`<Dockerfile>.dockerignore`, beside it): the app keeps its own
 * .dockerignore or its own Dockerfile, or the context is a workspace root with its own.
 */
export function ignoreFileOf(app: AppFacts): string {
  if (app.dockerignore) return app.dockerignore
  if (app.dockerfile) return `${app.dockerfile}.dockerignore`
  return fromWorkspaceRoot(app) ? 'Dockerfile.dockerignore' : '.dockerignore'
}

/**
 * Compose watch rules: sync the source folders, rebuild on a change to what the install reads.
 * Paths are relative to compose.yaml (the service folder); a workspace's root lockfile is up there.
 */
function watchRules(dev: DevSpec, manifests: readonly string[], app: AppFacts): RenderContext['watch'] {
  const inImage = app.buildContext && app.memberDir ? `/app/${app.memberDir}` : '/app'
  const fromContext = (file: string) => {
    const rel = app.buildContext && app.memberDir ? posix.relative(app.memberDir, file) : posix.normalize(file)
    return rel.startsWith('../') ? rel : `./${rel}`
  }
  const rebuild = app.installFiles ? app.installFiles.map(fromContext) : manifests.map((file) => `./${file}`)
  return [
    ...dev.sync.map((dir) => ({ action: dev.restartOnSync ? ('sync+restart' as const) : ('sync' as const), path: `./${dir}`, target: `${inImage}/${dir}` })),
    ...[...new Set(rebuild)].map((path) => ({ action: 'rebuild' as const, path })),
  ]
}

function service(id: string, label: string, spec: ServiceSpec | null, mirrors: Mirrors): ServiceContext | null {
  if (!spec) return null
  const env = (mode: 'dev' | 'prod'): EnvEntry[] =>
    Object.entries(spec.environment).map(([name, value]) => ({ name, value: interpolate(value, spec.secrets, mode) }))
  return {
    ...spec,
    // Compose and the in-cluster dev services pull the same image, through the policy's mirror.
    image: mirrorImage(spec.image, mirrors),
    id,
    label,
    volume: spec.dataDir ? `${spec.host}-data` : null,
    envDev: env('dev'),
    envProd: env('prod'),
    urlDev: interpolate(spec.url, spec.secrets, 'dev'),
    urlProd: interpolate(spec.url, spec.secrets, 'prod'),
  }
}

/**
 * Derives the render context from validated answers. Pure. The policy shapes what is generated
 * (mirrored images, labels, annotations, resource floors, the scan's severities); without one the
 * output is the tool's own.
 */
export function buildContext(answers: Answers, tool: { name: string; version: string }, retrofit?: Retrofit, policy: Policy = {}): RenderContext {
  const mirrors = policy.baseImages?.mirrors ?? {}
  const language = byId(LANGUAGE_CHOICES, answers.language)
  const packageManager = byId(language.packageManagers, answers.packageManager)
  const framework = byId(language.frameworks, answers.framework)
  const dev: DevSpec = { ...language.dev, ...framework.dev }
  const db = byId(DATABASE_CHOICES, answers.database)
  const cache = byId(CACHE_CHOICES, answers.cache)
  const asReached = (spec: ServiceSpec | null) => (spec && retrofit ? forExistingApp(spec) : spec)
  const database = service(db.id, db.label, asReached(db.service), mirrors)
  const cacheCtx = service(cache.id, cache.label, asReached(cache.service), mirrors)
  const services = [database, cacheCtx].filter((s): s is ServiceContext => s !== null)
  const registry = byId(REGISTRY_CHOICES, answers.registry)
  const example = registry.example(answers.name)
  const platform = byId(PLATFORM_CHOICES, answers.platform)
  const appSettings: EnvVar[] = [{ name: 'LOG_LEVEL', devDefault: 'info', description: 'debug, info, warn or error', secret: false }]
  const app: AppFacts = retrofit?.app ?? {}
  const appEnv = appEnvironment(answers.port, app, services, appSettings)
  const dotenv = [...appSettings, ...services.flatMap((s) => s.secrets), ...appEnv.dotenv]
  const lang = language.templateData?.({ name: answers.name, port: answers.port, languageVersion: answers.languageVersion, packageManager, framework, app: retrofit?.app ?? {}, ...(retrofit ? { environment: appEnv.vars } : {}) }) ?? {}
  // The framework's own endpoint (Laravel's /up) unless the app said otherwise.
  const ownHealth = typeof lang.healthPath === 'string' && lang.healthPath !== '/healthz' ? lang.healthPath : undefined
  const health: HealthCheck = retrofit?.app.health ?? (ownHealth ? { liveness: ownHealth, readiness: ownHealth } : { ...HEALTH })
  const k8s = kubernetesContext(answers, platform, services, appEnv, language.runtimeUid ?? 1000, policy, health)
  const terraform = terraformContext(answers, platform, registry, services, k8s)
  return {
    answers,
    tool,
    name: answers.name,
    port: answers.port,
    language,
    dev,
    languageVersion: answers.languageVersion,
    framework,
    packageManager,
    platform,
    database,
    cache: cacheCtx,
    services,
    volumes: services.flatMap((s) => (s.volume ? [s.volume] : [])),
    // .env holds the value itself; `$$` is only Compose's escape inside compose files.
    env: dotenv.map((v) => ({ ...v, example: v.secret ? '' : dotenvValue(v.devDefault.replaceAll('$$', '$')) })),
    appEnv: {
      portName: appEnv.portName,
      portValue: appEnv.portValue,
      portIsAddress: appEnv.portValue !== String(answers.port),
      hostName: appEnv.hostName,
      ...composeAppEnv(appEnv, dotenv),
      connections: appEnv.vars.filter((v) => v.kind === 'connection').map((v) => ({ name: v.name, description: v.description })),
      required: appEnv.vars.flatMap((v) => (v.required ? [{ name: v.name, secret: v.required.secret, source: evidenceCell(v.required.evidence), devValue: markdownCell((v.env?.devDefault ?? v.required.devValue).replaceAll('$$', '$')).replaceAll('`', "'") }] : [])),
    },
    build: composeBuild(app),
    dockerignore: ignoreFileOf(app),
    compose: { files: composeFiles(app.composeFile), auto: (app.composeFile ?? DEFAULT_COMPOSE_FILE) === DEFAULT_COMPOSE_FILE, cmd: composeCommands(composeFiles(app.composeFile)) },
    unprovided: (app.unprovided ?? []).map((u) => ({ ...u, service: markdownCell(u.service), hint: markdownCell(u.hint), source: evidenceCell(u.evidence) })),
    image: { example, compose: `\${IMAGE_REPOSITORY:-${example}}:\${IMAGE_TAG:?Set IMAGE_TAG to the release to run}` },
    lang,
    health,
    healthSource: retrofit?.app.health ? (health.liveness ? 'app' : 'tcp') : ownHealth ? 'framework' : 'convention',
    devPorts: [
      `127.0.0.1:\${APP_PORT:-${answers.port}}:${answers.port}`,
      ...(dev.debugPort ? [`127.0.0.1:${dev.debugPort}:${dev.debugPort}`] : []),
    ],
    watch: watchRules(dev, packageManager.manifests, app),
    starter: retrofit === undefined,
    native: nativeRun({ language: language.id, languageLabel: language.label.replace(/ \(.*\)$/, ''), languageVersion: answers.languageVersion, packageManager, framework, lang, port: answers.port, retrofit: retrofit !== undefined }),
    retrofit: retrofit ?? null,
    k8s,
    ci: ciContext(answers, platform, k8s, { language: language.id, languageVersion: answers.languageVersion, packageManager, framework, lang }, { example }, terraform, retrofit && retrofit.dir !== '.' ? retrofit.dir : null, retrofit?.workflowPrefix ?? null, policy.scan?.failOn, retrofit?.app),
    terraform,
  }
}

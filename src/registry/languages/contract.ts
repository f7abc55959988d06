import { posix } from 'node:path'
import type { AppEnvVar } from '../../app-env.js'
import type { AppFacts } from '../../detect/types.js'

/**
 * Helpers every language's templateData shares to honour an existing app's runtime contract
 * (issue 18). A new service passes an empty `app` and gets the tool's own conventions.
 */

/** Files that hold secrets: never copied into an image, never re-included in its context. */
const SECRET = /(^|\/)(\.env(\.[^/]*)?|[^/]*\.(pem|key|p12|pfx|jks))$/

/** What a path may hold to be written unquoted into COPY and .dockerignore lines. */
const PLAIN = /^[\w.@+-]+(\/[\w.@+-]+)*$/

/** A path relative to the service folder, normalised; null when it leaves the folder or needs quoting. */
export function relPath(p: string): string | null {
  const n = posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '')
  if (n === '.' || n === '..' || n.startsWith('../') || posix.isAbsolute(n) || !PLAIN.test(n)) return null
  return n
}

const within = (p: string, dir: string): boolean => p === dir || p.startsWith(`${dir}/`)

/**
 * The folders and files the app reads at run time that the prod image does not already hold
 * (`covered`: folders it copies whole). Secrets are left out: they are mounted at run time, not
 * baked into the image. The UI's output is left out too: the image builds it.
 */
export function runtimeCopies(app: AppFacts, covered: readonly string[] = []): string[] {
  const ui = app.ui && relPath(app.ui.output)
  const out: string[] = []
  for (const raw of app.runtimePaths ?? []) {
    const p = relPath(raw)
    if (!p || SECRET.test(p) || (ui && within(p, ui)) || covered.some((c) => within(p, c)) || out.includes(p)) continue
    out.push(p)
  }
  return out.filter((p) => !out.some((o) => o !== p && within(p, o)))
}

/** The image builds from a workspace root above the service folder (`app.buildContext`). */
export function fromWorkspaceRoot(app: AppFacts): boolean {
  const context = app.buildContext && posix.normalize(app.buildContext.replace(/\\/g, '/')).replace(/\/+$/, '')
  return !!context && context !== '.'
}

/** The service folder as seen from the build context: `apps/api/` in a workspace, else nothing. */
export function memberPrefix(app: AppFacts): string {
  const member = fromWorkspaceRoot(app) && app.memberDir ? relPath(app.memberDir) : null
  return member ? `${member}/` : ''
}

/**
 * Lines appended to .dockerignore: the web UI's dependencies and output (both made inside the
 * image) out, the app's run-time files back in whatever an earlier pattern dropped.
 */
export function dockerignoreTail(app: AppFacts): { drop: string[]; keep: string[] } {
  const at = memberPrefix(app)
  const ui = app.ui && relPath(app.ui.dir)
  const output = app.ui && relPath(app.ui.output)
  const drop = [...(ui ? [`${at}${ui}/node_modules`] : []), ...(output ? [`${at}${output}`] : [])]
  const keep = runtimeCopies(app).map((p) => `!${at}${p}`)
  return { drop, keep }
}

/**
 * `**\/` before the patterns for dependencies, build output and secrets when the context is a
 * workspace root: every member has its own node_modules, .venv, dist and .env.
 */
export function ignoreDepth(app: AppFacts): string {
  return fromWorkspaceRoot(app) ? '**/' : ''
}

/** The variable the app reads its port from (the image sets it, the healthcheck reads it). */
export function portEnv(app: AppFacts): string {
  return app.portEnv && ENV_NAME.test(app.portEnv) ? app.portEnv : 'PORT'
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * A health route goes into the healthcheck command verbatim (inside JSON, JavaScript, Python,
 * Ruby and PHP string literals): anything that could end one of them is refused here rather
 * than written into a command that fails.
 */
export function assertHealthPaths(app: AppFacts): void {
  for (const p of [app.health?.liveness, app.health?.readiness]) {
    if (p && !/^\/[\w\-./~:@!+,;=?&]*$/.test(p)) throw new Error(`internal: the health route ${JSON.stringify(p)} cannot be written into a healthcheck command`)
  }
}

/**
 * The package manager version the app pins (`app.packageManagerVersion`) as an exact version the
 * image can install, or null: a range or anything else is no pin. Corepack's integrity suffix
 * (`10.18.0+sha512.…`) is dropped: npm installs by version, not by hash.
 */
export function pinnedVersion(app: AppFacts): string | null {
  const v = app.packageManagerVersion?.trim().replace(/\+.*$/, '')
  return v && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v) ? v : null
}

/** Whether the install files hold one of these lockfiles. */
export function hasLockfile(files: readonly string[], lockfiles: readonly string[]): boolean {
  return files.some((f) => lockfiles.includes(posix.basename(f)))
}

/** The comment above an install that has no lockfile to follow. */
export function unlockedNote(lockfile: string, where = 'the app'): string {
  return `No ${lockfile} in ${where}: the install resolves the newest versions the manifest allows, so two builds can differ. Commit a ${lockfile} to pin them (the install then follows it exactly).`
}

/**
 * A value as one shell word: bare when nothing in it is special to sh, else double-quoted with
 * `\ " $ \`` escaped (single quotes would do, but hadolint's shellcheck flags a `$` in them).
 */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`
}

/**
 * Build-only stand-ins for the variables an existing app's settings read when they are imported
 * (its connection variables and those it requires at boot), as `NAME=value` words that prefix
 * one RUN command (Django's collectstatic imports settings.py). They stay on that command line:
 * never ENV or ARG, so no layer or image keeps them. Required variables take their dev value
 * (the app's own example, which its validators accept); connections the value Compose gives them
 * with every credential a placeholder: the command opens no connection.
 */
export function buildPlaceholders(environment: readonly AppEnvVar[] | undefined): string[] {
  const out: string[] = []
  for (const v of environment ?? []) {
    if ((v.kind !== 'connection' && v.kind !== 'required') || !ENV_NAME.test(v.name)) continue
    const raw = v.kind === 'required' ? v.required?.devValue || 'placeholder' : v.value.replace(/\$\{[^}]*\}/g, 'placeholder').replaceAll('$$', '$')
    out.push(`${v.name}=${shellWord(/[\r\n]/.test(raw) ? 'placeholder' : raw)}`)
  }
  return out
}

/** The contract values every language's templates read (spread into each templateData). */
export interface CommonContract {
  /** The variable the image sets to the port and the healthcheck reads. */
  portEnv: string
  /** The variable the app reads its bind address from, set to 0.0.0.0; null when it has none. */
  hostEnv: string | null
  /** `**\/` in a workspace context (see ignoreDepth), else empty. */
  deep: string
  /** The .dockerignore tail (dockerignoreTail); null when there is nothing to add. */
  ignoreTail: { drop: string[]; keep: string[] } | null
}

export function commonContract(app: AppFacts, opts: { portEnv?: string; hostEnv?: string | null } = {}): CommonContract {
  assertHealthPaths(app)
  const tail = dockerignoreTail(app)
  const host = opts.hostEnv === undefined ? (app.hostEnv ?? null) : opts.hostEnv
  return {
    portEnv: opts.portEnv ?? portEnv(app),
    hostEnv: host && ENV_NAME.test(host) ? host : null,
    deep: ignoreDepth(app),
    ignoreTail: tail.drop.length || tail.keep.length ? tail : null,
  }
}

import { ENV_EXAMPLES } from './backing.js'
import { bestCodePort, flagPort, isAppPortVar, portInCode, sourceCandidates, type CodePort } from './code.js'
import { appComposeService, folderComposeServices } from './compose.js'
import { configLeaves } from './config-files.js'
import type { ProjectFindings } from './languages/index.js'
import { Folder, parentDir } from './repo.js'
import type { Evidence, PortFinding } from './types.js'

/** A port from one source, with the rank of that source in choosePort's order. */
interface Ranked {
  rank: 1 | 2 | 3 | 4 | 5
  finding: PortFinding
}

const RANK_NAME = { 1: "the app's own listen call or framework config", 2: 'a flag or config-file default', 3: "the repository's Dockerfile or Procfile", 4: "the app's service in Compose", 5: 'an env example' } as const

/** Sections of a config file whose `port` is the app's listener (never `database.port`). */
const APP_SECTIONS: ReadonlySet<string> = new Set(['application', 'app', 'server', 'http', 'web', 'api', 'service', 'listen', 'rest', 'httpserver', 'http_server', 'webserver', 'web_server'])

/** Config files an app reads its settings from, most authoritative first. */
const CONFIG_FILE = /^(?:(?:config|configs|configuration|conf|settings)\/)?(production|prod|base|default|defaults|config|configuration|settings|app|application|server|local|development|dev)\.(?:ya?ml|toml|json)$/
const CONFIG_ORDER = ['production', 'prod', 'base', 'default', 'defaults', 'config', 'configuration', 'settings', 'app', 'application', 'server', 'local', 'development', 'dev']

/** `port: 8000` under an app section, or `addr: ":8080"`, in the app's config files. */
function configFilePort(f: Folder): PortFinding | undefined {
  const files = f
    .find(CONFIG_FILE)
    .sort((a, b) => CONFIG_ORDER.indexOf(CONFIG_FILE.exec(a)![1]!) - CONFIG_ORDER.indexOf(CONFIG_FILE.exec(b)![1]!) || a.split('/').length - b.split('/').length)
  for (const file of files) {
    for (const [path, value] of configLeaves(file, f.read(file) ?? '')) {
      const parts = path.toLowerCase().split('.')
      const key = parts.pop()!
      if (!parts.every((p) => APP_SECTIONS.has(p))) continue
      const envDefault = /^\$\{(\w+):-?(\d{2,5})\}$/.exec(value)
      if (/^(?:port|http_port|httpport|listen_port)$/.test(key) && (/^\d{2,5}$/.test(value) || envDefault)) {
        const port = Number(envDefault ? envDefault[2] : value)
        return { value: port, confidence: 'high', evidence: [{ file: f.path(file), reason: `${path}: ${value}` }], ...(envDefault ? { env: envDefault[1]! } : {}) }
      }
      const addr = /^(?:addr|address|listen|bind|listen_addr|listen_address|http_addr)$/.test(key) ? /^(?:[\w.-]*|\[[\w:]*\]):(\d{2,5})$/.exec(value) : null
      if (addr) return { value: Number(addr[1]), confidence: 'high', evidence: [{ file: f.path(file), reason: `${path}: ${value}` }] }
    }
  }
  return undefined
}

/** EXPOSE, `ENV PORT=`, or ASP.NET Core's URL settings in the folder's own Dockerfile. */
function dockerfilePort(f: Folder): PortFinding | undefined {
  const files = f.find(/^(?:Dockerfile(?:\.[\w-]+)?|[\w.-]+\.Dockerfile)$/).sort((a, b) => Number(a !== 'Dockerfile') - Number(b !== 'Dockerfile'))
  for (const file of files) {
    const text = f.read(file) ?? ''
    const env = /^\s*ENV\s+(?:.*\s)?(PORT|ASPNETCORE_HTTP_PORTS)[= ]["']?(\d{2,5})\b/m.exec(text) ?? /^\s*ENV\s+(?:.*\s)?(ASPNETCORE_URLS)[= ]["']?https?:\/\/[^:\s"']+:(\d{2,5})/m.exec(text)
    const expose = /^\s*EXPOSE\s+(\d{2,5})/m.exec(text)
    if (env) {
      const evidence: Evidence[] = [{ file: f.path(file), reason: `ENV ${env[1]}=${env[2]}` }]
      if (expose && expose[1] === env[2]) evidence.push({ file: f.path(file), reason: `EXPOSE ${expose[1]}` })
      return { value: Number(env[2]), confidence: 'medium', evidence, ...(env[1] === 'PORT' ? { env: 'PORT' } : {}) }
    }
    if (expose) return { value: Number(expose[1]), confidence: 'medium', evidence: [{ file: f.path(file), reason: `EXPOSE ${expose[1]}` }] }
  }
  return undefined
}

function procfilePort(f: Folder): PortFinding | undefined {
  const m = /^web:.*?(?:--port[= ]|-p\s+|:)(\d{2,5})\b/m.exec(f.read('Procfile') ?? '')
  return m ? { value: Number(m[1]), confidence: 'high', evidence: [{ file: f.path('Procfile'), reason: `web process on ${m[1]}` }] } : undefined
}

/**
 * The container side of the app's own Compose service (the one that builds this folder), from
 * Compose files in the folder or above it. Other services' ports and the host side of a
 * mapping (`${APP_PORT:-80}:80`) never count.
 */
function composePort(f: Folder): PortFinding | undefined {
  for (let dir = f.dir; ; dir = parentDir(dir)) {
    const folder = dir === f.dir ? f : new Folder(f.repo, dir)
    const app = appComposeService(folderComposeServices(folder), f.dir, dir, f.repo.files)
    if (app) {
      const env = Object.entries(app.environment).find(([k, v]) => (k === 'PORT' || k === 'ASPNETCORE_HTTP_PORTS') && /^\d{2,5}$/.test(v))
      const urls = /:(\d{2,5})\b/.exec(app.environment.ASPNETCORE_URLS ?? '')
      const port = app.ports[0]
      const why = `service "${app.name}"`
      if (port) return { value: port.target, confidence: 'medium', evidence: [{ file: port.file, reason: `${why} publishes container port ${port.target}${port.published ? ` (host side ${port.published})` : ''}` }] }
      if (env) return { value: Number(env[1]), confidence: 'medium', evidence: [{ file: app.file, reason: `${why} sets ${env[0]}=${env[1]}` }] }
      if (urls) return { value: Number(urls[1]), confidence: 'medium', evidence: [{ file: app.file, reason: `${why} sets ASPNETCORE_URLS=${app.environment.ASPNETCORE_URLS}` }] }
      if (app.expose[0]) return { value: app.expose[0], confidence: 'medium', evidence: [{ file: app.file, reason: `${why} exposes ${app.expose[0]}` }] }
    }
    if (dir === '.') return undefined
  }
}

/** `PORT=8000` (or the app's own variable) in an env example; no other `*_PORT` line counts. */
function envExamplePort(f: Folder, variable: string): PortFinding | undefined {
  for (const file of f.find(ENV_EXAMPLES).filter((p) => !p.includes('/'))) {
    const m = new RegExp(`^\\s*(?:export\\s+)?(${variable})\\s*=\\s*['"]?(\\d{2,5})\\b`, 'm').exec(f.read(file) ?? '')
    if (m) return { value: Number(m[2]), env: m[1]!, confidence: 'medium', evidence: [{ file: f.path(file), reason: `${m[1]}=${m[2]}` }] }
  }
  return undefined
}

/** Ports in the code: listen/bind calls (rank 1) and flag defaults (rank 2), scanned once. */
export function scanCodePorts(p: ProjectFindings, f: Folder, files: readonly string[] = f.files): { code: CodePort[]; flags: CodePort[] } {
  const code: CodePort[] = []
  const flags: CodePort[] = []
  const project = p.name?.split('/').pop()
  for (const file of sourceCandidates(files, p.sourceExt, 200)) {
    const text = f.read(file)
    if (!text) continue
    const c = portInCode(f.path(file), text, project)
    if (c) code.push(c)
    const fl = flagPort(f.path(file), text)
    if (fl) flags.push(fl)
  }
  return { code, flags }
}

/**
 * Chooses the port by a stated order of sources; the first that gives a number wins:
 *   1. the app's own listen/bind call and its framework's config (Spring `server.port`,
 *      `quarkus.http.port`, Kestrel endpoints and launchSettings, config/puma.rb);
 *   2. flag and config-file defaults (`flag.Int("port", 9898, …)`, `configuration/base.yaml`'s
 *      `application.port`, a `config.toml`'s `port = 8080`);
 *   3. the repository's own Dockerfile (`EXPOSE`, `ENV PORT=`) and Procfile;
 *   4. the app's own service in a Compose file (the container side of its mapping);
 *   5. env examples, for the variable the app reads its port from only.
 * Then the framework's default. Another service's port, a client's `*_PORT` and the host side
 * of a mapping are never candidates. PHP apps and single-page apps are served by the image's
 * web server, so its port is theirs whatever the app's files say; ASP.NET Core apps listen where
 * the image says unless their own Kestrel settings say otherwise. `env` is the variable the app reads, whichever
 * source gave the number.
 */
export function choosePort(p: ProjectFindings, f: Folder, code: readonly CodePort[], flags: readonly CodePort[]): PortFinding | undefined {
  const fallback = (): PortFinding | undefined => (p.defaultPort ? { value: p.defaultPort.port, confidence: p.defaultPort.confidence, evidence: [{ file: p.manifest, reason: p.defaultPort.reason }] } : undefined)
  // The image's own web server serves PHP apps (FrankenPHP) and single-page apps (nginx).
  if (p.language === 'php' || p.framework?.value === 'spa') return fallback()
  // ASP.NET Core listens where ASPNETCORE_HTTP_PORTS says, which the image sets: only the app's
  // own Kestrel settings or UseUrls call choose; an old Dockerfile's EXPOSE 80 or a Compose
  // file's ASPNETCORE_URLS are that file's environment, not the app's.
  const ownOnly = p.language === 'dotnet'
  const fromCode = bestCodePort(code)
  const fromFlags = bestCodePort(flags)
  const envOnly = fromCode?.value === null ? fromCode : undefined
  const variable = fromCode?.env ?? fromFlags?.env ?? p.configPort?.env
  const ranked: Ranked[] = []
  const push = (rank: Ranked['rank'], finding: PortFinding | undefined) => {
    if (finding && finding.value !== null) ranked.push({ rank, finding })
  }
  push(1, p.configPort)
  push(1, fromCode)
  if (!ownOnly) {
    push(2, fromFlags)
    push(2, configFilePort(f))
    push(3, dockerfilePort(f))
    push(3, procfilePort(f))
    push(4, composePort(f))
    push(5, envExamplePort(f, variable && isAppPortVar(variable, p.name) ? variable : 'PORT'))
  }
  const pick = ranked[0]
  if (!pick) return envOnly ?? fallback()
  const sameRankConflict = ranked.some((r) => r.rank === pick.rank && r.finding.value !== pick.finding.value)
  const evidence: Evidence[] = [...pick.finding.evidence]
  for (const r of ranked.slice(1)) {
    const agrees = r.finding.value === pick.finding.value
    for (const e of r.finding.evidence) {
      if (evidence.some((x) => x.file === e.file && x.reason === e.reason)) continue
      evidence.push(agrees ? e : { ...e, reason: `${e.reason} (disagrees${r.rank > pick.rank ? `; ${RANK_NAME[pick.rank]} comes first` : ''})` })
    }
  }
  if (envOnly) evidence.push(...envOnly.evidence)
  const env = pick.finding.env ?? variable
  return {
    value: pick.finding.value,
    confidence: sameRankConflict ? 'low' : pick.finding.confidence,
    evidence,
    ...(env ? { env } : {}),
  }
}

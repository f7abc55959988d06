import type { DetectionWarning, Evidence, Finding, HealthCheck } from '../types.js'
import { jvmConfig } from './config.js'
import { dotnetRoutes, javaRoutes } from './routes/jvm.js'
import { goRoutes } from './routes/go.js'
import { nodeRoutes } from './routes/node.js'
import { pythonRoutes } from './routes/python.js'
import { phpRoutes, rubyRoutes } from './routes/ruby-php.js'
import { rustRoutes } from './routes/rust.js'
import type { Route } from './routes/types.js'
import { ev, joinPath, type AppCode } from './sources.js'

/** Liveness preference by the path's tail: the first pattern that matches ranks highest. */
const LIVENESS: readonly RegExp[] = [/\/livez\/?$/, /\/healthz\/?$/, /\/health\/live(?:ness)?\/?$/, /\/(?:live|liveness)\/?$/, /\/health\/?$/, /\/health[-_]?check\/?$/, /\/_health\/?$/, /\/health[-_]?status\/?$/, /\/alive\/?$/, /\/ping\/?$/, /\/heartbeat\/?$/, /\/up\/?$/, /\/status\/?$/]
const READINESS: readonly RegExp[] = [/\/readyz\/?$/, /\/health\/ready(?:iness)?\/?$/, /\/(?:ready|readiness)\/?$/]

function rank(path: string, order: readonly RegExp[]): number {
  // ASP.NET and Spring match paths without regard to case: `/api/Health` is a health route.
  const i = order.findIndex((re) => re.test(path.toLowerCase()))
  return i < 0 ? Infinity : i
}

/** Health routes the framework serves by itself: Spring Boot Actuator, SmallRye Health (Quarkus). */
function frameworkRoutes(code: AppCode): { routes: Route[]; notes: Evidence[] } {
  const { p } = code
  const deps = new Set(p.deps.map((d) => d.name))
  const routes: Route[] = []
  const notes: Evidence[] = []
  const manifest = p.manifest.slice(code.f.prefix.length)
  if (code.framework === 'spring-boot' && deps.has('org.springframework.boot:spring-boot-starter-actuator')) {
    const cfg = jvmConfig(code)
    const get = (k: string) => cfg.get(k)?.value
    const mgmtPort = get('management.server.port')
    const disabled = get('management.endpoint.health.enabled') === 'false' || get('management.endpoint.health.access') === 'none' || (get('management.endpoints.enabled-by-default') === 'false' && get('management.endpoint.health.enabled') !== 'true')
    const secured = deps.has('org.springframework.boot:spring-boot-starter-security') && code.sources.some((s) => /SecurityFilterChain|WebSecurityConfigurerAdapter/.test(s.text)) && !code.sources.some((s) => /actuator|EndpointRequest|\/health/.test(s.text) && /SecurityFilterChain|WebSecurityConfigurerAdapter/.test(s.text))
    if (disabled) notes.push({ file: p.manifest, reason: 'spring-boot-starter-actuator, but its health endpoint is disabled' })
    else if (mgmtPort && mgmtPort !== String(code.port?.value ?? '')) notes.push({ file: code.f.path(cfg.get('management.server.port')!.file), reason: `Actuator answers on management.server.port ${mgmtPort}, not on the app's port: not used` })
    else if (secured) notes.push({ file: p.manifest, reason: 'spring-boot-starter-actuator behind the app’s own security filter chain, which does not open /actuator/health: not used' })
    else {
      const context = mgmtPort ? '' : joinPath('/', get('server.servlet.context-path') ?? '')
      const base = get('management.endpoints.web.base-path') ?? '/actuator'
      const path = get('management.endpoints.web.path-mapping.health') ?? 'health'
      const root = /\$\{/.test(context + base + path) ? null : joinPath(context, base, path)
      const reason = 'spring-boot-starter-actuator: Spring Boot serves its health endpoint'
      routes.push({ path: root, file: manifest, reason })
      if (get('management.endpoint.health.probes.enabled') === 'true' && root) {
        routes.push({ path: joinPath(root, 'liveness'), file: manifest, reason: `${reason}, with the liveness and readiness groups (management.endpoint.health.probes.enabled)` })
        routes.push({ path: joinPath(root, 'readiness'), file: manifest, reason: `${reason}, with the liveness and readiness groups (management.endpoint.health.probes.enabled)` })
      }
    }
  }
  if (code.framework === 'quarkus' && deps.has('io.quarkus:quarkus-smallrye-health')) {
    const cfg = jvmConfig(code)
    const root = cfg.get('quarkus.http.root-path')?.value ?? '/'
    const nonApp = cfg.get('quarkus.http.non-application-root-path')?.value ?? 'q'
    const health = cfg.get('quarkus.smallrye-health.root-path')?.value ?? 'health'
    const base = health.startsWith('/') ? health : nonApp.startsWith('/') ? joinPath(nonApp, health) : joinPath(root, nonApp, health)
    const reason = 'quarkus-smallrye-health: Quarkus serves liveness and readiness checks'
    if (/\$\{/.test(base)) routes.push({ path: null, file: manifest, reason })
    else {
      routes.push({ path: joinPath(base, cfg.get('quarkus.smallrye-health.liveness-path')?.value ?? 'live'), file: manifest, reason })
      routes.push({ path: joinPath(base, cfg.get('quarkus.smallrye-health.readiness-path')?.value ?? 'ready'), file: manifest, reason })
    }
  }
  return { routes, notes }
}

function appRoutes(code: AppCode): Route[] {
  switch (code.p.language) {
    case 'node':
      return nodeRoutes(code)
    case 'python':
      return pythonRoutes(code)
    case 'go':
      return goRoutes(code)
    case 'rust':
      return rustRoutes(code)
    case 'java':
      return javaRoutes(code)
    case 'dotnet':
      return dotnetRoutes(code)
    case 'ruby':
      return rubyRoutes(code)
    case 'php':
      return phpRoutes(code)
    default:
      return []
  }
}

export interface HealthResult {
  finding: Finding<HealthCheck>
  warning?: DetectionWarning
}

/**
 * What the healthchecks and probes ask: the app's own health routes where they are registered
 * (mount prefixes joined), or the framework's (Actuator, SmallRye Health, Laravel's /up); a
 * route whose full path cannot be established is not guessed at. None: a TCP check on the
 * port, which works on any server. Undefined for a static site: the tool's nginx answers.
 */
export function detectHealth(code: AppCode): HealthResult | undefined {
  if (code.framework === 'spa') return undefined
  const own = appRoutes(code)
  const fw = frameworkRoutes(code)
  const all = [...own, ...fw.routes]
  const known = all.filter((r): r is Route & { path: string } => r.path !== null)
  const unknown = all.filter((r) => r.path === null)
  const best = (order: readonly RegExp[]) =>
    known
      .map((r, i) => ({ r, i, rank: rank(r.path, order) }))
      .filter((x) => x.rank !== Infinity)
      .sort((a, b) => a.rank - b.rank || a.r.path.length - b.r.path.length || a.i - b.i)[0]?.r
  const live = best(LIVENESS)
  const ready = best(READINESS)
  const value: HealthCheck = { liveness: live?.path ?? null, readiness: ready?.path ?? live?.path ?? null }
  const evidence: Evidence[] = []
  const seen = new Set<Route>()
  for (const [r, what] of [[live, 'liveness'], [ready, 'readiness']] as const) {
    if (!r || seen.has(r)) continue
    seen.add(r)
    evidence.push(ev(code.f, r.file, `${what === 'liveness' && ready === undefined ? 'liveness and readiness' : what}: GET ${r.path} (${r.reason})`))
  }
  for (const r of unknown) evidence.push(ev(code.f, r.file, `${r.reason}: its full path is not known, not used`))
  evidence.push(...fw.notes)
  const port = code.port?.value ?? null
  const manifest = code.p.manifest
  // The warnings name the file to add a route to: the one holding the health route found, else
  // the server's own source (where it listens), the manifest only when neither is known.
  const routeFile = (r: Route | undefined) => (r ? ev(code.f, r.file, '').file : undefined)
  const serverFile = code.port?.evidence.map((e) => e.file).find((file) => code.sources.some((src) => code.f.path(src.file) === file)) ?? manifest
  if (value.liveness === null && value.readiness === null) {
    evidence.unshift({ file: manifest, reason: `no health route ${unknown.length ? 'with a known path ' : ''}found: TCP connect to ${port !== null ? `port ${port}` : 'the app port'}` })
    return {
      finding: { value, confidence: 'medium', evidence },
      warning: {
        code: 'no-health-endpoint',
        file: serverFile,
        message: `no health route ${unknown.length ? 'whose full path is known ' : ''}found in the code: the healthchecks and probes connect to ${port !== null ? `port ${port}` : 'the app port'} (TCP), which proves the server accepts connections, not that it answers; for HTTP checks, add GET /healthz (the process is alive) and GET /readyz (its database and cache answer) and run this tool again`,
      },
    }
  }
  const ownRoute = own.some((r) => r === live || r === ready)
  const finding: Finding<HealthCheck> = { value, confidence: ownRoute ? 'high' : 'medium', evidence }
  if (!ready && value.liveness) {
    return {
      finding,
      warning: {
        code: 'no-health-endpoint',
        file: routeFile(live) ?? manifest,
        message: `no /readyz route found: the readiness probe asks ${value.liveness}, as the liveness probe does; add GET /readyz that answers 200 only when the database and cache respond, so traffic waits for them`,
      },
    }
  }
  if (!live && value.readiness) {
    return {
      finding,
      warning: { code: 'no-health-endpoint', file: routeFile(ready) ?? manifest, message: `no liveness route found: the liveness check connects to the port (TCP) and readiness asks ${value.readiness}; add GET /healthz that answers 200 while the process works` },
    }
  }
  return { finding }
}

import type { Finding, Rule } from '../../types.js'
import { disagreementFinding, disagreements, settle, whereStated, type Claim } from './claims.js'
import { healthcheckCommand as composeHealthcheck } from './compose.js'
import { builtStages, healthcheckCommand } from './dockerfile.js'
import { appContainers, inlinePatches, kindOf, kubeDocs } from './kube.js'
import { readServices, type Service } from './project.js'
import { asList, asObj, asText, type Obj } from './yaml.js'

const RULE = 'health-path-mismatch'

type Kind = 'liveness' | 'readiness' | 'endpoint'
type PathClaim = Claim<string> & { kind: Kind }

const PATH = /^\/[A-Za-z0-9._~%/-]*$/

/** A probe that connects to the port instead of asking a path: the app has no health route. */
export const TCP = 'TCP'
const show = (v: string) => (v === TCP ? 'a TCP check on the port' : v)

/**
 * The path a health-check command requests from the container itself: from a local URL
 * (`http://127.0.0.1:${PORT}/healthz`) or, where the URL is assembled, a quoted path literal
 * (`. '/healthz'`, `get('/healthz')`). The root page is a check of its own, not an endpoint.
 */
export function requestedPath(command: string): string | undefined {
  const url = /(?:https?:\/\/)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::[^/\s'"`]*)?(\/[A-Za-z0-9._~%/-]*)/.exec(command)
  const quoted = /['"`](\/[A-Za-z0-9._~%-][A-Za-z0-9._~%/-]*)['"`]/.exec(command)
  const path = url?.[1] ?? quoted?.[1]
  return path && path !== '/' ? path : undefined
}

/** What a probe asks: its HTTP path, TCP for a tcpSocket probe, undefined for others (exec, gRPC). */
function probeCheck(probe: unknown): string | undefined {
  const p = asObj(probe)
  return asText(asObj(p.httpGet).path) ?? ('tcpSocket' in p ? TCP : undefined)
}

function orchestratorClaims(s: Service): PathClaim[] {
  const out: PathClaim[] = []
  for (const chart of s.charts) {
    // The generated chart's templates probe by TCP when a path is empty.
    const tcp = chart.templates.some((t) => /^\s*tcpSocket:/m.test(t.text))
    for (const v of chart.values) {
      const health = asObj(v.value.health)
      for (const [key, kind] of [['livenessPath', 'liveness'], ['readinessPath', 'readiness']] as const) {
        const path = asText(health[key])
        const value = path || (tcp && path === '' ? TCP : undefined)
        if (value) out.push({ file: v.path, line: v.doc.line(['health', key]), what: `health.${key}`, value, votes: true, kind, statement: value === TCP ? `health.${key} is empty (a TCP check on the port)` : undefined })
      }
    }
  }
  const k = s.kustomize
  if (!k) return out
  const probes = [['startupProbe', 'liveness'], ['livenessProbe', 'liveness'], ['readinessProbe', 'readiness']] as const
  for (const app of appContainers(k)) {
    for (const [probe, kind] of probes) {
      const value = probeCheck(app.container[probe])
      if (value) out.push({ file: app.file, line: app.doc.line([...app.path, probe, ...(value === TCP ? ['tcpSocket'] : ['httpGet', 'path'])]), what: `the ${probe}`, value, votes: true, kind })
    }
  }
  const { ops, merges } = inlinePatches(k)
  for (const op of ops) {
    const m = /\/containers\/\d+\/(startupProbe|livenessProbe|readinessProbe)(\/httpGet\/path|\/httpGet|\/tcpSocket)?$/.exec(op.path)
    if (!m) continue
    const value = m[2] === '/httpGet/path' ? asText(op.value) : m[2] === '/httpGet' ? asText(asObj(op.value).path) : m[2] === '/tcpSocket' ? TCP : probeCheck(op.value)
    if (value) out.push({ file: op.file, line: op.line, what: `the ${m[1]} a patch sets`, value, votes: true, kind: m[1] === 'readinessProbe' ? 'readiness' : 'liveness' })
  }
  const appNames = new Set(appContainers(k).map((a) => asText(a.container.name)))
  for (const m of merges) {
    if (m.value.kind !== 'Deployment') continue
    for (const c of asList(asObj(asObj(asObj(m.value.spec).template).spec).containers).map(asObj)) {
      if (!appNames.has(asText(c.name))) continue
      for (const [probe, kind] of probes) {
        const value = probeCheck(c[probe])
        if (value) out.push({ file: m.file, line: m.line, what: `the ${probe} a patch sets`, value, votes: true, kind })
      }
    }
  }
  return out
}

/**
 * The route a compiled probe is given as its argument (`["/app/healthcheck", "/status"]`,
 * `["dotnet", "/opt/healthcheck/HealthCheck.dll", "/health"]`): images without a shell run a
 * small probe binary, and the path is its last argument.
 */
export function probeArgumentPath(args: string): string | undefined {
  const m = /^(?:--\S+\s+)*CMD\s+(\[.*\])\s*$/is.exec(args)
  if (!m) return undefined
  let argv: unknown
  try {
    argv = JSON.parse(m[1]!)
  } catch {
    return undefined
  }
  if (!Array.isArray(argv) || argv.length < 2) return undefined
  const probe = argv.findIndex((a) => typeof a === 'string' && /(?:^|\/)(?:healthcheck|HealthCheck\.dll)$/.test(a))
  const last = argv[argv.length - 1]
  return probe >= 0 && probe < argv.length - 1 && typeof last === 'string' && PATH.test(last) ? last : undefined
}

function dockerfileClaims(s: Service, kind: Kind): PathClaim[] {
  const df = s.dockerfile
  if (!df) return []
  return builtStages(df.parsed, s.compose.targets)
    .flatMap((st) => st.instructions.filter((i) => i.keyword === 'HEALTHCHECK'))
    .flatMap((ins) => {
      const path = requestedPath(healthcheckCommand(ins) ?? '') ?? probeArgumentPath(ins.args)
      return path ? [{ file: df.path, line: ins.line, what: 'the path the HEALTHCHECK requests', value: path, votes: kind !== 'endpoint', kind }] : []
    })
}

function composeClaims(s: Service): PathClaim[] {
  return s.compose.files.flatMap((f) =>
    s.compose.apps.flatMap((a) => {
      const hc = f.services[a] ? composeHealthcheck(f, a) : undefined
      const path = hc ? requestedPath(hc.text) : undefined
      return hc && path ? [{ file: f.path, line: hc.line, what: `the path the healthcheck of service "${a}" requests`, value: path, votes: false, kind: 'endpoint' as const }] : []
    }),
  )
}

/** Load balancers that probe the app themselves: the AWS ALB annotation, a GKE BackendConfig. */
function loadBalancerClaims(s: Service): PathClaim[] {
  const out: PathClaim[] = []
  const annotations = (file: string, annotationsObj: Obj, line: (key: string) => number | undefined) => {
    for (const [key, v] of Object.entries(annotationsObj)) {
      const path = asText(v)
      if (/health-?check-path$/.test(key) && path && PATH.test(path)) out.push({ file, line: line(key), what: `the ${key} annotation`, value: path, votes: false, kind: 'endpoint' })
    }
  }
  for (const chart of s.charts) for (const v of chart.values) annotations(v.path, asObj(asObj(v.value.ingress).annotations), (key) => v.doc.line(['ingress', 'annotations', key]))
  if (s.kustomize) {
    for (const d of kubeDocs(s.kustomize)) {
      if (kindOf(d) === 'Ingress') annotations(d.file, asObj(asObj(d.value.metadata).annotations), (key) => d.doc.line(['metadata', 'annotations', key]))
      const requestPath = kindOf(d) === 'BackendConfig' ? asText(asObj(asObj(d.value.spec).healthCheck).requestPath) : undefined
      if (requestPath) out.push({ file: d.file, line: d.doc.line(['spec', 'healthCheck', 'requestPath']), what: 'the BackendConfig health check path', value: requestPath, votes: false, kind: 'endpoint' })
    }
  }
  return out
}

/** Smoke checks in the pipelines: a `curl`/`wget` of a health endpoint on the local machine. */
function pipelineClaims(s: Service): PathClaim[] {
  return s.workflows.flatMap((w) =>
    w.doc.strings().flatMap((str) =>
      str.text.split('\n').flatMap((line, i) => {
        if (!/\b(curl|wget)\b/.test(line)) return []
        // After a deploy the check goes through the public host; its path is the app's all the same.
        const path = requestedPath(line) ?? /https?:\/\/[^/\s'"]+(\/[A-Za-z0-9._~%/-]*)/.exec(line)?.[1]
        return path && /health|ready|live|alive|ping|status|^\/up$/i.test(path) ? [{ file: w.path, line: str.line + i, what: 'the path the pipeline checks', value: path, votes: false, kind: 'endpoint' as const }] : []
      }),
    ),
  )
}

/**
 * The checks the container files make of a service: the HEALTHCHECK's, Compose's, the chart's or
 * Kustomize probes' paths, and TCP where a probe connects to the port.
 */
export function healthChecksOf(s: Service): { file: string; what: string; value: string; kind: Kind }[] {
  const orchestrator = orchestratorClaims(s)
  return [...dockerfileClaims(s, orchestrator.some((c) => c.kind === 'liveness') ? 'endpoint' : 'liveness'), ...orchestrator, ...composeClaims(s)]
}

export const healthPathMismatch: Rule = {
  id: RULE,
  severity: 'error',
  summary: 'The liveness and readiness paths are the same in the Dockerfile HEALTHCHECK, Compose healthchecks, Helm values or Kustomize probes, load balancer checks and CI smoke checks.',
  check({ files }) {
    return readServices(files).flatMap((s) => {
      const orchestrator = orchestratorClaims(s)
      // Without Kubernetes probes, the Dockerfile's HEALTHCHECK is what says the liveness path.
      const fromImage = dockerfileClaims(s, orchestrator.some((c) => c.kind === 'liveness') ? 'endpoint' : 'liveness')
      const claims = [...fromImage, ...orchestrator, ...composeClaims(s), ...loadBalancerClaims(s), ...pipelineClaims(s)]
      const findings: Finding[] = []
      const settled: Partial<Record<'liveness' | 'readiness', { settled: string; backers: Claim<string>[] }>> = {}
      for (const kind of ['liveness', 'readiness'] as const) {
        const group = claims.filter((c) => c.kind === kind)
        const found = settle(group, String)
        if (found) settled[kind] = found
        for (const d of disagreements(group, String)) {
          const hint = d.settled === TCP || d.claim.value === TCP
            ? `The app either has a ${kind} route or not: if it serves ${d.settled === TCP ? d.claim.value : d.settled}, ask it everywhere; if not, every check of it always fails, so check the port by TCP everywhere.`
            : `The app serves one ${kind} path: use ${d.settled} here, or change every other place to ${d.claim.value}.`
          findings.push(disagreementFinding(RULE, d, show, hint))
        }
      }
      const { liveness, readiness } = settled
      if (!liveness && !readiness) return findings
      const paths = [liveness?.settled, readiness?.settled].filter((p): p is string => p !== undefined && p !== TCP)
      const tcp = liveness?.settled === TCP || readiness?.settled === TCP
      for (const c of claims.filter((x) => x.kind === 'endpoint')) {
        const known = c.value === liveness?.settled || c.value === readiness?.settled
        // With one of the two unknown, a path that looks like it is given the benefit of the doubt.
        const plausible = (!readiness && /ready/i.test(c.value)) || (!liveness && !/ready/i.test(c.value))
        // A load balancer that cannot check TCP asks the root page of an app without a health route.
        const root = tcp && c.value === '/'
        if (known || plausible || root) continue
        const endpoints = [liveness && `${show(liveness.settled)} for liveness (${whereStated(liveness.backers)})`, readiness && `${show(readiness.settled)} for readiness (${whereStated(readiness.backers)})`].filter(Boolean).join(', ')
        const hint = paths.length
          ? `Check ${paths.join(' or ')} here, or change the endpoints everywhere to ${c.value}.`
          : `The probes say the app has no health route, so ${c.value} always fails: check the port by TCP here too, or, if the app serves ${c.value}, probe it everywhere.`
        findings.push({ rule: RULE, severity: 'error', file: c.file, ...(c.line ? { line: c.line } : {}), message: `${c.what} is ${c.value}, which is not one of the app's health endpoints: ${endpoints}`, hint })
      }
      return findings
    })
  },
}

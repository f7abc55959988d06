import type { Finding, Rule } from '../../types.js'
import { joinPath } from '../folders.js'
import { disagreementFinding, disagreements, type Claim } from './claims.js'
import { envEntries, healthcheckCommand as composeHealthcheck, portNumber, publishedPorts } from './compose.js'
import { assignments, builtStages, expand, healthcheckCommand, words, type Stage } from './dockerfile.js'
import { interpolate } from './interpolate.js'
import { appContainers, generatorLiterals, inlinePatches, kindOf, kubeDocs, nameOf } from './kube.js'
import { readServices, type ComposeFile, type Service } from './project.js'
import { asList, asObj, asText, isObj } from './yaml.js'

const RULE = 'port-mismatch'

/** Variables that tell the app (or its framework) which port to listen on. */
const PORT_VARIABLES = new Set(['PORT', 'ASPNETCORE_HTTP_PORTS', 'QUARKUS_HTTP_PORT', 'SERVER_PORT'])

/**
 * The port variables of a service: the usual ones, and the app's own that a chart names in
 * `portEnv` (an existing app that reads HTTP_PORT), so the other files are checked on it too.
 */
function portVariables(s: Service): ReadonlySet<string> {
  const own = s.charts.flatMap((c) => c.values.map((v) => asText(v.value.portEnv))).filter((n): n is string => !!n && /^[A-Z_][A-Z0-9_]*$/.test(n))
  return new Set([...PORT_VARIABLES, ...own])
}

// ASPNETCORE_HTTP_PORTS may list several ports; the first is the one the app is reached on.
const firstPort = (v: string) => portNumber(v.split(/[;,]/)[0]!.trim())

/** A port in a health-check URL against the container itself: `http://127.0.0.1:3000/healthz`. */
const localUrlPort = (text: string) => {
  const m = /(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]):(\d{1,5})\b/.exec(text)
  return m ? Number(m[1]) : undefined
}

function dockerfileClaims(s: Service, names: ReadonlySet<string>): Claim<number>[] {
  const df = s.dockerfile
  if (!df) return []
  const globals = new Map<string, string | undefined>()
  for (const g of df.parsed.globals) if (g.keyword === 'ARG') for (const [k, v] of assignments(g)) globals.set(k, v)
  // What ships (the last stage) and what Compose builds (its targets), with the stages below them.
  const built = builtStages(df.parsed, s.compose.targets)
  const claims = new Map<Stage, Claim<number>[]>()
  const envAtEnd = new Map<string, Map<string, string | undefined>>()
  for (const stage of df.parsed.stages) {
    // ENV carries over into the stages built FROM this one.
    const vars = new Map([...globals, ...(envAtEnd.get(stage.from) ?? [])])
    const out: Claim<number>[] = []
    const exposed: number[] = []
    let exposeLine: number | undefined
    for (const ins of stage.instructions) {
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
        for (const [k, v] of assignments(ins)) {
          const value = v === undefined ? vars.get(k) : expand(v, vars)
          vars.set(k, value)
          const port = names.has(k) && value !== undefined ? firstPort(value) : undefined
          if (port !== undefined) out.push({ file: df.path, line: ins.line, what: `${ins.keyword} ${k}`, value: port, votes: true })
        }
      } else if (ins.keyword === 'EXPOSE') {
        for (const w of words(ins.args)) {
          const port = portNumber(expand(w, vars)?.replace(/\/(tcp|udp)$/i, ''))
          if (port !== undefined) exposed.push(port)
        }
        exposeLine ??= ins.line
      } else if (ins.keyword === 'HEALTHCHECK') {
        const port = localUrlPort(healthcheckCommand(ins) ?? '')
        if (port !== undefined) out.push({ file: df.path, line: ins.line, what: 'the HEALTHCHECK URL port', value: port, votes: true })
      }
    }
    // A dev stage also exposes its debugger: the app's port is the first, any listed port agrees.
    if (exposed.length) out.push({ file: df.path, line: exposeLine, what: `EXPOSE${stage.name ? ` (stage ${stage.name})` : ''}`, value: exposed[0]!, votes: true, agrees: (p) => exposed.includes(p), statement: `EXPOSE${stage.name ? ` in stage ${stage.name}` : ''} lists ${exposed.join(', ')}` })
    if (stage.name) envAtEnd.set(stage.name, vars)
    claims.set(stage, out)
  }
  return built.flatMap((stage) => claims.get(stage) ?? [])
}

/** PORT, published container ports and health-check URL of one Compose service. */
function serviceClaims(file: ComposeFile, service: string, names: ReadonlySet<string>): Claim<number>[] {
  const out: Claim<number>[] = []
  for (const e of envEntries(file, service)) {
    const port = names.has(e.name) && e.raw !== undefined ? firstPort(interpolate(e.raw).text) : undefined
    if (port !== undefined) out.push({ file: file.path, line: e.line, what: `${e.name} of service "${service}"`, value: port, votes: true })
  }
  const published = publishedPorts(file, service)
  if (published?.ports.length) {
    const ports = published.ports
    // Debug ports are published beside the app's: the app's port must be among them.
    out.push({ file: file.path, line: published.line, what: `the container ports of service "${service}"`, value: ports[0]!, votes: false, agrees: (p) => ports.includes(p), statement: `service "${service}" publishes container port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}` })
  }
  const hc = composeHealthcheck(file, service)
  const hcPort = hc ? localUrlPort(hc.text) : undefined
  if (hc && hcPort !== undefined) out.push({ file: file.path, line: hc.line, what: `the healthcheck URL port of service "${service}"`, value: hcPort, votes: true })
  return out
}

function composeClaims(s: Service, names: ReadonlySet<string>): Claim<number>[] {
  return s.compose.files.flatMap((f) => s.compose.apps.filter((a) => f.services[a]).flatMap((a) => serviceClaims(f, a, names)))
}

/**
 * Services elsewhere that `extends` this folder's app (the repository-wide Compose file of a
 * monorepo) publish its port too.
 */
function extendingClaims(all: readonly Service[], s: Service, names: ReadonlySet<string>): Claim<number>[] {
  const own = new Set(s.compose.files.map((f) => f.path))
  return all.flatMap((other) =>
    other.compose.files.flatMap((f) =>
      Object.entries(f.services).flatMap(([name, svc]) => {
        const ext = asObj(svc.extends)
        const target = asText(ext.file)
        if (!target || !own.has(joinPath(other.dir, target)) || !s.compose.apps.includes(asText(ext.service) ?? '')) return []
        return serviceClaims(f, name, names)
      }),
    ),
  )
}

function chartClaims(s: Service, names: ReadonlySet<string>): Claim<number>[] {
  return s.charts.flatMap((chart) =>
    chart.values.flatMap((v) => {
      const out: Claim<number>[] = []
      const port = portNumber(v.value.containerPort)
      if (port !== undefined) out.push({ file: v.path, line: v.doc.line(['containerPort']), what: 'containerPort', value: port, votes: true })
      for (const [k, raw] of Object.entries(asObj(v.value.config))) {
        const p = names.has(k) ? firstPort(asText(raw) ?? '') : undefined
        if (p !== undefined) out.push({ file: v.path, line: v.doc.line(['config', k]), what: `config.${k}`, value: p, votes: true })
      }
      return out
    }),
  )
}

function kustomizeClaims(s: Service, names: ReadonlySet<string>): { claims: Claim<number>[]; findings: Finding[] } {
  const k = s.kustomize
  if (!k) return { claims: [], findings: [] }
  const claims: Claim<number>[] = []
  const findings: Finding[] = []
  const apps = appContainers(k)
  const configMaps = new Set<string>()
  for (const app of apps) {
    const ports = asList(app.container.ports).map(asObj)
    const i = Math.max(0, ports.findIndex((p) => p.name === 'http'))
    const port = portNumber(ports[i]?.containerPort)
    if (port !== undefined) claims.push({ file: app.file, line: app.doc.line([...app.path, 'ports', i, 'containerPort']), what: 'containerPort of the app container', value: port, votes: true })
    for (const from of asList(app.container.envFrom)) {
      const name = asText(asObj(asObj(from).configMapRef).name)
      if (name) configMaps.add(name)
    }
    // The Services in front of the app: their selector picks the app's pods.
    for (const svc of kubeDocs(k).filter((d) => kindOf(d) === 'Service')) {
      const selector = asObj(asObj(svc.value.spec).selector)
      if (Object.keys(selector).length === 0 || !Object.entries(selector).every(([key, v]) => app.podLabels[key] === v)) continue
      asList(asObj(svc.value.spec).ports).forEach((p, pi) => {
        const target = asObj(p).targetPort
        const line = svc.doc.line(['spec', 'ports', pi, 'targetPort'])
        const numeric = portNumber(target)
        if (numeric !== undefined) claims.push({ file: svc.file, line, what: `targetPort of Service "${nameOf(svc)}"`, value: numeric, votes: true })
        else if (typeof target === 'string' && !ports.some((cp) => cp.name === target)) {
          findings.push({ rule: RULE, severity: 'error', file: svc.file, ...(line ? { line } : {}), message: `targetPort "${target}" of Service "${nameOf(svc)}" names no port of the app container (${ports.map((cp) => asText(cp.name)).filter(Boolean).join(', ') || 'it has no named port'})`, hint: 'Name the container port in the Deployment the same, or point targetPort at the app\'s port.' })
        }
      })
    }
  }
  for (const lit of generatorLiterals(k, 'configMapGenerator')) {
    const port = names.has(lit.key) && (configMaps.size === 0 || configMaps.has(lit.generator)) ? firstPort(lit.value) : undefined
    if (port !== undefined) claims.push({ file: lit.file, line: lit.line, what: `${lit.key} in configMapGenerator "${lit.generator}"`, value: port, votes: true })
  }
  for (const cm of kubeDocs(k).filter((d) => kindOf(d) === 'ConfigMap' && configMaps.has(nameOf(d) ?? ''))) {
    for (const [key, raw] of Object.entries(asObj(cm.value.data))) {
      const port = names.has(key) ? firstPort(asText(raw) ?? '') : undefined
      if (port !== undefined) claims.push({ file: cm.file, line: cm.doc.line(['data', key]), what: `${key} in ConfigMap "${nameOf(cm)}"`, value: port, votes: true })
    }
  }
  const { ops, merges } = inlinePatches(k)
  for (const op of ops) {
    const port = /\/containers\/\d+\/ports\/\d+\/containerPort$/.test(op.path) ? portNumber(op.value) : undefined
    if (port !== undefined) claims.push({ file: op.file, line: op.line, what: `the containerPort a patch sets (${op.path})`, value: port, votes: true })
  }
  const appNames = new Set(apps.map((a) => asText(a.container.name)))
  for (const m of merges) {
    if (m.value.kind !== 'Deployment') continue
    for (const c of asList(asObj(asObj(asObj(m.value.spec).template).spec).containers).map(asObj)) {
      if (!appNames.has(asText(c.name))) continue
      for (const p of asList(c.ports).filter(isObj)) {
        const port = portNumber(p.containerPort)
        if (port !== undefined) claims.push({ file: m.file, line: m.line, what: 'the containerPort a patch sets', value: port, votes: true })
      }
    }
  }
  return { claims, findings }
}

function envExampleClaims(s: Service, names: ReadonlySet<string>): Claim<number>[] {
  // APP_PORT is the host side (published on localhost), free to differ from the app's port.
  return (s.envExample?.vars ?? []).flatMap((v) => {
    const port = names.has(v.name) ? firstPort(v.value) : undefined
    return port === undefined ? [] : [{ file: s.envExample!.path, line: v.line, what: v.name, value: port, votes: true }]
  })
}

export const portMismatch: Rule = {
  id: RULE,
  severity: 'error',
  summary: "The app's port is the same in the Dockerfile, Compose files, Helm values or Kustomize tree, and .env.example.",
  check({ files }) {
    const all = readServices(files)
    return all.flatMap((s) => {
      const names = portVariables(s)
      const kustomize = kustomizeClaims(s, names)
      const claims = [...dockerfileClaims(s, names), ...composeClaims(s, names), ...extendingClaims(all, s, names), ...chartClaims(s, names), ...kustomize.claims, ...envExampleClaims(s, names)]
      return [
        ...disagreements(claims, String).map((d) =>
          disagreementFinding(RULE, d, String, `Use port ${d.settled} here, or change every other place to ${d.claim.value} with it.`),
        ),
        ...kustomize.findings,
      ]
    })
  },
}

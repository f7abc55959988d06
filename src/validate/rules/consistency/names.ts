import type { Finding, Rule } from '../../types.js'
import { dirOf, joinPath } from '../folders.js'
import { envEntries } from './compose.js'
import { connectionHosts } from './hosts.js'
import { interpolate, isLiteral } from './interpolate.js'
import { appContainers, containerEnv, environments, inlinePatches, kindOf, kubeDocs, nameOf } from './kube.js'
import { readServices, type ComposeFile, type Service } from './project.js'
import { asList, asObj, asText, isObj, parseYaml } from './yaml.js'

const RULE = 'service-name-mismatch'

const finding = (file: string, line: number | undefined, message: string, hint: string): Finding => ({ rule: RULE, severity: 'error', file, ...(line ? { line } : {}), message, hint })

/** Every name a service is reachable by on a Compose network. */
function reachableNames(files: readonly ComposeFile[]): Set<string> {
  const out = new Set<string>()
  for (const f of files) {
    for (const [name, svc] of Object.entries(f.services)) {
      out.add(name)
      for (const key of ['hostname', 'container_name'] as const) {
        const v = asText(svc[key])
        if (v) out.add(v)
      }
      for (const net of Object.values(asObj(svc.networks))) for (const a of asList(asObj(net).aliases)) if (asText(a)) out.add(asText(a)!)
      for (const link of asList(svc.links)) if (asText(link)) out.add(asText(link)!.split(':').at(-1)!)
      const extra = svc.extra_hosts
      const hosts = Array.isArray(extra) ? extra.map((h) => (asText(h) ?? '').split(/[:=]/)[0]!) : Object.keys(asObj(extra))
      for (const h of hosts) if (h) out.add(h)
    }
  }
  return out
}

/** Compose files elsewhere whose services `extends` this folder's: they run beside its app (a monorepo's shared file). */
function extendingFiles(all: readonly Service[], s: Service): ComposeFile[] {
  const own = new Set(s.compose.files.map((f) => f.path))
  return all.flatMap((other) =>
    other === s ? [] : other.compose.files.filter((f) => Object.values(f.services).some((svc) => {
      const file = asText(asObj(svc.extends).file)
      return file !== undefined && own.has(joinPath(dirOf(f.path), file))
    })),
  )
}

function composeFindings(files: ReadonlyMap<string, string>, all: readonly Service[], s: Service): Finding[] {
  const out: Finding[] = []
  const base = s.compose.files[0]
  if (!base) return out
  const reachable = reachableNames([...s.compose.files, ...extendingFiles(all, s)])
  for (const f of s.compose.files) {
    // A layered file is merged onto the base: it may name the base's services and its own.
    const known = new Set([...Object.keys(base.services), ...Object.keys(f.services)])
    const set = f === base ? 'in ' + f.path : `in ${base.path} or ${f.path}`
    for (const [name, svc] of Object.entries(f.services)) {
      const deps = Array.isArray(svc.depends_on) ? svc.depends_on.map((d) => asText(d) ?? '') : Object.keys(asObj(svc.depends_on))
      deps.forEach((dep, i) => {
        if (!dep || known.has(dep)) return
        const line = f.doc.line(['services', name, 'depends_on', Array.isArray(svc.depends_on) ? i : dep])
        out.push(finding(f.path, line, `Service "${name}" depends on "${dep}", which is not a service ${set}`, `Name one of ${[...known].map((k) => `"${k}"`).join(', ')}, or add the "${dep}" service.`))
      })
      for (const [i, link] of asList(svc.links).entries()) {
        const target = (asText(link) ?? '').split(':')[0]!
        if (target && !known.has(target)) out.push(finding(f.path, f.doc.line(['services', name, 'links', i]), `Service "${name}" links to "${target}", which is not a service ${set}`, `Name an existing service, or add the "${target}" service.`))
      }
      const ext = asObj(svc.extends)
      const extService = asText(ext.service)
      if (extService) {
        const extFile = asText(ext.file)
        const path = extFile ? joinPath(dirOf(f.path), extFile) : f.path
        const text = files.get(path)
        const target = text === undefined ? undefined : path === f.path ? f.services : asObj(asObj(parseYaml(text)?.[0]?.value).services)
        if (target && !(extService in target)) out.push(finding(f.path, f.doc.line(['services', name, 'extends', 'service']), `Service "${name}" extends "${extService}", which is not a service in ${path}`, `Name a service of ${path}.`))
      }
    }
    // The app reaches the database and cache by their service names.
    for (const a of s.compose.apps) {
      if (!f.services[a]) continue
      for (const e of envEntries(f, a)) {
        const value = e.raw === undefined ? '' : interpolate(e.raw).text
        for (const host of connectionHosts(e.name, value)) {
          if (!isLiteral(host) || reachable.has(host)) continue
          out.push(finding(f.path, e.line, `${e.name} of service "${a}" connects to "${host}", which is not a service (or alias) in ${s.compose.files.map((x) => x.path).join(', ')}`, `Use the service's name as the host (${[...reachable].filter((n) => n !== a).map((n) => `"${n}"`).join(', ') || 'none defined'}), or add the "${host}" service.`))
        }
      }
    }
  }
  return out
}

/** In-cluster dev services of the chart are named like their `inCluster` keys; the URLs must use those names. */
function chartFindings(s: Service): Finding[] {
  const out: Finding[] = []
  for (const chart of s.charts) {
    const base = chart.values[0]
    if (!base || !isObj(base.value.inCluster)) continue
    const inCluster = new Set(Object.keys(base.value.inCluster))
    for (const { file, value } of environments(chart)) {
      for (const [name, url] of Object.entries(asObj(value.connectionUrls))) {
        for (const host of connectionHosts(name, asText(url) ?? '')) {
          if (inCluster.has(host)) continue
          const own = asObj(file.value.connectionUrls)[name] !== undefined ? file : base
          out.push(finding(own.path, own.doc.line(['connectionUrls', name]), `connectionUrls.${name} connects to "${host}", but the chart's in-cluster services are ${[...inCluster].map((n) => `"${n}"`).join(', ') || 'none'}`, `Use the in-cluster service's name as the host, or a full host name for a service outside the cluster.`))
        }
      }
    }
  }
  return dedupe(out)
}

/** The app's URLs in the Kustomize tree name Services of the tree (the dev overlay's in-cluster ones). */
function kustomizeFindings(s: Service): Finding[] {
  const k = s.kustomize
  if (!k) return []
  const docs = kubeDocs(k)
  const services = new Set([...docs.filter((d) => kindOf(d) === 'Service').map((d) => nameOf(d) ?? ''), ...docs.map((d) => asText(asObj(d.value.spec).serviceName) ?? '')].filter(Boolean))
  const out: Finding[] = []
  const check = (file: string, line: number | undefined, name: string, value: string) => {
    for (const host of connectionHosts(name, value)) {
      if (!services.has(host)) out.push(finding(file, line, `${name} connects to "${host}", which is not a Service in the Kustomize tree (${[...services].map((n) => `"${n}"`).join(', ')})`, 'Use the Service\'s name as the host, or a full host name for a service outside the cluster.'))
    }
  }
  const apps = appContainers(k)
  for (const app of apps) for (const e of containerEnv(app.container)) if (e.value) check(app.file, app.doc.line([...app.path, 'env', e.index]), e.name, e.value)
  // The overlays' patches that point a variable elsewhere: named as in the Deployment they patch.
  for (const op of inlinePatches(k).ops) {
    const m = /\/containers\/(\d+)\/env\/(\d+)\/value$/.exec(op.path)
    const v = asText(op.value)
    if (!m || !v) continue
    const app = apps.find((a) => a.path.at(-1) === Number(m[1]))
    const name = app ? asText(asObj(asList(app.container.env)[Number(m[2])]).name) : undefined
    check(op.file, op.line, name ?? op.path, v)
  }
  return out
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const key = `${f.file}:${f.line}:${f.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export const serviceNameMismatch: Rule = {
  id: RULE,
  severity: 'error',
  summary: 'Compose depends_on, links and extends name existing services, and the database and cache hosts in the app\'s URLs are services of the Compose files, chart or Kustomize tree.',
  check({ files }) {
    const all = readServices(files)
    return all.flatMap((s) => [...composeFindings(files, all, s), ...chartFindings(s), ...kustomizeFindings(s)])
  },
}

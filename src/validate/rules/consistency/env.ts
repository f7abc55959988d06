import type { Finding, Rule } from '../../types.js'
import { envEntries } from './compose.js'
import { connectionHosts } from './hosts.js'
import { interpolate } from './interpolate.js'
import { appContainers, containerEnv, environments, generatorLiterals, kindOf, kubeDocs, kubeRefs, nameOf } from './kube.js'
import { readServices, type Chart, type Kustomize, type Service, type ValuesFile } from './project.js'
import { asList, asObj, asText, type Obj, type YamlPath } from './yaml.js'

const RULE = 'env-name-mismatch'

// Set by the shell or by Compose itself, never in .env.
const AMBIENT = new Set(['HOME', 'PWD', 'USER', 'UID', 'GID', 'HOSTNAME', 'PATH', 'SHELL', 'TMPDIR'])

const finding = (file: string, line: number | undefined, message: string, hint: string): Finding => ({ rule: RULE, severity: 'error', file, ...(line ? { line } : {}), message, hint })

/**
 * A known name this one is probably a slip of: the same but for case and underscores, or, for
 * long names, one letter missing, added, changed or swapped. Short names that differ by a letter
 * (API_PORT, APP_PORT) are as often two real variables, so they are not taken for slips.
 */
export function lookalike(name: string, known: Iterable<string>): string | undefined {
  const squash = (x: string) => x.toUpperCase().replace(/_/g, '')
  for (const k of known) {
    if (k === name) continue
    if (squash(k) === squash(name)) return k
    if (Math.min(k.length, name.length) >= 10 && oneEditApart(k, name)) return k
  }
  return undefined
}

/** Levenshtein distance of at most one, counting a swap of neighbours as one edit. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  const rest = (x: string, from: number) => x.slice(from)
  if (a.length === b.length) return rest(a, i + 1) === rest(b, i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, i + 2) === rest(b, i + 2))
  return a.length > b.length ? rest(a, i + 1) === rest(b, i) : rest(a, i) === rest(b, i + 1)
}

interface AppVar {
  name: string
  /** Interpolated value. */
  value: string
  file: string
  line: number | undefined
}

/** The app's variables in the base Compose file: what every environment passes it. */
function composeAppVars(s: Service): AppVar[] {
  const base = s.compose.files[0]
  if (!base) return []
  return s.compose.apps.filter((a) => base.services[a]).flatMap((a) => envEntries(base, a).map((e) => ({ name: e.name, value: e.raw === undefined ? '' : interpolate(e.raw).text, file: base.path, line: e.line })))
}

/** `${NAME}` in Compose files against .env.example, both ways. */
function composeFindings(s: Service): Finding[] {
  const env = s.envExample
  if (!env || s.compose.files.length === 0) return []
  const defined = new Set(env.vars.map((v) => v.name))
  const used = new Set<string>()
  const out: Finding[] = []
  for (const f of s.compose.files) {
    const seen = new Set<string>()
    for (const str of f.doc.strings()) {
      for (const ref of interpolate(str.text).refs) {
        used.add(ref.name)
        if (defined.has(ref.name) || AMBIENT.has(ref.name) || seen.has(`${ref.name}:${str.line}`)) continue
        seen.add(`${ref.name}:${str.line}`)
        const similar = lookalike(ref.name, defined)
        if (ref.form === 'plain') {
          out.push(finding(f.path, str.line, `\${${ref.name}} is not in ${env.path} and has no default, so Compose substitutes an empty string`, similar ? `Did you mean \${${similar}}? Otherwise add ${ref.name} to ${env.path} or give it a default (\${${ref.name}:-value}).` : `Add ${ref.name} to ${env.path}, give it a default (\${${ref.name}:-value}) or a required message (\${${ref.name}:?message}), or correct the name.`))
        } else if (similar) {
          // A default hides the slip: what .env sets for the real name never arrives here.
          out.push(finding(f.path, str.line, `${ref.name} is not in ${env.path}, which has ${similar}, so the value .env sets for ${similar} never reaches this setting`, `Use ${similar} here, or rename it in ${env.path}.`))
        }
      }
    }
  }
  // A name only .env.example has is fine (the app may read .env outside Docker), unless it is a
  // slip of a name Compose uses: then the value set for it never arrives.
  for (const v of env.vars) {
    if (used.has(v.name)) continue
    const similar = lookalike(v.name, used)
    if (similar) out.push(finding(env.path, v.line, `${v.name} is in ${env.path}, but the Compose files use ${similar}, so setting ${v.name} in .env changes nothing`, `Rename it to ${similar}.`))
  }
  return out
}

/** What a Kubernetes description gives the app, to compare with Compose. */
interface KubeSide {
  /** `deploy/helm/api/values.yaml`, or the Deployment's file. */
  label: string
  names: Set<string>
  /** The app's connection settings, with the hosts they reach. */
  urls: { name: string; hosts: string[]; file: string; line: number | undefined }[]
  /** Plain settings and secrets, by name. */
  settings: { name: string; field: string; file: string; line: number | undefined }[]
  /** Services that run in the cluster under the names they have in Compose. */
  mirrored: Set<string>
}

/** The same app in Compose and in the cluster reads the same names. */
function compareWithCompose(s: Service, side: KubeSide): Finding[] {
  const vars = composeAppVars(s)
  if (vars.length === 0) return []
  const out: Finding[] = []
  const composeNames = new Set(vars.map((v) => v.name))
  for (const v of vars) {
    const host = connectionHosts(v.name, v.value).find((h) => side.mirrored.has(h))
    if (host && !side.names.has(v.name)) out.push(finding(v.file, v.line, `The app reaches ${host} through ${v.name} in ${v.file}, but ${side.label} gives it no ${v.name}`, `Use the same variable name in Compose and in ${side.label}.`))
  }
  for (const u of side.urls) {
    const host = u.hosts.find((h) => side.mirrored.has(h))
    if (host && !composeNames.has(u.name)) out.push(finding(u.file, u.line, `The app reaches ${host} through ${u.name} here, but its Compose environment (${vars[0]!.file}) has no ${u.name}`, `Use the same variable name in Compose and in ${side.label}.`))
  }
  const known = new Set([...composeNames, ...(s.envExample?.vars ?? []).map((v) => v.name)])
  for (const st of side.settings) {
    const similar = known.has(st.name) ? undefined : lookalike(st.name, known)
    if (similar) out.push(finding(st.file, st.line, `${st.field} names ${st.name}, but Compose and .env.example call it ${similar}`, `Rename it to ${similar}.`))
  }
  return out
}

/** The values file that writes `path` for an environment: its own file, else values.yaml. */
function writer(chart: Chart, env: ValuesFile, path: YamlPath): { file: string; line: number | undefined } {
  const has = (v: ValuesFile) => {
    let node: unknown = v.value
    for (const key of path) node = Array.isArray(node) ? node[Number(key)] : asObj(node)[String(key)]
    return node !== undefined
  }
  const file = has(env) ? env : (chart.values.find(has) ?? env)
  return { file: file.path, line: file.doc.line(path) }
}

/**
 * Names the chart's ConfigMap template sets itself. Without the templates at hand, the ones the
 * values say it derives: PORT from containerPort, SHUTDOWN_TIMEOUT_MS from shutdown.
 */
function templateNames(chart: Chart, base: ValuesFile): Set<string> {
  // The port goes into the app's own variable (`{{ .Values.portEnv | default "PORT" }}:`).
  const portName = asText(base.value.portEnv) || 'PORT'
  const configMaps = chart.templates.filter((t) => /kind:\s*ConfigMap/.test(t.text))
  if (configMaps.length > 0) {
    return new Set(configMaps.flatMap((t) => [...[...t.text.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!), ...(/\.Values\.portEnv\b/.test(t.text) ? [portName] : [])]))
  }
  return new Set([...('containerPort' in base.value ? [portName] : []), ...('shutdown' in base.value ? ['SHUTDOWN_TIMEOUT_MS'] : [])])
}

const names = (v: unknown) => asList(v).map((x) => asText(x)).filter((x): x is string => !!x)

function chartFindings(s: Service): Finding[] {
  const out: Finding[] = []
  for (const chart of s.charts) {
    const base = chart.values[0]
    if (!base || !['config', 'secretEnv', 'connectionUrls'].some((k) => k in base.value)) continue
    const fixed = templateNames(chart, base)
    for (const { file, value } of environments(chart)) {
      const config = new Set(Object.keys(asObj(value.config)))
      const secretEnv = new Set(names(value.secretEnv))
      const defined = new Set([...fixed, ...config, ...secretEnv])
      for (const [name, url] of Object.entries(asObj(value.connectionUrls))) {
        for (const ref of kubeRefs(asText(url) ?? '')) {
          if (defined.has(ref)) continue
          const at = writer(chart, file, ['connectionUrls', name])
          out.push(finding(at.file, at.line, `connectionUrls.${name} uses $(${ref}), which is neither in config nor in secretEnv, so the kubelet leaves it unexpanded`, `Add ${ref} to config or secretEnv, or correct the name.`))
        }
      }
      const devValues = asObj(asObj(value.secrets).devValues)
      // The in-cluster services read the app's ConfigMap and Secret; in dev the chart makes that
      // Secret from devValues, elsewhere it holds the secretEnv keys.
      const secretKeys = Object.keys(devValues).length > 0 ? new Set(Object.keys(devValues)) : secretEnv
      for (const [svc, spec] of Object.entries(asObj(value.inCluster))) {
        const o = asObj(spec)
        if (o.enabled !== true) continue
        for (const [field, pool, where] of [['configEnv', new Set([...fixed, ...config]), 'config'], ['secretEnv', secretKeys, secretKeys === secretEnv ? 'secretEnv' : 'secrets.devValues']] as const) {
          asList(o[field]).forEach((x, i) => {
            const name = asText(x)
            if (!name || pool.has(name)) return
            const at = writer(chart, file, ['inCluster', svc, field, i])
            out.push(finding(at.file, at.line, `inCluster.${svc}.${field} names ${name}, which is not in ${where}${file === base ? '' : ` (with ${file.path})`}, so ${svc} cannot read it`, `Add ${name} to ${where}, or correct the name.`))
          })
        }
      }
      if (Object.keys(devValues).length > 0) {
        for (const name of secretEnv) {
          if (name in devValues) continue
          const at = writer(chart, file, ['secrets', 'devValues'])
          out.push(finding(at.file, at.line, `secrets.devValues has no ${name}, which secretEnv lists, so the Secret the chart creates lacks it and the pods cannot start`, `Add ${name} to secrets.devValues, or correct the name.`))
        }
      }
    }
    const urls = asObj(base.value.connectionUrls)
    out.push(
      ...compareWithCompose(s, {
        label: base.path,
        names: new Set([...fixed, ...Object.keys(asObj(base.value.config)), ...names(base.value.secretEnv), ...Object.keys(urls)]),
        urls: Object.entries(urls).map(([name, url]) => ({ name, hosts: connectionHosts(name, asText(url) ?? ''), file: base.path, line: base.doc.line(['connectionUrls', name]) })),
        settings: [
          ...Object.keys(asObj(base.value.config)).map((name) => ({ name, field: 'config', file: base.path, line: base.doc.line(['config', name]) })),
          ...names(base.value.secretEnv).map((name, i) => ({ name, field: 'secretEnv', file: base.path, line: base.doc.line(['secretEnv', i]) })),
        ],
        mirrored: new Set(Object.keys(asObj(base.value.inCluster))),
      }),
    )
  }
  return out
}

function kustomizeFindings(s: Service, k: Kustomize): Finding[] {
  const out: Finding[] = []
  const configLiterals = generatorLiterals(k, 'configMapGenerator')
  const secretLiterals = generatorLiterals(k, 'secretGenerator')
  const docs = kubeDocs(k)
  const configMapExists = (name: string) => configLiterals.some((l) => l.generator === name) || docs.some((d) => kindOf(d) === 'ConfigMap' && nameOf(d) === name)
  const configKeys = (name: string) => new Set([...configLiterals.filter((l) => l.generator === name).map((l) => l.key), ...docs.filter((d) => kindOf(d) === 'ConfigMap' && nameOf(d) === name).flatMap((d) => Object.keys(asObj(d.value.data)))])
  const envFromKeys = (container: Obj) => asList(container.envFrom).flatMap((e) => [...configKeys(asText(asObj(asObj(e).configMapRef).name) ?? '')])
  // Secret keys read from a generated Secret, by the generator's file: one finding per missing key.
  const missingSecretKeys = new Map<string, { line: number | undefined; secret: string; key: string; readers: string[] }>()
  // Every workload's containers: the app's and the in-cluster services'.
  for (const d of docs) {
    const spec = asObj(asObj(asObj(d.value.spec).template).spec)
    asList(spec.containers).forEach((c, ci) => {
      const container = asObj(c)
      const path: YamlPath = ['spec', 'template', 'spec', 'containers', ci]
      const before = new Set(envFromKeys(container))
      for (const e of containerEnv(container)) {
        const line = d.doc.line([...path, 'env', e.index])
        for (const ref of kubeRefs(e.value ?? '')) {
          if (!before.has(ref)) out.push(finding(d.file, line, `${e.name} uses $(${ref}), which is not defined before it in the container's environment, so the kubelet leaves it unexpanded`, `Define ${ref} above ${e.name} (env or the ConfigMap), or correct the name.`))
        }
        if (e.configKey && configMapExists(e.configKey.name) && !configKeys(e.configKey.name).has(e.configKey.key)) {
          out.push(finding(d.file, line, `${e.name} reads key ${e.configKey.key} of ConfigMap "${e.configKey.name}", which has no such key`, `Add ${e.configKey.key} to the ConfigMap, or correct the key.`))
        }
        const ref = e.secretKey
        if (ref) {
          for (const g of k.kustomizations) {
            const lits = secretLiterals.filter((l) => l.file === g.path && l.generator === ref.name)
            if (lits.length === 0 || lits.some((l) => l.key === ref.key)) continue
            const id = `${g.path}\0${ref.name}\0${ref.key}`
            const entry = missingSecretKeys.get(id) ?? { line: lits[0]!.line, secret: ref.name, key: ref.key, readers: [] }
            entry.readers.push(`${e.name} in ${d.file}`)
            missingSecretKeys.set(id, entry)
          }
        }
        before.add(e.name)
      }
    })
  }
  for (const [id, m] of missingSecretKeys) {
    out.push(finding(id.split('\0')[0]!, m.line, `The Secret "${m.secret}" generated here has no ${m.key}, which ${m.readers.join(' and ')} read${m.readers.length > 1 ? '' : 's'}, so those pods cannot start`, `Add ${m.key}=... to the secretGenerator literals, or correct the key.`))
  }
  const apps = appContainers(k)
  if (apps.length === 0) return out
  // The Services in front of the app are its own; the others run what Compose runs beside it.
  const own = (svc: Obj) => {
    const selector = asObj(asObj(svc.spec).selector)
    return Object.keys(selector).length > 0 && apps.some((a) => Object.entries(selector).every(([key, v]) => a.podLabels[key] === v))
  }
  const appConfigMaps = new Set(apps.flatMap((a) => asList(a.container.envFrom).map((e) => asText(asObj(asObj(e).configMapRef).name) ?? '')))
  out.push(
    ...compareWithCompose(s, {
      label: 'the Kustomize Deployment',
      names: new Set(apps.flatMap((a) => [...containerEnv(a.container).map((e) => e.name), ...envFromKeys(a.container)])),
      urls: apps.flatMap((a) => containerEnv(a.container).flatMap((e) => (e.value ? [{ name: e.name, hosts: connectionHosts(e.name, e.value), file: a.file, line: a.doc.line([...a.path, 'env', e.index]) }] : []))),
      settings: [
        ...configLiterals.filter((l) => appConfigMaps.has(l.generator)).map((l) => ({ name: l.key, field: `configMapGenerator "${l.generator}"`, file: l.file, line: l.line })),
        ...apps.flatMap((a) => containerEnv(a.container).filter((e) => e.secretKey).map((e) => ({ name: e.name, field: 'the app container env', file: a.file, line: a.doc.line([...a.path, 'env', e.index]) }))),
      ],
      mirrored: new Set(docs.filter((d) => kindOf(d) === 'Service' && !own(d.value)).map((d) => nameOf(d) ?? '')),
    }),
  )
  return out
}

export const envNameMismatch: Rule = {
  id: RULE,
  severity: 'error',
  summary: 'Environment variable names agree: Compose references are in .env.example (or have a default), and the chart or Kustomize tree gives the app the names Compose does.',
  check({ files }) {
    const seen = new Set<string>()
    return readServices(files)
      .flatMap((s) => [...composeFindings(s), ...chartFindings(s), ...(s.kustomize ? kustomizeFindings(s, s.kustomize) : [])])
      .filter((f) => {
        const key = `${f.file}:${f.line}:${f.message}`
        return !seen.has(key) && seen.add(key) !== undefined
      })
  },
}

import { availableParallelism } from 'node:os'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { expect } from 'vitest'
import type { Answers } from '../../src/answers.js'
import { K8S_ENVIRONMENTS, type K8sEnvironment } from '../../src/kubernetes-context.js'
import type { RenderContext } from '../../src/context.js'
import { managedPort } from '../../src/terraform-context.js'
import { TOOLS_HOME, requireTool, toolsEnv } from './tools.js'

/**
 * The Kubernetes APIs the manifests are checked against: the newest, and the oldest the charts
 * accept (Chart.yaml kubeVersion). Equal to KUBERNETES_VERSION and KUBERNETES_MIN_VERSION in
 * scripts/install-tools.sh.
 */
export const K8S_SCHEMA_VERSIONS = ['1.36.3', '1.30.14'] as const
/** Strict JSON schemas derived offline by scripts/k8s-schemas.mjs (core API and the CRDs the chart can use). */
export const schemaDir = (version: string) => join(TOOLS_HOME, 'k8s-schemas', version)

export const ENVS = K8S_ENVIRONMENTS

/** The longest project name (53 characters), with the longest service names, for the length limits. */
export const LONG_NAME = {
  name: 'a-service-with-a-name-as-long-as-the-cli-will-take-it',
  platform: 'kubernetes',
  database: 'mongodb',
  cache: 'memcached',
} as const

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>

/** Runs `fn` over `items`, at most `limit` at a time (the validators are separate processes). */
export async function pool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, limit = Math.max(2, availableParallelism())): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

export function parseManifests(text: string): Obj[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null && typeof d === 'object')
}

export interface BatchResult {
  exitCode: number
  output: string
}

/**
 * Runs commands through one of the batch runners in tools/ (helm-batch: Helm's own command code;
 * kustomize-batch: kubectl's `kustomize`), a few dozen per process and one process per core.
 */
export async function batch(tool: 'helm-batch' | 'kustomize-batch', commands: readonly (readonly string[])[], perProcess = 40): Promise<BatchResult[]> {
  const bin = requireTool(tool)
  const chunks: (readonly string[])[][] = []
  for (let i = 0; i < commands.length; i += perProcess) chunks.push(commands.slice(i, i + perProcess))
  const results = await pool(chunks, async (chunk) => {
    const r = await execa(bin, [], { input: `${chunk.map((c) => JSON.stringify(c)).join('\n')}\n`, env: toolsEnv(), reject: false })
    const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as BatchResult)
    if (r.exitCode !== 0 || lines.length !== chunk.length) throw new Error(`${tool} failed (exit ${r.exitCode}): ${r.stderr}`)
    return lines
  })
  return results.flat()
}

/**
 * kubeconform in strict mode over many files, once per Kubernetes version; the schemas must be
 * there (never skipped). Each resource reported carries the `kubernetes` version it was checked for.
 */
export async function kubeconform(files: readonly string[]): Promise<{ exitCode: number; resources: Obj[]; stderr: string }> {
  const bin = requireTool('kubeconform')
  const runs = await Promise.all(
    K8S_SCHEMA_VERSIONS.map(async (version) => {
      const dir = schemaDir(version)
      if (!existsSync(join(dir, 'deployment-apps-v1.json'))) {
        throw new Error(`Kubernetes ${version} schemas are missing in ${dir}. Run: bash scripts/install-tools.sh`)
      }
      const r = await execa(
        bin,
        [
          '-strict',
          '-summary',
          '-output', 'json',
          '-verbose',
          '-kubernetes-version', version,
          // Only the local schemas: nothing is fetched, and a kind without a schema is an error.
          '-schema-location', `${dir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
          ...files,
        ],
        { reject: false, env: toolsEnv() },
      )
      const report = JSON.parse(r.stdout) as { resources?: Obj[] }
      return { exitCode: r.exitCode ?? 1, resources: (report.resources ?? []).map((x) => ({ ...x, kubernetes: version })), stderr: r.stderr }
    }),
  )
  return {
    exitCode: Math.max(...runs.map((r) => r.exitCode)),
    resources: runs.flatMap((r) => r.resources),
    stderr: runs.map((r) => r.stderr).join(''),
  }
}

/**
 * Groups answers whose files below `prefix` are identical once the project name is taken out;
 * one member's output, with the name put back, is then every member's. Not for long names:
 * Helm and the generator cut `<name>-<suffix>` names to fit Kubernetes' limits, so their output
 * is not the short name's with the name replaced.
 */
export function distinctTrees(items: readonly { answers: Answers; files: Map<string, string> }[], prefix: (a: Answers) => string) {
  const groups = new Map<string, { rep: Answers; members: Answers[] }>()
  for (const { answers, files } of items) {
    const own = answers.name.length > 30 ? `${answers.name}\0` : ''
    const key = own + [...files]
      .filter(([p]) => p.startsWith(prefix(answers)))
      .map(([p, c]) => `${p.replaceAll(answers.name, '<name>')}\0${c.replaceAll(answers.name, '<name>')}`)
      .sort()
      .join('\0\0')
    const g = groups.get(key)
    if (g) g.members.push(answers)
    else groups.set(key, { rep: answers, members: [answers] })
  }
  return [...groups.values()]
}

/** Helm flags that turn on every optional object the chart can render. */
export const OPTIONAL_FEATURES = [
  '--set', 'externalSecret.enabled=true',
  '--set', 'externalSecret.secretStoreRef.name=store',
  '--set', 'externalSecret.remoteKey=app/prod',
  '--set', 'metrics.serviceMonitor.enabled=true',
  '--set', 'httpRoute.enabled=true',
  '--set', 'httpRoute.parentRefs[0].name=public',
  '--set', 'httpRoute.parentRefs[0].namespace=gateway-system',
  '--set', 'httpRoute.hostnames[0]=app.example.com',
]

const find = (docs: Obj[], kind: string, pred: (d: Obj) => boolean = () => true) => docs.filter((d) => d.kind === kind && pred(d))

/** `EXPOSE`, the prod stage's `USER` and the health paths, as the Dockerfile declares them. */
function dockerfileFacts(dockerfile: string) {
  const prod = dockerfile.slice(dockerfile.search(/^FROM .* AS prod\b/m))
  const user = /^USER (\d+)(?::(\d+))?/m.exec(prod)
  return { expose: /^EXPOSE (\d+)/m.exec(prod)?.[1], uid: user ? Number(user[1]) : undefined }
}

/**
 * What the Kubernetes manifests of one project must agree on with its Dockerfile, Compose files
 * and starter app, and what every environment must look like. `byEnv` holds the rendered
 * manifests (Helm: `helm template`; Kustomize: `kustomize build`) for dev, staging and prod.
 */
export function checkRendered(answers: Answers, ctx: RenderContext, files: Map<string, string>, byEnv: Record<K8sEnvironment, Obj[]>): void {
  const k8s = ctx.k8s!
  const compose = parseYaml(files.get('compose.yaml')!) as Obj
  const composeApp = compose.services.app as Obj
  const envExample = new Set([...files.get('.env.example')!.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!))
  const docker = dockerfileFacts(files.get('Dockerfile')!)
  const repository = /\$\{IMAGE_REPOSITORY:-([^}]+)\}/.exec(files.get('compose.prod.yaml')!)?.[1]
  expect(repository, 'compose.prod.yaml names the image').toBeTruthy()

  for (const env of ENVS) {
    const docs = byEnv[env]
    const where = `${answers.name} ${env}`
    const [deploy, ...more] = find(docs, 'Deployment')
    expect(more, where).toEqual([])
    const pod = deploy!.spec.template.spec as Obj
    const app = (pod.containers as Obj[]).find((c) => c.name === 'app')!

    // Port: the Dockerfile's EXPOSE, Compose's PORT and the answers.
    expect(app.ports, where).toEqual([{ name: 'http', containerPort: answers.port, protocol: 'TCP' }])
    expect(docker.expose, where).toBe(String(answers.port))
    expect(String(composeApp.environment.PORT), where).toBe(String(answers.port))
    // Image: the repository compose.prod.yaml runs.
    expect(app.image, where).toMatch(new RegExp(`^${repository!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[:@]`))
    // Health endpoints: the ones the starter app serves and the Dockerfile documents.
    expect(app.startupProbe.httpGet.path, where).toBe('/healthz')
    expect(app.livenessProbe.httpGet.path, where).toBe('/healthz')
    expect(app.readinessProbe.httpGet.path, where).toBe('/readyz')
    for (const p of [app.startupProbe, app.livenessProbe, app.readinessProbe]) expect(p.httpGet.port, where).toBe('http')
    expect(files.get('Dockerfile'), where).toContain('/healthz')

    // Environment: ConfigMap keys first (envFrom), then env entries in order.
    const cmName = app.envFrom[0].configMapRef.name as string
    const cm = find(docs, 'ConfigMap', (d) => d.metadata.name === cmName)[0]
    expect(cm, `${where}: ConfigMap ${cmName}`).toBeDefined()
    const defined = new Set(Object.keys(cm!.data))
    for (const e of (app.env ?? []) as Obj[]) {
      for (const ref of String(e.value ?? '').matchAll(/\$\(([A-Z0-9_]+)\)/g)) {
        expect(defined.has(ref[1]!), `${where}: ${e.name} uses $(${ref[1]}) before it is defined`).toBe(true)
      }
      defined.add(e.name)
    }
    // The same names as Compose gives the app; the rest are .env.example's or the documented shutdown setting.
    for (const name of Object.keys(composeApp.environment)) expect(defined.has(name), `${where}: ${name}`).toBe(true)
    for (const name of defined) {
      expect(name in composeApp.environment || envExample.has(name) || name === 'SHUTDOWN_TIMEOUT_MS', `${where}: ${name} is not a Compose or .env.example name`).toBe(true)
    }
    expect(cm!.data.PORT, where).toBe(String(answers.port))
    const drainMs = Number(cm!.data.SHUTDOWN_TIMEOUT_MS)
    const preStop = app.lifecycle.preStop.sleep.seconds as number
    expect(pod.terminationGracePeriodSeconds, where).toBeGreaterThan(preStop + drainMs / 1000)
    for (const s of ctx.services) {
      const url = (app.env as Obj[]).find((e) => e.name === s.urlEnv)
      expect(url, `${where}: ${s.urlEnv}`).toBeDefined()
      // Dev reaches the in-cluster service at its Compose name; staging and prod a managed endpoint.
      expect(url!.value.includes(`@${s.host}:${s.port}`) || url!.value.includes(`//${s.host}:${s.port}`), `${where}: ${url!.value}`).toBe(env === 'dev')
    }

    // Hardening: the image's own non-root UID, read-only root, no capabilities, RuntimeDefault seccomp.
    expect(pod.securityContext, where).toMatchObject({ runAsNonRoot: true, runAsUser: docker.uid, seccompProfile: { type: 'RuntimeDefault' } })
    expect(docker.uid, where).toBe(k8s.uid)
    expect(app.securityContext, where).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    })
    expect(pod.automountServiceAccountToken, where).toBe(false)
    expect(app.volumeMounts, where).toContainEqual({ name: 'tmp', mountPath: '/tmp' })
    expect(app.resources.requests && app.resources.limits, where).toBeTruthy()
    expect(pod.topologySpreadConstraints.map((t: Obj) => t.topologyKey).sort(), where).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone'])
    expect(deploy!.spec.strategy.rollingUpdate, where).toBeDefined()
    expect(deploy!.spec.revisionHistoryLimit, where).toBeGreaterThan(0)

    // Every object is labelled and namespaced; names and label values fit Kubernetes' limits
    // (a StatefulSet's name goes into its pods' controller-revision-hash label, plus 11 characters).
    for (const d of docs) {
      const what = `${where}: ${d.kind}/${d.metadata.name}`
      expect(d.metadata.labels?.['app.kubernetes.io/name'], what).toBe(answers.name)
      expect(d.metadata.namespace, what).toBe(`${answers.name}-${env}`)
      expect(d.metadata.namespace.length, what).toBeLessThanOrEqual(63)
      // Services and pods are DNS labels; most other names may be DNS subdomains (253).
      expect(d.metadata.name.length, what).toBeLessThanOrEqual(d.kind === 'StatefulSet' ? 52 : /^(Service|Pod)$/.test(d.kind) ? 63 : 253)
      for (const labels of [d.metadata.labels, d.spec?.template?.metadata?.labels]) {
        for (const [k, v] of Object.entries((labels ?? {}) as Record<string, string>)) expect(String(v).length, `${what} ${k}`).toBeLessThanOrEqual(63)
      }
    }

    // Traffic: ClusterIP Service to the named port, Ingress with a class and TLS, default-deny policy.
    const svc = find(docs, 'Service', (d) => d.metadata.name === answers.name)[0]!
    expect(svc.spec.type ?? 'ClusterIP', where).toBe('ClusterIP')
    expect(svc.spec.ports[0].targetPort, where).toBe('http')
    const ingress = find(docs, 'Ingress')[0]!
    expect(ingress.spec.ingressClassName, where).toBe(k8s.cluster.ingress.className)
    expect(ingress.spec.tls[0].hosts, where).toEqual([k8s.hosts[env]])
    if (k8s.cluster.ingress.clusterIssuer) expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer'], where).toBeTruthy()
    const policy = find(docs, 'NetworkPolicy', (d) => d.metadata.name === answers.name)[0]!
    expect(policy.spec.policyTypes, where).toEqual(['Ingress', 'Egress'])
    const egressPorts = (policy.spec.egress as Obj[]).flatMap((r) => (r.ports as Obj[]).map((p) => p.port))
    expect(egressPorts, where).toContain(53)
    // Dev reaches the in-cluster services; staging and prod the managed ones, on the cloud's port.
    for (const s of ctx.services) expect(egressPorts, `${where}: egress to ${s.host}`).toContain(env === 'dev' ? s.port : managedPort(ctx.platform.cloud, s.id, s.port))
    expect(JSON.stringify(policy.spec.ingress), where).toContain('"port":"http"')

    // In-cluster services only in dev, at Compose's names and images; availability objects outside dev.
    const sts = find(docs, 'StatefulSet')
    if (env === 'dev') {
      expect(sts.map((s) => s.spec.template.spec.containers[0].image).sort(), where).toEqual(ctx.services.map((s) => s.image).sort())
      for (const s of ctx.services) {
        expect(find(docs, 'Service', (d) => d.metadata.name === s.host), `${where}: Service ${s.host}`).toHaveLength(1)
        expect(String(compose.services[s.host].image), where).toBe(s.image)
      }
      expect(find(docs, 'HorizontalPodAutoscaler'), where).toEqual([])
    } else {
      expect(sts, where).toEqual([])
      const hpa = find(docs, 'HorizontalPodAutoscaler')[0]!
      expect(hpa.apiVersion, where).toBe('autoscaling/v2')
      expect(hpa.spec.metrics.map((m: Obj) => m.resource.name).sort(), where).toEqual(['cpu', 'memory'])
      expect(find(docs, 'PodDisruptionBudget'), where).toHaveLength(1)
      // No credentials are written into staging or prod manifests.
      expect(find(docs, 'Secret'), where).toEqual([])
    }
    for (const s of sts) {
      const c = s.spec.template.spec.containers[0] as Obj
      expect(s.spec.template.spec.securityContext.runAsNonRoot, where).toBe(true)
      expect(c.securityContext, where).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })
    }
  }
}

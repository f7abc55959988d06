import type { Answers } from './answers.js'
import { yamlValue, type AppEnv } from './app-env.js'
import { yamlScalar } from './utils/yaml-scalar.js'
import type { Policy } from './config/types.js'
import type { K8sFormat } from './options.js'
import { mirrorImage } from './policy/images.js'
import { applyResourceFloor, checkResourceFloor, RESOURCE_KINDS, RESOURCE_NAMES, type ContainerResources, type ResourceKind, type ResourceName } from './policy/resources.js'
import type { Annotation, ClusterSpec, PlatformChoice } from './registry/platforms.js'
import { connectionValue, type Endpoint, type EnvVar, type ServiceSpec } from './registry/services.js'
import type { HealthCheck } from './detect/types.js'
import { cloudSecretName, managedPort, TERRAFORM_DIR } from './terraform-context.js'

/** The environments every Kubernetes format writes settings for. */
export const K8S_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const
export type K8sEnvironment = (typeof K8S_ENVIRONMENTS)[number]

/** The health endpoints every starter app serves and every Dockerfile documents. */
export const HEALTH = { liveness: '/healthz', readiness: '/readyz' } as const

export interface Setting {
  name: string
  value: string
  description: string
  /** `NAME=value` as a YAML list item (a Kustomize generator literal), quoted where YAML would misread it. */
  literal: string
}

/**
 * A connection setting the app reads (a URL, a host, a port, a user...), per environment, in
 * Kubernetes' `$(NAME)` syntax: credentials are references to the Secret's keys.
 */
export interface ConnectionEnv {
  name: string
  description: string
  /** The in-cluster (dev) value: the same host and port as Compose. */
  default: string
  staging: string
  prod: string
  /** Staging and prod differ from dev (it names the managed endpoint), so their files set it. */
  managed: boolean
  /** Its place in the app container's env list (after the secretEnv entries). */
  envIndex: number
}

/** A backing service run as a dev-only pod. */
export interface InClusterService {
  id: string
  /** Its StatefulSet's name: `<name>-<id>`, at most 52 characters (see workloadName). */
  workload: string
  label: string
  image: string
  port: number
  uid: number
  args: readonly string[]
  /** Its variables that come from the app's ConfigMap / Secret. */
  configEnv: string[]
  secretEnv: string[]
  /** Its own variables derived from those (`MONGO_INITDB_ROOT_USERNAME: $(MONGO_USER)`). */
  env: { name: string; value: string }[]
  healthcheck: string[]
  dataDir: string | null
  writableDirs: readonly string[]
  memory: string
}

/** A key and its value, both ready for a YAML line (`{{name}}: {{value}}`). */
export interface YamlEntry {
  name: string
  value: string
}

/**
 * The app container's requests and limits as shipped, before any policy. Helm's environment
 * files write each environment whole (the base with the environment's values); the Kustomize
 * overlays patch only the values listed for them.
 */
export const APP_RESOURCES: {
  base: ContainerResources
  environments: Record<K8sEnvironment, { [K in ResourceKind]?: Partial<Record<ResourceName, string>> }>
} = {
  // The limits match compose.prod.yaml's.
  base: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  environments: {
    dev: { requests: { cpu: '50m' } },
    staging: { requests: { cpu: '100m', memory: '128Mi' } },
    prod: { requests: { cpu: '250m', memory: '256Mi' } },
  },
}

/** The image `helm test` runs. */
const TEST_IMAGE = { repository: 'curlimages/curl', tag: '8.17.0' } as const

/**
 * A quantity as a YAML scalar: a bare number is quoted, so it stays the string Kubernetes
 * documents (`"1"`), as is anything else a YAML reader would not read back as the same string.
 */
const yamlQuantity = (q: string | number) => yamlScalar(String(q))

const asYaml = (r: ContainerResources): ContainerResources => ({
  requests: { cpu: yamlQuantity(r.requests.cpu), memory: yamlQuantity(r.requests.memory) },
  limits: { cpu: yamlQuantity(r.limits.cpu), memory: yamlQuantity(r.limits.memory) },
})

/** Each environment's requests and limits, raised to the policy's floor. */
export function appResources(floor: Policy['resources']): Record<'base' | K8sEnvironment, ContainerResources> {
  const merged = (env: K8sEnvironment): ContainerResources => {
    const own = APP_RESOURCES.environments[env]
    return {
      requests: { ...APP_RESOURCES.base.requests, ...own.requests },
      limits: { ...APP_RESOURCES.base.limits, ...own.limits },
    }
  }
  return {
    base: applyResourceFloor(APP_RESOURCES.base, floor),
    dev: applyResourceFloor(merged('dev'), floor),
    staging: applyResourceFloor(merged('staging'), floor),
    prod: applyResourceFloor(merged('prod'), floor),
  }
}

/**
 * What a Kustomize overlay's Deployment patch sets: the environment's own values, and any value
 * the floor made differ from the base's (a request raised past the base's limit raises the limit).
 * Null when it sets nothing: an empty `resources:` in a strategic merge patch would delete them.
 */
function resourcePatch(env: K8sEnvironment, resolved: Record<'base' | K8sEnvironment, ContainerResources>): Record<ResourceKind, YamlEntry[]> | null {
  const own = APP_RESOURCES.environments[env]
  const patch = Object.fromEntries(
    RESOURCE_KINDS.map((kind) => [
      kind,
      RESOURCE_NAMES.filter((name) => own[kind]?.[name] !== undefined || resolved[env][kind][name] !== resolved.base[kind][name]).map((name) => ({
        name,
        value: yamlQuantity(resolved[env][kind][name]),
      })),
    ]),
  ) as Record<ResourceKind, YamlEntry[]>
  return patch.requests.length || patch.limits.length ? patch : null
}

// Kubernetes' syntax for label and annotation keys (an optional DNS prefix, then a name) and label values.
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/

// Keys the chart and the Kustomize tree set themselves: a second value would be a duplicate YAML
// key in Helm's output (an install error) or silently replace the generated one in Kustomize's.
const OWN_KEYS = {
  labels: ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of', 'app.kubernetes.io/component', 'helm.sh/chart'],
  annotations: ['checksum/config', 'checksum/secret'],
} as const

/** Why the API server would refuse a policy's label or annotation, or undefined. Checked when the config is read, and again here. */
export function metadataProblem(rule: 'labels' | 'annotations', name: string, value: string): string | undefined {
  if ((OWN_KEYS[rule] as readonly string[]).includes(name)) return `${name} is set by the generated manifests themselves; a policy cannot set it (use another key)`
  const [prefix, key] = name.includes('/') ? [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)] : ['', name]
  if (!QUALIFIED_NAME.test(name) || key!.length > 63 || prefix!.length > 253)
    return `${JSON.stringify(name)} is not a Kubernetes ${rule === 'labels' ? 'label' : 'annotation'} key (an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or ".")`
  if (rule === 'labels' && (!LABEL_VALUE.test(String(value)) || String(value).length > 63))
    return `the value of ${name}, ${JSON.stringify(value)}, is not a Kubernetes label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`
  return undefined
}

/** A policy's labels or annotations as YAML lines. */
function metadataEntries(rule: 'labels' | 'annotations', map: Readonly<Record<string, string>> | undefined): YamlEntry[] {
  return Object.entries(map ?? {}).map(([name, value]) => {
    const problem = metadataProblem(rule, name, value)
    if (problem) throw new Error(`policy ${rule}: ${problem}`)
    return { name, value: JSON.stringify(String(value)) }
  })
}

export interface KubernetesContext {
  format: K8sFormat
  /** Where the chart or the Kustomize tree is written. */
  chartDir: string
  kustomizeDir: string
  uid: number
  gid: number
  health: HealthCheck
  cluster: ClusterSpec & { ingress: ClusterSpec['ingress'] & { annotations: readonly Annotation[] } }
  /** The variable the ConfigMap sets to the port, when the app reads another than PORT (Helm's `portEnv`). */
  portEnv: string | null
  /** The variable the port is in. */
  portName: string
  /** The Kustomize ConfigMap's literal for it (`PORT=3000`, `ADDR=0.0.0.0:8080`). */
  portLiteral: string
  /**
   * Plain settings for the ConfigMap: LOG_LEVEL, the app's bind address and the non-secret
   * variables it requires, and the services' non-secret variables.
   */
  config: Setting[]
  /** The app's own required settings (not secrets): staging and prod set their own values. */
  appConfig: Setting[]
  /** Secret variables the app itself reads: the ones its connection settings use, and its own required secrets. */
  secretEnv: string[]
  /** Every secret variable with its dev-only default (the services need some the app does not). */
  devSecrets: Setting[]
  /** The app's connection settings, per environment. */
  connections: ConnectionEnv[]
  /** The ones staging and prod point elsewhere (the Kustomize overlays patch them). */
  managedConnections: ConnectionEnv[]
  /** Every connection setting is a URL (values.yaml says "connection URLs"). */
  urlsOnly: boolean
  /** The app container has an env list (secrets or connection settings). */
  hasEnv: boolean
  inCluster: InClusterService[]
  /** Ports the app opens to managed services outside the cluster (staging, prod). */
  managedEgress: { label: string; port: number }[]
  hosts: { default: string } & Record<K8sEnvironment, string>
  /** Said in the staging and prod files of EKS, AKS and GKE. */
  /** Where the Terraform stack is and which outputs the managed endpoints come from; null without a cloud. */
  terraformNote: string | null
  /** The secret manager entry External Secrets reads, per environment (the Terraform stacks create it). */
  secretNames: { staging: string; prod: string }
  /** The app container's requests and limits per environment, at or above the policy's floor; each quantity a YAML scalar. */
  resources: Record<'base' | K8sEnvironment, ContainerResources>
  /** What each Kustomize overlay's Deployment patch sets (YAML scalars); null: no resources in the patch. */
  resourcePatches: Record<K8sEnvironment, Record<ResourceKind, YamlEntry[]> | null>
  /** The policy's labels for every object (values quoted for YAML). */
  labels: YamlEntry[]
  /** The policy's annotations for the app's pods (values quoted for YAML). */
  podAnnotations: YamlEntry[]
  /** The `helm test` pod's image, through the policy's mirror. */
  testImage: { repository: string; tag: string }
}

/** `${NAME}` (Compose interpolation) → `$(NAME)` (the kubelet's dependent variables). */
export function toKubeletVars(text: string): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, '$($1)')
}

/** A Compose healthcheck as an exec probe command; `$$` is Compose's escape for `$`. */
export function execProbe(test: readonly string[]): string[] {
  const [kind, ...rest] = test
  const unescaped = rest.map((a) => a.replaceAll('$$', '$'))
  return kind === 'CMD-SHELL' ? ['sh', '-c', unescaped.join(' ')] : unescaped
}

/** The managed endpoint's example host name for an environment (`.internal` is reserved for private use). */
export function managedHost(name: string, s: ServiceSpec, env: 'staging' | 'prod'): string {
  return `${name}-${s.host}.${env}.example.internal`
}

/**
 * `<name>-<suffix>` cut to 52 characters: a StatefulSet's pods carry the label
 * `controller-revision-hash: <statefulset>-<10-character hash>`, and label values stop at 63.
 */
export function workloadName(name: string, suffix: string): string {
  return `${name.slice(0, 51 - suffix.length).replace(/-+$/, '')}-${suffix}`
}

/** A ConfigMap or Secret value: the `.env` default without Compose's `$$` escape. */
function entry(name: string, devDefault: string, description: string): Setting {
  const value = devDefault.replaceAll('$$', '$')
  return { name, value, description, literal: yamlValue(`${name}=${value}`) }
}

/** `${NAME}` references in a Compose value. */
const references = (text: string) => [...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!)

/**
 * Load balancers that check the app themselves. With no health route (a TCP check) the ALB,
 * which checks HTTP only (TCP checks are the NLB's), asks `/` and takes any answer below 500:
 * the server is up, whatever its root page says.
 */
function ingressAnnotations(annotations: readonly Annotation[], health: HealthCheck): Annotation[] {
  const path = health.readiness ?? health.liveness
  return annotations.flatMap((a) => {
    if (!a.value.includes('{readinessPath}')) return [a]
    if (path) return [{ ...a, value: a.value.replace('{readinessPath}', path) }]
    return [
      { ...a, value: a.value.replace('{readinessPath}', '/'), comment: 'The app has no health route: the ALB checks / (ALB checks are HTTP; TCP checks are for NLBs).' },
      { key: a.key.replace(/healthcheck-path$/, 'success-codes'), value: '200-499', comment: 'Any answer below 500 counts as healthy: the server is up, whatever its root page returns.' },
    ]
  })
}

function inCluster(name: string, label: string, s: ServiceSpec): InClusterService {
  const derived = Object.entries(s.environment)
    // `POSTGRES_USER: ${POSTGRES_USER}` is the variable itself, already set from the ConfigMap.
    .filter(([name, value]) => value !== `\${${name}}`)
    .map(([name, value]) => ({ name, value: toKubeletVars(value) }))
  return {
    id: s.host,
    workload: workloadName(name, s.host),
    label,
    image: s.image,
    port: s.port,
    uid: s.k8s.uid,
    args: (s.command ?? []).map((a) => a.replaceAll('$$', '$')),
    configEnv: s.secrets.filter((v) => !v.secret).map((v) => v.name),
    secretEnv: s.secrets.filter((v) => v.secret).map((v) => v.name),
    env: derived,
    healthcheck: execProbe(s.healthcheck),
    dataDir: s.dataDir,
    writableDirs: s.k8s.writableDirs,
    memory: s.k8s.memory,
  }
}

/**
 * Everything the Helm and Kustomize templates need, derived from the answers and the service
 * registry, so the Kubernetes files use the same names, ports and variables as Compose.
 */
export function kubernetesContext(
  answers: Answers,
  platform: PlatformChoice,
  services: readonly (ServiceSpec & { id: string; label: string })[],
  /** The app container's environment, as Compose sets it. */
  appEnv: AppEnv,
  uid: number,
  policy: Policy = {},
  /** What the probes ask: the same as the image's HEALTHCHECK (the app's own routes; null: TCP). */
  health: HealthCheck = HEALTH,
): KubernetesContext | null {
  const cluster = platform.cluster
  if (!cluster) return null
  checkResourceFloor(policy.resources)
  const resources = appResources(policy.resources)
  const { name } = answers
  const vars = services.flatMap((s) => s.secrets)
  const address = appEnv.portValue !== String(answers.port)
  // The app's own variables reach it from the ConfigMap or the Secret, its connections through
  // the kubelet's $(NAME): the secrets those name are the Secret's keys the app reads.
  const used = new Set(appEnv.vars.filter((v) => v.kind === 'connection' || v.kind === 'required').flatMap((v) => references(v.value)))
  const own = appEnv.dotenv
  const secretEnv = [...vars.filter((v) => v.secret && used.has(v.name)), ...own.filter((v) => v.secret)].map((v) => v.name)
  const setting = (v: EnvVar): Setting => entry(v.name, v.devDefault, v.description)
  const endpoint = (s: ServiceSpec & { id: string }, env: 'staging' | 'prod'): Endpoint => ({ host: managedHost(name, s, env), port: managedPort(platform.cloud, s.id, s.port) })
  const connections = appEnv.vars
    .flatMap((v) => (v.connection && v.value !== `\${${v.name}}` ? [{ v, ...v.connection }] : []))
    .map(({ v, service: s, part }, i): ConnectionEnv => {
      const dev = toKubeletVars(connectionValue(s, part))
      const staging = toKubeletVars(connectionValue(s, part, endpoint(s, 'staging')))
      return { name: v.name, description: v.description, default: dev, staging, prod: toKubeletVars(connectionValue(s, part, endpoint(s, 'prod'))), managed: staging !== dev, envIndex: secretEnv.length + i }
    })
  return {
    format: answers.k8sFormat,
    chartDir: `deploy/helm/${name}`,
    kustomizeDir: 'deploy/kustomize',
    uid,
    gid: uid,
    health,
    cluster: { ...cluster, ingress: { ...cluster.ingress, annotations: ingressAnnotations(cluster.ingress.annotations, health) } },
    // Helm's ConfigMap sets portEnv to containerPort itself; an address-shaped variable is a setting.
    portEnv: appEnv.portName !== 'PORT' && !address ? appEnv.portName : null,
    portName: appEnv.portName,
    portLiteral: yamlValue(`${appEnv.portName}=${appEnv.portValue}`),
    config: [
      ...appEnv.vars.flatMap((v) => (v.kind === 'setting' && v.env ? [setting(v.env)] : [])),
      ...(address && answers.k8sFormat === 'helm' ? [entry(appEnv.portName, appEnv.portValue, 'Listening address (keep its port equal to containerPort)')] : []),
      ...(appEnv.hostName ? [entry(appEnv.hostName, '0.0.0.0', 'Bind address: every interface, so the Service reaches the app')] : []),
      ...own.filter((v) => !v.secret).map(setting),
      ...vars.filter((v) => !v.secret).map(setting),
    ],
    appConfig: own.filter((v) => !v.secret).map(setting),
    secretEnv,
    devSecrets: [...vars, ...own].filter((v) => v.secret).map(setting),
    connections,
    managedConnections: connections.filter((c) => c.managed),
    urlsOnly: appEnv.vars.every((v) => v.connection === undefined || v.connection.part === 'url'),
    hasEnv: secretEnv.length > 0 || connections.length > 0,
    inCluster: services.map((s) => inCluster(name, s.label, s)),
    managedEgress: services.map((s) => ({ label: s.label, port: managedPort(platform.cloud, s.id, s.port) })),
    hosts: {
      default: `${name}.example.com`,
      dev: `${name}.dev.example.com`,
      staging: `${name}.staging.example.com`,
      prod: `${name}.example.com`,
    },
      terraformNote: platform.cloud
      ? `${TERRAFORM_DIR[platform.cloud]} creates this environment's cluster${services.length ? ' and managed services: copy their endpoints from `terraform output` (' + services.map((s) => (s.urlEnv === 'DATABASE_URL' ? 'database_host, database_port' : 'cache_host, cache_port')).join('; ') + ')' : ''}.`
      : null,
    secretNames: { staging: cloudSecretName(platform.cloud, name, 'staging'), prod: cloudSecretName(platform.cloud, name, 'prod') },
    resources: { base: asYaml(resources.base), dev: asYaml(resources.dev), staging: asYaml(resources.staging), prod: asYaml(resources.prod) },
    resourcePatches: { dev: resourcePatch('dev', resources), staging: resourcePatch('staging', resources), prod: resourcePatch('prod', resources) },
    labels: metadataEntries('labels', policy.labels),
    podAnnotations: metadataEntries('annotations', policy.annotations),
    testImage: { repository: mirrorImage(TEST_IMAGE.repository, policy.baseImages?.mirrors ?? {}), tag: TEST_IMAGE.tag },
  }
}

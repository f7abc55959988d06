import type { Answers } from './answers.js'
import type { K8sFormat } from './options.js'
import type { Annotation, ClusterSpec, PlatformChoice } from './registry/platforms.js'
import type { EnvVar, ServiceSpec } from './registry/services.js'
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
}

/** A connection URL the app reads, per environment, in Kubernetes' `$(NAME)` syntax. */
export interface ConnectionUrl {
  name: string
  description: string
  /** The in-cluster (dev) URL: the same host and port as Compose. */
  default: string
  staging: string
  prod: string
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

export interface KubernetesContext {
  format: K8sFormat
  /** Where the chart or the Kustomize tree is written. */
  chartDir: string
  kustomizeDir: string
  uid: number
  gid: number
  health: typeof HEALTH
  cluster: ClusterSpec & { ingress: ClusterSpec['ingress'] & { annotations: readonly Annotation[] } }
  /** Plain settings for the ConfigMap (LOG_LEVEL and the services' non-secret variables). */
  config: Setting[]
  /** Secret variables the app itself reads (the ones its connection URLs use). */
  secretEnv: string[]
  /** Every secret variable with its dev-only default (the services need some the app does not). */
  devSecrets: Setting[]
  urls: ConnectionUrl[]
  inCluster: InClusterService[]
  /** Ports the app opens to managed services outside the cluster (staging, prod). */
  managedEgress: { label: string; port: number }[]
  hosts: { default: string } & Record<K8sEnvironment, string>
  /** Said in the staging and prod files of EKS, AKS and GKE. */
  /** Where the Terraform stack is and which outputs the managed endpoints come from; null without a cloud. */
  terraformNote: string | null
  /** The secret manager entry External Secrets reads, per environment (the Terraform stacks create it). */
  secretNames: { staging: string; prod: string }
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
  appSettings: readonly EnvVar[],
  uid: number,
): KubernetesContext | null {
  const cluster = platform.cluster
  if (!cluster) return null
  const { name } = answers
  const usedByUrls = (v: EnvVar) => services.some((s) => s.url.includes(`\${${v.name}}`))
  const vars = services.flatMap((s) => s.secrets)
  const secretEnv = vars.filter((v) => v.secret && usedByUrls(v)).map((v) => v.name)
  return {
    format: answers.k8sFormat,
    chartDir: `deploy/helm/${name}`,
    kustomizeDir: 'deploy/kustomize',
    uid,
    gid: uid,
    health: HEALTH,
    cluster: {
      ...cluster,
      ingress: {
        ...cluster.ingress,
        annotations: cluster.ingress.annotations.map((a) => ({ ...a, value: a.value.replace('{readinessPath}', HEALTH.readiness) })),
      },
    },
    config: [...appSettings, ...vars]
      .filter((v) => !v.secret)
      .map((v) => ({ name: v.name, value: v.devDefault, description: v.description })),
    secretEnv,
    devSecrets: vars.filter((v) => v.secret).map((v) => ({ name: v.name, value: v.devDefault, description: v.description })),
    urls: services.map((s, i) => {
      const url = toKubeletVars(s.url)
      const at = `${s.host}:${s.port}`
      const port = managedPort(platform.cloud, s.id, s.port)
      return {
        name: s.urlEnv,
        description: `${s.label} connection URL`,
        default: url,
        staging: url.replace(at, `${managedHost(name, s, 'staging')}:${port}`),
        prod: url.replace(at, `${managedHost(name, s, 'prod')}:${port}`),
        envIndex: secretEnv.length + i,
      }
    }),
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
  }
}

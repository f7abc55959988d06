import type { Answers } from './answers.js'
import type { KubernetesContext } from './kubernetes-context.js'
import type { PlatformChoice, RegistryChoice } from './registry/platforms.js'
import type { ServiceSpec } from './registry/services.js'

export type Cloud = 'aws' | 'azure' | 'gcp'

/** The managed database as Terraform creates it: engine, port and the variables the app reads. */
export interface TerraformDatabase {
  engine: 'postgres' | 'mysql' | 'mariadb' | 'mongodb'
  label: string
  port: number
  /** The app's user and database names: the ConfigMap's values, so the chart needs no change. */
  user: string
  dbName: string
  /** Keys of the cloud secret the chart's ExternalSecret reads (`secretEnv`). */
  passwordKey: string
}

export interface TerraformCache {
  engine: 'redis' | 'valkey' | 'memcached'
  label: string
  port: number
  /** The secret key of the cache's password; null for Memcached, which has none. */
  passwordKey: string | null
}

/**
 * What the Terraform templates of EKS, AKS and GKE vary on. Everything else is verbatim HCL;
 * per-answer variation beyond this lives in variables' defaults and `terraform.tfvars.example`.
 */
export interface TerraformContext {
  cloud: Cloud
  /** Where the stack is written, relative to the project. */
  dir: string
  /** The provider whose OIDC identity CI federation trusts; null without CI. */
  ci: 'github' | 'gitlab' | null
  /** True when the chosen registry is this cloud's own, so the stack creates it. */
  registry: boolean
  database: TerraformDatabase | null
  cache: TerraformCache | null
  /** Keys of the per-environment secret in the cloud's secret store, in the chart's order. */
  secretKeys: string[]
  /** The secret's name for an environment, as the chart's `externalSecret.remoteKey` names it. */
  secretName: { staging: string; prod: string }
  /**
   * The secret's JSON entries as HCL lines, `KEY = local.<service>_password` (each cloud's
   * database and cache files define it: generated, or the service's own key) or
   * `KEY = local.app_secrets["KEY"]` for a secret the app itself requires, with the `=`
   * aligned as `terraform fmt` wants it (a template cannot pad).
   */
  secretEntries: string[]
  /**
   * Secrets the app requires at boot (JWT_SECRET...): secrets.tf generates each at random, and
   * `var.app_secrets` sets the ones that must be a real value (an API key of another service).
   */
  appSecrets: string[]
  /** The stack uses the random provider (a generated password). */
  randomProvider: boolean
  /** GCP: a managed service (Cloud SQL, Memorystore) needs the VPC's private services access. */
  privateServiceAccess: boolean
}

/** Where each cloud keeps the stack; one stack per environment (see its README). */
export const TERRAFORM_DIR: Record<Cloud, string> = {
  aws: 'infra/terraform/aws',
  azure: 'infra/terraform/azure',
  gcp: 'infra/terraform/gcp',
}

/**
 * The cloud secret's name: Key Vault and Secret Manager allow letters, digits and dashes only,
 * Secrets Manager conventionally uses a path.
 */
export function cloudSecretName(cloud: Cloud | null, name: string, env: string): string {
  return cloud === 'aws' || cloud === null ? `${name}/${env}` : `${name}-${env}`
}

/**
 * The port of the managed service a cloud runs for a choice, where it is not the engine's own:
 * Azure DocumentDB (MongoDB vCore) listens on 10260, Azure Managed Redis on 10000, Firestore's
 * MongoDB-compatible endpoint on 443. The chart's egress and URLs use the same port.
 */
const MANAGED_PORTS: Partial<Record<Cloud, Partial<Record<string, number>>>> = {
  azure: { mongodb: 10260, redis: 10000, valkey: 10000 },
  gcp: { mongodb: 443 },
}

export function managedPort(cloud: Cloud | null, serviceId: string, enginePort: number): number {
  return (cloud && MANAGED_PORTS[cloud]?.[serviceId]) ?? enginePort
}

function passwordKey(s: ServiceSpec): string | null {
  return s.secrets.find((v) => v.secret && s.url.includes(`\${${v.name}}`))?.name ?? null
}

function configValue(s: ServiceSpec, suffix: RegExp): string {
  const v = s.secrets.find((x) => !x.secret && suffix.test(x.name))
  if (!v) throw new Error(`internal: ${s.host} has no variable matching ${suffix}`)
  return v.devDefault
}

function secretEntries(keys: readonly string[], dbKey: string | null, cacheKey: string | null, appSecrets: readonly string[]): string[] {
  const width = Math.max(0, ...keys.map((k) => k.length))
  return keys.map((k) => {
    const source = k === dbKey ? 'local.database_password' : k === cacheKey ? 'local.cache_password' : appSecrets.includes(k) ? `local.app_secrets["${k}"]` : null
    if (!source) throw new Error(`internal: no generated value for the secret key ${k}`)
    return `${k.padEnd(width)} = ${source}`
  })
}

/**
 * The stack's own templates generate with the random provider: Azure always (name suffixes),
 * AWS the database's and the Redis or Valkey cache's passwords, GCP the Cloud SQL password
 * (Firestore and Memorystore make their own credentials).
 */
function generatesPassword(cloud: Cloud, db: ServiceSpec | undefined, cache: ServiceSpec | undefined): boolean {
  if (cloud === 'azure') return true
  if (cloud === 'gcp') return db !== undefined && db.host !== 'mongodb'
  return db !== undefined || (cache !== undefined && passwordKey(cache) !== null)
}

/** Derives the Terraform context; null for platforms without a cloud (Compose, any Kubernetes). */
export function terraformContext(
  answers: Answers,
  platform: PlatformChoice,
  registry: RegistryChoice,
  services: readonly (ServiceSpec & { id: string; label: string })[],
  k8s: KubernetesContext | null,
): TerraformContext | null {
  const cloud = platform.cloud
  if (!cloud || !k8s) return null
  const db = services.find((s) => s.urlEnv === 'DATABASE_URL')
  const cache = services.find((s) => s.urlEnv === 'CACHE_URL')
  const dbKey = db ? passwordKey(db) : null
  const cacheKey = cache ? passwordKey(cache) : null
  // Every other key the app reads from its Secret is one of its own (JWT_SECRET...).
  const appSecrets = k8s.secretEnv.filter((k) => k !== dbKey && k !== cacheKey)
  return {
    cloud,
    dir: TERRAFORM_DIR[cloud],
    ci: answers.ci === 'none' ? null : answers.ci,
    registry: registry.cloud === cloud,
    database: db
      ? {
          engine: db.id as TerraformDatabase['engine'],
          label: db.label,
          port: managedPort(cloud, db.id, db.port),
          user: configValue(db, /_USER$/),
          dbName: configValue(db, /_(DB|DATABASE)$/),
          passwordKey: passwordKey(db)!,
        }
      : null,
    cache: cache ? { engine: cache.id as TerraformCache['engine'], label: cache.label, port: managedPort(cloud, cache.id, cache.port), passwordKey: passwordKey(cache) } : null,
    secretKeys: k8s.secretEnv,
    privateServiceAccess: cloud === 'gcp' && (cache !== undefined || (db !== undefined && db.id !== 'mongodb')),
    secretEntries: secretEntries(k8s.secretEnv, dbKey, cacheKey, appSecrets),
    appSecrets,
    randomProvider: appSecrets.length > 0 || generatesPassword(cloud, db, cache),
    secretName: { staging: cloudSecretName(cloud, answers.name, 'staging'), prod: cloudSecretName(cloud, answers.name, 'prod') },
  }
}

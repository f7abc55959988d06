/**
 * The option axes. Every prompt, flag, `--help` line, validation rule and test-matrix
 * dimension is derived from these tuples and the registries that describe each value.
 */
export const LANGUAGES = ['node', 'python', 'go', 'java', 'rust', 'dotnet', 'ruby', 'php'] as const
export type Language = (typeof LANGUAGES)[number]

export const DATABASES = ['none', 'postgres', 'mysql', 'mariadb', 'mongodb'] as const
export type Database = (typeof DATABASES)[number]

export const CACHES = ['none', 'redis', 'valkey', 'memcached'] as const
export type Cache = (typeof CACHES)[number]

export const PLATFORMS = ['compose', 'kubernetes', 'eks', 'aks', 'gke'] as const
export type Platform = (typeof PLATFORMS)[number]

/** How the Kubernetes platforms package the manifests: a Helm chart, or Kustomize base + overlays. */
export const K8S_FORMATS = ['helm', 'kustomize'] as const
export type K8sFormat = (typeof K8S_FORMATS)[number]

export const CI_PROVIDERS = ['none', 'github', 'gitlab'] as const
export type CiProvider = (typeof CI_PROVIDERS)[number]

export const REGISTRIES = ['ghcr', 'dockerhub', 'ecr', 'acr', 'gar', 'gitlab'] as const
export type Registry = (typeof REGISTRIES)[number]

/** What every registry entry shares: how it is shown and whether it can be generated today. */
export interface Choice<Id extends string = string> {
  id: Id
  label: string
  hint?: string
  /** False while the generators for this value are still being built; it is listed but refused. */
  available: boolean
}

import type { Choice, CiProvider, Platform, Registry } from '../options.js'

export interface PlatformChoice extends Choice<Platform> {
  /** The cloud whose registry and identity this platform uses, if any. */
  cloud: 'aws' | 'azure' | 'gcp' | null
}

export const PLATFORM_CHOICES: readonly PlatformChoice[] = [
  { id: 'compose', label: 'Docker Compose only', hint: 'a single host or local use', available: true, cloud: null },
  { id: 'kubernetes', label: 'Kubernetes (any cluster)', hint: 'Helm chart', available: false, cloud: null },
  { id: 'eks', label: 'Amazon EKS', hint: 'Helm chart + Terraform', available: false, cloud: 'aws' },
  { id: 'aks', label: 'Azure AKS', hint: 'Helm chart + Terraform', available: false, cloud: 'azure' },
  { id: 'gke', label: 'Google GKE', hint: 'Helm chart + Terraform', available: false, cloud: 'gcp' },
]

export type CiChoice = Choice<CiProvider>

export const CI_CHOICES: readonly CiChoice[] = [
  { id: 'none', label: 'None', available: true },
  { id: 'github', label: 'GitHub Actions', available: false },
  { id: 'gitlab', label: 'GitLab CI', available: false },
]

export interface RegistryChoice extends Choice<Registry> {
  cloud: 'aws' | 'azure' | 'gcp' | null
  /** An example image repository; the real one is set in `.env` / CI variables. */
  example: (name: string) => string
}

export const REGISTRY_CHOICES: readonly RegistryChoice[] = [
  { id: 'ghcr', label: 'GitHub Container Registry', available: true, cloud: null, example: (n) => `ghcr.io/your-org/${n}` },
  { id: 'dockerhub', label: 'Docker Hub', available: true, cloud: null, example: (n) => `docker.io/your-org/${n}` },
  {
    id: 'ecr',
    label: 'Amazon ECR',
    available: true,
    cloud: 'aws',
    example: (n) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/${n}`,
  },
  { id: 'acr', label: 'Azure Container Registry', available: true, cloud: 'azure', example: (n) => `yourregistry.azurecr.io/${n}` },
  {
    id: 'gar',
    label: 'Google Artifact Registry',
    available: true,
    cloud: 'gcp',
    example: (n) => `us-docker.pkg.dev/your-project/containers/${n}`,
  },
  { id: 'gitlab', label: 'GitLab Container Registry', available: true, cloud: null, example: (n) => `registry.gitlab.com/your-group/${n}` },
]

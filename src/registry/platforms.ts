import type { Choice, CiProvider, K8sFormat, Platform, Registry } from '../options.js'

/** A source of traffic to the app's pods, for the NetworkPolicy: controller pods or an address range. */
export type TrafficSource =
  | { comment: string; namespace: string; podLabels?: Readonly<Record<string, string>> }
  | { comment: string; cidr: string }

/** An annotation with the reason it is there (written as a comment next to it). */
export interface Annotation {
  key: string
  value: string
  comment: string
}

/** What differs between Kubernetes clusters: how traffic gets in and how pods get a cloud identity. */
export interface ClusterSpec {
  ingress: {
    /** Shown in values.yaml: what serves the Ingress. */
    controller: string
    className: string
    /** Controller annotations; `{readinessPath}` is replaced with the app's readiness path. */
    annotations: readonly Annotation[]
    /** cert-manager ClusterIssuer for the TLS certificate, or "" when the cloud issues it. */
    clusterIssuer: string
    tlsNote: string
  }
  /** Who sends the app its traffic: allowed in by the NetworkPolicy. */
  ingressFrom: readonly TrafficSource[]
  serviceAnnotations: readonly Annotation[]
  /** Comment lines next to serviceAccount.annotations: how to bind a cloud identity. */
  serviceAccountHints: readonly string[]
  /** The secret manager an External Secrets store would read, and the example store's name. */
  secretStore: string
  secretStoreName: string
}

export interface PlatformChoice extends Choice<Platform> {
  /** The cloud whose registry and identity this platform uses, if any. */
  cloud: 'aws' | 'azure' | 'gcp' | null
  /** Kubernetes platforms: what their manifests need to know about the cluster; null for Compose. */
  cluster: ClusterSpec | null
}

const CERT_MANAGER_NOTE = 'cert-manager ClusterIssuer that issues the certificate (cert-manager.io/cluster-issuer); empty: none.'

const kubernetes: ClusterSpec = {
  ingress: {
    controller: 'an NGINX ingress controller (class "nginx"; Traefik, HAProxy and others work with their class)',
    className: 'nginx',
    annotations: [],
    clusterIssuer: 'letsencrypt',
    tlsNote: CERT_MANAGER_NOTE,
  },
  ingressFrom: [
    {
      comment: 'The ingress controller\'s pods (ingress-nginx defaults; use your controller\'s namespace and labels).',
      namespace: 'ingress-nginx',
      podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    },
  ],
  serviceAnnotations: [],
  serviceAccountHints: ['(none needed unless the app calls a cloud API)'],
  secretStore: 'Vault, AWS Secrets Manager, Azure Key Vault or Google Secret Manager',
  secretStoreName: 'vault',
}

const eks: ClusterSpec = {
  ingress: {
    controller: 'the AWS Load Balancer Controller (an ALB)',
    className: 'alb',
    annotations: [
      { key: 'alb.ingress.kubernetes.io/scheme', value: 'internet-facing', comment: 'A public ALB; "internal" for a private one.' },
      { key: 'alb.ingress.kubernetes.io/target-type', value: 'ip', comment: 'Send traffic straight to pod IPs, so readiness and draining apply per pod.' },
      { key: 'alb.ingress.kubernetes.io/listen-ports', value: '[{"HTTP": 80}, {"HTTPS": 443}]', comment: 'Listen on HTTP and HTTPS.' },
      { key: 'alb.ingress.kubernetes.io/ssl-redirect', value: '443', comment: 'Redirect HTTP to HTTPS.' },
      { key: 'alb.ingress.kubernetes.io/healthcheck-path', value: '{readinessPath}', comment: 'The ALB checks the readiness endpoint.' },
    ],
    clusterIssuer: '',
    tlsNote: 'Empty: the ALB finds the ACM certificate for the hosts in tls (certificate discovery); set a cert-manager ClusterIssuer only with another controller.',
  },
  ingressFrom: [
    {
      comment: 'The ALB reaches pod IPs from the VPC (target-type ip); narrow this to its public subnets.',
      cidr: '10.0.0.0/16',
    },
  ],
  serviceAnnotations: [],
  serviceAccountHints: [
    'EKS Pod Identity: an association for this ServiceAccount, no annotation needed;',
    'IRSA: eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/<role>',
  ],
  secretStore: 'AWS Secrets Manager',
  secretStoreName: 'aws-secrets-manager',
}

const aks: ClusterSpec = {
  ingress: {
    controller: 'the AKS application routing add-on (managed NGINX)',
    className: 'webapprouting.kubernetes.azure.com',
    annotations: [],
    clusterIssuer: 'letsencrypt',
    tlsNote: CERT_MANAGER_NOTE,
  },
  ingressFrom: [{ comment: 'The application routing add-on\'s NGINX pods.', namespace: 'app-routing-system' }],
  serviceAnnotations: [],
  serviceAccountHints: [
    'Microsoft Entra Workload ID: azure.workload.identity/client-id: <client-id>',
    '(and podLabels: azure.workload.identity/use: "true")',
  ],
  secretStore: 'Azure Key Vault',
  secretStoreName: 'azure-key-vault',
}

const gke: ClusterSpec = {
  ingress: {
    controller: 'GKE Ingress (an external Application Load Balancer)',
    className: 'gce',
    annotations: [],
    clusterIssuer: 'letsencrypt',
    tlsNote: CERT_MANAGER_NOTE,
  },
  ingressFrom: [
    { comment: "Google's load balancer proxies and health checks reach pod IPs (container-native load balancing).", cidr: '35.191.0.0/16' },
    { comment: 'The second range Google\'s load balancers and health checks use.', cidr: '130.211.0.0/22' },
  ],
  serviceAnnotations: [
    { key: 'cloud.google.com/neg', value: '{"ingress": true}', comment: 'Container-native load balancing: the load balancer targets pods, not nodes.' },
  ],
  serviceAccountHints: ['Workload Identity Federation: iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com'],
  secretStore: 'Google Secret Manager',
  secretStoreName: 'gcp-secret-manager',
}

export const PLATFORM_CHOICES: readonly PlatformChoice[] = [
  { id: 'compose', label: 'Docker Compose only', hint: 'a single host or local use', available: true, cloud: null, cluster: null },
  { id: 'kubernetes', label: 'Kubernetes (any cluster)', hint: 'Helm chart or Kustomize', available: true, cloud: null, cluster: kubernetes },
  { id: 'eks', label: 'Amazon EKS', hint: 'Helm chart or Kustomize, plus Terraform for the cluster and managed services', available: true, cloud: 'aws', cluster: eks },
  { id: 'aks', label: 'Azure AKS', hint: 'Helm chart or Kustomize, plus Terraform for the cluster and managed services', available: true, cloud: 'azure', cluster: aks },
  { id: 'gke', label: 'Google GKE', hint: 'Helm chart or Kustomize, plus Terraform for the cluster and managed services', available: true, cloud: 'gcp', cluster: gke },
]

export type K8sFormatChoice = Choice<K8sFormat>

export const K8S_FORMAT_CHOICES: readonly K8sFormatChoice[] = [
  { id: 'helm', label: 'Helm chart', hint: 'values per environment, helm test', available: true },
  { id: 'kustomize', label: 'Kustomize', hint: 'base + dev/staging/prod overlays, kubectl apply -k', available: true },
]

export type CiChoice = Choice<CiProvider>

export const CI_CHOICES: readonly CiChoice[] = [
  { id: 'none', label: 'None', available: true },
  { id: 'github', label: 'GitHub Actions', hint: 'test, build, scan, sign, push, deploy', available: true },
  { id: 'gitlab', label: 'GitLab CI', hint: 'test, build, scan, sign, push, deploy', available: true },
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

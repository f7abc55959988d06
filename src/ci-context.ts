import { posix } from 'node:path'
import { AnswerError, type Answers } from './answers.js'
import { composeFiles } from './compose-files.js'
import type { AppFacts } from './detect/types.js'
import type { Severity } from './config/types.js'
import { K8S_ENVIRONMENTS, type KubernetesContext } from './kubernetes-context.js'
import type { CiProvider, Registry } from './options.js'
import { scanSeverities } from './policy/scan.js'
import { ciToolchain, type CiToolchain, type CiToolchainInput } from './registry/ci-toolchains.js'
import type { PlatformChoice } from './registry/platforms.js'
import type { Cloud, TerraformContext } from './terraform-context.js'
import { withDigest } from './registry/image-digests.js'

/** A setting the pipelines read from the CI system, shown in the README. */
export interface CiSetting {
  name: string
  kind: 'variable' | 'secret'
  /** Where it is set: once for the repository, per deployment environment, or both (the environment's wins there). */
  scope: 'repository' | 'environment' | 'repository and environment'
  description: string
}

/**
 * Where the image builds from, as Compose's `build:` block has it: the context relative to the
 * service folder, the Dockerfile relative to the context.
 */
export interface BuildSource {
  context: string
  dockerfile: string
}

/**
 * The build source an existing app's facts call for: a workspace member builds from the
 * workspace root with its Dockerfile in its own folder; a kept Dockerfile of the user's has ours
 * beside it as `Dockerfile.generated`. Anything else: the service folder and its Dockerfile.
 */
export function buildSource(app: AppFacts | undefined): BuildSource {
  // The same reading as the Compose build block's (context.ts), so CI builds what Compose builds.
  const file = app?.dockerfile ?? 'Dockerfile'
  if (!app?.buildContext || app.buildContext === '.') return { context: '.', dockerfile: file }
  return { context: app.buildContext, dockerfile: app.memberDir ? posix.join(app.memberDir, file) : file }
}

export interface CiEnvironment {
  name: string
  namespace: string
  /** Helm: the environment's values file; Kustomize: its overlay folder. */
  config: string
}

export interface CiContext {
  provider: Exclude<CiProvider, 'none'>
  /** The service's folder when it is not the repository root (a monorepo member); null otherwise. */
  appDir: string | null
  /**
   * Workflow names and files. Several services of one repository each get their own,
   * prefixed with the service's name, so neither files nor concurrency groups collide.
   */
  workflowNames: Record<'ci' | 'release' | 'deploy' | 'infra', string>
  workflowFiles: Record<'ci' | 'release' | 'deploy' | 'infra', string>
  /** ci.yml runs only for changes to these paths (a service in a sub-folder); null: every change. */
  workflowPaths: string[] | null
  /**
   * The image's build context and Dockerfile from the repository root, when they are not the
   * app's folder and its `Dockerfile`; null otherwise. `workspace`: the context is a workspace
   * root above the app, where its lockfile (and a Cargo workspace's target folder) live.
   */
  build: null | { context: string; file: string; workspace: boolean; why: string }
  toolchain: CiToolchain
  /** The toolchain's top-level `env:` entries, in order. */
  versions: { name: string; value: string }[]
  registry: Registry
  /** The image's last path segment in every registry: the project name. */
  imageName: string
  /** Compose files the integration job merges, as COMPOSE_FILE lists them. */
  composeFile: string
  /** Tool versions the pipelines pin (Helm and kubectl as this project's own checks use). */
  trivyVersion: string
  trivyVersionPlain: string
  helmVersion: string
  kubectlVersion: string
  dockerVersion: string
  cosignVersion: string
  deployImage: string
  /** The severities the image scan fails on, as Trivy takes them: CRITICAL down to the policy's scan.failOn (`CRITICAL,HIGH`). */
  scanSeverity: string
  /** The same, least severe first, for prose (`HIGH/CRITICAL`). */
  scanSeverityLabel: string
  /** Dependabot ecosystems (GitHub) for the language's manifests. */
  ecosystem: string
  /** GitLab: the toolchain job's cache variables, as a list. */
  toolchainVariables: { name: string; value: string }[]
  /** GitLab: the `aud` of the cloud login's ID token; null when the registry takes a password. */
  cloudAudience: string | null
  /** GitLab: the script lines that log Docker in to the registry. */
  gitlabLogin: string[]
  /** GitLab: the job images, `image:tag@sha256:…` where the digest is on record (registry/image-digests.ts). */
  jobImages: { toolchain: string; dockerCli: string; dockerDind: string; terraform: string; deploy: string }

  /** Cluster deploys; null for Compose, which documents a place for its own. */
  deploy: null | {
    format: KubernetesContext['format']
    platform: PlatformChoice['id']
    release: string
    deployment: string
    chartDir: string
    kustomizeDir: string
    /** The image name the Kustomize base refers to; CI replaces it with the pushed digest. */
    kustomizeImage: string
    environments: CiEnvironment[]
  }
  /** The infrastructure pipeline for the Terraform stack; null without one. */
  infra: null | {
    cloud: Cloud
    dir: string
    terraformVersion: string
    /** The backend's state key (S3, azurerm) or prefix (GCS) for `$ENVIRONMENT`, in shell syntax. */
    stateKey: string
    environments: string[]
  }
  /** What the user sets up once: variables, secrets and where each comes from. */
  settings: CiSetting[]
  /** How to trust the pipeline's OIDC identity in the cloud; null without a cloud login. */
  oidc: string | null
}

const v = (name: string, description: string, scope: CiSetting['scope'] = 'repository'): CiSetting => ({ name, kind: 'variable', scope, description })
const s = (name: string, description: string, scope: CiSetting['scope'] = 'repository'): CiSetting => ({ name, kind: 'secret', scope, description })

/** Settings the image push needs, per registry and CI provider. GHCR and GitLab's registry need none. */
export function registrySettings(registry: Registry, provider: CiContext['provider']): CiSetting[] {
  const gitlab = provider === 'gitlab'
  switch (registry) {
    case 'ghcr':
      return gitlab
        ? [v('GHCR_USERNAME', 'GitHub user that owns the package'), s('GHCR_TOKEN', 'a GitHub token with write:packages (masked)'), v('IMAGE_REPOSITORY', 'ghcr.io/<owner>/<name>')]
        : []
    case 'dockerhub':
      return [
        v('DOCKERHUB_USERNAME', 'Docker Hub user the pipeline logs in as'),
        s('DOCKERHUB_TOKEN', 'a Docker Hub access token with read/write scope'),
        v('IMAGE_REPOSITORY', 'docker.io/<namespace>/<name>'),
      ]
    case 'ecr':
      return [
        v('AWS_REGION', 'region of the ECR repository'),
        v('AWS_ROLE_ARN', `IAM role the image job assumes through ${gitlab ? 'GitLab' : 'GitHub'} OIDC: ecr:GetAuthorizationToken and push to the repository`),
        v('IMAGE_REPOSITORY', '<account>.dkr.ecr.<region>.amazonaws.com/<name>'),
      ]
    case 'acr':
      return [
        v('AZURE_CLIENT_ID', 'client ID of the app registration or managed identity with a federated credential for the image job (AcrPush on the registry)'),
        v('AZURE_TENANT_ID', 'Microsoft Entra tenant ID'),
        // GitLab logs in without a subscription (--allow-no-subscriptions); azure/login takes one.
        ...(gitlab ? [] : [v('AZURE_SUBSCRIPTION_ID', 'subscription of the registry')]),
        v('IMAGE_REPOSITORY', '<registry>.azurecr.io/<name>'),
      ]
    case 'gar':
      return [
        v('GCP_WORKLOAD_IDENTITY_PROVIDER', 'projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>'),
        ...(gitlab ? [] : [v('GCP_SERVICE_ACCOUNT', 'service account the pipeline impersonates (Artifact Registry Writer, Kubernetes Engine Developer)')]),
        v('IMAGE_REPOSITORY', '<location>-docker.pkg.dev/<project>/<repository>/<name>'),
      ]
    case 'gitlab':
      return gitlab
        ? []
        : [v('GITLAB_USERNAME', 'GitLab user or deploy-token name'), s('GITLAB_TOKEN', 'a deploy token with write_registry'), v('IMAGE_REPOSITORY', 'registry.gitlab.com/<group>/<project>')]
  }
}

/** Settings the cluster deploy needs per environment (dev, staging and prod may be different clusters). */
export function clusterSettings(platform: PlatformChoice['id'], provider: CiContext['provider']): CiSetting[] {
  if (provider === 'gitlab')
    return [v('KUBE_CONTEXT', 'the GitLab agent for Kubernetes context, `<agent-project-path>:<agent-name>`', 'environment')]
  switch (platform) {
    case 'eks':
      return [
        v('AWS_REGION', 'region of the EKS cluster', 'environment'),
        v('AWS_ROLE_ARN', 'IAM role the deploy assumes through GitHub OIDC, with access to the cluster (an EKS access entry)', 'environment'),
        v('EKS_CLUSTER_NAME', 'the EKS cluster of this environment', 'environment'),
      ]
    case 'aks':
      return [
        v('AZURE_CLIENT_ID', 'client ID with a federated credential for this environment and access to the cluster', 'environment'),
        v('AZURE_TENANT_ID', 'Microsoft Entra tenant ID', 'environment'),
        v('AZURE_SUBSCRIPTION_ID', 'subscription of the cluster', 'environment'),
        v('AKS_RESOURCE_GROUP', 'resource group of the AKS cluster', 'environment'),
        v('AKS_CLUSTER_NAME', 'the AKS cluster of this environment', 'environment'),
      ]
    case 'gke':
      return [
        v('GCP_WORKLOAD_IDENTITY_PROVIDER', 'projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>', 'environment'),
        v('GCP_SERVICE_ACCOUNT', 'service account the deploy impersonates (Kubernetes Engine Developer)', 'environment'),
        v('GKE_CLUSTER_NAME', 'the GKE cluster of this environment', 'environment'),
        v('GKE_LOCATION', 'its region or zone', 'environment'),
      ]
    default:
      return [s('KUBE_CONFIG', 'a kubeconfig for a deploy ServiceAccount limited to the namespace', 'environment')]
  }
}

/**
 * Settings the infrastructure pipeline needs: its state storage and the identities Terraform runs
 * as (made once by hand, see the stack's README): a read-only one for plans on pull/merge
 * requests, and per environment one that may apply.
 */
function infraSettings(cloud: Cloud, provider: CiContext['provider']): CiSetting[] {
  const who = provider === 'github' ? 'pull requests' : 'merge requests'
  switch (cloud) {
    case 'aws':
      return [
        v('AWS_REGION', 'region of the stack and its state bucket'),
        v('TF_STATE_BUCKET', 'S3 bucket holding the Terraform state (versioned, encrypted)'),
        v('TF_PLAN_ROLE_ARN', `IAM role Terraform plans with on ${who} (read-only, state read)`),
        v('TF_APPLY_ROLE_ARN', 'IAM role Terraform applies with in this environment', 'environment'),
      ]
    case 'azure':
      return [
        v('AZURE_TENANT_ID', 'Microsoft Entra tenant ID'),
        v('AZURE_SUBSCRIPTION_ID', 'subscription of the stack'),
        v('TF_STATE_RESOURCE_GROUP', 'resource group of the Terraform state storage account'),
        v('TF_STATE_STORAGE_ACCOUNT', 'storage account holding the Terraform state'),
        v('TF_STATE_CONTAINER', 'blob container of the Terraform state'),
        v('TF_PLAN_CLIENT_ID', `client ID Terraform plans with on ${who} (Reader, state read)`),
        v('TF_APPLY_CLIENT_ID', 'client ID Terraform applies with in this environment', 'environment'),
      ]
    case 'gcp':
      return [
        v('TF_STATE_BUCKET', 'GCS bucket holding the Terraform state (versioned)'),
        v('TF_WORKLOAD_IDENTITY_PROVIDER', "the workload identity provider Terraform's service accounts trust"),
        v('TF_PLAN_SERVICE_ACCOUNT', `service account Terraform plans with on ${who} (Viewer, state read)`),
        v('TF_APPLY_SERVICE_ACCOUNT', 'service account Terraform applies with in this environment', 'environment'),
      ]
  }
}

/** Versions the pipelines install: Helm as the chart is linted with, kubectl as the schemas' Kubernetes. */
export const CI_TOOL_VERSIONS = {
  trivyVersion: 'v0.70.0',
  // Terraform as the generated stacks are checked with.
  terraformVersion: '1.13.3',
  trivyVersionPlain: '0.70.0',
  helmVersion: 'v4.3.1',
  kubectlVersion: 'v1.36.3',
  dockerVersion: '29.7.2',
  cosignVersion: 'v3.0.6',
  // kubectl and Helm 3 for GitLab's deploy jobs.
  deployImage: 'alpine/k8s:1.34.1',
} as const

/**
 * GitLab: the cloud's own CLI image turns the job's ID token into a short-lived registry
 * password, inside the Docker-in-Docker daemon, so the build image needs no cloud tools. The
 * token goes in on stdin: an -e variable of `docker run` stays in the container's config, which
 * `docker inspect` on the daemon shows.
 */
const CLOUD_CLI = {
  aws: 'amazon/aws-cli:2.37.5',
  azure: 'mcr.microsoft.com/azure-cli:2.89.1',
  gcp: 'gcr.io/google.com/cloudsdktool/google-cloud-cli:572.0.0-slim',
} as const

function gitlabLogin(registry: Registry): { audience: string | null; lines: string[] } {
  const password = (user: string, token: string, host: string) => [`echo "${token}" | docker login --username "${user}" --password-stdin ${host}`]
  switch (registry) {
    case 'gitlab':
      return { audience: null, lines: password('$CI_REGISTRY_USER', '$CI_REGISTRY_PASSWORD', '"$CI_REGISTRY"') }
    case 'dockerhub':
      return { audience: null, lines: password('$DOCKERHUB_USERNAME', '$DOCKERHUB_TOKEN', 'docker.io') }
    case 'ghcr':
      return { audience: null, lines: password('$GHCR_USERNAME', '$GHCR_TOKEN', 'ghcr.io') }
    case 'ecr':
      return {
        audience: '$CI_SERVER_URL',
        lines: [
          `printf %s "$CLOUD_ID_TOKEN" | docker run --rm -i -e AWS_ROLE_ARN -e AWS_REGION --entrypoint sh ${CLOUD_CLI.aws} -c 'cat > /tmp/token && AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/token aws ecr get-login-password' | docker login --username AWS --password-stdin "\${IMAGE_REPOSITORY%%/*}"`,
        ],
      }
    case 'acr':
      return {
        audience: 'api://AzureADTokenExchange',
        lines: [
          `printf %s "$CLOUD_ID_TOKEN" | docker run --rm -i -e AZURE_CLIENT_ID -e AZURE_TENANT_ID -e IMAGE_REPOSITORY ${CLOUD_CLI.azure} sh -c 'az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" --federated-token "$(cat)" --allow-no-subscriptions --output none && az acr login --name "\${IMAGE_REPOSITORY%%.*}" --expose-token --output tsv --query accessToken' | docker login --username 00000000-0000-0000-0000-000000000000 --password-stdin "\${IMAGE_REPOSITORY%%/*}"`,
        ],
      }
    case 'gar':
      return {
        audience: 'https://iam.googleapis.com/$GCP_WORKLOAD_IDENTITY_PROVIDER',
        lines: [
          `printf %s "$CLOUD_ID_TOKEN" | docker run --rm -i -e GCP_WORKLOAD_IDENTITY_PROVIDER ${CLOUD_CLI.gcp} sh -c 'cat > /tmp/token && gcloud iam workload-identity-pools create-cred-config "$GCP_WORKLOAD_IDENTITY_PROVIDER" --credential-source-file=/tmp/token --output-file=/tmp/creds.json && gcloud auth login --cred-file=/tmp/creds.json --quiet && gcloud auth print-access-token' | docker login --username oauth2accesstoken --password-stdin "https://\${IMAGE_REPOSITORY%%/*}"`,
        ],
      }
  }
}

/** Dependabot's package-ecosystem for the language's manifests. */
function ecosystem(i: CiToolchainInput): string {
  const pm = i.packageManager.id
  const byLanguage: Record<string, string> = { node: 'npm', python: 'pip', go: 'gomod', rust: 'cargo', dotnet: 'nuget', ruby: 'bundler', php: 'composer' }
  if (i.language === 'java') return pm === 'maven' ? 'maven' : 'gradle'
  if (pm === 'bun') return 'bun'
  if (pm === 'uv') return 'uv'
  return byLanguage[i.language]!
}

/** How the cloud trusts the pipeline's identity: the subject claims to allow. */
function oidcNote(registry: Registry, platform: PlatformChoice, provider: CiContext['provider']): string | null {
  const cloud = platform.cloud ?? (registry === 'ecr' ? 'aws' : registry === 'acr' ? 'azure' : registry === 'gar' ? 'gcp' : null)
  if (!cloud) return null
  const subject =
    provider === 'github'
      ? 'the subject is `repo:<owner>/<repo>:environment:<environment>` for deploy jobs and `repo:<owner>/<repo>:ref:refs/heads/main` (or `:ref:refs/tags/v*`) for the image job; repositories created after 2026-07-15 get immutable `repo:<owner>@<owner-id>/<repo>@<repo-id>:…` subjects, so trust the form GitHub shows in a job\'s token'
      : 'the ID tokens\' subject is `project_path:<group>/<project>:ref_type:branch:ref:main` (or `ref_type:tag`); deploy jobs use the GitLab agent instead'
  const trust = {
    aws: `an IAM OIDC provider for ${provider === 'github' ? '`token.actions.githubusercontent.com` (audience `sts.amazonaws.com`)' : 'your GitLab URL (audience: the same URL)'} and a role (AWS_ROLE_ARN) whose trust policy allows it`,
    azure: 'a federated credential on the app registration or managed identity (AZURE_CLIENT_ID), audience `api://AzureADTokenExchange`',
    gcp: `a workload identity pool provider (GCP_WORKLOAD_IDENTITY_PROVIDER) for ${provider === 'github' ? 'GitHub' : 'GitLab'}'s issuer${provider === 'github' ? ' and a service account (GCP_SERVICE_ACCOUNT) the pool may impersonate' : ', with the pool\'s principal granted Artifact Registry Writer directly'}`,
  }[cloud]
  return `${trust}; ${subject}.`
}

/** Derives what the pipelines need. Null when no CI provider was chosen. */
export function ciContext(
  answers: Answers,
  platform: PlatformChoice,
  k8s: KubernetesContext | null,
  toolchainInput: CiToolchainInput,
  image: { example: string },
  terraform: TerraformContext | null = null,
  appDir: string | null = null,
  workflowPrefix: string | null = null,
  scanFailOn?: Severity,
  app: AppFacts = {},
): CiContext | null {
  if (answers.ci === 'none') return null
  const provider = answers.ci
  if (appDir !== null && provider === 'gitlab') {
    throw new AnswerError(
      'ci',
      `--ci gitlab: the service is in a sub-folder (${appDir}) and GitLab reads one .gitlab-ci.yml at the repository root, which this version writes only for a service at the root. Pass --ci github (its workflows run in ${appDir}) or --ci none.`,
    )
  }
  // Pipelines live at the repository root; paths they hand to tools start from there.
  const inRepo = (path: string) => (appDir ? `${appDir}/${path}` : path)
  const toolchain = ciToolchain(toolchainInput)
  const deploy = k8s && {
    format: k8s.format,
    platform: platform.id,
    release: answers.name,
    deployment: answers.name,
    chartDir: inRepo(k8s.chartDir),
    kustomizeDir: inRepo(k8s.kustomizeDir),
    kustomizeImage: image.example,
    environments: K8S_ENVIRONMENTS.map((env) => ({
      name: env,
      namespace: `${answers.name}-${env}`,
      config: inRepo(k8s.format === 'helm' ? `${k8s.chartDir}/values-${env}.yaml` : `${k8s.kustomizeDir}/overlays/${env}`),
    })),
  }
  const infra = terraform && {
    cloud: terraform.cloud,
    dir: inRepo(terraform.dir),
    terraformVersion: CI_TOOL_VERSIONS.terraformVersion,
    stateKey: terraform.cloud === 'gcp' ? `${answers.name}/\${ENVIRONMENT}` : `${answers.name}/\${ENVIRONMENT}.tfstate`,
    environments: [...K8S_ENVIRONMENTS],
  }
  const settings = [
    ...registrySettings(answers.registry, provider),
    ...(deploy ? clusterSettings(platform.id, provider) : []),
    ...(infra ? infraSettings(infra.cloud, provider) : []),
  ]
  // One entry per name: the image job reads the repository's value, a deploy job its environment's.
  const byName = new Map<string, CiSetting>()
  for (const x of settings) {
    const seen = byName.get(x.name)
    byName.set(
      x.name,
      seen && seen.scope !== x.scope
        ? {
            ...seen,
            scope: 'repository and environment',
            description: seen.description === x.description ? seen.description : `${seen.description}; per environment: ${x.description}`,
          }
        : (seen ?? x),
    )
  }
  const source = buildSource(app)
  const context = posix.normalize(posix.join(appDir ?? '.', source.context))
  const file = posix.join(context, source.dockerfile)
  const workspace = context !== posix.normalize(appDir ?? '.')
  const build =
    !workspace && file === posix.join(appDir ?? '.', 'Dockerfile')
      ? null
      : {
          context,
          file,
          workspace,
          why: [
            workspace ? 'the workspace root, where the lockfile is' : undefined,
            app.dockerfile ? `${app.dockerfile}: your own Dockerfile is kept, this is ours beside it` : undefined,
          ]
            .filter(Boolean)
            .join('; '),
        }
  // A workspace member's image changes with the workspace's lockfile and manifests too.
  const installPaths = workspace ? (app.installFiles ?? []).map((f) => posix.join(context, f)).filter((f) => !appDir || !f.startsWith(`${appDir}/`)) : []
  const names = { ci: 'ci', release: 'release', deploy: 'deploy', infra: 'infra' } as const
  const compose = composeFiles(app.composeFile)
  const workflowNames = Object.fromEntries(Object.entries(names).map(([k, v]) => [k, workflowPrefix ? `${workflowPrefix}-${v}` : v])) as CiContext['workflowNames']
  const workflowFiles = Object.fromEntries(Object.entries(workflowNames).map(([k, v]) => [k, `${v}.yml`])) as CiContext['workflowFiles']
  return {
    provider,
    appDir,
    workflowNames,
    workflowFiles,
    workflowPaths: appDir ? [`${appDir}/**`, ...installPaths, `.github/workflows/${workflowFiles.ci}`] : null,
    build,
    toolchain,
    versions: Object.entries(toolchain.versions).map(([name, value]) => ({ name, value })),
    registry: answers.registry,
    imageName: answers.name,
    composeFile: `${compose.base}:${compose.test}`,
    ...CI_TOOL_VERSIONS,
    scanSeverity: scanSeverities(scanFailOn).join(','),
    scanSeverityLabel: [...scanSeverities(scanFailOn)].reverse().join('/'),
    ecosystem: ecosystem(toolchainInput),
    toolchainVariables: Object.entries(toolchain.cacheVariables).map(([name, value]) => ({ name, value })),
    cloudAudience: provider === 'gitlab' ? gitlabLogin(answers.registry).audience : null,
    gitlabLogin: provider === 'gitlab' ? gitlabLogin(answers.registry).lines : [],
    jobImages: {
      toolchain: withDigest(toolchain.image),
      dockerCli: withDigest(`docker:${CI_TOOL_VERSIONS.dockerVersion}-cli`),
      dockerDind: withDigest(`docker:${CI_TOOL_VERSIONS.dockerVersion}-dind`),
      terraform: withDigest(`hashicorp/terraform:${CI_TOOL_VERSIONS.terraformVersion}`),
      deploy: withDigest(CI_TOOL_VERSIONS.deployImage),
    },
    deploy,
    infra,
    settings: [...byName.values()],
    oidc: oidcNote(answers.registry, platform, provider),
  }
}

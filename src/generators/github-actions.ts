import type { Generator, Part, PlannedFile } from '../plan.js'

const D = 'ci/github'
/** The image steps build the app's folder; a workspace member or a kept Dockerfile names both. */
const APP_CONTEXT = 'context: ${{ env.APP_DIR }}\n'
const BUILD_FILE = 'context: ${{ env.BUILD_CONTEXT }}\n          file: ${{ env.DOCKERFILE }}\n'

/**
 * GitHub Actions: ci.yml (lint, unit and integration tests), release.yml (image build, scan,
 * push, signing, then deploys) and, for a cluster, the reusable deploy.yml; plus Dependabot.
 * Job bodies are GitHub's own syntax and are copied verbatim; each workflow is assembled from
 * the parts that fit the answers, and only its top-level `env:` is rendered.
 */
export const githubActions: Generator = {
  id: 'github-actions',
  applies: (ctx) => ctx.ci?.provider === 'github',
  plan: (ctx) => {
    const ci = ctx.ci!
    // A workspace member's lockfile (and Cargo's target folder) is at the workspace root.
    const setup: Part = ci.build?.workspace
      ? { template: `${D}/setup/${ci.toolchain.setup}.yml`, replace: { '${{ env.APP_DIR }}/': '${{ env.WORKSPACE_DIR }}/' } }
      : `${D}/setup/${ci.toolchain.setup}.yml`
    const files: PlannedFile[] = [
      {
        to: `.github/workflows/${ci.workflowFiles.ci}`,
        parts: [`${D}/ci/head.yml.hbs`, `${D}/ci/policy.yml`, `${D}/ci/env.yml.hbs`, `${D}/ci/test-job.yml`, setup, `${D}/ci/test-steps.yml`],
      },
      {
        to: `.github/workflows/${ci.workflowFiles.release}`,
        parts: [
          `${D}/release/head.yml.hbs`,
          `${D}/release/policy.yml`,
          `${D}/release/env.yml.hbs`,
          `${D}/registry/${ci.registry}.permissions.yml`,
          `${D}/release/image-outputs.yml`,
          `${D}/registry/${ci.registry}.login.yml`,
          ci.build ? { template: `${D}/release/image-steps.yml`, replace: { [APP_CONTEXT]: BUILD_FILE } } : `${D}/release/image-steps.yml`,
          ci.deploy
            ? { template: `${D}/release/deploy-jobs.yml`, replace: { './.github/workflows/deploy.yml': `./.github/workflows/${ci.workflowFiles.deploy}` } }
            : { template: `${D}/release/deploy-compose.yml`, replace: { 'docker compose -f compose.yaml -f compose.prod.yaml': ctx.compose.cmd.prod } },
        ],
      },
      { to: '.github/dependabot.yml', template: `${D}/dependabot.yml.hbs` },
    ]
    if (ci.deploy)
      files.push({
        to: `.github/workflows/${ci.workflowFiles.deploy}`,
        parts: [`${D}/deploy/on.yml.hbs`, `${D}/deploy/env.yml.hbs`, `${D}/deploy/job.yml`, `${D}/deploy/cluster-${ci.deploy.platform}.yml`, `${D}/deploy/${ci.deploy.format}.yml`],
      })
    if (ci.infra) {
      // The cloud login and `terraform init` differ per cloud; plan and apply share them.
      const cloud = `${D}/infra/cloud-${ci.infra.cloud}.yml`
      files.push({
        to: `.github/workflows/${ci.workflowFiles.infra}`,
        parts: [`${D}/infra/head.yml.hbs`, `${D}/infra/check-job.yml`, cloud, `${D}/infra/plan-steps.yml`, cloud, `${D}/infra/apply-steps.yml`],
      })
    }
    return files
  },
}

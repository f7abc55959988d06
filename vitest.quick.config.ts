import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.js'

/**
 * `npm test`: the quick tier for the inner loop (unit, goldens, the matrix render, detection,
 * validate's rules, the safety suite's fast cases and the fast validators). Left out are the
 * suites that build and run the starter apps, sweep every combination through the slow
 * validators (Terraform, Compose, Helm, CI), pack the npm package, or run hundreds of processes;
 * `npm run test:full` runs them too, and `npm run test:all` (CI) adds the container tier.
 */
export const SLOW = [
  'test/languages/*.app.test.ts',
  'test/languages/probes.dockerfile.test.ts',
  'test/validators/terraform.test.ts',
  'test/validators/compose.test.ts',
  'test/validators/ci.test.ts',
  'test/validators/helm.test.ts',
  'test/validators/kustomize.test.ts',
  'test/validators/k8s-security.test.ts',
  'test/validate/external.test.ts',
  'test/package.e2e.test.ts',
  'test/update-matrix.test.ts',
  'test/safety/kill.test.ts',
  'test/safety/read-manifests.test.ts',
]

export default mergeConfig(base, defineConfig({ test: { exclude: [...(base.test?.exclude ?? []), ...SLOW] } }))

import { defineConfig } from 'vitest/config'

// The container tier (npm run test:e2e): one engine, builds one after another.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    pool: 'forks',
  },
})

import { readFileSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Goldens hold generated projects, including the starter apps' own tests.
    exclude: ['test/__golden__/**', 'test/e2e/**', '**/node_modules/**'],
    env: { CCA_VERSION: pkg.version },
    globalSetup: ['test/helpers/global-setup.ts'],
    // The safety suite's guard: a walk of the real filesystem around each of its files (a no-op elsewhere).
    setupFiles: ['test/safety/setup.ts'],
    // Validator suites spawn real tools over many scenarios.
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Vitest's default is one worker less than the cores: a single worker on CI's two. Most
    // suites wait on child processes (package managers, compilers, validators, started apps),
    // so three files at a time keep both cores busy.
    maxWorkers: 3,
  },
})

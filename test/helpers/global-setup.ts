import { existsSync } from 'node:fs'

/** The end-to-end suites run the bundle; `npm test` builds it first. Fail early and clearly. */
export default function setup(): void {
  if (!existsSync(new URL('../../dist/index.js', import.meta.url))) {
    throw new Error('dist/index.js is missing: run `npm run build` (npm test does it for you).')
  }
}

import { posix } from 'node:path'
import { commonContract, relPath, runtimeCopies } from './contract.js'
import type { LanguageChoice, PackageManagerChoice } from './types.js'
import { uiStage, wrap } from './ui-stage.js'
import { cacheOf } from './cache-mounts.js'

const GO_MODULES: PackageManagerChoice = {
  id: 'gomod',
  label: 'Go modules',
  available: true,
  // Part of the Go toolchain.
  version: null,
  // A module without dependencies has no go.sum: the Dockerfile copies `go.sum*`, and Compose
  // watch accepts a path that does not exist yet.
  manifests: ['go.mod', 'go.sum'],
  ...cacheOf('/go/pkg/mod'),
  // Downloads exactly what go.mod requires and checks every module against go.sum.
  install: 'go mod download',
  installProd: 'go mod download',
}

/** Where the starter app's main package lives; the Dockerfile's MAIN_PACKAGE ARG defaults to it. */
const MAIN_PACKAGE = './cmd/server'

/** Go on net/http: one static binary, cross-compiled, shipped on an empty (scratch) image. */
export const GO: LanguageChoice = {
  id: 'go',
  label: 'Go',
  available: true,
  defaultPort: 8080,
  // Go compiles: the dev container builds and runs the app when it starts, so synced changes
  // take effect on `docker compose restart app`. No debugger port (Delve is not bundled).
  // The dev container compiles at start, so a sync must restart it.
  dev: { debugPort: null, environment: {}, sync: ['cmd', 'internal'], restartOnSync: true },
  defaultVersion: '1.26.8',
  // The official images publish 1.NN and 1.NN.N tags; the starter app needs Go 1.25 or later.
  versionPattern: /^1\.(2[5-9]|[3-9]\d)(\.\d+)?$/,
  versionHint: 'a Go version such as 1.26 or 1.26.8 (1.25 or later)',
  templateData: ({ name, languageVersion, app = {} }) => {
    const [major, minor] = languageVersion.split('.')
    const files = app.installFiles?.map(relPath).filter((f): f is string => f !== null)
    // Without go.sum nothing pins the module versions: the build may record their sums itself.
    const unlocked = app.unlocked === true || (files !== undefined && !files.some((f) => posix.basename(f) === 'go.sum'))
    const copies = runtimeCopies(app)
    const ui = uiStage(app, {})
    return {
      ...commonContract(app),
      // The module path, which prefixes every import of the app's own packages. Go reserves
      // import paths that start with `vendor/` for vendored code.
      module: name === 'vendor' ? 'vendor-service' : name,
      // go.mod's `go` line: the language version, satisfied by every patch release of it.
      goDirective: `${major}.${minor}.0`,
      mainPackage: app.mainPackage ?? MAIN_PACKAGE,
      buildCache: '/root/.cache/go-build',
      // The manifests copied before the source; `go.sum*`: a new module has no go.sum until it has dependencies.
      manifests: files?.length ? files.join(' ') : 'go.mod go.sum*',
      unlocked: unlocked
        ? wrap('No go.sum in the app: nothing checks the downloaded modules against known hashes, and -mod=mod lets the build record their sums. Commit a go.sum (go mod tidy) to pin them.')
        : [],
      runtimeCopies: copies,
      ui,
      uiToProd: ui !== null && ui.serve,
      // The binary's working directory holds what it opens at run time.
      prodWorkdir: copies.length > 0 || (ui !== null && ui.serve),
    }
  },
  packageManagers: [GO_MODULES],
  frameworks: [{ id: 'stdlib', label: 'net/http (standard library)', available: true, starter: 'go/app' }],
}

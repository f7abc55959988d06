import { posix } from 'node:path'
import { commonContract, memberPrefix, relPath, runtimeCopies, unlockedNote } from './contract.js'
import type { LanguageChoice, PackageManagerChoice } from './types.js'
import { uiStage, wrap } from './ui-stage.js'
import { cacheOf } from './cache-mounts.js'

const CARGO: PackageManagerChoice = {
  id: 'cargo',
  label: 'Cargo',
  available: true,
  // Cargo ships with the Rust toolchain image.
  version: null,
  manifests: ['Cargo.toml', 'Cargo.lock'],
  ...cacheOf('/usr/local/cargo/registry'),
  install: 'cargo fetch --locked',
  installProd: 'cargo build --release --locked',
}

/**
 * Rust with axum on tokio. The release binary is cross-compiled on the build machine
 * (`--platform=$BUILDPLATFORM`) and ships alone on distroless (glibc, no shell).
 */
export const RUST: LanguageChoice = {
  id: 'rust',
  label: 'Rust',
  available: true,
  defaultPort: 8080,
  // No debugger port: attach gdb/lldb inside the dev container if needed. `cargo watch`
  // rebuilds and restarts when synced sources change.
  dev: { debugPort: null, environment: { RUST_BACKTRACE: '1' }, sync: ['src'] },
  defaultVersion: '1.95.0',
  // The official images publish minor and patch tags; Debian 13 (trixie) variants exist
  // from 1.88 on.
  versionPattern: /^1\.(8[89]|9\d|[1-9]\d{2})(\.\d+)?$/,
  versionHint: 'a Rust version such as 1.95 or 1.95.0 (1.88 or later)',
  templateData: ({ app = {} }) => {
    const binary = app.binary ?? 'server'
    const files = app.installFiles?.map(relPath).filter((f): f is string => f !== null)
    const unlocked = app.unlocked === true || (files !== undefined && !files.some((f) => posix.basename(f) === 'Cargo.lock'))
    const copies = runtimeCopies(app)
    const ui = uiStage(app, {})
    // A workspace member builds at the workspace root (its Cargo.lock and target/ are the root's),
    // naming its package; dev and test run in its folder, where cargo picks the package itself.
    const at = memberPrefix(app)
    const pkg = at && app.workspacePackage && /^[\w-]+$/.test(app.workspacePackage) ? app.workspacePackage : null
    const only = pkg ? ` --package ${pkg}` : ''
    return {
      ...commonContract(app),
      // The starter's fixed [[bin]] name, or the existing crate's binary target.
      binary,
      // Built from crates.io in the dev image (`cargo install --locked`).
      cargoWatchVersion: '8.5.3',
      // Exec-form argv for the dev and test targets (rendered with the `json` helper).
      commands: {
        dev: ['cargo', 'watch', '--watch', 'src', '--watch', 'Cargo.toml', '--exec', pkg ? `run --locked${only} --bin ${binary}` : 'run --locked'],
        test: ['cargo', 'test', '--frozen', ...(pkg ? ['--package', pkg] : [])],
      },
      // An existing crate: its binary alone (a workspace's helper binaries are not built), and
      // held to Cargo.lock only when there is one.
      buildProd: `cargo build --release${unlocked ? '' : ' --locked'}${only} --bin ${binary}`,
      fetch: unlocked ? 'cargo fetch' : 'cargo fetch --locked',
      testBuild: `cargo build --locked --tests${only}`,
      unlocked: unlocked ? wrap(unlockedNote('Cargo.lock')) : [],
      // The member's folder in the workspace context (`crates/api`), null for a crate of its own.
      member: at ? at.slice(0, -1) : null,
      runtimeCopies: copies.map((p) => ({ from: `${at}${p}`, to: `./${p}` })),
      ui,
      // Where the build and dev images put the UI's output: beside the crate that embeds or serves it.
      uiInto: ui && `${at}${ui.output}`,
      uiToProd: ui !== null && ui.serve,
      // The binary's working directory holds what it opens at run time.
      prodWorkdir: copies.length > 0 || (ui !== null && ui.serve),
    }
  },
  packageManagers: [CARGO],
  frameworks: [{ id: 'axum', label: 'axum (tokio)', available: true, starter: 'rust/app' }],
}

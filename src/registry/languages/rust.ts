import { posix } from 'node:path'
import { commonContract, relPath, runtimeCopies, unlockedNote } from './contract.js'
import type { LanguageChoice, PackageManagerChoice } from './types.js'
import { uiStage, wrap } from './ui-stage.js'

const CARGO: PackageManagerChoice = {
  id: 'cargo',
  label: 'Cargo',
  available: true,
  // Cargo ships with the Rust toolchain image.
  version: null,
  manifests: ['Cargo.toml', 'Cargo.lock'],
  cacheDir: '/usr/local/cargo/registry',
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
    return {
      ...commonContract(app),
      // The starter's fixed [[bin]] name, or the existing crate's binary target.
      binary,
      // Built from crates.io in the dev image (`cargo install --locked`).
      cargoWatchVersion: '8.5.3',
      // Exec-form argv for the dev and test targets (rendered with the `json` helper).
      commands: {
        dev: ['cargo', 'watch', '--watch', 'src', '--watch', 'Cargo.toml', '--exec', 'run --locked'],
        test: ['cargo', 'test', '--frozen'],
      },
      // An existing crate: its binary alone (a workspace's helper binaries are not built), and
      // held to Cargo.lock only when there is one.
      buildProd: `cargo build --release${unlocked ? '' : ' --locked'} --bin ${binary}`,
      fetch: unlocked ? 'cargo fetch' : 'cargo fetch --locked',
      unlocked: unlocked ? wrap(unlockedNote('Cargo.lock')) : [],
      runtimeCopies: copies,
      ui,
      uiToProd: ui !== null && ui.serve,
      // The binary's working directory holds what it opens at run time.
      prodWorkdir: copies.length > 0 || (ui !== null && ui.serve),
    }
  },
  packageManagers: [CARGO],
  frameworks: [{ id: 'axum', label: 'axum (tokio)', available: true, starter: 'rust/app' }],
}

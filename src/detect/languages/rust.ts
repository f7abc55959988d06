import type { Dependency } from '../backing.js'
import type { DetectionWarning, Evidence } from '../types.js'
import { firstVersion, toolVersionFiles } from '../versions.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

const WEB: Readonly<Record<string, string>> = { axum: 'axum', 'actix-web': 'actix-web', rocket: 'Rocket', warp: 'warp', poem: 'Poem', tide: 'tide', salvo: 'Salvo' }

/** A TOML table's body, up to the next table header. */
const table = (toml: string, name: string): string => new RegExp(`^\\[${name.replace(/\./g, '\\.')}\\]\\s*$([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(toml)?.[1] ?? ''

/** Rust crates: Cargo.toml. */
export const rustRule: LanguageRule = {
  id: 'rust',
  manifests: /^Cargo\.toml$/,
  detect(f, root) {
    const toml = f.read('Cargo.toml')
    if (toml === undefined) return undefined
    const file = f.path('Cargo.toml')
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const depTable = table(toml, 'dependencies') + table(toml, 'workspace.dependencies')
    const deps: Dependency[] = []
    for (const m of depTable.matchAll(/^([\w-]+)\s*=\s*(.*)$/gm)) {
      deps.push({ name: m[1]!, file })
      // sqlx, diesel and sea-orm name the database in their features.
      if (/^(?:sqlx|diesel|sea-orm)$/.test(m[1]!)) {
        for (const [feature, dep] of [['postgres', 'tokio-postgres'], ['mysql', 'mysql_async'], ['sqlite', 'rusqlite']] as const) {
          if (m[2]!.includes(feature)) deps.push({ name: dep, file })
        }
      }
    }
    const pkgName = /^name\s*=\s*"([^"]+)"/m.exec(table(toml, 'package'))?.[1]
    const out: ProjectFindings = { language: 'rust', manifest: file, strength: 1, sourceExt: /\.rs$/, deps, app: {}, warnings, notes, ...(pkgName ? { name: pkgName } : {}) }
    const bins = [...toml.matchAll(/^\[\[bin\]\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/gm)].map((m) => /^name\s*=\s*"([^"]+)"/m.exec(m[1]!)?.[1]).filter((n): n is string => !!n)
    const binary = bins[0] ?? (f.has('src/main.rs') ? pkgName : undefined)
    if (/^\[workspace\]/m.test(toml) && !pkgName) out.notRunnable = 'a Cargo workspace: its members are listed separately'
    else if (!binary) out.notRunnable = 'no binary target (src/main.rs or [[bin]]): a library'
    else {
      out.app.binary = binary
      if (bins.length > 1) warnings.push({ code: 'several-entry-points', file, message: `several binaries (${bins.join(', ')}); the image builds and runs ${binary}` })
      const web = Object.keys(WEB).find((w) => deps.some((d) => d.name === w))
      out.framework = web
        ? found('axum', web === 'axum' ? 'high' : 'medium', file, web === 'axum' ? 'depends on axum' : `depends on ${web}: the container files do not depend on the web framework (one release binary)`)
        : found('axum', 'low', file, 'a binary without a known web framework')
      if (web && web !== 'axum') out.frameworkName = WEB[web]
      out.strength = web ? 3 : 2
      out.startCommand = found(`cargo run --release --bin ${binary}`, 'high', file, bins[0] ? `[[bin]] name = "${binary}"` : 'src/main.rs')
      out.defaultPort = { port: 8080, confidence: 'low', reason: 'no port found in the code; 8080 is this tool’s convention' }
    }
    out.packageManager = found('cargo', 'high', file, 'Cargo.toml')
    if (!f.has('Cargo.lock') && root.has('Cargo.lock') && f.dir !== root.dir && out.strength > 1) {
      warnings.push({
        code: 'workspace-lockfile',
        file: root.path('Cargo.lock'),
        message: `a Cargo workspace member: Cargo.lock and the workspace manifest are at the root, outside ${f.dir}, where the image is built; build it from the root (context ., \`cargo build -p ${out.name ?? f.dir}\`) or give it a lockfile of its own`,
      })
    }
    if (!f.has('Cargo.lock') && !root.has('Cargo.lock') && out.strength > 1) {
      warnings.push({ code: 'no-lockfile', file, message: 'no Cargo.lock: the image builds with --locked; run `cargo generate-lockfile` and commit it' })
    }
    const channel = /^channel\s*=\s*"([^"]+)"/m.exec(f.read('rust-toolchain.toml') ?? root.read('rust-toolchain.toml') ?? '')
    const plain = (f.read('rust-toolchain') ?? '').trim()
    const rv = /^rust-version\s*=\s*"([^"]+)"/m.exec(table(toml, 'package') + table(toml, 'workspace.package'))
    const v = firstVersion('rust', [
      channel ? { text: channel[1]!, file: f.has('rust-toolchain.toml') ? f.path('rust-toolchain.toml') : root.path('rust-toolchain.toml'), reason: `channel = "${channel[1]}"` } : undefined,
      plain ? { text: plain, file: f.path('rust-toolchain'), reason: `says ${plain}` } : undefined,
      toolVersionFiles(f, 'rust'),
      rv ? { text: rv[1]!, file, reason: `rust-version = "${rv[1]}" (the oldest Rust that builds it)`, minimum: true } : undefined,
    ])
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

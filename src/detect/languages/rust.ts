import type { Dependency } from '../backing.js'
import type { DetectionWarning, Evidence } from '../types.js'
import { firstVersion, toolVersionFiles } from '../versions.js'
import { cargoWorkspaceMember } from '../workspace.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

const WEB: Readonly<Record<string, string>> = { axum: 'axum', 'actix-web': 'actix-web', rocket: 'Rocket', warp: 'warp', poem: 'Poem', tide: 'tide', salvo: 'Salvo' }

/** A TOML table's body, up to the next table header. */
const table = (toml: string, name: string): string => new RegExp(`^\\[${name.replace(/\./g, '\\.')}\\]\\s*$([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(toml)?.[1] ?? ''

/** A crate as a Cargo.toml names it: its features, whether it inherits the workspace's, dev or build only. */
interface Crate {
  name: string
  features: string[]
  workspace: boolean
  dev: boolean
}

/**
 * The dependency tables of a Cargo.toml: `[dependencies]` (inline tables, `features` arrays over
 * several lines), `[dependencies.sqlx]` tables, target-specific tables, and the dev and build
 * tables, flagged.
 */
function crates(toml: string, prefix = ''): Crate[] {
  const out: Crate[] = []
  const tables = [...toml.matchAll(/^\[([^\]\n]+)\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/gm)]
  const depTable = new RegExp(`^(?:target\\.[^.]+(?:\\.[^.]+)*?\\.)?${prefix.replace(/\./g, '\\.')}(dev-|build-)?dependencies(?:\\.([\\w-]+))?$`)
  const arr = (text: string | undefined) => [...(text ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!)
  for (const t of tables) {
    const m = depTable.exec(t[1]!.trim().replace(/'/g, ''))
    if (!m) continue
    const dev = m[1] !== undefined
    if (m[2]) {
      // [dependencies.sqlx] version = ..., features = [ ... ]
      out.push({ name: m[2], features: arr(/^features\s*=\s*\[([\s\S]*?)\]/m.exec(t[2]!)?.[1]), workspace: /^workspace\s*=\s*true/m.test(t[2]!), dev })
      continue
    }
    for (const d of t[2]!.matchAll(/^([\w-]+)\s*=\s*(\{[\s\S]*?\}|"[^"]*"|[^\n]*)/gm)) {
      const spec = d[2]!
      out.push({ name: d[1]!, features: arr(/features\s*=\s*\[([\s\S]*?)\]/.exec(spec)?.[1]), workspace: /workspace\s*=\s*true/.test(spec), dev })
    }
  }
  return out
}

/** Client crates a crate's features stand for (sqlx's `postgres`, actix-session's `redis-session`). */
const FEATURE_CLIENTS: readonly [RegExp, RegExp, string][] = [
  [/^(?:sqlx|sea-orm|diesel|sqlx-core|refinery|barrel)$/, /^(?:sqlx-)?postgres(?:ql)?$|^with-postgres$|^runtime-\w+-postgres$/, 'tokio-postgres'],
  [/^(?:sqlx|sea-orm|diesel|sqlx-core)$/, /^(?:sqlx-)?mysql$/, 'mysql_async'],
  [/^(?:sqlx|sea-orm|diesel|sqlx-core)$/, /^(?:sqlx-)?sqlite$|^returning_clauses_for_sqlite_3_35$/, 'rusqlite'],
  [/^(?:sqlx|sqlx-core)$/, /^mssql$/, 'tiberius'],
  [/^(?:actix-session|tower-sessions|axum-sessions|salvo-session)$/, /^redis(?:-[\w-]+)?$/, 'redis'],
  [/^(?:cached|moka)$/, /^redis(?:_[\w]+)?$/, 'redis'],
]

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
    // A member's `sqlx = { workspace = true, features = [...] }` adds to the workspace's own.
    const rootToml = f.dir !== root.dir ? (root.read('Cargo.toml') ?? '') : toml
    const shared = new Map(crates(rootToml, 'workspace.').map((c) => [c.name, c]))
    const deps: Dependency[] = []
    for (const c of crates(toml)) {
      const inherited = c.workspace ? shared.get(c.name) : undefined
      const features = [...c.features, ...(inherited?.features ?? [])]
      const from = inherited && f.dir !== root.dir ? `${file} and ${root.path('Cargo.toml')}` : file
      deps.push({ name: c.name, file, ...(c.dev ? { dev: true } : {}) })
      // sqlx, diesel, sea-orm and the session crates name their database or store in features.
      for (const [crate, feature, client] of FEATURE_CLIENTS) {
        if (!crate.test(c.name)) continue
        const on = features.find((x) => feature.test(x))
        if (on) deps.push({ name: client, file, reason: `depends on ${c.name} with the "${on}" feature${from !== file ? ` (${from})` : ''}`, ...(c.dev ? { dev: true } : {}) })
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
    const member = out.strength > 1 ? cargoWorkspaceMember(f, root, pkgName) : undefined
    if (member) {
      Object.assign(out.app, { buildContext: member.buildContext, memberDir: member.memberDir, workspacePackage: member.workspacePackage, installFiles: member.installFiles })
      if (!member.locked) out.app.unlocked = true
      notes.push(member.note)
    } else if (!f.has('Cargo.lock') && root.has('Cargo.lock') && f.dir !== root.dir && out.strength > 1) {
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
    const rvOf = (text: string) => /^rust-version\s*=\s*"([^"]+)"/m.exec(text)?.[1]
    // `rust-version.workspace = true` inherits the root's [workspace.package] value.
    const inherits = f.dir !== root.dir && /^rust-version\.workspace\s*=\s*true/m.test(table(toml, 'package'))
    const rvOwn = rvOf(table(toml, 'package') + table(toml, 'workspace.package'))
    const rv = rvOwn ? { value: rvOwn, file } : inherits && rvOf(table(rootToml, 'workspace.package')) ? { value: rvOf(table(rootToml, 'workspace.package'))!, file: root.path('Cargo.toml') } : undefined
    const v = firstVersion('rust', [
      channel ? { text: channel[1]!, file: f.has('rust-toolchain.toml') ? f.path('rust-toolchain.toml') : root.path('rust-toolchain.toml'), reason: `channel = "${channel[1]}"` } : undefined,
      plain ? { text: plain, file: f.path('rust-toolchain'), reason: `says ${plain}` } : undefined,
      toolVersionFiles(f, 'rust'),
      rv ? { text: rv.value, file: rv.file, reason: `rust-version = "${rv.value}" (the oldest Rust that builds it)`, minimum: true } : undefined,
    ])
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

import { posix } from 'node:path'
import type { Evidence } from '../types.js'
import type { AppCode } from './sources.js'
import { flattenConfig } from './config.js'
import { lineOf, oneLine } from './sources.js'

/** Calls that open a folder or file at run time, per language: the first string argument is the path. */
const CALLS: Readonly<Record<string, readonly RegExp[]>> = {
  go: [
    /template\.(?:ParseGlob|ParseFiles)\(\s*"([^"]+)"/g,
    /\.(?:LoadHTMLGlob|LoadHTMLFiles)\(\s*"([^"]+)"/g,
    /http\.Dir\(\s*"([^"]+)"\s*\)/g,
    /os\.DirFS\(\s*"([^"]+)"\s*\)/g,
    /\.(?:Static|StaticFile)\(\s*"[^"]*"\s*,\s*"([^"]+)"/g,
    /\.File\(\s*"[^"]*"\s*,\s*"([^"]+)"/g,
    /os\.(?:ReadFile|Open)\(\s*"([^"]+)"/g,
    /viper\.(?:AddConfigPath|SetConfigFile)\(\s*"([^"]+)"/g,
    /"file:\/\/([^"]+)"/g,
    /goose\.Up\([^,]+,\s*"([^"]+)"/g,
  ],
  rust: [
    /Tera::new\(\s*"([^"]+)"/g,
    /ServeDir::new\(\s*"([^"]+)"/g,
    /ServeFile::new\(\s*"([^"]+)"/g,
    /Files::new\(\s*"[^"]*"\s*,\s*"([^"]+)"/g,
    /FileServer::from\(\s*(?:relative!\()?"([^"]+)"/g,
    /register_templates_directory\(\s*(?:"[^"]*"\s*,\s*)?"([^"]+)"/g,
    /(?:current_dir\(\)|base_path|PathBuf::from\("\."\))[^;]{0,80}?\.join\(\s*"([^"]+)"\s*\)/g,
    /config::File::with_name\(\s*"([^"]+)"/g,
    /fs::read_to_string\(\s*"([^"]+)"/g,
    /Migrator::new\(\s*(?:std::path::)?Path::new\(\s*"([^"]+)"/g,
  ],
  node: [
    /(?:express\.static|serveStatic|serve|koaStatic)\(\s*(?:path\.(?:join|resolve)\(([^)]*)\)|['"`]([^'"`]+)['"`])/g,
    /\.set\(\s*['"]views['"]\s*,\s*(?:path\.(?:join|resolve)\(([^)]*)\)|['"`]([^'"`]+)['"`])/g,
    /\broot:\s*path\.(?:join|resolve)\(([^)]*)\)/g,
    /\bserveStatic\(\s*\{\s*root:\s*['"`]([^'"`]+)['"`]/g,
    /\bdirectory:\s*path\.(?:join|resolve)\(([^)]*)\)/g,
    /(?:sendFile|readFileSync|readFile|readdirSync)\(\s*path\.(?:join|resolve)\(([^)]*)\)/g,
  ],
  python: [
    /(?:template_folder|static_folder)\s*=\s*["']([^"']+)["']/g,
    /StaticFiles\(\s*directory\s*=\s*["']([^"']+)["']/g,
    /Jinja2Templates\(\s*directory\s*=\s*["']([^"']+)["']/g,
    /FileSystemLoader\(\s*["']([^"']+)["']/g,
    /Config\(\s*["'](alembic\.ini)["']\s*\)/g,
  ],
}

/**
 * Defaults of flags, env reads and settings: the first group names the setting, the second is
 * its default. A default that names a path of the repository is a path the app opens when run
 * as it is (podinfo's `--ui-path ./ui`), though no call opens it by a literal.
 */
const DEFAULTS: Readonly<Record<string, readonly RegExp[]>> = {
  go: [
    // flag and pflag (cobra): String, StringVar and their shorthand P forms.
    /\.String\(\s*"([\w.-]+)"\s*,\s*"([^"]*)"/g,
    /\.StringVar\(\s*&[^,]+,\s*"([\w.-]+)"\s*,\s*"([^"]*)"/g,
    /\.StringP\(\s*"([\w.-]+)"\s*,\s*"\w?"\s*,\s*"([^"]*)"/g,
    /\.StringVarP\(\s*&[^,]+,\s*"([\w.-]+)"\s*,\s*"\w?"\s*,\s*"([^"]*)"/g,
    /viper\.SetDefault\(\s*"([\w.-]+)"\s*,\s*"([^"]*)"/g,
    // Struct tags of env and envconfig: `UIPath string `env:"UI_PATH" envDefault:"./ui"``.
    /^\s*(\w+)\s+[\w.*[\]]+\s+`[^`]*\b(?:envDefault|default):"([^"]*)"/gm,
    /\b(?:(?:get|Get|lookup|Lookup)\w*[Ee]nv\w*|[Ee]nv(?:Or|Default|OrDefault|WithDefault)\w*)\(\s*"(\w+)"\s*,\s*"([^"]*)"/g,
  ],
  rust: [
    // clap and structopt: `#[arg(long, default_value = "./static")] static_dir: PathBuf`.
    /#\[(?:arg|clap|structopt)\([^\]]*?\bdefault_value\s*=\s*"([^"]*)"[^\]]*\)\]\s*(?:(?:#\[[^\]]*\]|\/\/\/[^\n]*)\s*)*(?:pub\s+)?(\w+)\s*:/g,
    /Arg::new\(\s*"([\w-]+)"\s*\)[^;]*?\.default_value\(\s*"([^"]*)"/g,
    /env::var\(\s*"(\w+)"\s*\)\s*\.unwrap_or(?:_else)?\([^"]*"([^"]*)"/g,
  ],
  node: [
    /process\.env\.(\w+)\s*(?:\|\||\?\?)\s*['"`]([^'"`]+)['"`]/g,
    /\b([A-Z][A-Z0-9_]*)\s*:\s*(?:str|host|url)\(\s*\{[^}]*\bdefault:\s*['"]([^'"]+)['"]/g,
  ],
  python: [/(?:os\.environ\.get|os\.getenv|environ\.get|getenv)\(\s*['"](\w+)['"]\s*,\s*['"]([^'"]+)['"]/g],
}
/** Setting names that hold a path: a default that is a bare word names a path only under one of these. */
const PATHY = /path|dir|folder|root|static|assets|ui|template|views|public|web|www|config|conf|file|migration|data|content|theme|i18n|locale/i

/** Folders that no image needs at run time even when referenced: build output, dependencies. */
const NEVER = /^(?:dist|build|out|target|node_modules|vendor|\.next|src|app|cmd|internal|pkg|lib)(?:\/|$)/

export interface RuntimePaths {
  paths: string[]
  evidence: Evidence[]
}

/**
 * Folders and files the app opens at run time besides its code (templates, static files,
 * configuration, migrations read by a migrator), for the images that do not ship the whole
 * source: Go and Rust binaries, Node apps built to dist/, Python src layouts. Only paths that
 * exist and that the code opens by a literal path count; embedded folders (`//go:embed`) and
 * compile-time includes do not.
 */
export function runtimePaths(code: AppCode): RuntimePaths {
  const { f, p } = code
  const lang = p.language
  const applies = lang === 'go' || lang === 'rust' || (lang === 'node' && code.framework !== 'spa' && code.framework !== 'next' && (p.app.hasBuildScript ?? false)) || (lang === 'python' && p.app.srcLayout === true)
  if (!applies) return { paths: [], evidence: [] }
  const found = new Map<string, Evidence>()
  const embedded = new Set<string>()
  for (const { text } of code.sources) for (const m of text.matchAll(/^\/\/go:embed\s+(.+)$/gm)) for (const e of m[1]!.split(/\s+/)) embedded.add(top(e.replace(/^all:/, '')))
  const dirExists = (d: string) => f.hasDir(d)
  for (const { file, text } of code.sources) {
    for (const re of CALLS[lang] ?? []) {
      for (const m of text.matchAll(re)) {
        const raw = m[1] ?? m[2]
        if (raw === undefined) continue
        const rel = lang === 'node' && m[0].includes('path.') ? nodePath(raw, file) : lang === 'python' && /template_folder|static_folder/.test(m[0]) ? posix.normalize(posix.join(posix.dirname(file), raw)) : cwdPath(raw)
        if (!rel || rel.startsWith('..')) continue
        const candidates = [rel.replace(/\/?\*.*$/, ''), ...(lang === 'rust' && /with_name/.test(m[0]) ? [posix.dirname(rel)] : [])]
        for (const c of candidates) {
          const path = c.replace(/\/$/, '')
          if (!path || path === '.' || NEVER.test(path) || embedded.has(top(path))) continue
          // Python: inside src/ the image has it already.
          if (lang === 'python' && path.startsWith('src/')) continue
          const exists = f.has(path) || dirExists(path) || (lang === 'rust' && /with_name/.test(m[0]) && f.files.some((x) => x.startsWith(`${path}.`)))
          if (!exists) continue
          const keep = f.has(path) || dirExists(path) ? path : posix.dirname(path)
          if (!found.has(keep)) found.set(keep, { file: f.path(file), reason: `opens ${keep} at run time: \`${oneLine(m[0], 70)}\` (line ${lineOf(text, m.index!)})` })
        }
      }
    }
    for (const re of DEFAULTS[lang] ?? []) {
      for (const m of text.matchAll(re)) {
        // clap's attribute puts the default before the field that names it.
        const [name, value] = re.source.startsWith('#\\[') ? [m[2]!, m[1]!] : [m[1]!, m[2]!]
        const path = namedPath(name, value)
        if (!path || found.has(path) || embedded.has(top(path)) || (lang === 'python' && path.startsWith('src/'))) continue
        if (f.has(path) || dirExists(path)) found.set(path, { file: f.path(file), reason: `${name} defaults to ${value}, which the app opens at run time: \`${oneLine(m[0], 70)}\` (line ${lineOf(text, m.index!)})` })
      }
    }
    // Express renders from ./views when a view engine is set and no views folder is.
    if (lang === 'node' && /\.set\(\s*['"]view engine['"]/.test(text) && !/\.set\(\s*['"]views['"]/.test(text) && dirExists('views') && !found.has('views')) {
      found.set('views', { file: f.path(file), reason: "a view engine without app.set('views'): Express renders from ./views" })
    }
    // Rocket's templates fairing reads templates/ unless template_dir says otherwise.
    if (lang === 'rust' && /Template::fairing\(\)/.test(text) && dirExists('templates') && !found.has('templates')) {
      found.set('templates', { file: f.path(file), reason: 'Template::fairing() reads templates/ at run time' })
    }
  }
  // Settings files: a key that names a path of the repository (`static_dir: ./static`).
  if (lang === 'go' || lang === 'rust') {
    for (const { file, text } of code.config) {
      for (const [key, value] of flattenConfig(file, text)) {
        const path = namedPath(key, value)
        if (!path || found.has(path) || embedded.has(top(path))) continue
        if (f.has(path) || dirExists(path)) found.set(path, { file: f.path(file), reason: `${key}: ${value} names a path the app opens at run time` })
      }
    }
  }
  // One folder covers the files below it.
  const paths = [...found.keys()].filter((x, _, all) => !all.some((o) => o !== x && x.startsWith(`${o}/`))).sort()
  return { paths, evidence: paths.map((x) => found.get(x)!) }
}

const top = (path: string) => path.replace(/^\.\//, '').split('/')[0]!

/** A setting's default as a path of the service folder, when it looks like one and may be one the image lacks. */
function namedPath(name: string, value: string): string | undefined {
  // A dotenv file holds a developer's secrets: never one the image should carry.
  if ((!/[/.]/.test(value) && !PATHY.test(name)) || /(?:^|\/)\.env(?:\.|$)/.test(value)) return undefined
  const path = cwdPath(value)?.replace(/\/?\*.*$/, '').replace(/\/$/, '')
  return path && path !== '.' && !path.startsWith('..') && !NEVER.test(path) ? path : undefined
}

/** A literal path as the process opens it from its working directory (the service folder). */
function cwdPath(raw: string): string | undefined {
  if (/^[a-z]+:|^\/|\$|\{/.test(raw)) return undefined
  return posix.normalize(raw).replace(/^\.\//, '')
}

/**
 * `path.join(__dirname, '..', 'public')` in src/app.ts resolves next to the compiled file, at
 * the same depth in dist/: computed in the source tree. `process.cwd()` is the service folder.
 */
function nodePath(args: string, file: string): string | undefined {
  const parts = args.split(',').map((a) => a.trim())
  const base = parts[0]
  const literals = parts.slice(1).map((a) => /^['"`]([^'"`$]*)['"`]$/.exec(a)?.[1])
  if (literals.some((l) => l === undefined)) return undefined
  const from = base === '__dirname' || base === 'import.meta.dirname' ? posix.dirname(file) : base === 'process.cwd()' ? '.' : undefined
  if (from === undefined) return undefined
  return posix.normalize(posix.join(from, ...(literals as string[])))
}

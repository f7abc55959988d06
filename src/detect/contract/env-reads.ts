import type { AppCode, SourceFile } from './sources.js'
import { lineOf, oneLine } from './sources.js'
import { placeholders } from './config.js'

/** One variable the app reads, where and how. */
export interface EnvRead {
  name: string
  /** Relative to the service folder. */
  file: string
  snippet: string
  /** Read with a fallback value in the code. */
  hasDefault: boolean
  /** The read itself fails when the variable is unset (os.environ["X"], ENV.fetch("X"), mustGetenv, a schema). */
  required: boolean
  /** What a validator says the value must look like. */
  shape?: Shape
  /**
   * The config key or variable the value is kept under (`host` in `host: process.env.HOST`,
   * `Host` in ``Host string `env:"HOST"` ``), so a use of `config.host` leads back to HOST.
   */
  key?: string
  /** The fallback value as written, when the read has one and it is a literal. */
  defaultValue?: string
}

/** What a validator says a variable must look like, for a placeholder that passes it. */
export interface Shape {
  type: 'string' | 'number' | 'boolean' | 'url' | 'email' | 'enum' | 'json' | 'port' | 'uuid'
  choices?: string[]
  min?: number
}

const NAME = '([A-Za-z_][A-Za-z0-9_]*)'

interface Pattern {
  re: RegExp
  /** The variable a call reads when it names none (dj_database_url.config() reads DATABASE_URL). */
  name?: string
  /** Given the match and the text after it: is a default given, does the read fail when unset. */
  kind: (m: RegExpMatchArray, after: string) => { hasDefault: boolean; required: boolean }
  /** The read sits inside a schema object whose key names the setting (convict), not after its key. */
  objectKey?: boolean
}

const fallbackAfter = (after: string) => /^\s*(?:\|\||\?\?|\bor\b|\?:)/.test(after)
const optional = () => ({ hasDefault: false, required: false })

const PATTERNS: Readonly<Record<string, readonly Pattern[]>> = {
  node: [
    // convict: `host: { format: 'ipaddress', default: '127.0.0.1', env: 'HOST' }`.
    { re: /\benv:\s*['"]([A-Z][A-Z0-9_]*)['"]/g, kind: () => ({ hasDefault: true, required: false }), objectKey: true },
    { re: new RegExp(`(?:process|Bun)\\.env\\.${NAME}`, 'g'), kind: (_, a) => ({ hasDefault: fallbackAfter(a), required: false }) },
    { re: new RegExp(`process\\.env\\[\\s*['"\`]${NAME}['"\`]\\s*\\]`, 'g'), kind: (_, a) => ({ hasDefault: fallbackAfter(a), required: false }) },
  ],
  python: [
    { re: new RegExp(`os\\.environ\\[\\s*['"]${NAME}['"]\\s*\\]`, 'g'), kind: () => ({ hasDefault: false, required: true }) },
    { re: new RegExp(`(?:os\\.environ\\.get|os\\.getenv|environ\\.get|getenv)\\(\\s*['"]${NAME}['"]\\s*(,)?`, 'g'), kind: (m) => ({ hasDefault: !!m[2], required: false }) },
    // django-environ and python-decouple: `env("X")` / `config("X")` fail without a default.
    {
      re: new RegExp(`(?<![.\\w])(?:env|config)(?:\\.(?:str|int|bool|float|url|list|json|db|db_url|cache|cache_url|search_url|email_url|path))?\\(\\s*['"]${NAME}['"]\\s*([,)])`, 'g'), kind: (m, a) => {
        // decouple's second argument is the default; django-environ's is the cast.
        const dflt = m[2] === ',' && (m[0].startsWith('config') || /default\s*=/.test(a.split(')')[0] ?? ''))
        return { hasDefault: dflt, required: !dflt }
      },
    },
    // dj-database-url and django-environ read these names when none is given.
    { re: /(?<![\w.])(?:dj_database_url\.config\((?![^)]*\benv\s*=)[^)]*\)|env\.(?:db|db_url)\(\s*\))()/g, kind: optional, name: 'DATABASE_URL' },
    { re: /(?<![\w.])env\.(?:cache|cache_url)\(\s*\)()/g, kind: optional, name: 'CACHE_URL' },
    { re: new RegExp(`dj_database_url\\.config\\([^)]*\\benv\\s*=\\s*['"]${NAME}['"]`, 'g'), kind: optional },
  ],
  go: [
    { re: new RegExp(`os\\.(?:Getenv|LookupEnv)\\(\\s*"${NAME}"\\s*\\)`, 'g'), kind: optional },
    { re: new RegExp(`\\b(?:must|Must|require|Require)\\w*[Ee]nv\\w*\\(\\s*"${NAME}"\\s*\\)`, 'g'), kind: () => ({ hasDefault: false, required: true }) },
    { re: new RegExp(`\\b(?:(?:get|Get|lookup|Lookup)\\w*[Ee]nv\\w*|[Ee]nv(?:Or|Default|OrDefault|WithDefault)\\w*)\\(\\s*"${NAME}"\\s*,\\s*`, 'g'), kind: () => ({ hasDefault: true, required: false }) },
    { re: new RegExp(`\\benv:"${NAME}((?:,[\\w=]+)*)"`, 'g'), kind: (m, a) => ({ hasDefault: /^[^\n`]*envDefault:/.test(a), required: /required|notEmpty/.test(m[2] ?? '') }) },
  ],
  rust: [
    { re: new RegExp(`(?:env|dotenvy|dotenv)::var(?:_os)?\\(\\s*"${NAME}"\\s*\\)`, 'g'), kind: (_, a) => ({ hasDefault: /^\s*\.(?:unwrap_or|ok\(\)|map_or)/.test(a), required: /^\s*(?:\.(?:expect|unwrap)\(|\?)/.test(a) }) },
    { re: new RegExp(`\\benv\\s*=\\s*"${NAME}"`, 'g'), kind: (_, a) => ({ hasDefault: /^[^\]]*default_value/.test(a), required: false }) },
  ],
  java: [{ re: new RegExp(`System\\.getenv\\(\\s*"${NAME}"\\s*\\)`, 'g'), kind: optional }],
  dotnet: [
    { re: new RegExp(`Environment\\.GetEnvironmentVariable\\(\\s*"${NAME}"\\s*\\)`, 'g'), kind: (_, a) => ({ hasDefault: /^\s*\?\?\s*(?!throw)/.test(a), required: /^\s*\?\?\s*throw\b/.test(a) }) },
  ],
  ruby: [
    { re: new RegExp(`ENV\\[\\s*['"]${NAME}['"]\\s*\\]`, 'g'), kind: (_, a) => ({ hasDefault: /^\s*(?:\|\||\.presence\s*\|\|)/.test(a), required: false }) },
    { re: new RegExp(`ENV\\.fetch\\(\\s*['"]${NAME}['"]\\s*(,)?`, 'g'), kind: (m, a) => ({ hasDefault: !!m[2] || /^\s*\)\s*\{/.test(a), required: !m[2] && !/^\s*\)\s*\{/.test(a) }) },
  ],
  php: [
    { re: new RegExp(`\\b(?:env|getenv)\\(\\s*['"]${NAME}['"]\\s*(,)?`, 'g'), kind: (m) => ({ hasDefault: !!m[2], required: false }) },
    { re: new RegExp(`\\$_(?:ENV|SERVER)\\[\\s*['"]${NAME}['"]\\s*\\]`, 'g'), kind: (_, a) => ({ hasDefault: /^\s*\?\?/.test(a), required: false }) },
  ],
}

/** .NET configuration keys (`Jwt:Key`, `GetConnectionString("Default")`) as the environment spells them. */
const DOTNET_CONFIG: readonly RegExp[] = [/Configuration\[\s*"([\w:.]+)"\s*\]/g, /GetValue<[\w?]+>\(\s*"([\w:.]+)"/g, /GetSection\(\s*"([\w:.]+)"\s*\)\.Value/g]

/**
 * The variables the app's code and config files read, in the order found (entry points first),
 * with whether the read has a fallback and whether it fails when the variable is unset.
 */
export function envReads(code: AppCode): EnvRead[] {
  const out: EnvRead[] = []
  const add = (r: EnvRead) => out.push(r)
  const scan = (files: readonly SourceFile[], patterns: readonly Pattern[]) => {
    for (const { file, text } of files) {
      for (const p of patterns) {
        for (const m of text.matchAll(p.re)) {
          const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 160)
          const key = p.objectKey ? objectKeyBefore(text, m.index!) : keyBefore(text.slice(text.lastIndexOf('\n', m.index! - 1) + 1, m.index!))
          const kind = p.kind(m, after)
          // The first literal of the fallback (`|| 'x'`, `.unwrap_or_else(|_| "local".into())`, `getenv("X", "d")`).
          const dflt = kind.hasDefault && !p.objectKey ? /^[^;]{0,60}?["'`]([^"'`\n]*)["'`]/.exec(after)?.[1] : undefined
          add({ name: p.name ?? m[1]!, file, snippet: `${oneLine(m[0], 70)} (line ${lineOf(text, m.index!)})`, ...kind, ...(key ? { key } : {}), ...(dflt !== undefined ? { defaultValue: dflt } : {}) })
        }
      }
    }
  }
  const lang = code.p.language
  scan(code.sources, PATTERNS[lang] ?? [])
  if (lang === 'ruby') scan(code.config.filter((c) => /\.ya?ml$/.test(c.file)), PATTERNS.ruby!)
  if (lang === 'dotnet') {
    for (const { file, text } of code.sources) {
      for (const re of DOTNET_CONFIG) {
        for (const m of text.matchAll(re)) {
          const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 40)
          add({ name: m[1]!.replace(/:/g, '__'), file, snippet: oneLine(m[0]), hasDefault: /^\s*\?\?\s*(?!throw)/.test(after), required: /^\s*\?\?\s*throw\b/.test(after) })
        }
      }
      for (const m of text.matchAll(/GetConnectionString\(\s*"(\w+)"\s*\)/g)) add({ name: `ConnectionStrings__${m[1]}`, file, snippet: oneLine(m[0]), hasDefault: false, required: false })
    }
  }
  if (lang === 'java') {
    // Spring and Quarkus resolve `${NAME}` placeholders from the environment; without a default, start-up fails.
    for (const { file, text } of code.config) {
      if (!/^src\/main\/resources\/application(?:-[\w-]+)?\.(?:properties|ya?ml)$/.test(file)) continue
      for (const ph of placeholders(text)) {
        if (!/^[A-Z][A-Z0-9_]*$/.test(ph.name)) continue
        add({ name: ph.name, file, snippet: `\${${ph.name}${ph.default !== undefined ? `:${ph.default}` : ''}}`, hasDefault: ph.default !== undefined, required: ph.default === undefined && /^src\/main\/resources\/application\./.test(file) })
      }
    }
  }
  return out
}

/**
 * The key a read's value is stored under, from the text before it on its line: an object key
 * or assignment (`host: process.env.HOST`, `host := os.Getenv(…)`, `let host = env::var(…)`,
 * `Host: getEnv("HOST", …)`), or a Go struct field carrying an env tag.
 */
export function keyBefore(prefix: string): string | undefined {
  const field = /^\s*([A-Za-z_]\w*)\s+[\w.*[\]]+\s+`[^`]*$/.exec(prefix)
  if (field) return field[1]
  return /(?:^|[\s{,(])["']?([A-Za-z_$][\w$]*)["']?\s*(?::=|=|:)\s*(?:[\w.]+\s*\(\s*)?(?:Number\(|parseInt\(|String\()?\s*$/.exec(prefix)?.[1]
}

/** The key of the innermost object literal around an index (`host` for `host: { …, env: 'HOST' }`). */
function objectKeyBefore(text: string, index: number): string | undefined {
  let depth = 0
  for (let i = index - 1; i >= 0 && index - i < 2000; i--) {
    const c = text[i]
    if (c === '}') depth++
    else if (c === '{') {
      if (depth === 0) return /["']?([A-Za-z_$][\w$]*)["']?\s*:\s*$/.exec(text.slice(Math.max(0, i - 80), i))?.[1]
      depth--
    }
  }
  return undefined
}

/** Reads by name, first occurrence first. */
export function byName(reads: readonly EnvRead[]): Map<string, EnvRead[]> {
  const m = new Map<string, EnvRead[]>()
  for (const r of reads) m.set(r.name, [...(m.get(r.name) ?? []), r])
  return m
}

import type { AppVariable, Evidence } from '../types.js'
import { closing } from './sources.js'
import type { EnvRead, Shape } from './env-reads.js'
import type { AppCode } from './sources.js'
import { lineOf, oneLine } from './sources.js'


/** Variables the image or the tool's own files set: never asked of the user. */
const SET_BY_THE_IMAGE = new Set(['PORT', 'NODE_ENV', 'RAILS_ENV', 'RACK_ENV', 'APP_ENV', 'PYTHONUNBUFFERED', 'PYTHONDONTWRITEBYTECODE', 'PYTHONPATH', 'ASPNETCORE_URLS', 'ASPNETCORE_HTTP_PORTS', 'ASPNETCORE_ENVIRONMENT', 'DOTNET_ENVIRONMENT', 'GIN_MODE', 'LOG_LEVEL', 'DATABASE_URL', 'CACHE_URL', 'HOSTNAME', 'HOME', 'PATH', 'TZ', 'CI'])

const SECRET = /SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|PRIVATE|CREDENTIAL|SALT|(?:^|_)(?:PASS|PWD)(?:_|$)|KEY(?:S)?(?:_|$)|APIKEY/

export const isSecret = (name: string): boolean => SECRET.test(name.toUpperCase())

/** A dev-only value that satisfies the shape: never a real secret, the same on every run. */
function placeholder(name: string, shape: Shape): string {
  switch (shape.type) {
    case 'enum':
      return shape.choices?.[0] ?? 'development'
    case 'number':
      return String(Math.max(shape.min ?? 1, 1))
    case 'port':
      return '8080'
    case 'boolean':
      return 'false'
    case 'url':
      return 'http://localhost'
    case 'email':
      return 'dev@example.com'
    case 'json':
      return '{}'
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000'
    default: {
      const base = `dev-only-${name.toLowerCase().replace(/_/g, '-')}`
      // Secrets are often checked for a minimum length (JWT keys: 32).
      const min = Math.max(shape.min ?? 0, isSecret(name) ? 32 : 0)
      return base.length >= min ? base : `${base}-${'x'.repeat(min - base.length - 1)}`
    }
  }
}

/** A method chain's calls after the base: `.string().required().valid('a', 'b')`. */
const CHAIN = String.raw`((?:\s*\.\s*\w+\((?:[^()]|\([^()]*\))*\))*)`
const quoted = (s: string) => [...s.matchAll(/['"`]([^'"`]*)['"`]/g)].map((m) => m[1]!)

function nodeSchemas(code: AppCode): EnvRead[] {
  const out: EnvRead[] = []
  for (const { file, text } of code.sources) {
    const at = (i: number, what: string) => ({ file, snippet: `${oneLine(what, 80)} (line ${lineOf(text, i)})` })
    // Joi: `JWT_SECRET: Joi.string().required()`; a default or .optional() makes it optional.
    if (/\bJoi\b/.test(text) && /process\.env/.test(text)) {
      for (const m of text.matchAll(new RegExp(String.raw`\b([A-Z][A-Z0-9_]*)\s*:\s*Joi\s*\.\s*(\w+)\(([^)]*)\)` + CHAIN, 'g'))) {
        const chain = m[4] ?? ''
        const hasDefault = /\.default\(/.test(chain)
        out.push({ name: m[1]!, shape: joiShape(m[2]!, chain), ...at(m.index!, m[0]), hasDefault, required: /\.required\(\)/.test(chain) && !hasDefault && !/\.(?:optional|allow)\(/.test(chain) })
      }
    }
    // zod env schemas (plain, or t3-env's createEnv): required unless optional, nullish, default or catch.
    if (/\bz\s*\.\s*(?:object|string|enum|coerce)/.test(text) && /process\.env|createEnv|import\.meta\.env/.test(text)) {
      for (const m of text.matchAll(new RegExp(String.raw`\b([A-Z][A-Z0-9_]*)\s*:\s*z\s*\.\s*(?:coerce\s*\.\s*)?(\w+)\(((?:[^()]|\([^()]*\))*)\)` + CHAIN, 'g'))) {
        const chain = m[4] ?? ''
        const hasDefault = /\.(?:default|catch)\(/.test(chain)
        out.push({ name: m[1]!, shape: zodShape(m[2]!, m[3] ?? '', chain), ...at(m.index!, m[0]), hasDefault, required: !hasDefault && !/\.(?:optional|nullish)\(/.test(chain) })
      }
    }
    // envalid: `cleanEnv(process.env, { JWT_SECRET: str(), PORT: port({ default: 3000 }) })`; devDefault does not apply in production.
    const clean = /cleanEnv\(\s*process\.env\s*,\s*\{/.exec(text)
    if (clean) {
      const open = clean.index + clean[0].length - 1
      const body = text.slice(open, closing(text, open) + 1)
      for (const m of body.matchAll(/\b([A-Z][A-Z0-9_]*)\s*:\s*(str|num|bool|email|host|port|url|json)\(\s*(\{[^}]*\})?\s*\)/g)) {
        const opts = m[3] ?? ''
        const hasDefault = /\bdefault\s*:/.test(opts)
        const choices = /choices:\s*\[([^\]]*)\]/.exec(opts)
        const type: Shape['type'] = choices ? 'enum' : ({ num: 'number', bool: 'boolean', email: 'email', port: 'port', url: 'url', json: 'json' } as const)[m[2] as 'num'] ?? 'string'
        out.push({ name: m[1]!, shape: { type, ...(choices ? { choices: quoted(choices[1]!) } : {}) }, ...at(open + m.index!, m[0]), hasDefault, required: !hasDefault })
      }
    }
  }
  return out
}

function joiShape(base: string, chain: string): Shape {
  const valid = /\.valid\(([^)]*)\)/.exec(chain)
  if (valid) return { type: 'enum', choices: quoted(valid[1]!) }
  if (base === 'number') return /\.port\(\)/.test(chain) ? { type: 'port' } : { type: 'number', ...minOf(chain) }
  if (base === 'boolean') return { type: 'boolean' }
  if (/\.uri\(/.test(chain)) return { type: 'url' }
  if (/\.email\(/.test(chain)) return { type: 'email' }
  return { type: 'string', ...minOf(chain) }
}

function zodShape(base: string, args: string, chain: string): Shape {
  if (base === 'enum') return { type: 'enum', choices: quoted(args) }
  if (base === 'number') return { type: 'number', ...minOf(chain) }
  if (base === 'boolean') return { type: 'boolean' }
  if (/\.url\(/.test(chain) || base === 'url') return { type: 'url' }
  if (/\.email\(/.test(chain)) return { type: 'email' }
  if (/\.uuid\(/.test(chain)) return { type: 'uuid' }
  return { type: 'string', ...minOf(chain) }
}

const minOf = (chain: string): { min?: number } => {
  const m = /\.(?:min|length)\(\s*(\d+)/.exec(chain)
  return m ? { min: Number(m[1]) } : {}
}

/** pydantic BaseSettings: fields without a default are required (env_prefix applied, names as the environment spells them). */
function pydanticSettings(code: AppCode): EnvRead[] {
  const out: EnvRead[] = []
  for (const { file, text } of code.sources) {
    if (!file.endsWith('.py')) continue
    for (const c of text.matchAll(/^class\s+\w+\(\s*(?:[\w.]*BaseSettings)\s*\):\s*\n((?:[ \t]+.*\n|\s*\n)*)/gm)) {
      const body = c[1]!
      const prefix = /env_prefix\s*=\s*['"](\w*)['"]/.exec(body)?.[1] ?? ''
      for (const m of body.matchAll(/^( {4}|\t)([A-Za-z]\w*)\s*:\s*([^=\n#]+?)\s*(?:=\s*(.+))?$/gm)) {
        const [, , field, type, value] = m as unknown as [string, string, string, string, string | undefined]
        if (field === 'model_config' || /^ClassVar/.test(type)) continue
        // A nested settings model is read from the environment by parts, not as one variable.
        if (/^[A-Z]\w*$/.test(type.trim()) && !/^(?:PostgresDsn|AnyUrl|HttpUrl|AnyHttpUrl|EmailStr|SecretStr|RedisDsn|MongoDsn|MySQLDsn|AmqpDsn|PositiveInt|Path|IPvAnyAddress|UUID4?)$/.test(type.trim())) continue
        const alias = value ? /(?:validation_)?alias\s*=\s*['"](\w+)['"]|\benv\s*=\s*['"](\w+)['"]/.exec(value) : null
        const name = alias ? (alias[1] ?? alias[2])! : `${prefix}${field}`.toUpperCase()
        const required = requiredField(value)
        out.push({ name, shape: pyShape(type), file, snippet: `${field}: ${type.trim()}${required ? '' : ' = …'} in a BaseSettings class (line ${lineOf(text, c.index! + c[0].indexOf(m[0]))})`, hasDefault: !required, required })
      }
    }
  }
  return out
}

/** A settings field without a default: no value, or `Field(...)`/`Field(alias=...)` without `default=`. */
function requiredField(value: string | undefined): boolean {
  if (value === undefined) return true
  const f = /^Field\(([\s\S]*)$/.exec(value.trim())
  if (!f) return false
  const args = f[1]!.replace(/\)\s*$/, '')
  if (args.trim() === '' || /^\s*\.\.\./.test(args)) return true
  if (/\bdefault(?:_factory)?\s*=/.test(args)) return false
  // A first positional argument is the default.
  return /^\s*\w+\s*=/.test(args)
}

function pyShape(type: string): Shape {
  const lit = /Literal\[([^\]]*)\]/.exec(type)
  if (lit) return { type: 'enum', choices: quoted(lit[1]!) }
  if (/\bint\b|PositiveInt|\bfloat\b/.test(type)) return { type: 'number' }
  if (/\bbool\b/.test(type)) return { type: 'boolean' }
  if (/EmailStr/.test(type)) return { type: 'email' }
  if (/Url|Dsn/.test(type)) return { type: 'url' }
  if (/^(?:list|dict|List|Dict)\b/.test(type.trim())) return { type: 'json' }
  return { type: 'string' }
}

/** Go: `if x := os.Getenv("X"); x == "" { log.Fatal(...) }` and its two-line form. */
function goFatal(code: AppCode): EnvRead[] {
  const out: EnvRead[] = []
  for (const { file, text } of code.sources) {
    if (!file.endsWith('.go')) continue
    for (const m of text.matchAll(/(\w+)\s*:?=\s*os\.Getenv\(\s*"([A-Za-z_]\w*)"\s*\)\s*(?:;|\n)\s*(?:if\s+)?\1\s*==\s*""\s*\{[^}]*?(?:log\.Fatal|panic\(|os\.Exit|log\.Panic|\.Fatal)/g)) {
      out.push({ name: m[2]!, file, snippet: `os.Getenv("${m[2]}") checked for "" and fatal (line ${lineOf(text, m.index!)})`, hasDefault: false, required: true })
    }
  }
  return out
}

/** Framework needs: Rails' SECRET_KEY_BASE in production, Laravel's APP_KEY. */
function frameworkNeeds(code: AppCode): AppVariable[] {
  const out: AppVariable[] = []
  if (code.framework === 'rails') {
    out.push({
      name: 'SECRET_KEY_BASE',
      // 128 hex digits, the length `bin/rails secret` prints.
      devValue: 'de0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000da',
      secret: true,
      evidence: { file: code.p.manifest, reason: 'Rails in production needs SECRET_KEY_BASE (or RAILS_MASTER_KEY to read it from config/credentials.yml.enc)' },
    })
  }
  if (code.framework === 'laravel') {
    const ex = code.examples.get('APP_KEY')
    out.push({
      name: 'APP_KEY',
      // `base64:` and 32 bytes: the key `php artisan key:generate` writes; this one is for dev only.
      devValue: ex?.value || 'base64:ZGV2LW9ubHkta2V5LWRldi1vbmx5LWtleS0zMmJ5dGU=',
      secret: true,
      evidence: ex ? { file: ex.file, reason: `APP_KEY=${ex.value ? '…' : ' (empty)'}: Laravel encrypts with it and stops without one` } : { file: code.p.manifest, reason: 'Laravel encrypts with APP_KEY and stops without one' },
    })
  }
  return out
}

/** Variables read through validators and settings classes: reads whose names never appear as process.env.X. */
export function schemaReads(code: AppCode): EnvRead[] {
  return [...nodeSchemas(code), ...pydanticSettings(code), ...goFatal(code)]
}

/**
 * Variables the app needs set to start: from schema validators (Joi, zod, envalid, t3-env),
 * settings classes (pydantic BaseSettings), reads that fail when unset (os.environ["X"],
 * ENV.fetch("X"), mustGetenv, `${X}` without a default in Spring/Quarkus config, env::var
 * with expect), and framework needs. Variables bound as connections, port or host, and those
 * the image sets, are left out. The dev value is the app's own example, else a placeholder
 * that passes the validator.
 */
export function requiredEnv(code: AppCode, reads: readonly EnvRead[], bound: ReadonlySet<string>, extra: readonly AppVariable[]): AppVariable[] {
  const out: AppVariable[] = [...extra, ...frameworkNeeds(code)]
  for (const r of reads) {
    if (!r.required || r.hasDefault) continue
    if (out.some((v) => v.name === r.name) || bound.has(r.name) || SET_BY_THE_IMAGE.has(r.name)) continue
    const ex = code.examples.get(r.name)
    const usable = ex && ex.value !== '' && !/\$\{/.test(ex.value)
    const evidence: Evidence = { file: code.f.path(r.file), reason: r.shape ? `\`${r.snippet}\`` : `\`${r.snippet}\` fails when ${r.name} is unset` }
    out.push({
      name: r.name,
      devValue: usable ? ex.value : placeholder(r.name, r.shape ?? { type: 'string' }),
      secret: isSecret(r.name),
      evidence: usable ? { ...evidence, reason: `${evidence.reason}; ${ex.file} has ${r.name}=${isSecret(r.name) ? '…' : ex.value}` } : evidence,
    })
  }
  return out
}

import type { AppFacts, AppVariable, ConnectionPart, EnvBinding } from './detect/types.js'
import { connectionValue, type EnvVar, type ServiceSpec } from './registry/services.js'
import { yamlScalar } from './utils/yaml-scalar.js'

/** A backing service with its choice's id and label. */
export type AppService = ServiceSpec & { id: string; label: string }

/** One variable of the app container, as every generated file sets it. */
export interface AppEnvVar {
  name: string
  /** What it carries, for people (values.yaml comments, README). */
  description: string
  kind: 'port' | 'host' | 'setting' | 'connection' | 'required'
  /**
   * Its value in Compose syntax before interpolation: literals, and `${NAME}` references to the
   * `.env` variables (the services' credentials, the app's required variables).
   */
  value: string
  /** A connection part: recomputed for each environment's endpoint on Kubernetes. */
  connection?: { service: AppService; part: ConnectionPart }
  /** A variable the app requires at boot, as detection reported it. */
  required?: AppVariable
  /** The `.env` variable behind a setting or a required variable (its dev value, whether secret). */
  env?: EnvVar
}

/** The app container's environment, decided once for Compose, the chart, Kustomize and the docs. */
export interface AppEnv {
  /** The variable the app reads its port from. */
  portName: string
  /** What it is set to: the port, or an address for a variable that holds one (ADDR, ASPNETCORE_URLS). */
  portValue: string
  /** The variable it reads its bind address from; null when it binds every interface itself. */
  hostName: string | null
  /** In the order compose.yaml lists them. */
  vars: AppEnvVar[]
  /** `.env` variables the app's required variables add (after the services' own). */
  dotenv: EnvVar[]
}

/** Lines .env.example always has, for Compose itself (the published port, the released image). */
const RESERVED = new Set(['APP_PORT', 'IMAGE_REPOSITORY', 'IMAGE_TAG'])

const PART_LABELS: Record<ConnectionPart, string> = {
  url: 'connection URL',
  jdbc: 'JDBC URL',
  connstring: 'connection string',
  host: 'host',
  port: 'port',
  hostport: 'host and port',
  user: 'user',
  password: 'password',
  database: 'database name',
}

/**
 * A dev value Compose can put after `:-` and a `.env` line can hold: `$` is escaped; a brace or
 * a line break cannot be, so such a value is left for the user to set (README lists it).
 */
function composeDefault(value: string): string {
  return /[{}\r\n]/.test(value) ? '' : value.replaceAll('$', () => '$$')
}

/**
 * The port as the variable carrying it expects it: a URL for `*_URLS` / `*_URL` (ASP.NET Core's
 * ASPNETCORE_URLS), `host:port` for an address (Go's ADDR, gunicorn's BIND), else the number.
 */
export function portValue(name: string, port: number): string {
  if (name === 'ASPNETCORE_URLS') return `http://+:${port}`
  if (/_URLS?$/.test(name)) return `http://0.0.0.0:${port}`
  if (/(^|_)(ADDR|ADDRESS|BIND|LISTEN)$/.test(name)) return `0.0.0.0:${port}`
  return String(port)
}

/** The app's bindings to one service, or the tool's own variable when detection found none. */
function bindings(own: readonly EnvBinding[] | undefined, s: AppService): EnvBinding[] {
  return own && own.length > 0 ? [...own] : [{ name: s.urlEnv, part: 'url' }]
}

/**
 * What the app container is given: its port (in the variable it reads), its bind address, the
 * log level, each connection part in the variable the app reads it from (DATABASE_URL and
 * CACHE_URL when detection found none) and the variables it requires at boot. A name is set
 * once, by the first of these that claims it.
 */
export function appEnvironment(port: number, app: AppFacts, services: readonly AppService[], settings: readonly EnvVar[]): AppEnv {
  const portName = app.portEnv ?? 'PORT'
  const hostName = app.hostEnv && app.hostEnv !== portName ? app.hostEnv : null
  const vars: AppEnvVar[] = []
  const add = (v: AppEnvVar) => {
    if (!vars.some((x) => x.name === v.name)) vars.push(v)
  }
  const value = portValue(portName, port)
  add({ name: portName, description: value === String(port) ? 'Listening port' : 'Listening address', kind: 'port', value })
  if (hostName) add({ name: hostName, description: 'Bind address: every interface, so the container is reachable', kind: 'host', value: '0.0.0.0' })
  for (const s of settings) add({ name: s.name, description: s.description, kind: 'setting', value: `\${${s.name}}`, env: s })
  for (const s of services) {
    for (const b of bindings(s.urlEnv === 'DATABASE_URL' ? app.databaseEnv : app.cacheEnv, s)) {
      add({ name: b.name, description: `${s.label} ${PART_LABELS[b.part]}`, kind: 'connection', value: connectionValue(s, b.part), connection: { service: s, part: b.part } })
    }
  }
  const serviceVars = services.flatMap((s) => s.secrets)
  const dotenv: EnvVar[] = []
  for (const r of app.requiredEnv ?? []) {
    if (vars.some((x) => x.name === r.name)) continue
    const description = `Required by the app at boot (${r.evidence.file}: ${r.evidence.reason})`
    // A service's own variable (POSTGRES_PASSWORD) is in .env already; .env.example's fixed lines too.
    const env = serviceVars.find((v) => v.name === r.name) ?? (RESERVED.has(r.name) ? undefined : { name: r.name, devDefault: composeDefault(r.devValue), description, secret: r.secret })
    if (env && !serviceVars.includes(env)) dotenv.push(env)
    add({ name: r.name, description, kind: 'required', value: `\${${r.name}}`, required: r, ...(env ? { env } : {}) })
  }
  return { portName, portValue: value, hostName, vars, dotenv }
}

/** A Compose `environment:` value as a YAML scalar: quoted unless it reads back as the same string. */
export function yamlValue(value: string): string {
  return yamlScalar(value)
}

/** A `.env` value: bare when Compose reads it back unchanged, else single-quoted (taken literally). */
export function dotenvValue(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./~-]*$/.test(value)) return value
  return value.includes("'") ? JSON.stringify(value) : `'${value}'`
}

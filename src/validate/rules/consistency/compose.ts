import { interpolate, isLiteral } from './interpolate.js'
import type { ComposeFile } from './project.js'
import { asList, asObj, asText, isObj } from './yaml.js'

/** Reading a Compose service's settings in any of the syntaxes Compose accepts. */

export interface EnvEntry {
  name: string
  /** As written (before interpolation); undefined for a name passed through from the shell. */
  raw: string | undefined
  line: number | undefined
}

/** `environment:` as a map or as a list of `NAME=value`. */
export function envEntries(file: ComposeFile, service: string): EnvEntry[] {
  const env = file.services[service]?.environment
  const at = (key: string | number) => file.doc.line(['services', service, 'environment', key])
  if (Array.isArray(env)) {
    return env.flatMap((item, i) => {
      const text = asText(item)
      if (!text) return []
      const eq = text.indexOf('=')
      return [{ name: eq === -1 ? text : text.slice(0, eq), raw: eq === -1 ? undefined : text.slice(eq + 1), line: at(i) }]
    })
  }
  return Object.entries(asObj(env)).map(([name, v]) => ({ name, raw: asText(v), line: at(name) }))
}

/** A port number written as a number or a string, after interpolation; undefined otherwise. */
export function portNumber(v: unknown): number | undefined {
  const text = asText(v)
  if (text === undefined) return undefined
  const value = interpolate(text).text.trim()
  return /^\d{1,5}$/.test(value) && Number(value) > 0 && Number(value) < 65536 ? Number(value) : undefined
}

/** The container side of a `ports:` entry, short (`"127.0.0.1:${APP_PORT:-3000}:3000/tcp"`) or long (`target: 3000`). */
export function containerPorts(entry: unknown): number[] {
  if (isObj(entry)) {
    const p = portNumber(entry.target)
    return p === undefined ? [] : [p]
  }
  const text = asText(entry)
  if (text === undefined) return []
  const value = interpolate(text).text.replace(/\/(tcp|udp|sctp)$/i, '')
  if (!isLiteral(value)) return []
  const side = value.slice(value.lastIndexOf(':') + 1)
  const range = /^(\d+)-(\d+)$/.exec(side)
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])]
    return to >= from && to - from < 1000 ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : []
  }
  const p = portNumber(side)
  return p === undefined ? [] : [p]
}

/** The service's published container ports in this file, with the line of `ports:`. */
export function publishedPorts(file: ComposeFile, service: string): { ports: number[]; line: number | undefined } | undefined {
  const entries = asList(file.services[service]?.ports)
  if (entries.length === 0) return undefined
  return { ports: entries.flatMap(containerPorts), line: file.doc.line(['services', service, 'ports']) }
}

/** The healthcheck's command as one string (`CMD`/`CMD-SHELL` dropped), interpolated. */
export function healthcheckCommand(file: ComposeFile, service: string): { text: string; line: number | undefined } | undefined {
  const hc = asObj(file.services[service]?.healthcheck)
  const test = hc.test
  const parts = Array.isArray(test) ? test.map((t) => asText(t) ?? '') : typeof test === 'string' ? [test] : []
  if (parts.length === 0 || parts[0] === 'NONE' || hc.disable === true) return undefined
  const text = (parts[0] === 'CMD' || parts[0] === 'CMD-SHELL' ? parts.slice(1) : parts).join(' ')
  return { text: interpolate(text).text, line: file.doc.line(['services', service, 'healthcheck', 'test']) }
}

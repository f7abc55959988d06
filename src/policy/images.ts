/**
 * Image references as Docker resolves them, and their rewriting through an organization's
 * registry mirrors. Pure text functions: generation applies them to the rendered Dockerfiles and
 * Compose files, `check` reads the same references back from the files on disk.
 */

import { UnsafeValueError } from '../render-guard.js'
import { shown } from '../utils/text.js'
import { imagePrefixProblem } from './references.js'

/** Source registry → mirror prefix (`{"docker.io": "registry.acme.dev/dockerhub"}`). */
export type Mirrors = Readonly<Record<string, string>>

export interface ImageRef {
  /** The reference as written. */
  text: string
  /** The registry host (with its port), `docker.io` for Docker Hub. */
  registry: string
  /** The repository below the registry; Docker Hub's official images are `library/<name>`. */
  path: string
  /** `:tag`, `@digest` or both, as written (a tag may hold `${VERSION}`); empty for none. */
  suffix: string
  /** `<registry>/<path><suffix>`. */
  canonical: string
}

const DOCKER_HUB = 'docker.io'
// Docker's own aliases for Docker Hub: a mirror for one of them is a mirror for all.
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])

/** A registry host in the form Docker uses for it. */
export function normalizeRegistry(host: string): string {
  const h = host.toLowerCase().replace(/\/+$/, '')
  return HUB_ALIASES.has(h) ? DOCKER_HUB : h
}

/**
 * Splits a reference Docker's way: the first path part names a registry when it holds a `.` or
 * a `:`, or is `localhost`; otherwise the image is on Docker Hub, where a one-part name is an
 * official image (`node` is `docker.io/library/node`). Null for what is not an image reference:
 * `scratch`, an empty string, or a name that starts with a variable (its registry is unknown).
 */
export function parseImageRef(ref: string): ImageRef | null {
  const text = ref.trim()
  if (!text || text.startsWith('$') || text.toLowerCase() === 'scratch' || /\s/.test(text)) return null
  const at = text.indexOf('@')
  const beforeDigest = at === -1 ? text : text.slice(0, at)
  const digest = at === -1 ? '' : text.slice(at)
  const lastSlash = beforeDigest.lastIndexOf('/')
  const colon = beforeDigest.indexOf(':', lastSlash + 1)
  const name = colon === -1 ? beforeDigest : beforeDigest.slice(0, colon)
  const suffix = (colon === -1 ? '' : beforeDigest.slice(colon)) + digest
  if (!name || name.endsWith('/')) return null
  const parts = name.split('/')
  const first = parts[0]!
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')
  const registry = hasRegistry ? normalizeRegistry(first) : DOCKER_HUB
  let path = hasRegistry ? parts.slice(1).join('/') : name
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`
  if (!path || path.includes('$')) return null
  return { text, registry, path, suffix, canonical: `${registry}/${path}${suffix}` }
}

/**
 * The mirror prefix for a registry, if the policy has one. A prefix outside the reference grammar
 * (a line break, a space, a tag) is refused here too, not only when the config is read: it is
 * written into Dockerfiles and Compose files as it is.
 */
function mirrorFor(registry: string, mirrors: Mirrors): string | undefined {
  for (const [source, prefix] of Object.entries(mirrors)) {
    if (normalizeRegistry(source) !== registry) continue
    const problem = imagePrefixProblem(prefix)
    if (problem) throw new UnsafeValueError(`policy.baseImages.mirrors[${shown(source)}]: ${shown(prefix)} ${problem}.`)
    return prefix.replace(/\/+$/, '')
  }
  return undefined
}

/**
 * The reference pulled through its registry's mirror (`node:22` →
 * `registry.acme.dev/dockerhub/library/node:22`); unchanged when the registry has no mirror or
 * the text is not an image reference.
 */
export function mirrorImage(ref: string, mirrors: Mirrors): string {
  const parsed = parseImageRef(ref)
  if (!parsed) return ref
  const prefix = mirrorFor(parsed.registry, mirrors)
  return prefix ? `${prefix}/${parsed.path}${parsed.suffix}` : ref
}

/** True when `image` (as written, or in its canonical form) lies below one of the prefixes. */
export function hasAllowedPrefix(image: string, prefixes: readonly string[]): boolean {
  const forms = [image, parseImageRef(image)?.canonical].filter((x): x is string => !!x)
  return prefixes.some((raw) => {
    const prefix = raw.replace(/\/+$/, '')
    // At a boundary, so `registry.acme.dev/hub` does not admit `registry.acme.dev/hub-evil/x`.
    return forms.some((f) => f === prefix || (f.startsWith(prefix) && /^[/:@]/.test(f.slice(prefix.length))))
  })
}

const FROM = /^(\s*FROM\s+)((?:--[a-z-]+=\S+\s+)*)(\S+)(.*)$/i
const STAGE = /\s+AS\s+(\S+)/i
const ARG = /^(\s*ARG\s+)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)(.*)$/i
const COPY_FROM = /^(\s*COPY\b.*?\s--from=)("[^"]*"|[^\s"]+)/i
const MOUNT_FROM = /(--mount=(?:[^\s,]*,)*?from=)([^,\s]+)/gi
const HEREDOC = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g
const WHOLE_VAR = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/

interface Instruction {
  /** Index of its first physical line. */
  line: number
  text: string
}

/**
 * The Dockerfile's instructions: comments and heredoc bodies (a `COPY <<EOF` file may hold lines
 * that look like `FROM`) left out, continuation lines joined.
 */
function instructions(lines: readonly string[]): Instruction[] {
  const out: Instruction[] = []
  for (let i = 0; i < lines.length; i++) {
    const start = i
    let text = lines[i]!
    if (/^\s*(#|$)/.test(text)) continue
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = `${text.replace(/\\\s*$/, '')} ${lines[++i]!.trim()}`
    out.push({ line: start, text })
    for (const [, , word] of text.matchAll(HEREDOC)) {
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== word) i++
      i++
    }
  }
  return out
}

interface Parsed {
  lines: string[]
  instructions: Instruction[]
  stages: Set<string>
  /** Names of ARGs a FROM or `--from=` uses as its whole image. */
  imageArgs: Set<string>
}

const unquote = (v: string) => (/^(["']).*\1$/.test(v) ? v.slice(1, -1) : v)

function parseDockerfile(text: string): Parsed {
  const lines = text.split('\n')
  const list = instructions(lines)
  const stages = new Set<string>()
  const imageArgs = new Set<string>()
  for (const { text: t } of list) {
    const from = FROM.exec(t)
    if (from) {
      const stage = STAGE.exec(from[4]!)
      if (stage) stages.add(stage[1]!.toLowerCase())
      const v = WHOLE_VAR.exec(from[3]!)
      if (v) imageArgs.add(v[1]!)
      continue
    }
    for (const ref of fromRefs(t)) {
      const v = WHOLE_VAR.exec(ref)
      if (v) imageArgs.add(v[1]!)
    }
  }
  return { lines, instructions: list, stages, imageArgs }
}

/** The `--from=` values of a COPY and the `from=` of its RUN mounts. */
function fromRefs(instruction: string): string[] {
  const refs: string[] = []
  const copy = COPY_FROM.exec(instruction)
  if (copy) refs.push(unquote(copy[2]!))
  if (/^\s*RUN\b/i.test(instruction)) for (const m of instruction.matchAll(MOUNT_FROM)) refs.push(unquote(m[2]!))
  return refs
}

/** A `--from=` value that names a build stage (or its index) rather than an image. */
const isStage = (ref: string, stages: ReadonlySet<string>) => stages.has(ref.toLowerCase()) || /^\d+$/.test(ref)

/**
 * Every base image pulled through its registry's mirror: `ARG X_IMAGE=<ref>` defaults (those a
 * FROM uses, and any `*_IMAGE`), literal `FROM` images, and images named by `COPY --from=` or a
 * RUN mount's `from=`. Stage names, `scratch` and `${VAR}` references stay as they are; so does
 * every other byte of the file.
 */
export function rewriteDockerfileImages(text: string, mirrors: Mirrors): string {
  if (Object.keys(mirrors).length === 0) return text
  const p = parseDockerfile(text)
  const lines = [...p.lines]
  const mirror = (ref: string) => mirrorImage(ref, mirrors)
  for (const { line, text: t } of p.instructions) {
    // Continued instructions are left alone: their image could sit on any physical line.
    if (t !== lines[line]) continue
    const from = FROM.exec(t)
    if (from) {
      const ref = from[3]!
      if (!isStage(ref, p.stages)) lines[line] = `${from[1]}${from[2]}${mirror(ref)}${from[4]}`
      continue
    }
    const arg = ARG.exec(t)
    if (arg && (p.imageArgs.has(arg[2]!) || arg[2]!.endsWith('_IMAGE'))) {
      const raw = arg[3]!
      const quote = /^["']/.test(raw) ? raw[0]! : ''
      lines[line] = `${arg[1]}${arg[2]}=${quote}${mirror(unquote(raw))}${quote}${arg[4]}`
      continue
    }
    let out = t.replace(COPY_FROM, (whole, head: string, ref: string) => (isStage(unquote(ref), p.stages) ? whole : `${head}${mirror(unquote(ref))}`))
    if (/^\s*RUN\b/i.test(out)) out = out.replace(MOUNT_FROM, (whole, head: string, ref: string) => (isStage(ref, p.stages) ? whole : `${head}${mirror(ref)}`))
    lines[line] = out
  }
  return lines.join('\n')
}

/** `${X}`, `$X` and `${X:-default}` filled in from the ARG defaults; unknown variables kept. */
function expand(value: string, args: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 10) return value
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, fallback?: string, bare?: string) => {
    const name = braced ?? bare!
    const v = args.get(name)
    if (v !== undefined && v !== '') return expand(v, args, depth + 1)
    return fallback !== undefined ? fallback : whole
  })
}

/**
 * The base images a Dockerfile pulls, each once and in order: `FROM` images (through the ARG
 * defaults, so `FROM ${NODE_IMAGE}` gives `node:22-trixie-slim`) and `--from=` images. A
 * reference still holding an unknown variable is listed as it is.
 */
export function dockerfileBaseImages(text: string): string[] {
  const p = parseDockerfile(text)
  const args = new Map<string, string>()
  const out = new Set<string>()
  let seenFrom = false
  const add = (ref: string) => {
    const resolved = expand(ref, args)
    if (resolved.toLowerCase() !== 'scratch' && !isStage(resolved, p.stages)) out.add(resolved)
  }
  for (const { text: t } of p.instructions) {
    const from = FROM.exec(t)
    if (from) {
      seenFrom = true
      add(from[3]!)
      continue
    }
    const arg = ARG.exec(t)
    // Only ARGs before the first FROM reach a FROM line.
    if (arg && !seenFrom) args.set(arg[2]!, expand(unquote(arg[3]!), args))
    for (const ref of fromRefs(t)) if (!isStage(ref, p.stages)) add(ref)
  }
  return [...out]
}

const COMPOSE_IMAGE = /^(\s*image:\s*)(["']?)([^\s"'#]+)\2(\s*(?:#.*)?)$/

/**
 * Compose services' `image:` lines pulled through the mirrors. The app's own image is built from
 * `${IMAGE_REPOSITORY}` and `${IMAGE_TAG}` and is not an upstream image: it stays as it is.
 */
export function rewriteComposeImages(text: string, mirrors: Mirrors): string {
  if (Object.keys(mirrors).length === 0) return text
  return text
    .split('\n')
    .map((line) => {
      const m = COMPOSE_IMAGE.exec(line)
      if (!m || m[3]!.includes('$')) return line
      return `${m[1]}${m[2]}${mirrorImage(m[3]!, mirrors)}${m[2]}${m[4]}`
    })
    .join('\n')
}

/** A Dockerfile by its name: `Dockerfile`, `Dockerfile.dev`; not BuildKit's `Dockerfile.dockerignore`. */
export const isDockerfile = (path: string): boolean => {
  const base = path.split('/').pop()!
  return (base === 'Dockerfile' || base.startsWith('Dockerfile.')) && !base.endsWith('.dockerignore')
}

/** A Compose file by its name: `compose.yaml`, `compose.prod.yaml`, `docker-compose.yml`. */
export const isComposeFile = (path: string): boolean => /^(docker-)?compose(\.[\w-]+)*\.ya?ml$/.test(path.split('/').pop()!)

import { controlCharacterPath, shown } from '../utils/text.js'
import { imagePrefixProblem, registryHostProblem } from '../policy/references.js'
import { FIELDS, type AnswerKey } from '../answers.js'
import { SEVERITIES, type ConfigFile, type Policy, type ResourceFloor } from './types.js'
import { metadataProblem } from '../kubernetes-context.js'
import { compareQuantities, parseQuantity } from '../policy/quantity.js'

/** A config file that cannot be used: bad shape, or two layers that contradict each other. Exit code 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** One config file in the merge order, already read. */
export interface ConfigLayer {
  /** Where it came from, as shown in messages: a file path, or `npm:<name>@<version> (<path>)`. */
  source: string
  /** The folder its relative paths (packs, extends) are resolved from. */
  dir: string
  kind: 'preset' | 'user' | 'directory'
  config: ConfigFile
}

export interface Sourced<T> {
  value: T
  source: string
}

/** Every layer merged: org presets, then the user's file, then the folders from the outermost in. */
export interface ResolvedConfig {
  layers: readonly { source: string; kind: ConfigLayer['kind'] }[]
  defaults: Partial<Record<AnswerKey, Sourced<unknown>>>
  locked: Partial<Record<AnswerKey, Sourced<unknown>>>
  /** Intersected over layers: a later layer can only narrow what an earlier one allows. */
  allow: Partial<Record<AnswerKey, Sourced<readonly (string | number)[]>>>
  forbid: Partial<Record<AnswerKey, Sourced<string | number>[]>>
  /** The file rules (images, labels, resources, scan), merged so that a later layer only tightens. */
  policy: Policy
  /** Rule id (`labels`, `resources.requests.cpu`, `scan.failOn`...) → the file that set it. */
  ruleSources: Readonly<Record<string, string>>
  packs: readonly { spec: string; dir: string; source: string }[]
  variables: Readonly<Record<string, Sourced<unknown>>>
}

export const EMPTY_CONFIG: ResolvedConfig = { layers: [], defaults: {}, locked: {}, allow: {}, forbid: {}, policy: {}, ruleSources: {}, packs: [], variables: {} }

const TOP_KEYS = ['extends', 'defaults', 'locked', 'policy', 'packs', 'variables', 'root'] as const
const POLICY_KEYS = ['allow', 'forbid', 'baseImages', 'labels', 'annotations', 'resources', 'scan'] as const
const ANSWER_KEYS = new Set<string>(FIELDS.map((f) => f.key))

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Checks one file's shape and returns it typed. Unknown keys are errors, not ignored: a typo in
 * a policy (`forbids:`) would otherwise silently allow what the organization meant to refuse.
 */
export function checkConfigShape(data: unknown, source: string): ConfigFile {
  if (!isObject(data)) throw new ConfigError(`${source}: the config must be an object with any of: ${TOP_KEYS.join(', ')}.`)
  // Every value may end up in a generated file, where a line break would start a line of its own.
  const control = controlCharacterPath(data)
  if (control) throw new ConfigError(`${source}: ${control.path} holds the control character ${control.char}; config values are single lines without control characters.`)
  const unknownKey = (where: string, key: string, valid: readonly string[]) =>
    new ConfigError(`${source}: unknown key "${where}${key}". Valid keys${where ? ` under ${where.slice(0, -1)}` : ''}: ${valid.join(', ')}.`)
  for (const k of Object.keys(data)) if (!(TOP_KEYS as readonly string[]).includes(k)) throw unknownKey('', k, TOP_KEYS)
  const strings = (v: unknown, where: string): void => {
    if (!(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))) throw new ConfigError(`${source}: ${shown(where)} must be a string or a list of strings.`)
  }
  if (data.extends !== undefined) strings(data.extends, 'extends')
  if (data.packs !== undefined) {
    strings(data.packs, 'packs')
    if (!Array.isArray(data.packs)) data.packs = [data.packs]
  }
  for (const key of ['defaults', 'locked'] as const) {
    const v = data[key]
    if (v === undefined) continue
    if (!isObject(v)) throw new ConfigError(`${source}: ${shown(key)} must map answers to values, e.g. { "platform": "eks" }.`)
    for (const k of Object.keys(v)) if (!ANSWER_KEYS.has(k)) throw unknownKey(`${key}.`, k, [...ANSWER_KEYS])
  }
  if (data.variables !== undefined && !isObject(data.variables)) throw new ConfigError(`${source}: "variables" must map pack variables to values.`)
  const policy = data.policy
  if (policy !== undefined) {
    if (!isObject(policy)) throw new ConfigError(`${source}: "policy" must be an object with any of: ${POLICY_KEYS.join(', ')}.`)
    for (const k of Object.keys(policy)) if (!(POLICY_KEYS as readonly string[]).includes(k)) throw unknownKey('policy.', k, POLICY_KEYS)
    for (const key of ['allow', 'forbid'] as const) {
      const v = policy[key]
      if (v === undefined) continue
      if (!isObject(v)) throw new ConfigError(`${source}: "policy.${key}" must map answers to lists of values, e.g. { "platform": ["eks"] }.`)
      for (const [k, list] of Object.entries(v)) {
        if (!ANSWER_KEYS.has(k)) throw unknownKey(`policy.${key}.`, k, [...ANSWER_KEYS])
        if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' && typeof x !== 'number')) throw new ConfigError(`${source}: "policy.${key}.${k}" must be a list of values.`)
      }
    }
    for (const key of ['labels', 'annotations'] as const) {
      const v = policy[key]
      if (v !== undefined && (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string'))) throw new ConfigError(`${source}: "policy.${key}" must map names to string values.`)
      for (const [name, value] of Object.entries(v ?? {})) {
        const problem = metadataProblem(key, name, value as string)
        if (problem) throw new ConfigError(`${source}: policy.${key}: ${problem}.`)
      }
    }
    const images = policy.baseImages
    if (images !== undefined) {
      if (!isObject(images) || Object.keys(images).some((k) => k !== 'mirrors' && k !== 'allowedPrefixes')) throw new ConfigError(`${source}: "policy.baseImages" takes "mirrors" (registry → prefix) and "allowedPrefixes" (a list).`)
      if (images.mirrors !== undefined && (!isObject(images.mirrors) || Object.values(images.mirrors).some((x) => typeof x !== 'string' || x === ''))) throw new ConfigError(`${source}: "policy.baseImages.mirrors" must map registries (docker.io, ghcr.io...) to mirror prefixes.`)
      for (const [registry, prefix] of Object.entries((images.mirrors ?? {}) as Record<string, string>)) {
        const hostProblem = registryHostProblem(registry)
        if (hostProblem) throw new ConfigError(`${source}: policy.baseImages.mirrors: the key ${shown(registry)} ${hostProblem}.`)
        const prefixProblem = imagePrefixProblem(prefix)
        if (prefixProblem) throw new ConfigError(`${source}: policy.baseImages.mirrors[${shown(registry)}]: ${shown(prefix)} ${prefixProblem}.`)
      }
      if (images.allowedPrefixes !== undefined) strings(images.allowedPrefixes, 'policy.baseImages.allowedPrefixes')
      if (typeof images.allowedPrefixes === 'string') images.allowedPrefixes = [images.allowedPrefixes]
      for (const prefix of (images.allowedPrefixes ?? []) as string[]) {
        const problem = imagePrefixProblem(prefix)
        if (problem) throw new ConfigError(`${source}: policy.baseImages.allowedPrefixes: ${shown(prefix)} ${problem}.`)
      }
    }
    const res = policy.resources
    if (res !== undefined) {
      if (!isObject(res) || Object.keys(res).some((k) => k !== 'requests' && k !== 'limits')) throw new ConfigError(`${source}: "policy.resources" takes "requests" and "limits", each with "cpu" and "memory".`)
      for (const [kind, floor] of Object.entries(res)) {
        if (!isObject(floor) || Object.keys(floor).some((k) => k !== 'cpu' && k !== 'memory')) throw new ConfigError(`${source}: "policy.resources.${kind}" takes "cpu" and "memory".`)
        for (const [r, q] of Object.entries(floor)) {
          if ((typeof q !== 'string' && typeof q !== 'number') || parseQuantity(q) === null) throw new ConfigError(`${source}: "policy.resources.${kind}.${r}" must be a Kubernetes quantity such as ${r === 'cpu' ? '"250m" or "1"' : '"256Mi" or "1Gi"'}.`)
        }
      }
    }
    const scan = policy.scan
    if (scan !== undefined) {
      if (!isObject(scan) || Object.keys(scan).some((k) => k !== 'failOn')) throw new ConfigError(`${source}: "policy.scan" takes "failOn".`)
      if (scan.failOn !== undefined && !(SEVERITIES as readonly unknown[]).includes(scan.failOn)) throw new ConfigError(`${source}: "policy.scan.failOn" must be one of: ${SEVERITIES.join(', ')}.`)
    }
  }
  return data as ConfigFile
}

const same = (a: unknown, b: unknown) => String(a) === String(b)
const SEVERITY_RANK = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number])

/**
 * Merges the layers in order (weakest first). Defaults and variables: the later layer wins.
 * Rules only tighten: allow lists intersect, forbid lists add up, resource floors and the scan
 * threshold take the stricter value, and a later layer that contradicts a lock, a required label
 * or a mirror is an error that names both files.
 */
export function resolveConfig(layers: readonly ConfigLayer[]): ResolvedConfig {
  const r = {
    layers: layers.map((l) => ({ source: l.source, kind: l.kind })),
    defaults: {} as Partial<Record<AnswerKey, Sourced<unknown>>>,
    locked: {} as Partial<Record<AnswerKey, Sourced<unknown>>>,
    allow: {} as Partial<Record<AnswerKey, Sourced<readonly (string | number)[]>>>,
    forbid: {} as Partial<Record<AnswerKey, Sourced<string | number>[]>>,
    policy: {} as Policy,
    ruleSources: {} as Record<string, string>,
    packs: [] as { spec: string; dir: string; source: string }[],
    variables: {} as Record<string, Sourced<unknown>>,
  }
  for (const { config: c, source, dir } of layers) {
    for (const [k, value] of Object.entries(c.locked ?? {}) as [AnswerKey, unknown][]) {
      const prev = r.locked[k]
      if (prev && !same(prev.value, value)) throw new ConfigError(`${source}: locked.${k} is ${shown(value)}, but ${prev.source} locks it to ${shown(prev.value)}. A lock cannot be changed by a later config.`)
      r.locked[k] ??= { value, source }
    }
    for (const [k, value] of Object.entries(c.defaults ?? {}) as [AnswerKey, unknown][]) {
      const lock = r.locked[k]
      if (lock && !same(lock.value, value)) throw new ConfigError(`${source}: defaults.${k} is ${shown(value)}, but ${lock.source} locks it to ${shown(lock.value)}.`)
      r.defaults[k] = { value, source }
    }
    const p = c.policy ?? {}
    for (const [k, list] of Object.entries(p.allow ?? {}) as [AnswerKey, (string | number)[]][]) {
      const prev = r.allow[k]
      const narrowed = prev ? list.filter((v) => prev.value.some((x) => same(x, v))) : list
      if (narrowed.length === 0) throw new ConfigError(`${source}: policy.allow.${k} leaves no value allowed together with ${prev!.source} (${prev!.value.join(', ')}).`)
      r.allow[k] = { value: narrowed, source: prev && narrowed.length === prev.value.length ? prev.source : source }
    }
    for (const [k, list] of Object.entries(p.forbid ?? {}) as [AnswerKey, (string | number)[]][]) {
      r.forbid[k] = [...(r.forbid[k] ?? []), ...list.map((value) => ({ value, source }))]
    }
    if (p.baseImages?.mirrors) {
      const mirrors = { ...(r.policy.baseImages?.mirrors ?? {}) }
      for (const [registry, prefix] of Object.entries(p.baseImages.mirrors)) {
        const prevSource = r.ruleSources[`baseImages.mirrors.${registry}`]
        if (prevSource && mirrors[registry] !== prefix) throw new ConfigError(`${source}: policy.baseImages.mirrors[${shown(registry)}] is ${shown(prefix)}, but ${prevSource} sets ${shown(mirrors[registry])}.`)
        mirrors[registry] = prefix
        r.ruleSources[`baseImages.mirrors.${registry}`] ??= source
      }
      r.policy.baseImages = { ...r.policy.baseImages, mirrors }
      r.ruleSources['baseImages.mirrors'] ??= source
    }
    if (p.baseImages?.allowedPrefixes) {
      const prev = r.policy.baseImages?.allowedPrefixes
      // A later list narrows: each of its prefixes must sit inside one the earlier list allows.
      const outside = prev ? p.baseImages.allowedPrefixes.filter((x) => !prev.some((q) => x.startsWith(q))) : []
      if (outside.length) throw new ConfigError(`${source}: policy.baseImages.allowedPrefixes allows ${outside.join(', ')}, outside what ${r.ruleSources['baseImages.allowedPrefixes']} allows (${prev!.join(', ')}).`)
      r.policy.baseImages = { ...r.policy.baseImages, allowedPrefixes: p.baseImages.allowedPrefixes }
      r.ruleSources['baseImages.allowedPrefixes'] = source
    }
    for (const key of ['labels', 'annotations'] as const) {
      const add = p[key]
      if (!add) continue
      const merged = { ...(r.policy[key] ?? {}) }
      for (const [name, value] of Object.entries(add)) {
        const id = `${key}.${name}`
        if (r.ruleSources[id] && merged[name] !== value) throw new ConfigError(`${source}: policy.${key}[${shown(name)}] is ${shown(value)}, but ${r.ruleSources[id]} requires ${shown(merged[name])}.`)
        merged[name] = value
        r.ruleSources[id] ??= source
      }
      r.policy[key] = merged
      r.ruleSources[key] ??= source
    }
    for (const kind of ['requests', 'limits'] as const) {
      for (const res of ['cpu', 'memory'] as const) {
        const q = p.resources?.[kind]?.[res]
        if (q === undefined) continue
        const current = r.policy.resources?.[kind]?.[res]
        if (current !== undefined && compareQuantities(parseQuantity(current)!, parseQuantity(q)!) >= 0) continue
        const floor: ResourceFloor = { ...(r.policy.resources?.[kind] ?? {}), [res]: q }
        r.policy.resources = { ...r.policy.resources, [kind]: floor }
        r.ruleSources[`resources.${kind}.${res}`] = source
      }
    }
    const failOn = p.scan?.failOn
    if (failOn && (r.policy.scan?.failOn === undefined || SEVERITY_RANK(failOn) > SEVERITY_RANK(r.policy.scan.failOn))) {
      r.policy.scan = { failOn }
      r.ruleSources['scan.failOn'] = source
    }
    for (const spec of c.packs ?? []) if (!r.packs.some((x) => x.spec === spec && x.dir === dir)) r.packs.push({ spec, dir, source })
    for (const [k, value] of Object.entries(c.variables ?? {})) r.variables[k] = { value, source }
  }
  for (const [k, list] of Object.entries(r.allow) as [AnswerKey, Sourced<readonly (string | number)[]>][]) {
    const lock = r.locked[k]
    if (lock && !list.value.some((v) => same(v, lock.value))) throw new ConfigError(`${lock.source}: locked.${k} ${shown(lock.value)} is not among the values ${list.source} allows (${list.value.join(', ')}).`)
  }
  for (const [k, list] of Object.entries(r.forbid) as [AnswerKey, Sourced<string | number>[]][]) {
    const lock = r.locked[k]
    const hit = lock && list.find((f) => same(f.value, lock.value))
    if (hit) throw new ConfigError(`${lock.source}: locked.${k} ${shown(lock.value)} is forbidden by ${hit.source}.`)
  }
  return r
}

/** The file that set a rule, for messages: the rule itself or its nearest parent (`labels.team` → `labels`). */
export function ruleSource(config: ResolvedConfig, rule: string): string {
  for (let id = rule; id; id = id.includes('.') ? id.slice(0, id.lastIndexOf('.')) : '') {
    const s = config.ruleSources[id]
    if (s) return s
  }
  return 'the configuration'
}

import { posix, win32 } from 'node:path'
import { CONTROL, controlCharacter, shown } from '../utils/text.js'

/** A pack that cannot be used: bad manifest, a hostile path, a template that replaces nothing. Exit code 2. */
export class PackError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PackError'
  }
}

export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'choice'] as const
export type VariableType = (typeof VARIABLE_TYPES)[number]

/** A value a pack's templates use (`{{vars.team}}`); it becomes a question and a `--var` flag. */
export interface VariableSpec {
  type: VariableType
  description: string
  default?: string | number | boolean
  /** `choice` only. */
  choices?: readonly string[]
  /** `string` only: a regular expression the value must match. */
  pattern?: string
}

/** A template pack in memory: everything read from disk once, so the rest is pure. */
export interface Pack {
  name: string
  version: string
  /** The spec it was loaded from, as the record keeps it (`./org-pack`, `@acme/containerized-pack`). */
  spec: string
  /** Where it was read, for messages. */
  location: string
  variables: Readonly<Record<string, VariableSpec>>
  /** Built-in template path → replacement text (`node/Dockerfile.hbs`). */
  templates: Readonly<Record<string, string>>
  /** Files the pack adds: output path → template text and whether it is rendered. */
  files: readonly { to: string; from: string; text: string; mode?: number }[]
}

/** What the answers record keeps of each pack, so `update` and `check` can compare versions. */
export interface PackRef {
  name: string
  version: string
  spec: string
}

export const packRef = (p: Pack): PackRef => ({ name: p.name, version: p.version, spec: p.spec })

/**
 * Why a path a pack wants to write is refused, or undefined when it is a plain relative path
 * inside the project: no `..`, nothing absolute (either OS), no backslashes, nothing in .git
 * or in the tool's own .containerized folder.
 */
export function outputPathProblem(path: string): string | undefined {
  if (path === '' || path.includes('\0')) return 'it is empty'
  if (path.includes('\\')) return 'it holds a backslash (use / between folders)'
  if (posix.isAbsolute(path) || win32.isAbsolute(path) || /^[a-zA-Z]:/.test(path)) return 'it is absolute'
  const parts = path.split('/')
  if (parts.includes('..')) return 'it climbs out of the project with ..'
  if (parts.some((p) => p === '' || p === '.')) return 'it has an empty or . segment'
  if (parts[0] === '.git') return 'it writes into .git'
  if (parts[0] === '.containerized') return 'the .containerized folder belongs to the tool'
  return undefined
}

const VAR_NAME = /^[A-Za-z][A-Za-z0-9_]*$/

/** Checks a pack manifest's `variables` and returns them typed. */
export function checkVariables(data: unknown, where: string): Record<string, VariableSpec> {
  if (data === undefined) return {}
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new PackError(`${where}: "variables" must map names to { type, description, default }.`)
  const out: Record<string, VariableSpec> = {}
  for (const [name, raw] of Object.entries(data as Record<string, unknown>)) {
    if (!VAR_NAME.test(name)) throw new PackError(`${where}: variable "${name}" must be a name like teamName (letters, digits, _), usable as {{vars.${name}}}.`)
    const v = raw as Partial<VariableSpec>
    if (typeof raw !== 'object' || raw === null || !VARIABLE_TYPES.includes(v.type as VariableType)) throw new PackError(`${where}: variable "${name}" needs a type: ${VARIABLE_TYPES.join(', ')}.`)
    if (typeof v.description !== 'string' || !v.description) throw new PackError(`${where}: variable "${name}" needs a description (it is the question and the --help text).`)
    if (v.type === 'choice' && (!Array.isArray(v.choices) || v.choices.length === 0 || v.choices.some((c) => typeof c !== 'string'))) throw new PackError(`${where}: variable "${name}" is a choice and needs "choices": a list of strings.`)
    if (v.pattern !== undefined) {
      try {
        new RegExp(v.pattern)
      } catch {
        throw new PackError(`${where}: variable "${name}" has an invalid pattern ${v.pattern}.`)
      }
    }
    const spec = v as VariableSpec
    if (spec.default !== undefined) {
      const problem = variableProblem(spec, spec.default)
      if (problem) throw new PackError(`${where}: variable "${name}" has an invalid default: ${problem}.`)
    }
    out[name] = spec
  }
  return out
}

/** Why a value does not fit a variable, or undefined. */
export function variableProblem(spec: VariableSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return 'it must be text'
      // Templates put a variable on one line: a line break would add lines of its own.
      if (CONTROL.test(value)) return `${shown(value)} holds the control character ${controlCharacter(value)}; a variable is one line of text`
      if (spec.pattern && !new RegExp(`^(?:${spec.pattern})$`).test(value)) return `${shown(value)} does not match ${spec.pattern}`
      return undefined
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${shown(String(value))} is not a number`
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${shown(String(value))} is not true or false`
    case 'choice':
      return typeof value === 'string' && spec.choices!.includes(value) ? undefined : `${shown(String(value))} is not one of: ${spec.choices!.join(', ')}`
  }
}

/** A `--var name=value` string as the variable's type. */
export function coerceVariable(spec: VariableSpec, text: string): unknown {
  if (spec.type === 'number' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (spec.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true'
  return text
}

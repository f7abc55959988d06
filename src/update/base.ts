import { createHash } from 'node:crypto'
import type { PackRef } from '../packs/pack.js'
import type { RenderedFile } from '../render.js'

/** Beside the answers record: what the tool generated last time, the base of update's 3-way merge. */
export const BASE_FILE = '.containerized/base.json'

export interface BaseRecord {
  generator: string
  packs: readonly PackRef[]
  /** Files the user chose to keep as theirs (`--on-conflict keep`, alongside): update leaves them alone. */
  kept: readonly string[]
  /** Path (from the folder the run wrote in) → the content generated, whether or not the user edited it since. */
  files: Readonly<Record<string, string>>
  /**
   * Which of `files` are the starter app's (the user's code once written). Absent in records
   * from before the starter app was merged: those hold none of its files.
   */
  starter?: readonly string[]
  /**
   * Starter-app files you had edited when an update changed them: the update did not write them
   * but listed them, and `check` fails while each is as it was then (its `sha256`). `change` is
   * the tool's change you have to make, as a unified diff.
   */
  pending?: Readonly<Record<string, PendingChange>>
}

export interface PendingChange {
  sha256: string
  change: string
}

/** The fingerprint `pending` compares a file with. */
export const fingerprint = (text: string): string => createHash('sha256').update(text).digest('hex')

const NOTE = 'What create-containerized-app generated last time: the base that `update` merges your edits against. Written by the tool; do not edit.'

export function baseRecordText(record: BaseRecord): string {
  const sorted = Object.fromEntries(Object.entries(record.files).sort(([a], [b]) => a.localeCompare(b)))
  const starter = record.starter ? { starter: [...record.starter].sort() } : {}
  const pending = record.pending && Object.keys(record.pending).length ? { pending: Object.fromEntries(Object.entries(record.pending).sort(([a], [b]) => a.localeCompare(b))) } : {}
  return `${JSON.stringify({ $comment: NOTE, generator: record.generator, packs: record.packs, kept: [...record.kept].sort(), ...starter, ...pending, files: sorted }, null, 2)}\n`
}

/** The record, or what makes it corrupt: a base that does not parse is never taken for no base. */
export function readBaseRecord(text: string): { record: BaseRecord } | { corrupt: string } {
  let data: Partial<Record<keyof BaseRecord, unknown>>
  try {
    data = JSON.parse(text) as typeof data
  } catch (err) {
    return { corrupt: `not valid JSON (${(err as Error).message.split('\n')[0]})` }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { corrupt: 'not a JSON object' }
  if (typeof data.generator !== 'string') return { corrupt: '"generator" is not a string' }
  if (typeof data.files !== 'object' || data.files === null || Array.isArray(data.files)) return { corrupt: '"files" is not an object' }
  const odd = Object.entries(data.files).find(([, v]) => typeof v !== 'string')
  if (odd) return { corrupt: `"files" holds ${odd[0]} as something other than text` }
  const files = data.files as Record<string, string>
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [])
  const pending = typeof data.pending === 'object' && data.pending !== null && !Array.isArray(data.pending)
    ? Object.fromEntries(Object.entries(data.pending as Record<string, unknown>).flatMap(([path, v]) => {
        const p = v as Partial<PendingChange> | null
        return p && typeof p.sha256 === 'string' && typeof p.change === 'string' ? [[path, { sha256: p.sha256, change: p.change }]] : []
      }))
    : undefined
  return {
    record: {
      generator: data.generator,
      packs: Array.isArray(data.packs) ? (data.packs as PackRef[]) : [],
      kept: strings(data.kept),
      files,
      ...(Array.isArray(data.starter) ? { starter: strings(data.starter) } : {}),
      ...(pending && Object.keys(pending).length ? { pending } : {}),
    },
  }
}

/** The record, or undefined when the text is not one (where a broken base only loses a hint). */
export function parseBaseRecord(text: string): BaseRecord | undefined {
  const r = readBaseRecord(text)
  return 'record' in r ? r.record : undefined
}

/** The tool's own bookkeeping files: always rewritten, never merged. */
export const isBookkeeping = (path: string) => /(^|\/)\.containerized\/(answers|base)\.json$/.test(path)

/**
 * The base record for what a run just generated, leaving out the tool's own files. `starter`
 * names the starter app's files among them (none for a retrofit); `pending`, the starter files
 * an update listed for you to change.
 */
export function baseFor(files: readonly RenderedFile[], generator: string, packs: readonly PackRef[], kept: readonly string[], starter: ReadonlySet<string> = new Set(), pending: Readonly<Record<string, PendingChange>> = {}): BaseRecord {
  const own = files.filter((f) => !isBookkeeping(f.path))
  return {
    generator,
    packs,
    kept,
    files: Object.fromEntries(own.map((f) => [f.path, f.content])),
    starter: own.filter((f) => starter.has(f.path)).map((f) => f.path),
    ...(Object.keys(pending).length ? { pending } : {}),
  }
}

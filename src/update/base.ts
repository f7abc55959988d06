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
}

const NOTE = 'What create-containerized-app generated last time: the base that `update` merges your edits against. Written by the tool; do not edit.'

export function baseRecordText(record: BaseRecord): string {
  const sorted = Object.fromEntries(Object.entries(record.files).sort(([a], [b]) => a.localeCompare(b)))
  return `${JSON.stringify({ $comment: NOTE, generator: record.generator, packs: record.packs, kept: [...record.kept].sort(), files: sorted }, null, 2)}\n`
}

export function parseBaseRecord(text: string): BaseRecord | undefined {
  try {
    const data = JSON.parse(text) as Partial<BaseRecord>
    if (typeof data.generator !== 'string' || typeof data.files !== 'object' || data.files === null) return undefined
    const files = Object.fromEntries(Object.entries(data.files).filter(([, v]) => typeof v === 'string')) as Record<string, string>
    return { generator: data.generator, packs: Array.isArray(data.packs) ? data.packs : [], kept: Array.isArray(data.kept) ? data.kept.filter((k) => typeof k === 'string') : [], files }
  } catch {
    return undefined
  }
}

/** The tool's own bookkeeping files: always rewritten, never merged. */
export const isBookkeeping = (path: string) => /(^|\/)\.containerized\/(answers|base)\.json$/.test(path)

/** The base record for what a run just generated, leaving out the tool's own files. */
export function baseFor(files: readonly RenderedFile[], generator: string, packs: readonly PackRef[], kept: readonly string[]): BaseRecord {
  return { generator, packs, kept, files: Object.fromEntries(files.filter((f) => !isBookkeeping(f.path)).map((f) => [f.path, f.content])) }
}

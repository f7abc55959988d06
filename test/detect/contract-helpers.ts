import { detect, memoryRepo, type DetectedService } from '../../src/detect/index.js'

export const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`

/** The only service detected in an in-memory repository. */
export function service(files: Record<string, string>, rootName = 'app'): DetectedService {
  const d = detect(memoryRepo(files), { rootName })
  if (d.services.length !== 1) throw new Error(`expected one service, got ${d.services.map((s) => s.dir).join(', ') || 'none'}`)
  return d.services[0]!
}

/** The evidence behind one contract field, as `file: reason` lines. */
export const evidenceOf = (s: DetectedService, field: keyof DetectedService['app']): string[] => (s.appEvidence?.[field] ?? []).map((e) => `${e.file}: ${e.reason}`)

export const codes = (s: DetectedService): string[] => s.warnings.map((w) => w.code)

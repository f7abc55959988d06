import { expect } from 'vitest'
import { detect, memoryRepo, type DetectedService, type Detection, type Evidence } from '../../src/detect/index.js'

export const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`

/** Detection over an in-memory repository. */
export function run(files: Record<string, string>, opts: { rootName?: string; include?: string[] } = {}): Detection {
  return detect(memoryRepo(files), { rootName: opts.rootName ?? 'app', ...(opts.include ? { include: opts.include } : {}) })
}

/** The one service at `dir`; fails when it is not there. */
export function service(d: Detection, dir = '.'): DetectedService {
  const s = d.services.find((x) => x.dir === dir)
  expect(s, `service ${dir} among ${d.services.map((x) => x.dir).join(', ') || 'none'}`).toBeDefined()
  return s!
}

/** Some evidence names `file` with a reason matching `reason`. */
export function expectEvidence(evidence: readonly Evidence[] | undefined, file: string, reason: RegExp): void {
  expect(evidence ?? [], `evidence ${file} ${reason}`).toEqual(expect.arrayContaining([expect.objectContaining({ file, reason: expect.stringMatching(reason) })]))
}

/** A note on the service that matches. */
export function expectNote(s: DetectedService, file: string, reason: RegExp): void {
  expectEvidence(s.notes, file, reason)
}

export const codes = (s: DetectedService) => s.warnings.map((w) => w.code)

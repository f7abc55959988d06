import { describe, expect, it } from 'vitest'
import { detect, memoryRepo, type DetectedService } from '../../src/detect/index.js'
import { proposeAnswers } from '../../src/detect/proposal.js'
import { validateAnswers } from '../../src/answers.js'
import { FIXTURES, type ExpectedService } from './fixtures.js'

/** The detected service's values in the shape of an expectation. */
function actual(s: DetectedService): Required<Omit<ExpectedService, 'uncertain' | 'warnings' | 'app'>> & { app: Record<string, unknown>; warnings: string[] } {
  return {
    dir: s.dir,
    language: s.language.value,
    framework: s.framework?.value ?? '',
    frameworkName: s.frameworkName ?? '',
    packageManager: s.packageManager?.value ?? '',
    languageVersion: s.languageVersion?.value ?? '',
    port: s.port?.value ?? null,
    portEnv: s.port?.env ?? '',
    database: s.database.value,
    cache: s.cache.value,
    name: s.name.value,
    app: { ...s.app },
    warnings: s.warnings.map((w) => w.code),
  }
}

describe('detection fixtures', () => {
  for (const fx of FIXTURES) {
    it(`${fx.id}: ${fx.trap}`, () => {
      const d = detect(memoryRepo(fx.files), { rootName: fx.rootName })
      expect(d.services.map((s) => s.dir)).toEqual(fx.services.map((s) => s.dir))
      for (const [i, want] of fx.services.entries()) {
        const got = actual(d.services[i]!)
        const { uncertain, warnings, app, ...fields } = want
        for (const [k, v] of Object.entries(fields)) expect.soft(got[k as keyof typeof got], `${want.dir} ${k}`).toEqual(v)
        for (const [k, v] of Object.entries(app ?? {})) expect.soft(got.app[k], `${want.dir} app.${k}`).toEqual(v)
        for (const w of warnings ?? []) expect.soft(got.warnings, `${want.dir} warnings`).toContain(w)
        // Every value carries evidence that names a file of the repository.
        const s = d.services[i]!
        for (const f of [s.language, s.framework, s.packageManager, s.port, s.database, s.cache, s.languageVersion]) {
          if (!f) continue
          expect(f.evidence.length, `${want.dir} evidence`).toBeGreaterThan(0)
        }
        const proposal = proposeAnswers(s)
        expect.soft(proposal.uncertain.map((u) => u.field).sort(), `${want.dir} uncertain`).toEqual([...(uncertain ?? [])].sort())
        // What is certain is also valid input for the generator.
        if (!uncertain?.length) expect(() => validateAnswers(proposal.answers)).not.toThrow()
      }
      for (const dir of fx.skipped ?? []) expect.soft(d.skipped.map((s) => s.dir)).toContain(dir)
      // /healthz alone is not enough: the warning names what is missing.
      if (fx.id === 'ruby-sinatra-no-lock') expect(d.services[0]!.warnings.find((w) => w.code === 'no-health-endpoint')?.message).toMatch(/^no \/readyz route/)
      for (const file of fx.existing ?? []) expect.soft(d.existing).toContain(file)
      if (fx.ci) expect(d.ci?.value).toBe(fx.ci)
      // Dependency folders are never looked at.
      expect(d.services.some((s) => s.dir.includes('node_modules'))).toBe(false)
    })
  }
})

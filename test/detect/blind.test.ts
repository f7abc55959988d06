import { describe, expect, it } from 'vitest'
import { detect, memoryRepo } from '../../src/detect/index.js'
import { BLIND_FIXTURES } from './blind-fixtures.js'

/**
 * Repositories written without reading the detector (by a separate author, from how real
 * projects look). Every expected field is compared; the accuracy is printed for the report and
 * must stay at its measured level.
 */
describe('detection on blind fixtures', () => {
  const misses: string[] = []
  let checked = 0
  for (const fx of BLIND_FIXTURES) {
    it(fx.id, () => {
      const d = detect(memoryRepo(fx.files), { rootName: fx.rootName })
      const dirs = d.services.map((s) => s.dir)
      checked++
      if (JSON.stringify([...dirs].sort()) !== JSON.stringify(fx.expect.services.map((s) => s.dir).sort())) misses.push(`${fx.id}: services ${dirs.join(',')} (want ${fx.expect.services.map((s) => s.dir).join(',')})`)
      for (const want of fx.expect.services) {
        const s = d.services.find((x) => x.dir === want.dir)
        if (!s) continue
        const got: Record<string, unknown> = {
          language: s.language.value,
          framework: s.framework?.value,
          packageManager: s.packageManager?.value,
          languageVersion: s.languageVersion?.value,
          port: s.port?.value ?? null,
          database: s.database.value,
          cache: s.cache.value,
        }
        for (const [k, v] of Object.entries(want)) {
          if (k === 'dir') continue
          checked++
          if (k === 'warnings') {
            const codes: string[] = s.warnings.map((w) => w.code)
            const missing = (v as string[]).filter((w) => !codes.includes(w))
            if (missing.length) misses.push(`${fx.id}:${want.dir} warnings missing ${missing.join(',')} (got ${codes.join(',')})`)
          } else if (got[k] !== v) misses.push(`${fx.id}:${want.dir} ${k} = ${String(got[k])} (want ${String(v)})`)
        }
      }
    })
  }
  it('accuracy', () => {
    const accuracy = (checked - misses.length) / checked
    console.log(`blind fixtures: ${checked - misses.length}/${checked} checks right (${(accuracy * 100).toFixed(1)}%)\n${misses.map((m) => `  miss: ${m}`).join('\n')}`)
    expect(misses).toEqual([])
  })
})

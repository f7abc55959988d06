import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { generate } from '../src/generate.js'
import { matrix } from './fixtures/scenarios.js'

const combos = matrix()

describe(`every valid combination (${combos.length})`, () => {
  it.each(combos.map((a) => [a.name, a] as const))('%s renders cleanly', (_name, answers) => {
    const { files } = generate(answers)
    const paths = files.map((f) => f.path)
    expect(new Set(paths).size).toBe(paths.length)
    for (const f of files) {
      expect(f.content.trim(), `${f.path} is empty`).not.toBe('')
      expect(f.content, `${f.path} has a leftover token`).not.toMatch(/\{\{|\bundefined\b|\[object Object\]|<CHARTNAME>/)
      if (/\.ya?ml$/.test(f.path)) {
        for (const doc of parseAllDocuments(f.content)) {
          expect(doc.errors, `${f.path}: ${doc.errors.join('; ')}`).toEqual([])
        }
      }
      if (f.path.endsWith('.json')) expect(() => JSON.parse(f.content), f.path).not.toThrow()
    }
    // The port, env names and health paths agree across the files that mention them.
    const get = (p: string) => files.find((f) => f.path === p)!.content
    expect(get('Dockerfile')).toContain(`EXPOSE ${answers.port}`)
    expect(get('compose.yaml')).toContain(`PORT: "${answers.port}"`)
    if (answers.database !== 'none') {
      expect(get('compose.yaml')).toMatch(/DATABASE_URL: /)
      expect(get('compose.prod.yaml')).toMatch(/DATABASE_URL: .*:\?Set /)
    }
    if (answers.cache !== 'none') expect(get('compose.yaml')).toMatch(/CACHE_URL: /)
  })
})

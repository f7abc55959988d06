import { describe, expect, it } from 'vitest'
import ts from 'typescript'
import { parseAllDocuments } from 'yaml'
import { generate } from '../src/generate.js'
import { k8sMatrix, matrix } from './fixtures/scenarios.js'

const combos = [...matrix(), ...k8sMatrix()]
/** Helm's own templates (Go templates, copied verbatim): `{{ }}` is theirs and they are not YAML until rendered. */
const helmTemplate = (p: string) => /^deploy\/helm\/[^/]+\/templates\//.test(p)

describe(`every valid combination (${combos.length})`, () => {
  it.each(combos.map((a) => [a.name, a] as const))('%s renders cleanly', (_name, answers) => {
    const { files, context, plan } = generate(answers)
    const paths = files.map((f) => f.path)
    expect(new Set(paths).size).toBe(paths.length)
    for (const f of files) {
      expect(f.content.trim(), `${f.path} is empty`).not.toBe('')
      // GitHub's `${{ }}` expressions and metadata-action's `{{version}}` patterns are those tools' own.
      const own = f.path.startsWith('.github/workflows/') ? f.content.replace(/\$\{\{[^}]*\}\}/g, '').replace(/pattern=(\{\{\w+\}\}\.?)+/g, '') : f.content
      expect(own, `${f.path} has a leftover token`).not.toMatch(helmTemplate(f.path) ? /\[object Object\]|<CHARTNAME>/ : /\{\{|\[object Object\]|<CHARTNAME>/)
      // `undefined` is a word in program source, but never a value in config files.
      if (!/\.(ts|js|py|go|rs|java|kt|cs|rb|php)$/.test(f.path)) expect(f.content, f.path).not.toMatch(/\bundefined\b/)
      if (/\.ya?ml$/.test(f.path) && !helmTemplate(f.path)) {
        for (const doc of parseAllDocuments(f.content)) {
          expect(doc.errors, `${f.path}: ${doc.errors.join('; ')}`).toEqual([])
        }
      }
      // tsconfig files are JSON with comments, read by TypeScript's own parser.
      if (/(^|\/)tsconfig[^/]*\.json$/.test(f.path)) expect(ts.parseConfigFileTextToJson(f.path, f.content).error, f.path).toBeUndefined()
      else if (f.path.endsWith('.json')) expect(() => JSON.parse(f.content), f.path).not.toThrow()
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
    // The starter app reads the same names the container files set, and serves the probed paths.
    if (context.framework.starter !== null) {
      const starterDir = `${context.framework.starter}/`
      const appFiles = new Set(plan.filter((f) => 'template' in f && f.template.startsWith(starterDir)).map((f) => f.to))
      const source = files
        .filter((f) => appFiles.has(f.path) && !/probes\//i.test(f.path) && /\.(ts|js|py|go|rs|java|kt|cs|rb|php|hbs)$/.test(f.path))
        .map((f) => f.content)
        .join('\n')
      for (const name of ['PORT', '/healthz', '/readyz', String(answers.port)]) expect(source, name).toContain(name)
      for (const env of ['DATABASE_URL', 'CACHE_URL']) {
        if (get('compose.yaml').includes(`${env}: `)) expect(source, env).toContain(env)
      }
    }
    if (context.framework.starter !== null) expect(get('Dockerfile')).toMatch(/\/healthz/)
  })
})

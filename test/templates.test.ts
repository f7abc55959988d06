import { describe, expect, it } from 'vitest'
import Handlebars from 'handlebars'
import { COMPILE_OPTIONS } from '../src/render.js'
import { generate } from '../src/generate.js'
import { diskTemplates } from '../src/templates.js'
import { ciMatrix, k8sMatrix, matrix } from './fixtures/scenarios.js'

const templates = diskTemplates()
const all = templates.list('.')

describe('template tree', () => {
  it.each(all.filter((p) => p.endsWith('.hbs')))('%s compiles in strict mode', (path) => {
    expect(() => Handlebars.precompile(templates.read(path), COMPILE_OPTIONS)).not.toThrow()
  })

  it('every template is used by some valid combination (no orphans)', () => {
    const used = new Set<string>()
    for (const answers of [...matrix(), ...k8sMatrix(), ...ciMatrix()]) for (const f of generate(answers).plan) for (const t of 'template' in f ? [f.template] : 'parts' in f ? f.parts.map((x) => (typeof x === 'string' ? x : x.template)) : []) used.add(t)
    // PINS.md documents how the starter lockfiles were made; it is never written.
    const orphans = all.filter((p) => !used.has(p) && !p.endsWith('/PINS.md'))
    expect(orphans).toEqual([])
  })

  // Helm templates are Go templates, copied as they are: their `{{ }}` is Helm's.
  const helmTemplate = (p: string) => p.startsWith('k8s/helm/templates/')

  it('verbatim files carry no Handlebars tokens meant to render', () => {
    for (const p of all.filter((x) => !x.endsWith('.hbs') && !x.endsWith('/PINS.md') && !helmTemplate(x))) {
      // GitHub's `${{ }}` expressions and metadata-action's `{{version}}` patterns belong to those tools.
      const text = templates.read(p).replace(/\$\{\{[^}]*\}\}/g, '').replace(/pattern=(\{\{\w+\}\}\.?)+/g, '')
      expect(text, p).not.toMatch(/\{\{[#/]?\s*[a-z]/i)
    }
  })

  it('Helm templates name their helpers after the chart, so two generated charts can share an umbrella chart', () => {
    const helm = all.filter(helmTemplate)
    expect(helm).toContain('k8s/helm/templates/_helpers.tpl')
    for (const p of helm) {
      for (const m of templates.read(p).matchAll(/\b(?:include|define|template)\s+"([^"]+)"/g)) expect(m[1], p).toMatch(/^<CHARTNAME>\./)
      // Values files are where answers go; a Handlebars block in a Helm template would be a mistake.
      expect(templates.read(p), p).not.toMatch(/\{\{[#/](if|each|unless)\b/)
    }
  })
})

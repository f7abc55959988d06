import { describe, expect, it } from 'vitest'
import { generate } from '../src/generate.js'
import { SCENARIOS, scenario } from './fixtures/scenarios.js'

// Goldens are committed under test/__golden__/<scenario>/; refresh with
// `npx vitest run test/golden.test.ts -u` after an intended template change and review the
// diff. CI never rewrites them. Rendered files are kept whole; files copied verbatim from
// templates/ are byte-identical to their template, so only their list is recorded (FILES.txt).
// `copied*` marks Helm templates, copied verbatim but for the chart name put in for
// `<CHARTNAME>` (as `helm create` does); test/validators/helm.test.ts renders them with Helm.
// `assembled` files (the GitHub workflows) are joined from verbatim and rendered parts; kept whole.
describe.each(Object.keys(SCENARIOS))('golden: %s', (id) => {
  const { plan, files } = generate(scenario(id), { tool: { name: 'create-containerized-app', version: '0.0.0-golden' } })
  const whole = (f: (typeof plan)[number]) => 'content' in f || 'parts' in f || f.template.endsWith('.hbs')
  const rendered = new Set(plan.filter(whole).map((f) => f.to))
  const label = (f: (typeof plan)[number]) => ('parts' in f ? 'assembled' : whole(f) ? 'rendered' : 'template' in f && f.replace ? 'copied* ' : 'copied  ')

  it('FILES.txt: every path written, rendered or copied', async () => {
    const list = plan.map((f) => `${label(f)}  ${f.to}`)
    await expect(`${list.join('\n')}\n`).toMatchFileSnapshot(`__golden__/${id}/FILES.txt`)
  })

  it.each(files.filter((f) => rendered.has(f.path)).map((f) => [f.path, f.content] as const))('%s', async (path, content) => {
    await expect(content).toMatchFileSnapshot(`__golden__/${id}/${path}`)
  })
})

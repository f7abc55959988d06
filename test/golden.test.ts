import { describe, expect, it } from 'vitest'
import { generate } from '../src/generate.js'
import { SCENARIOS, scenario } from './fixtures/scenarios.js'

// Goldens are committed under test/__golden__/<scenario>/; refresh with `npx vitest run -u`
// after an intended template change and review the diff. CI never rewrites them.
describe.each(Object.keys(SCENARIOS))('golden: %s', (id) => {
  const { files } = generate(scenario(id), { tool: { name: 'create-containerized-app', version: '0.0.0-golden' } })
  it.each(files.map((f) => [f.path, f.content] as const))('%s', async (path, content) => {
    await expect(content).toMatchFileSnapshot(`__golden__/${id}/${path}`)
  })
})

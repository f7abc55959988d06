import { describe, expect, it } from 'vitest'
import { alongsidePath, ConflictError, MemoryWriter, WriteCancelled, writeAll, type ConflictChoice, type ConflictPolicy } from '../src/write.js'
import { rng } from './helpers/random.js'

const PATHS = ['Dockerfile', '.dockerignore', 'compose.yaml', 'compose.prod.yaml', '.env.example', 'deploy/helm/app/values.yaml', '.github/workflows/ci.yml', 'README.containers.md']
const POLICIES: readonly ConflictPolicy[] = ['abort', 'skip', 'overwrite', 'alongside', 'prompt']
const CHOICES: readonly ConflictChoice[] = ['keep', 'overwrite', 'alongside', 'cancel']
/** What the random cases exercised, so the property cannot pass vacuously. */
const seen = { refused: 0, cancelled: 0, overwritten: 0, alongside: 0, kept: 0 }

/**
 * Random repositories (some planned paths absent, identical, different; some `.generated`
 * files already there; unrelated user files) against random policies and answers. Whatever
 * happens, a file the user had is changed only where they consented to overwrite it.
 */
describe('safe writes: no pre-existing file changes without consent', () => {
  for (let seed = 1; seed <= 300; seed++) {
    it(`seed ${seed}`, async () => {
      const r = rng(seed)
      const planned = PATHS.filter(() => r.next() < 0.8).map((path) => ({ path, content: `generated ${path} ${seed}\n` }))
      const before: Record<string, string> = { 'src/app.ts': 'user code\n', 'package.json': '{}\n' }
      for (const f of planned) {
        const roll = r.next()
        if (roll < 0.3) before[f.path] = f.content
        else if (roll < 0.65) before[f.path] = `user version of ${f.path}\n`
        if (r.next() < 0.15) before[alongsidePath(f.path)] = r.next() < 0.5 ? f.content : `user notes ${f.path}\n`
      }
      const policy = r.pick(POLICIES)
      const answers = new Map<string, ConflictChoice>()
      const w = new MemoryWriter(before)
      let outcome: 'ok' | 'refused' | 'cancelled' = 'ok'
      try {
        await writeAll(planned, w, policy, async (path) => {
          const c = r.pick(CHOICES)
          answers.set(path, c)
          return c
        })
      } catch (e) {
        if (e instanceof ConflictError) outcome = 'refused'
        else if (e instanceof WriteCancelled) outcome = 'cancelled'
        else throw e
      }
      const after = Object.fromEntries(w.files)
      if (outcome !== 'ok') seen[outcome]++
      for (const f of planned) {
        const mine = before[f.path] !== undefined && before[f.path] !== f.content
        if (!mine || outcome !== 'ok') continue
        if (after[f.path] === f.content) seen.overwritten++
        else if (after[alongsidePath(f.path)] === f.content) seen.alongside++
        else seen.kept++
      }
      if (outcome !== 'ok') {
        // Refusing or cancelling happens before the first write.
        expect(after).toEqual(before)
        return
      }
      const consent = (path: string) => policy === 'overwrite' || (policy === 'prompt' && answers.get(path) === 'overwrite')
      for (const [path, content] of Object.entries(before)) {
        if (after[path] === content) continue
        expect(consent(path), `${path} changed without consent (policy ${policy})`).toBe(true)
        expect(planned.some((f) => f.path === path)).toBe(true)
      }
      // Nothing is ever deleted; every planned file ends up with our content somewhere, or was kept.
      for (const path of Object.keys(before)) expect(after).toHaveProperty([path])
      for (const f of planned) {
        const mine = before[f.path] !== undefined && before[f.path] !== f.content
        if (!mine) expect(after[f.path]).toBe(f.content)
      }
      // A second run with the same decisions changes nothing.
      const again = new MemoryWriter(after)
      await writeAll(planned, again, policy === 'prompt' ? 'skip' : policy, async () => 'keep').catch((e) => {
        if (!(e instanceof ConflictError)) throw e
      })
      if (policy !== 'abort') expect(Object.fromEntries(again.files)).toEqual(after)
    })
  }
  it('the random cases covered every outcome', () => {
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(0)
  })
})

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CORPUS, KNOWN_FAILURES, type CorpusApp, type CorpusStep } from './corpus.mjs'
import { E2E_HOME, engineEnv } from './lib/containers.mjs'
import {
  buildApp,
  changedAppFiles,
  composeUp,
  contractProblems,
  materialize,
  probe,
  removeImage,
  retrofit,
  runAlone,
  validateStatic,
} from './lib/corpus.mjs'

// The retrofit corpus (issue 18): existing apps, retrofitted with `--yes` and only the flags the
// CLI asks for, checked against what each app really is, then built as generated, run alone
// and brought up with `docker compose` (test/e2e/corpus.mjs says what each app is and why).
// CCA_E2E_ONLY=<regex> runs the apps whose id matches; CCA_E2E_KEEP=1 keeps their folders.

beforeAll(() => {
  engineEnv()
})

const only = process.env.CCA_E2E_ONLY ? new RegExp(process.env.CCA_E2E_ONLY) : undefined
const apps = CORPUS.filter((a) => !only || only.test(a.id))
const parent = mkdtempSync(join(tmpdir(), 'cca-corpus-'))

/** Per app and step: passed, failed (with the first line of why) or not reached; printed and saved at the end. */
const results: Record<string, Partial<Record<CorpusStep, { ok: boolean; seconds: number; why?: string; detail?: string }>>> = {}

/** Fails with the problems as the message (KNOWN_FAILURES match it; the report shows its first line). */
function noProblems(problems: string[]): void {
  if (problems.length) throw new Error(`${problems.length} problem(s): ${problems.join('\n')}`)
}

/**
 * Runs a step. An app listed in KNOWN_FAILURES for this step must still fail, for the stated
 * reason; once it passes, the test fails and asks for the entry to go.
 */
async function step(app: CorpusApp, name: CorpusStep, fn: () => Promise<void>): Promise<void> {
  const t0 = performance.now()
  const record = (ok: boolean, why?: string, detail?: string) => {
    results[app.id] = { ...results[app.id], [name]: { ok, seconds: (performance.now() - t0) / 1000, ...(why ? { why, detail } : {}) } }
  }
  const known = KNOWN_FAILURES.find((k) => k.app === app.id && k.step === name)
  let error: Error | undefined
  try {
    await fn()
  } catch (e) {
    error = e as Error
  }
  const message = error?.message.replace(/^\d+ problem\(s\): /, '')
  record(!error, message?.split('\n').find(Boolean)?.slice(0, 400), message?.slice(0, 3000))
  if (!known) {
    if (error) throw error
    return
  }
  expect(error, `${app.id}: ${name} passes now; remove its KNOWN_FAILURES entry (${known.because})`).toBeDefined()
  expect(error!.message).toMatch(known.match)
  record(false, `known failure (${known.because}): ${message?.split('\n').find(Boolean)?.slice(0, 300)}`, message?.slice(0, 3000))
}

/**
 * A step cannot run when the one it needs failed. When that one is a known failure, this step
 * is blocked by it (recorded so; the known failure's own test keeps asserting it); otherwise
 * the step fails, naming what is missing.
 */
function needs(app: CorpusApp, done: boolean | undefined, prerequisite: CorpusStep, name: CorpusStep, what: string): boolean {
  if (done) return true
  const known = KNOWN_FAILURES.find((k) => k.app === app.id && k.step === prerequisite)
  if (!known) expect(done, what).toBe(true)
  results[app.id] = { ...results[app.id], [name]: { ok: false, seconds: 0, why: `blocked by the known failure of ${prerequisite}: ${known!.because}` } }
  return false
}

afterAll(async () => {
  const steps: CorpusStep[] = ['retrofit', 'contract', 'validate', 'build', 'alone', 'compose']
  const cell = (r?: { ok: boolean; why?: string }) => (!r ? ' -  ' : r.ok ? 'ok  ' : /^(blocked by the known|known failure)/.test(r.why ?? '') ? 'known' : 'FAIL')
  const rows = apps.map((a) => `  ${a.id.padEnd(22)} ${steps.map((s) => cell(results[a.id]?.[s]).padEnd(9)).join('')}`)
  console.log(`Retrofit corpus (${apps.length} apps):\n  ${''.padEnd(22)} ${steps.map((s) => s.padEnd(9)).join('')}\n${rows.join('\n')}`)
  mkdirSync(E2E_HOME, { recursive: true })
  writeFileSync(join(E2E_HOME, 'corpus-last-run.json'), `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`)
  // CCA_E2E_KEEP=1 keeps the retrofitted apps for a look at what was generated.
  if (process.env.CCA_E2E_KEEP) console.log(`The retrofitted apps are in ${parent}`)
  else rmSync(parent, { recursive: true, force: true })
})

describe.each(apps)('corpus: $id', (app) => {
  const tag = `cca-corpus/${app.id}:1`
  const state: { root?: string; dir?: string; retrofitted?: boolean; built?: boolean } = {}

  afterAll(async () => {
    if (state.built) await removeImage(tag)
  })

  it('is prepared as a clone: its lockfiles made by its own package manager', async () => {
    const m = await materialize(app, parent)
    Object.assign(state, { root: m.root, dir: m.dir })
  }, 600_000)

  it('retrofits with --yes and only the flags the CLI asks for; the app\'s files stay as they were', async () => {
    expect(state.root, 'the app was not prepared').toBeDefined()
    await step(app, 'retrofit', async () => {
      const asked = await probe(app, state.root!)
      await retrofit(app, state.root!)
      state.retrofitted = true
      expect(asked.unasked, 'flags the corpus gives that the CLI no longer asks for').toEqual([])
      expect(await changedAppFiles(state.root!), "the app's own files (only .env.example may gain lines)").toEqual([])
    })
  }, 120_000)

  it("writes files that honour the app's port, health route, variables and services", async () => {
    if (!needs(app, state.retrofitted, 'retrofit', 'contract', 'the retrofit did not complete')) return
    await step(app, 'contract', async () => {
      noProblems(contractProblems(app, state.dir!))
    })
  })

  it("the files it wrote pass the repository's validators (validate's rules, BuildKit checks, hadolint, compose config, actionlint)", async () => {
    if (!needs(app, state.retrofitted, 'retrofit', 'validate', 'the retrofit did not complete')) return
    await step(app, 'validate', async () => {
      noProblems((await validateStatic(state.root!, state.dir!)).problems)
    })
  }, 300_000)

  // Apps whose registries this machine cannot reach end here (corpus.mjs `build.static`).
  if (app.build?.static) return

  it('builds the image exactly as generated: a non-root user and a HEALTHCHECK', async () => {
    if (!needs(app, state.retrofitted, 'retrofit', 'build', 'the retrofit did not complete')) return
    await step(app, 'build', async () => {
      const b = await buildApp(state.dir!, tag)
      state.built = true
      expect(b.user, 'USER in the image').toMatch(/^[1-9]\d*(:\d+)?$/)
      expect(b.healthcheck.length, 'a HEALTHCHECK').toBeGreaterThan(0)
    })
  }, 1_800_000)

  if (app.alone !== false) {
    it(`runs alone: healthy, non-root, reachable on port ${app.port}`, async () => {
      if (!needs(app, state.built, 'build', 'alone', 'the image was not built')) return
      await step(app, 'alone', async () => {
        noProblems((await runAlone(app, tag)).problems)
      })
    }, 300_000)
  }

  it(`docker compose up (compose.yaml + compose.prod.yaml${Object.values(app.backing).length ? `, with ${Object.values(app.backing).join(' and ')}` : ''}): every service healthy, the app non-root on port ${app.port}`, async () => {
    if (!needs(app, state.built, 'build', 'compose', 'the image was not built')) return
    await step(app, 'compose', async () => {
      noProblems((await composeUp(app, state.dir!, `cca-corpus-${app.id}`, tag)).problems)
    })
  }, 600_000)
})

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Answers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import type { RenderedFile } from '../../src/render.js'

/** Renders answers in memory, keyed by path. */
export function renderMap(answers: Answers): Map<string, string> {
  return new Map(generate(answers).files.map((f) => [f.path, f.content]))
}

/** Writes rendered files into a fresh temporary directory (validators need real files). */
export function writeTree(files: readonly RenderedFile[], prefix = 'cca-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  for (const f of files) {
    const abs = join(dir, f.path)
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, f.content)
  }
  return dir
}

export function renderToDisk(answers: Answers, prefix?: string): string {
  return writeTree(generate(answers).files, prefix)
}

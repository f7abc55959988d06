import type { CorpusApp } from '../corpus.mjs'
import type { Build } from './containers.mjs'

export const CORPUS_DIR: string
export function materialize(app: CorpusApp, parent: string): Promise<{ root: string; dir: string; seconds: number }>
export interface Probe {
  asked: { flag: string; why: string }[]
  notGiven: { flag: string; why: string }[]
  unasked: string[]
  warnings: string[]
  error?: string
}
export function probe(app: CorpusApp, root: string): Promise<Probe>
export function retrofit(app: CorpusApp, root: string): Promise<{ exitCode: number; output: string; seconds: number; warnings: string[] }>
export function changedAppFiles(root: string): Promise<string[]>
export interface GeneratedSetup {
  service: string
  context: string
  dockerfile: string
  target: string
  envKeys: Set<string>
  services: string[]
  compose: ComposeNames
}
export interface ComposeNames {
  base: string
  override: string
  test: string
  prod: string
}
export function composeNames(dir: string): ComposeNames
export function generatedSetup(dir: string): GeneratedSetup
export function dockerfileStages(text: string): { name: string; body: { keyword: string; args: string }[] }[]
export function contractProblems(app: CorpusApp, dir: string): string[]
export function validateStatic(root: string, dir: string): Promise<{ problems: string[]; seconds: number }>
export function buildApp(dir: string, tag: string): Promise<Build & { user: string; healthcheck: string[] }>
export function listening(id: string): Promise<{ port: number; loopback: boolean }[]>
export function runningProblems(id: string, port: number, health: { status: string; logs: string }): Promise<string[]>
export function runAlone(app: CorpusApp, tag: string): Promise<{ problems: string[]; seconds: number }>
export function userDotenv(dir: string): void
export function composeUp(app: CorpusApp, dir: string, project: string, tag: string): Promise<{ problems: string[]; states: string[]; seconds: number }>
export function removeImage(tag: string): Promise<void>
export function writtenFiles(root: string): Promise<string[]>
export function runApp(app: CorpusApp, parent: string): Promise<Record<string, { ok: boolean; seconds: number; why?: string; detail?: string }>>

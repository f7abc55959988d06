import type { ResultPromise } from 'execa'

export interface Step {
  name: string
  cached: boolean
  output: string
}
export interface Build {
  seconds: number
  log: string
  steps: Map<string, Step>
}
export const TOOLS_BIN: string
export const E2E_HOME: string
export function engineEnv(): Record<string, string>
export function generateProject(dir: string, flags: string[], retrofit?: { files: Record<string, string>; prepare: string[][] }): Promise<void>
export function buildImage(dir: string, tag: string, opts?: { target?: string; buildArgs?: Record<string, string>; dockerfile?: string }): Promise<Build>
export function parseSteps(log: string): Map<string, Step>
export function runContainer(
  image: string,
  port: number,
  opts?: { env?: Record<string, string>; healthInterval?: string; name?: string },
): Promise<{ id: string; url: string }>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function inspect(ref: string): Promise<any>
export function waitHealthy(id: string, timeoutMs?: number): Promise<{ status: string; logs: string }>
export function processUid(id: string): Promise<number>
export function removeContainer(id: string): Promise<void>
export function imagePaths(image: string): Promise<string[]>
export function imageSize(ref: string): Promise<number>
export function pullStandIn(official: string): Promise<void>
export function compose(
  dir: string,
  project: string,
  files: string[],
  args: string[],
  vars?: Record<string, string>,
): ResultPromise<{ reject: false; all: true }>
export function dockerCli(args: string[], opts?: object): ResultPromise

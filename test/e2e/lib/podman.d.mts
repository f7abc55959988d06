export function podmanVersion(): Promise<string>
export function podmanBuild(dir: string, tag: string, opts?: { target?: string }): Promise<{ seconds: number; log: string }>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podmanInspect(ref: string, kind?: 'container' | 'image'): Promise<any>
export function podmanRun(image: string, port: number, opts?: { env?: Record<string, string> }): Promise<{ id: string; url: string }>
export function podmanWaitHealthy(id: string, timeoutMs?: number): Promise<{ status: string; logs: string }>
export function podmanRemove(id: string): Promise<void>

import type { Folder } from './repo.js'
import type { Evidence, Finding } from './types.js'

/** Workspace member patterns declared at the repository root, by each ecosystem's own file. */
export function workspacePatterns(root: Folder): Finding<string[]> | undefined {
  const patterns: string[] = []
  const evidence: Evidence[] = []
  const add = (file: string, list: string[], reason: string) => {
    if (list.length === 0) return
    patterns.push(...list)
    evidence.push({ file: root.path(file), reason: `${reason}: ${list.join(', ')}` })
  }
  const pkg = root.json('package.json')
  const ws = pkg?.workspaces
  const npmList = Array.isArray(ws) ? ws : Array.isArray((ws as Record<string, unknown> | undefined)?.packages) ? ((ws as Record<string, unknown>).packages as unknown[]) : []
  add('package.json', npmList.filter((x): x is string => typeof x === 'string'), '"workspaces"')
  const pnpm = root.read('pnpm-workspace.yaml')
  if (pnpm) {
    const block = /^packages:\s*\n((?:\s+-.*\n?)*)/m.exec(pnpm)?.[1] ?? ''
    add('pnpm-workspace.yaml', [...block.matchAll(/-\s*['"]?([^'"\n#]+?)['"]?\s*$/gm)].map((m) => m[1]!).filter((p) => !p.startsWith('!')), 'packages')
  }
  const gowork = root.read('go.work')
  if (gowork) {
    const uses = [...gowork.matchAll(/^\s*(?:use\s+)?(\.\/[\w./-]*|\.)\s*$/gm)].map((m) => m[1]!.replace(/^\.\/?/, '') || '.')
    add('go.work', uses, 'use')
  }
  const cargo = root.read('Cargo.toml')
  const members = cargo && /^\[workspace\][\s\S]*?^members\s*=\s*\[([\s\S]*?)\]/m.exec(cargo)
  if (members) add('Cargo.toml', [...members[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!), '[workspace] members')
  const pom = root.read('pom.xml')
  if (pom) add('pom.xml', [...pom.matchAll(/<module>\s*([^<\s]+)\s*<\/module>/g)].map((m) => m[1]!), '<modules>')
  for (const file of ['settings.gradle.kts', 'settings.gradle']) {
    const text = root.read(file)
    if (!text) continue
    const inc = [...text.matchAll(/include\s*\(?\s*((?:["'][:\w./-]+["']\s*,?\s*)+)\)?/g)].flatMap((m) => [...m[1]!.matchAll(/["']:?([\w./:-]+)["']/g)].map((x) => x[1]!.replace(/:/g, '/')))
    add(file, inc, 'include')
  }
  return patterns.length ? { value: patterns, confidence: 'high', evidence } : undefined
}

/** Whether a folder matches a member pattern (`apps/*`, `packages/**`, `services/api`). */
export function matchesPattern(dir: string, pattern: string): boolean {
  const p = pattern.replace(/^\.\//, '').replace(/\/$/, '')
  const re = new RegExp(`^${p.split('/').map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))).join('/')}$`)
  return re.test(dir)
}

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
  add('pyproject.toml', uvPatterns(root).filter((p) => !p.startsWith('!')), '[tool.uv.workspace] members')
  if (root.has('poetry.lock')) add('pyproject.toml', poetryPathDeps(root), 'Poetry path dependencies')
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

/** How a workspace member's image builds from the workspace root. */
export interface WorkspaceMember {
  /** The root relative to the member (`../..`). */
  buildContext: string
  /** The member relative to the root (`apps/api`). */
  memberDir: string
  workspacePackage: string
  /** Manifests and lockfiles the install needs, relative to the root. */
  installFiles: string[]
  note: Evidence
}

const upTo = (dir: string) => dir.split('/').map(() => '..').join('/')

/** Folders matching the root's member patterns that hold `manifest`. */
function memberManifests(root: Folder, patterns: readonly string[], manifest: string): string[] {
  return root.repo.files
    .filter((p) => p.endsWith(`/${manifest}`))
    .filter((p) => {
      const dir = p.slice(0, -manifest.length - 1)
      return patterns.some((pat) => !pat.startsWith('!') && matchesPattern(dir, pat)) && !patterns.some((pat) => pat.startsWith('!') && matchesPattern(dir, pat.slice(1)))
    })
    .sort()
}

function nodePatterns(root: Folder): string[] {
  const pkg = root.json('package.json')
  const ws = pkg?.workspaces
  const list = Array.isArray(ws) ? ws : Array.isArray((ws as Record<string, unknown> | undefined)?.packages) ? ((ws as Record<string, unknown>).packages as unknown[]) : []
  const out = list.filter((x): x is string => typeof x === 'string')
  const pnpm = root.read('pnpm-workspace.yaml')
  if (pnpm) {
    const block = /^packages:\s*\n((?:\s+-.*\n?)*)/m.exec(pnpm)?.[1] ?? ''
    out.push(...[...block.matchAll(/-\s*['"]?([^'"\n#]+?)['"]?\s*$/gm)].map((m) => m[1]!))
  }
  return out
}

/**
 * A Node workspace member (npm/yarn `workspaces`, pnpm-workspace.yaml, Turborepo on either)
 * whose lockfile is the root's: its image builds from the root and installs the member with
 * its workspace dependencies. pnpm installs a filtered subset, so only the member and the
 * members it depends on are needed; npm, Yarn and Bun check the whole workspace against the
 * lockfile, so every member's package.json is.
 */
export function nodeWorkspaceMember(f: Folder, root: Folder, pkg: Record<string, unknown>, manager: string): WorkspaceMember | undefined {
  const patterns = nodePatterns(root)
  if (f.dir === root.dir || !patterns.some((p) => matchesPattern(f.dir, p))) return undefined
  const name = typeof pkg.name === 'string' ? pkg.name : undefined
  if (!name) return undefined
  const manifests = memberManifests(root, patterns, 'package.json')
  const byName = new Map<string, { path: string; pkg: Record<string, unknown> }>()
  for (const path of manifests) {
    try {
      const p = JSON.parse(root.repo.read(path) ?? '{}') as Record<string, unknown>
      if (typeof p.name === 'string') byName.set(p.name, { path, pkg: p })
    } catch {
      // an unreadable manifest is left out; the install reports it
    }
  }
  let needed: string[]
  if (manager === 'pnpm') {
    const want = new Set<string>([f.path('package.json')])
    const queue = [pkg]
    while (queue.length) {
      const p = queue.pop()!
      for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
        for (const [dep, range] of Object.entries((p[field] as Record<string, string> | undefined) ?? {})) {
          const m = byName.get(dep)
          if (m && String(range).startsWith('workspace:') && !want.has(m.path)) {
            want.add(m.path)
            queue.push(m.pkg)
          }
        }
      }
    }
    needed = [...want].sort()
  } else needed = [...new Set([...manifests, f.path('package.json')])].sort()
  const rootFiles = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', '.yarnrc.yml', 'bun.lock', 'bun.lockb', '.npmrc'].filter((p) => root.has(p))
  const lock = rootFiles.find((p) => /lock|shrinkwrap/.test(p))
  return {
    buildContext: upTo(f.dir),
    memberDir: f.dir,
    workspacePackage: name,
    installFiles: [...rootFiles, ...needed],
    note: { file: root.path(lock ?? 'package.json'), reason: `the lockfile is the workspace root's: the image builds from the root (context ${upTo(f.dir)}) and installs ${name} with the workspace packages it needs` },
  }
}

/** `[workspace] members` and `exclude` of the root Cargo.toml (exclusions as `!pattern`). */
function cargoPatterns(root: Folder): string[] {
  const toml = root.read('Cargo.toml') ?? ''
  const table = /^\[workspace\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1]
  if (table === undefined) return []
  const list = (key: string) => [...(new RegExp(`^${key}\\s*=\\s*\\[([\\s\\S]*?)\\]`, 'm').exec(table)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!.replace(/^\.\//, '').replace(/\/$/, ''))
  // Path dependencies inside the workspace folder are members too, listed or not.
  const paths = [...toml.matchAll(/\bpath\s*=\s*"([^"]+)"/g)].map((m) => m[1]!.replace(/^\.\//, '').replace(/\/$/, '')).filter((p) => !p.startsWith('..'))
  return [...list('members'), ...paths, ...list('exclude').map((p) => `!${p}`)]
}

/**
 * A member of a Cargo workspace (`[workspace] members` of the root Cargo.toml): Cargo resolves
 * it against the root's manifest (`version.workspace = true`, `[workspace.dependencies]`) and
 * lockfile, so the image builds from the root (`cargo build -p <crate>`). Cargo loads every
 * member's manifest to read the workspace, so each is an install file.
 */
export function cargoWorkspaceMember(f: Folder, root: Folder, name: string | undefined): (WorkspaceMember & { locked: boolean }) | undefined {
  if (f.dir === root.dir || !name) return undefined
  const patterns = cargoPatterns(root)
  const included = (dir: string) => patterns.some((p) => !p.startsWith('!') && matchesPattern(dir, p)) && !patterns.some((p) => p.startsWith('!') && matchesPattern(dir, p.slice(1)))
  if (!included(f.dir)) return undefined
  const members = memberManifests(root, patterns, 'Cargo.toml')
  const locked = root.has('Cargo.lock')
  const rootFiles = ['Cargo.toml', 'Cargo.lock', '.cargo/config.toml', '.cargo/config'].filter((p) => root.has(p))
  return {
    locked,
    buildContext: upTo(f.dir),
    memberDir: f.dir,
    workspacePackage: name,
    installFiles: [...rootFiles, ...new Set([...members, f.path('Cargo.toml')])].filter((p, i, a) => a.indexOf(p) === i),
    note: { file: root.path(locked ? 'Cargo.lock' : 'Cargo.toml'), reason: `a member of the Cargo workspace at the root${locked ? ', locked in its Cargo.lock' : ''}: the image builds from the root (context ${upTo(f.dir)}) with cargo build -p ${name}` },
  }
}

/** `[tool.uv.workspace] members` of the root pyproject.toml. */
function uvPatterns(root: Folder): string[] {
  const py = root.read('pyproject.toml') ?? ''
  const table = /^\[tool\.uv\.workspace\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(py)?.[1] ?? ''
  const list = (key: string) => [...(new RegExp(`^${key}\\s*=\\s*\\[([\\s\\S]*?)\\]`, 'm').exec(table)?.[1] ?? '').matchAll(/["']([^"']+)["']/g)].map((m) => m[1]!)
  return [...list('members'), ...list('exclude').map((p) => `!${p}`)]
}

/** Path dependencies of a Poetry root (`backend = { path = "backend", develop = true }`). */
function poetryPathDeps(root: Folder): string[] {
  const py = root.read('pyproject.toml') ?? ''
  return [...py.matchAll(/^[\w.-]+\s*=\s*\{[^}\n]*\bpath\s*=\s*["']([^"']+)["']/gm)].map((m) => m[1]!.replace(/^\.\//, '').replace(/\/$/, ''))
}

/**
 * A uv workspace member (or a Poetry project's path dependency) whose lockfile is the root's:
 * its image builds from the root. uv loads every member to read the lockfile, so each member's
 * pyproject.toml is an install file.
 */
export function pythonWorkspaceMember(f: Folder, root: Folder, name: string | undefined): (WorkspaceMember & { manager: 'uv' | 'poetry'; lockfile: string }) | undefined {
  if (f.dir === root.dir || !name) return undefined
  const uv = uvPatterns(root)
  if (root.has('uv.lock') && uv.some((p) => !p.startsWith('!') && matchesPattern(f.dir, p))) {
    const members = memberManifests(root, uv, 'pyproject.toml')
    return {
      manager: 'uv',
      lockfile: 'uv.lock',
      buildContext: upTo(f.dir),
      memberDir: f.dir,
      workspacePackage: name,
      installFiles: ['pyproject.toml', 'uv.lock', ...new Set([...members, f.path('pyproject.toml')])].filter((p, i, a) => a.indexOf(p) === i),
      note: { file: root.path('uv.lock'), reason: `a uv workspace member: the lockfile is the root's, so the image builds from the root (context ${upTo(f.dir)}) and syncs ${name}` },
    }
  }
  const paths = poetryPathDeps(root)
  if (root.has('poetry.lock') && paths.includes(f.dir)) {
    return {
      manager: 'poetry',
      lockfile: 'poetry.lock',
      buildContext: upTo(f.dir),
      memberDir: f.dir,
      workspacePackage: name,
      installFiles: ['pyproject.toml', 'poetry.lock', ...paths.map((p) => `${p}/pyproject.toml`).filter((p) => root.repo.files.includes(p))],
      note: { file: root.path('poetry.lock'), reason: `a path dependency of the Poetry project at the root, locked in its poetry.lock: the image builds from the root (context ${upTo(f.dir)})` },
    }
  }
  return undefined
}

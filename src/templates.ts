import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, posix, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Read-only access to the template tree. The planner lists folders and the renderer reads
 * files through this, so tests can hand in an in-memory tree and the core stays pure.
 */
export interface TemplateSource {
  /** Files below `dir` (posix, relative to `dir`), sorted. */
  list(dir: string): string[]
  read(path: string): string
  exists(path: string): boolean
}

/** Finds the package's templates/ folder from both src/ (tests) and dist/ (the bundle). */
export function packageTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'templates')
    try {
      if (statSync(candidate).isDirectory() && statSync(join(dir, 'package.json')).isFile()) return candidate
    } catch {
      // not here; look one level up
    }
    dir = dirname(dir)
  }
  throw new Error('create-containerized-app: cannot find its templates/ folder; the package is incomplete')
}

/**
 * Caches that linters and test runners leave behind when someone works on a starter app in
 * place. They are never templates, and copying them would ship a stranger's cache to users.
 */
const TOOL_LITTER = new Set(['.ruff_cache', '.pytest_cache', '.mypy_cache', '__pycache__', 'node_modules', '.DS_Store'])

export function diskTemplates(root = packageTemplatesDir()): TemplateSource {
  const walk = (abs: string, rel: string, out: string[]): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (TOOL_LITTER.has(entry.name)) continue
      const r = rel ? `${rel}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(join(abs, entry.name), r, out)
      else if (entry.isFile()) out.push(r)
    }
  }
  return {
    list(dir) {
      const out: string[] = []
      // A folder the tree lacks lists as empty, as in memoryTemplates: a pack may ask about any path.
      if (!existsSync(resolve(root, dir))) return out
      walk(resolve(root, dir), '', out)
      return out.sort()
    },
    read: (path) => readFileSync(resolve(root, path), 'utf8'),
    exists(path) {
      try {
        return statSync(resolve(root, path)).isFile()
      } catch {
        return false
      }
    },
  }
}

/** An in-memory template tree keyed by posix path; for tests. */
export function memoryTemplates(files: Record<string, string>): TemplateSource {
  return {
    list(dir) {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`
      return Object.keys(files)
        .filter((p) => p.startsWith(prefix))
        .map((p) => p.slice(prefix.length))
        .sort()
    },
    read(path) {
      const body = files[posix.normalize(path)]
      if (body === undefined) throw new Error(`no template ${path}`)
      return body
    },
    exists: (path) => files[posix.normalize(path)] !== undefined,
  }
}

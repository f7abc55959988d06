import type { Folder } from './repo.js'

/** Node lockfiles and the package manager each belongs to, most specific first. */
export const NODE_LOCKFILES: readonly (readonly [file: string, manager: 'pnpm' | 'bun' | 'yarn' | 'npm'])[] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
]

/** Yarn Berry writes `.yarnrc.yml` and a `__metadata:` lockfile; anything else is Yarn 1. */
export function yarnFlavour(folder: Folder): 'yarn' | 'yarn-classic' {
  return folder.has('.yarnrc.yml') || (folder.read('yarn.lock') ?? '').includes('__metadata:') ? 'yarn' : 'yarn-classic'
}

/** The lockfiles present in a folder, each with its package manager id (Yarn's flavour settled). */
export function lockfilesIn(folder: Folder): { file: string; id: string }[] {
  return NODE_LOCKFILES.filter(([file]) => folder.has(file)).map(([file, id]) => ({ file, id: id === 'yarn' ? yarnFlavour(folder) : id }))
}

/** `"packageManager": "yarn@1.22.22"` → `yarn-classic`; `pnpm@10.18.0` → `pnpm`; anything else undefined. */
export function declaredManager(field: unknown): string | undefined {
  const m = typeof field === 'string' ? /^(npm|pnpm|yarn|bun)@(\d+)/.exec(field) : null
  if (!m) return undefined
  return m[1] === 'yarn' ? (Number(m[2]) >= 2 ? 'yarn' : 'yarn-classic') : m[1]!
}

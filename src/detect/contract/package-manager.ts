import { record } from '../languages/types.js'
import type { Folder } from '../repo.js'
import type { Evidence } from '../types.js'
import type { AppCode } from './sources.js'

export interface PackageManagerPin {
  version: string
  evidence: Evidence[]
}

/** An exact release (`10.18.0`, `4.0.0-rc.1`): a range cannot be installed as one version. */
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/

/** Yarn Berry and Classic are one tool with one version line; the rest by their ids. */
const tool = (id: string) => id.replace(/-classic$/, '')

/**
 * Where a Node app pins its package manager's release, nearest first: the folder's own files,
 * then a workspace root's (a member installs with the root's tool). Yarn runs the release
 * `yarnPath` names whatever else says, so it comes before `packageManager` (Corepack's field).
 */
function pins(folder: Folder, pm: string): { version: string; evidence: Evidence }[] {
  const out: { version: string; evidence: Evidence }[] = []
  const want = tool(pm)
  if (want === 'yarn') {
    const yarnPath = /^yarnPath:\s*["']?([^"'\s#]+)/m.exec(folder.read('.yarnrc.yml') ?? '')?.[1]
    const v = yarnPath && /(?:^|\/)yarn-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.c?js$/.exec(yarnPath)?.[1]
    if (v) out.push({ version: v, evidence: { file: folder.path('.yarnrc.yml'), reason: `yarnPath: ${yarnPath} (Yarn runs this release)` } })
  }
  const pkg = folder.json('package.json')
  if (pkg) {
    // `pnpm@10.18.0+sha512.…`: Corepack's integrity suffix is not part of the version.
    const declared = typeof pkg.packageManager === 'string' ? /^(npm|pnpm|yarn|bun)@([^+\s]+)/.exec(pkg.packageManager) : null
    if (declared && declared[1] === want && EXACT.test(declared[2]!)) out.push({ version: declared[2]!, evidence: { file: folder.path('package.json'), reason: `"packageManager": "${pkg.packageManager as string}"` } })
    const dev = record(record(pkg.devEngines).packageManager)
    if (dev.name === want && typeof dev.version === 'string' && EXACT.test(dev.version)) out.push({ version: dev.version, evidence: { file: folder.path('package.json'), reason: `"devEngines": { "packageManager": { "name": "${dev.name}", "version": "${dev.version}" } }` } })
  }
  const tv = /^(\S+)\s+(\S+)/gm
  for (const m of (folder.read('.tool-versions') ?? '').matchAll(tv)) {
    if (m[1] === want && EXACT.test(m[2]!)) out.push({ version: m[2]!, evidence: { file: folder.path('.tool-versions'), reason: `${m[1]} ${m[2]}` } })
  }
  // setup-bun and mise read a one-line .bun-version.
  const bunFile = want === 'bun' ? folder.read('.bun-version')?.trim().replace(/^v/, '') : undefined
  if (bunFile && EXACT.test(bunFile)) out.push({ version: bunFile, evidence: { file: folder.path('.bun-version'), reason: `bun ${bunFile}` } })
  return out
}

/**
 * The package manager release a Node app pins (`"packageManager": "pnpm@10.18.0"`, Yarn's
 * `yarnPath` release, `devEngines`, `.tool-versions`, `.bun-version`): the image installs that
 * release, so a lockfile written by it is read by the same tool. Undefined when nothing pins an
 * exact release of the package manager detection chose.
 */
export function packageManagerPin(code: AppCode): PackageManagerPin | undefined {
  const pm = code.p.packageManager?.value
  if (code.p.language !== 'node' || !pm) return undefined
  const folders = code.f.dir === code.root.dir ? [code.f] : [code.f, code.root]
  for (const folder of folders) {
    const found = pins(folder, pm)
    if (found.length === 0) continue
    const first = found[0]!
    const disagree = found.filter((x) => x.version !== first.version)
    return {
      version: first.version,
      evidence: [first.evidence, ...disagree.map((x) => ({ ...x.evidence, reason: `${x.evidence.reason}: not used, ${first.evidence.file} pins ${first.version}` }))],
    }
  }
  return undefined
}

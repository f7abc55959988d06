import { readNamedFile } from '../utils/read-regular-file.js'
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { join, sep } from 'node:path'
import { resolvePackage, type PackageEnv } from '../config/packages.js'
import { outputName } from '../plan.js'
import { checkVariables, outputPathProblem, PackError, type Pack } from './pack.js'

/** The manifest at a pack's root. */
export const PACK_MANIFEST = 'pack.json'

/**
 * Every file below `root/sub`, posix-relative. A symbolic link is followed only when it points
 * at a file inside the pack: one that leads out could make the pack read (and then write into a
 * project) anything on the machine.
 */
function walk(packRoot: string, sub: string): { rel: string; abs: string; mode: number }[] {
  const realRoot = realpathSync(packRoot)
  const out: { rel: string; abs: string; mode: number }[] = []
  const visit = (abs: string, rel: string): void => {
    for (const entry of readdirSync(abs)) {
      if (entry === '.DS_Store' || entry === 'node_modules') continue
      const childAbs = join(abs, entry)
      const childRel = rel ? `${rel}/${entry}` : entry
      const st = lstatSync(childAbs)
      if (st.isSymbolicLink()) {
        const real = realpathSync(childAbs)
        if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new PackError(`pack ${packRoot}: ${sub}/${childRel} links outside the pack (to ${real}).`)
        if (!statSync(real).isFile()) throw new PackError(`pack ${packRoot}: ${sub}/${childRel} links to a folder; link files only.`)
        out.push({ rel: childRel, abs: real, mode: statSync(real).mode })
      } else if (st.isDirectory()) visit(childAbs, childRel)
      else if (st.isFile()) out.push({ rel: childRel, abs: childAbs, mode: st.mode })
    }
  }
  const start = join(packRoot, sub)
  if (existsSync(start)) visit(start, '')
  return out.sort((a, b) => a.rel.localeCompare(b.rel))
}

/**
 * Reads a pack: `pack.json` (name, version, variables, outputs), `templates/` (replacing the
 * built-in templates of the same path) and `files/` (added to the project; `.hbs` files are
 * rendered, `_name` becomes `.name` as in the built-in tree). `outputs` renames an added file.
 */
export function loadPack(spec: string, fromDir: string, env: PackageEnv): Pack {
  const pkg = resolvePackage(spec, fromDir, env, 'pack')
  const manifestPath = join(pkg.dir, PACK_MANIFEST)
  let manifestText: string | undefined
  try {
    manifestText = readNamedFile(manifestPath, manifestPath)
  } catch (err) {
    throw new PackError((err as Error).message)
  }
  if (manifestText === undefined) throw new PackError(`pack ${spec} (${pkg.dir}) has no ${PACK_MANIFEST}.`)
  let manifest: { name?: unknown; version?: unknown; variables?: unknown; outputs?: unknown }
  try {
    manifest = JSON.parse(manifestText) as typeof manifest
  } catch (err) {
    throw new PackError(`${manifestPath} is not valid JSON: ${(err as Error).message}`)
  }
  const name = typeof manifest.name === 'string' ? manifest.name : pkg.name
  const version = typeof manifest.version === 'string' ? manifest.version : pkg.version
  if (!name || !version) throw new PackError(`${manifestPath}: a pack needs a "name" and a "version" (here or in its package.json); the version is recorded in each project's answers.`)
  const outputs = (manifest.outputs ?? {}) as Record<string, unknown>
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) throw new PackError(`${manifestPath}: "outputs" must map files under files/ to project paths.`)
  const templates: Record<string, string> = {}
  for (const f of walk(pkg.dir, 'templates')) templates[f.rel] = readFileSync(f.abs, 'utf8')
  const added = walk(pkg.dir, 'files')
  for (const from of Object.keys(outputs)) {
    if (!added.some((f) => f.rel === from)) throw new PackError(`${manifestPath}: outputs names files/${from}, which the pack does not have.`)
  }
  const files = added.map((f) => {
    const mapped = outputs[f.rel]
    if (mapped !== undefined && typeof mapped !== 'string') throw new PackError(`${manifestPath}: outputs["${f.rel}"] must be a path.`)
    const to = mapped ?? outputName(f.rel)
    const problem = outputPathProblem(to)
    if (problem) throw new PackError(`pack ${name}: refusing to write "${to}" (from files/${f.rel}): ${problem}.`)
    return { to, from: `files/${f.rel}`, text: readFileSync(f.abs, 'utf8'), ...(f.mode & 0o111 ? { mode: 0o755 } : {}) }
  })
  return { name, version, spec, location: pkg.dir, variables: checkVariables(manifest.variables, manifestPath), templates, files }
}

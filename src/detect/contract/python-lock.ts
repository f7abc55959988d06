import { LANGUAGE_CHOICES } from '../../registry/languages/index.js'
import { byId } from '../../registry/lookup.js'
import type { DetectionWarning, Evidence, Finding } from '../types.js'
import type { AppCode } from './sources.js'

/** The CPython minors (3.x) a wheel set installs on Linux without compiling; undefined: any. */
interface PackageWheels {
  name: string
  minors: Set<number> | undefined
}

/**
 * The packages of a uv.lock or poetry.lock and the Python minors their Linux wheels cover.
 * A pure (`py3-none-any`) or stable-ABI (`abi3`) wheel covers every version; a package with no
 * Linux wheel at all is built from source whatever the version, so it constrains nothing.
 */
export function lockWheels(text: string): PackageWheels[] {
  const out: PackageWheels[] = []
  for (const block of text.split(/^\[\[package\]\]\s*$/m).slice(1)) {
    const name = /^name\s*=\s*"([^"]+)"/m.exec(block)?.[1]
    if (!name) continue
    const wheels = [...block.matchAll(/([\w.+!-]+\.whl)\b/g)].map((m) => m[1]!)
    let any = false
    const minors = new Set<number>()
    let linux = 0
    for (const wheel of wheels) {
      const parts = wheel.replace(/\.whl$/, '').split('-')
      if (parts.length < 5) continue
      const [py, abi, platform] = parts.slice(-3) as [string, string, string]
      if (platform === 'any') any = true
      if (!/linux/.test(platform)) continue
      linux++
      if (abi === 'abi3' || abi === 'none') {
        any = true
        continue
      }
      for (const tag of py.split('.')) {
        // Free-threaded builds (cp313t) are another interpreter than the images run.
        const m = /^cp3(\d+)$/.exec(tag)
        if (m && !abi.endsWith('t')) minors.add(Number(m[1]))
      }
    }
    out.push({ name, minors: any || linux === 0 ? undefined : minors })
  }
  return out
}

/** Whether a Python specifier (`>=3.11,<3.14`, `^3.12`, `~=3.12`, `==3.12.*`) admits CPython 3.<minor>. */
export function admitsMinor(spec: string, minor: number): boolean {
  for (const clause of spec.split(',').map((c) => c.trim()).filter(Boolean)) {
    const m = /^(\^|~=|~|>=|<=|==|!=|>|<)?\s*3(?:\.(\d+|\*))?(?:\.(\d+|\*))?/.exec(clause)
    if (!m) continue
    const op = m[1] ?? '=='
    const v = m[2] === undefined || m[2] === '*' ? undefined : Number(m[2])
    const patch = m[3] === undefined || m[3] === '*' ? 0 : Number(m[3])
    if (v === undefined) continue
    const ok =
      op === '>=' || op === '^' || op === '>' ? minor >= v
      : op === '~=' ? (m[3] === undefined ? minor >= v : minor === v)
      : op === '~' ? minor === v
      : op === '<' ? minor < v || (minor === v && patch > 0)
      : op === '<=' ? minor <= v
      : op === '==' ? minor === v
      : true
    if (!ok) return false
  }
  return true
}

export interface LockVersion {
  finding?: Finding<string>
  warning?: DetectionWarning
}

/**
 * A Python version the lockfile can install: the newest supported minor that requires-python
 * admits and for which every locked package with version-specific wheels has one (uv.lock whose
 * httptools wheels stop at cp313: 3.13, not 3.14, or the build compiles it and fails for want
 * of a compiler). An exact version the repository pins is kept, and a warning says when the
 * lockfile's wheels do not cover it.
 */
export function lockfileVersion(code: AppCode, current: Finding<string> | undefined): LockVersion {
  const { f: service } = code
  // A uv or Poetry workspace member installs from the workspace root's lockfile.
  const f = service.first('uv.lock', 'poetry.lock') || service.dir === code.root.dir ? service : code.root
  const lockfile = f.first('uv.lock', 'poetry.lock')
  const py = service.read('pyproject.toml') ?? ''
  const lock = lockfile ? (f.read(lockfile) ?? '') : ''
  const requires =
    /^requires-python\s*=\s*"([^"]+)"/m.exec(lock)?.[1] ??
    /^requires-python\s*=\s*["']([^"']+)/m.exec(py)?.[1] ??
    /^\[tool\.poetry\.dependencies\][\s\S]*?^python\s*=\s*["']([^"']+)/m.exec(py)?.[1] ??
    /^\[metadata\][\s\S]*?^python-versions\s*=\s*"([^"]+)"/m.exec(lock)?.[1]
  const spec = byId(LANGUAGE_CHOICES, 'python')
  const defaultMinor = Number(spec.defaultVersion.split('.')[1])
  const supported: number[] = []
  for (let m = defaultMinor; spec.versionPattern.test(`3.${m}`); m--) supported.push(m)
  const exact = current?.confidence === 'high'
  const currentMinor = current ? Number(/^3\.(\d+)/.exec(current.value)?.[1] ?? NaN) : defaultMinor
  const lowest = requires ? supported.filter((m) => admitsMinor(requires, m)).at(-1) : undefined

  const constraints: { name: string; max: number; minors: Set<number> }[] = []
  for (const p of lock ? lockWheels(lock) : []) {
    if (!p.minors || p.minors.size === 0) continue
    const max = Math.max(...p.minors)
    // Wheels only for versions below the supported range: a backport installed under a marker for old Pythons.
    if (lowest !== undefined && max < lowest) continue
    constraints.push({ name: p.name, max, minors: p.minors })
  }
  const admitted = supported.filter((m) => (!requires || admitsMinor(requires, m)) && constraints.every((c) => c.minors.has(m)))
  const pick = admitted[0]
  const limiting = constraints.filter((c) => !c.minors.has(currentMinor)).sort((a, b) => a.max - b.max)
  const evidence: Evidence[] = []
  if (requires) evidence.push({ file: lockfile && /requires-python|python-versions/.test(lock) ? f.path(lockfile) : service.path('pyproject.toml'), reason: `requires-python "${requires}"` })
  for (const c of limiting.slice(0, 3)) evidence.push({ file: f.path(lockfile!), reason: `${c.name} has Linux wheels for CPython ${[...c.minors].sort((a, b) => a - b).map((m) => `3.${m}`).join(', ')} only` })

  if (exact) {
    if (limiting.length && lockfile) {
      return {
        warning: {
          code: 'lockfile-wheels',
          file: f.path(lockfile),
          message: `${lockfile} has no Python ${current!.value} wheels for ${limiting.map((c) => c.name).join(', ')}: the image would build them from source and has no compiler; ${pick ? `use Python 3.${pick} (--language-version 3.${pick})` : 'update them'} or update the lock`,
        },
      }
    }
    return {}
  }
  if (pick === undefined || pick === currentMinor) return {}
  if (!limiting.length && requires && admitsMinor(requires, currentMinor)) return {}
  return {
    finding: {
      value: `3.${pick}`,
      confidence: 'medium',
      evidence: [...(current?.evidence ?? []), ...evidence, { file: lockfile ? f.path(lockfile) : service.path('pyproject.toml'), reason: `3.${pick}: the newest version ${limiting.length ? `every locked package has wheels for` : 'requires-python admits'}` }],
    },
  }
}

import type { Folder } from '../repo.js'
import type { AppFacts, DetectionWarning, Evidence } from '../types.js'
import type { AppCode } from './sources.js'

export interface InstallContract {
  installFiles?: string[]
  unlocked?: boolean
  requirements?: AppFacts['requirements']
  evidence: Evidence[]
  warnings: DetectionWarning[]
}

/** Each Node package manager's lockfiles, the one it prefers first. */
const NODE_LOCKS: Readonly<Record<string, readonly string[]>> = {
  npm: ['npm-shrinkwrap.json', 'package-lock.json'],
  pnpm: ['pnpm-lock.yaml'],
  yarn: ['yarn.lock'],
  'yarn-classic': ['yarn.lock'],
  // bun 1.2 writes the text bun.lock and reads it before the binary bun.lockb.
  bun: ['bun.lock', 'bun.lockb'],
}

const PROD_REQUIREMENTS = ['requirements.txt', 'requirements/prod.txt', 'requirements/production.txt', 'requirements/base.txt', 'requirements/common.txt', 'requirements/main.txt']
const DEV_REQUIREMENTS = ['requirements-dev.txt', 'requirements/dev.txt', 'requirements/development.txt', 'dev-requirements.txt', 'requirements/local.txt', 'requirements-test.txt', 'requirements/test.txt', 'test-requirements.txt']

/**
 * The manifests and lockfile the image's install step mounts, exactly as they exist in the
 * service folder, and whether a lockfile pins the install. A file that is not there is never
 * listed: the COPY or bind mount of a missing file stops the build.
 */
export function installContract(code: AppCode): InstallContract {
  const { f, p } = code
  const pm = p.packageManager?.value
  // A workspace member built from the workspace root: its install files are the workspace's, set with the build context.
  if (p.app.buildContext || p.app.installFiles || !pm) return { evidence: [], warnings: [] }
  switch (p.language) {
    case 'node':
      return node(f, pm)
    case 'python':
      return python(f, pm)
    case 'go':
      return locked(f, ['go.mod'], 'go.sum', 'go.sum', /^\s*require\b/m.test(f.read('go.mod') ?? ''))
    case 'rust':
      return locked(f, ['Cargo.toml', ...present(f, '.cargo/config.toml', '.cargo/config')], 'Cargo.lock', 'Cargo.lock')
    case 'ruby':
      return ruby(f)
    case 'php':
      return locked(f, ['composer.json'], 'composer.lock', 'composer.lock')
    case 'java':
      return java(f, pm)
    default:
      return { evidence: [], warnings: [] }
  }
}

const present = (f: Folder, ...files: string[]): string[] => files.filter((x) => f.has(x))

/** Manifests plus one lockfile, or the manifests alone and `unlocked`. */
function locked(f: Folder, manifests: string[], lockfile: string, label: string, needsLock = true): InstallContract {
  const lock = f.has(lockfile)
  const files = [...manifests.filter((m) => f.has(m)), ...(lock ? [lockfile] : [])]
  const evidence = [{ file: f.path(lock ? lockfile : manifests[0]!), reason: lock ? `installs ${files.join(', ')}` : `installs ${files.join(', ')}: no ${label}` }]
  return { installFiles: files, ...(!lock && needsLock ? { unlocked: true } : {}), evidence, warnings: [] }
}

function node(f: Folder, pm: string): InstallContract {
  const files = ['package.json']
  const lock = (NODE_LOCKS[pm] ?? []).find((l) => f.has(l))
  if (lock) files.push(lock)
  const evidence: Evidence[] = []
  const warnings: DetectionWarning[] = []
  if (pm === 'yarn') {
    const rc = f.read('.yarnrc.yml')
    if (rc !== undefined) {
      files.push('.yarnrc.yml')
      // The pinned Yarn release lives in the repository (.yarn is not scanned); without it Yarn refuses to run.
      const yarnPath = /^yarnPath:\s*["']?([^"'\s#]+)/m.exec(rc)?.[1]
      if (yarnPath) {
        files.push(yarnPath.replace(/^\.\//, ''))
        evidence.push({ file: f.path('.yarnrc.yml'), reason: `yarnPath: ${yarnPath}` })
      }
    }
    if (!/^nodeLinker:\s*["']?(?:node-modules|pnpm)\b/m.test(rc ?? '')) {
      warnings.push({ code: 'missing-manifest', file: f.path('.yarnrc.yml'), message: `Yarn Berry ${rc === undefined ? 'without .yarnrc.yml' : 'with no nodeLinker in .yarnrc.yml'} installs with Plug’n’Play (no node_modules), which the image's runtime stage does not carry; set it with \`yarn config set nodeLinker node-modules\` and commit .yarnrc.yml` })
    }
  }
  files.push(...present(f, '.npmrc'))
  if (pm === 'pnpm') files.push(...present(f, 'pnpm-workspace.yaml', '.pnpmfile.cjs'))
  if (pm === 'bun') files.push(...present(f, 'bunfig.toml'))
  const pkg = f.json('package.json') ?? {}
  const patched = (pkg.pnpm as Record<string, unknown> | undefined)?.patchedDependencies ?? pkg.patchedDependencies
  const postinstall = String((pkg.scripts as Record<string, unknown> | undefined)?.postinstall ?? '')
  if (patched || /\bpatch-package\b/.test(postinstall)) {
    // Patches are applied during the install: they must be there before the source is.
    const patches = f.find(/^patches\/[^/]+\.(?:patch|diff)$/)
    files.push(...patches)
    if (patches.length) evidence.push({ file: f.path('patches'), reason: `${patches.length} patch file(s) applied at install` })
  }
  evidence.unshift({ file: f.path(lock ?? 'package.json'), reason: lock ? `installs ${files.join(', ')}` : `installs ${files.join(', ')}: no lockfile of ${pm}` })
  return { installFiles: files, ...(lock ? {} : { unlocked: true }), evidence, warnings }
}

function python(f: Folder, pm: string): InstallContract {
  switch (pm) {
    case 'uv':
      return locked(f, ['pyproject.toml'], 'uv.lock', 'uv.lock')
    case 'poetry': {
      const c = locked(f, ['pyproject.toml'], 'poetry.lock', 'poetry.lock')
      if (f.has('poetry.toml')) c.installFiles!.push('poetry.toml')
      return c
    }
    case 'pipenv':
      return locked(f, ['Pipfile'], 'Pipfile.lock', 'Pipfile.lock')
    case 'pip':
      return pip(f)
    default:
      return { evidence: [], warnings: [] }
  }
}

/** A requirements file's lines, continuation backslashes joined, comments dropped. */
function requirementLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '')
}

/** The requirements files one file pulls in with `-r`/`-c`, itself first. */
function withIncludes(f: Folder, file: string, seen = new Set<string>()): string[] {
  if (seen.has(file) || !f.has(file)) return []
  seen.add(file)
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : ''
  const out = [file]
  for (const line of requirementLines(f.read(file) ?? '')) {
    const m = /^(?:-r|--requirement|-c|--constraint)[=\s]+(\S+)/.exec(line)
    if (m) out.push(...withIncludes(f, normalize(dir + m[1]!), seen))
  }
  return out
}

const normalize = (path: string): string => {
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '..') parts.pop()
    else if (part !== '.' && part !== '') parts.push(part)
  }
  return parts.join('/')
}

/** Every requirement line (not an option) carries a --hash: pip's hash-checking mode accepts nothing less. */
function allHashed(f: Folder, files: readonly string[]): boolean {
  let requirements = 0
  for (const file of files) {
    for (const line of requirementLines(f.read(file) ?? '')) {
      if (/^-(?:r|c|-requirement|-constraint|-index-url|-extra-index-url|i|f|-find-links|-trusted-host|-no-binary|-only-binary|-prefer-binary|-pre)\b/.test(line)) continue
      requirements++
      if (!/--hash[=\s]/.test(line) || /^-e\b|^--editable\b/.test(line)) return false
    }
  }
  return requirements > 0
}

/** pip: the production and dev requirements files that exist, and whether they carry hashes. */
function pip(f: Folder): InstallContract {
  const prod = PROD_REQUIREMENTS.find((r) => f.has(r))
  if (!prod) return { evidence: [], warnings: [] }
  const dev = DEV_REQUIREMENTS.find((r) => f.has(r))
  const files = [...new Set([...withIncludes(f, prod), ...(dev ? withIncludes(f, dev) : [])])]
  const hashes = allHashed(f, files)
  const pinned = files.every((file) => requirementLines(f.read(file) ?? '').every((l) => l.startsWith('-') || /==|@\s*\S+:\/\/|--hash/.test(l)))
  const evidence: Evidence[] = [
    { file: f.path(prod), reason: `production requirements${files.length > 1 ? ` (with ${files.filter((x) => x !== prod && x !== dev).join(', ') || 'no includes'})` : ''}` },
    dev ? { file: f.path(dev), reason: 'dev and test requirements' } : { file: f.path(prod), reason: `no dev requirements file (${DEV_REQUIREMENTS.slice(0, 3).join(', ')}): the dev and test images install ${prod}` },
    { file: f.path(prod), reason: hashes ? 'every requirement carries --hash: installed with --require-hashes' : 'not every requirement carries --hash: installed without --require-hashes' },
  ]
  return {
    installFiles: files,
    requirements: { prod, ...(dev ? { dev } : {}), hashes },
    ...(hashes || pinned ? {} : { unlocked: true }),
    evidence,
    warnings: [],
  }
}

function ruby(f: Folder): InstallContract {
  const c = locked(f, ['Gemfile'], 'Gemfile.lock', 'Gemfile.lock')
  const gemfile = f.read('Gemfile') ?? ''
  // `ruby file: ".ruby-version"` (Rails 7.1+) makes Bundler read the file during the install.
  const rubyFile = /^\s*ruby\s+file:\s*["']([^"']+)["']/m.exec(gemfile)?.[1]
  if (rubyFile && f.has(rubyFile)) c.installFiles!.push(rubyFile)
  if (/^\s*gemspec\b/m.test(gemfile)) c.installFiles!.push(...f.find(/^[\w.-]+\.gemspec$/))
  return c
}

function java(f: Folder, pm: string): InstallContract {
  const files =
    pm === 'maven'
      ? [...present(f, 'pom.xml', 'mvnw'), ...f.find(/^\.mvn\/(?:wrapper\/[\w.-]+|[\w.-]+\.(?:config|xml))$/)]
      : [
          ...present(f, 'build.gradle.kts', 'build.gradle', 'settings.gradle.kts', 'settings.gradle', 'gradle.properties', 'gradlew', 'gradle.lockfile'),
          ...f.find(/^gradle\/(?:wrapper\/gradle-wrapper\.(?:properties|jar)|[\w.-]+\.versions\.toml)$/),
        ]
  // Maven and Gradle resolve from the build file; a lock is not their convention, so no `unlocked`.
  return { installFiles: files, evidence: [{ file: f.path(files[0] ?? '.'), reason: `installs ${files.join(', ')}` }], warnings: [] }
}

/** The lockfile warning, saying what the image does without one. */
export function lockfileWarning(code: AppCode, c: InstallContract): DetectionWarning | undefined {
  const { f, p } = code
  if (!c.unlocked && !(c.requirements && !c.requirements.hashes)) return undefined
  const how: Record<string, string> = {
    npm: 'npm install',
    pnpm: 'pnpm install --no-frozen-lockfile',
    yarn: 'yarn install (not --immutable)',
    'yarn-classic': 'yarn install (not --frozen-lockfile)',
    bun: 'bun install (not --frozen-lockfile)',
    uv: 'uv sync (not --frozen)',
    poetry: 'poetry install without a lock',
    pipenv: 'pipenv install (not --deploy)',
    gomod: 'go mod download, which records go.sum in the image only',
    cargo: 'cargo build without --locked',
    bundler: 'bundle install without BUNDLE_FROZEN',
    composer: 'composer install, resolving versions',
  }
  const pm = p.packageManager?.value ?? ''
  const lockCmd: Record<string, string> = {
    npm: 'npm install',
    pnpm: 'pnpm install',
    yarn: 'yarn install',
    'yarn-classic': 'yarn install',
    bun: 'bun install',
    uv: 'uv lock',
    poetry: 'poetry lock',
    pipenv: 'pipenv lock',
    gomod: 'go mod tidy',
    cargo: 'cargo generate-lockfile',
    bundler: 'bundle lock',
    composer: 'composer update --lock',
  }
  if (pm === 'pip') {
    const req = c.requirements!
    return {
      code: 'no-lockfile',
      file: f.path(req.prod),
      message: c.unlocked
        ? `${req.prod} pins no exact versions and carries no hashes: the image installs it as it is (without --require-hashes), so each build may resolve different versions; lock it with \`uv pip compile --generate-hashes\``
        : `${req.prod} carries no hashes: the image installs it without --require-hashes; for verified installs, lock it with \`uv pip compile --generate-hashes\``,
    }
  }
  const manifest = c.installFiles?.[0] ?? p.manifest
  return {
    code: 'no-lockfile',
    file: f.path(manifest),
    message: `no lockfile: the image installs without one (${how[pm] ?? 'an unlocked install'}), so each build may resolve different versions; run \`${lockCmd[pm] ?? 'your package manager'}\` and commit the lockfile`,
  }
}

import type { Dependency } from '../backing.js'
import { ENV_EXAMPLES } from '../backing.js'
import type { Folder } from '../repo.js'
import type { DetectionWarning, Evidence, Finding } from '../types.js'
import { firstVersion, toolVersionFiles, versionFile, type RawVersion } from '../versions.js'
import { nodeWorkspaceMember } from '../workspace.js'
import { declaredManager, lockfilesIn } from '../node-lockfiles.js'
import { bunRuntime } from '../contract/bun.js'
import { found, record, type LanguageRule, type ProjectFindings } from './types.js'

const SERVERS: Readonly<Record<string, string>> = {
  express: 'Express',
  fastify: 'Fastify',
  koa: 'Koa',
  '@hapi/hapi': 'hapi',
  hono: 'Hono',
  '@hono/node-server': 'Hono',
  restify: 'restify',
  polka: 'Polka',
  '@adonisjs/core': 'AdonisJS',
  'h3': 'h3',
  elysia: 'Elysia',
}
/** Frameworks that render on the server: their builds are neither a plain server nor a static SPA. */
const SSR: Readonly<Record<string, string>> = {
  nuxt: 'Nuxt',
  '@sveltejs/kit': 'SvelteKit',
  astro: 'Astro',
  '@remix-run/node': 'Remix',
  '@react-router/node': 'React Router (framework mode)',
  '@angular/ssr': 'Angular SSR',
  '@solidjs/start': 'SolidStart',
  '@tanstack/react-start': 'TanStack Start',
}
const UI = ['react', 'vue', 'svelte', 'preact', 'solid-js', 'lit', '@angular/core']

type Pkg = Record<string, unknown>

/** Prisma names the database in its schema's datasource, not in package.json. */
function prismaProvider(f: Folder): Dependency | undefined {
  const file = f.first('prisma/schema.prisma', 'schema.prisma', 'src/prisma/schema.prisma') ?? f.find(/^prisma\/schema\/[\w-]+\.prisma$/)[0]
  const m = file && /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"(\w+)"/.exec(f.read(file) ?? '')
  const client: Record<string, string> = { postgresql: 'pg', postgres: 'pg', cockroachdb: 'pg', mysql: 'mysql2', mongodb: 'mongodb', sqlite: 'better-sqlite3' }
  return m && client[m[1]!] ? { name: client[m[1]!]!, file: f.path(file!) } : undefined
}

/** `main` is a library's entry unless the file itself starts a server. */
function startsServer(f: Folder, main: unknown): boolean {
  if (typeof main !== 'string') return false
  const text = f.read(main.replace(/^\.\//, ''))
  return text !== undefined && /\.listen\(|createServer\(/.test(text)
}

/** The package.json script a dev container runs: a watcher when there is one. */
function devScript(scripts: Record<string, string>): { devScript?: string } {
  const name = ['dev', 'start:dev', 'watch', 'start'].find((s) => typeof scripts[s] === 'string')
  return name ? { devScript: name } : {}
}

function packageManager(f: Folder, root: Folder, pkg: Pkg, warnings: DetectionWarning[]): { pm: Finding<string> | undefined; lockAtRoot?: string } {
  // A workspace member shares its root's lockfile.
  const lockIn = (folder: Folder) => lockfilesIn(folder).map((l) => ({ ...l, file: folder.path(l.file) }))
  let locks = lockIn(f)
  let lockAtRoot: string | undefined
  if (locks.length === 0 && f.dir !== root.dir) {
    locks = lockIn(root)
    if (locks.length) lockAtRoot = locks[0]!.file
  }
  const rootPkg = f.dir !== root.dir ? root.json('package.json') : undefined
  const declared = (typeof pkg.packageManager === 'string' ? pkg.packageManager : undefined) ?? (typeof rootPkg?.packageManager === 'string' ? rootPkg.packageManager : undefined)
  if (locks.length > 1) {
    warnings.push({
      code: 'two-lockfiles',
      file: locks[0]!.file,
      message: `several lockfiles (${locks.map((l) => l.file).join(', ')}): installs differ by tool; keep the one your team uses and delete the others`,
    })
  }
  const done = (pm: Finding<string>) => ({ pm, ...(lockAtRoot ? { lockAtRoot } : {}) })
  if (declared) {
    const id = declaredManager(declared)
    if (id) {
      return done(found(id, 'high', f.dir !== root.dir && !pkg.packageManager ? root.path('package.json') : f.path('package.json'), `"packageManager": "${declared}"`))
    }
  }
  if (locks.length === 1) return done(found(locks[0]!.id, 'high', locks[0]!.file, lockAtRoot ? "the workspace root's lockfile" : 'lockfile'))
  if (locks.length > 1) {
    return done({ value: locks[0]!.id, confidence: 'low', evidence: locks.map((l) => ({ file: l.file, reason: `lockfile of ${l.id}` })) })
  }
  warnings.push({ code: 'no-lockfile', file: f.path('package.json'), message: 'no lockfile: the image installs exactly what a lockfile says; run your package manager once and commit its lockfile' })
  return { pm: { value: 'npm', confidence: 'low', evidence: [{ file: f.path('package.json'), reason: 'no lockfile and no "packageManager" field' }] } }
}

/** Node.js and TypeScript projects: package.json. */
export const nodeRule: LanguageRule = {
  id: 'node',
  manifests: /^package\.json$/,
  detect(f, root) {
    const pkg = f.json('package.json')
    if (!pkg) return undefined
    const file = f.path('package.json')
    const deps = record(pkg.dependencies)
    const devDeps = record(pkg.devDependencies)
    const scripts = record(pkg.scripts)
    const all = { ...devDeps, ...deps }
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const prisma = '@prisma/client' in all || 'prisma' in all ? prismaProvider(f) : undefined
    const out: ProjectFindings = {
      language: 'node',
      manifest: file,
      strength: 1,
      sourceExt: /\.(?:[cm]?[jt]sx?)$|(^|\/)bin\/www$/,
      deps: [...Object.keys(all).map((name): Dependency => ({ name, file, ...(name in deps ? {} : { dev: true }) })), ...(prisma ? [prisma] : [])],
      app: { hasBuildScript: typeof scripts.build === 'string', ...devScript(scripts) },
      warnings,
      notes,
      ...(typeof pkg.name === 'string' ? { name: pkg.name.replace(/^@[^/]+\//, '') } : {}),
    }
    const server = Object.keys(SERVERS).find((d) => d in deps)
    const ssr = Object.keys(SSR).find((d) => d in all)
    if ('next' in deps) {
      out.framework = found('next', 'high', file, `depends on next ${deps.next}`)
      const p = /next (?:start|dev)[^&|;]*(?:-p|--port)[ =](\d+)/.exec(scripts.start ?? scripts.dev ?? '')
      out.defaultPort = p ? { port: Number(p[1]), confidence: 'medium', reason: `next listens on ${p[1]} (-p in scripts)` } : { port: 3000, confidence: 'medium', reason: 'Next.js listens on 3000 unless told otherwise' }
    } else if ('@nestjs/core' in deps) {
      out.framework = found('nest', 'high', file, 'depends on @nestjs/core')
      out.defaultPort = { port: 3000, confidence: 'medium', reason: "nest new's main.ts listens on 3000" }
    } else if (server) {
      out.framework = found('http', 'high', file, `depends on ${server}, a Node HTTP server`)
      out.frameworkName = SERVERS[server]
      out.defaultPort = { port: 3000, confidence: 'low', reason: 'no port found in the code; 3000 is the Node convention' }
    } else if (ssr) {
      // Static output (adapter-static, Astro without a server adapter) is a single-page app's shape.
      const staticBuild = '@sveltejs/adapter-static' in all || (ssr === 'astro' && !Object.keys(all).some((d) => d.startsWith('@astrojs/node')))
      out.frameworkName = SSR[ssr]
      if (staticBuild) {
        out.framework = found('spa', 'medium', file, `${SSR[ssr]} building static files (served by nginx like a single-page app; the build must write dist/index.html)`)
        out.defaultPort = { port: 8080, confidence: 'medium', reason: 'the static build is served by unprivileged nginx on 8080' }
      } else {
        out.framework = found('http', 'low', file, `${SSR[ssr]} renders on the server: the container runs its built server with node (set "start": "node <its entry>" and confirm --framework http)`)
        out.defaultPort = { port: 3000, confidence: 'low', reason: `${SSR[ssr]}'s server listens on PORT, 3000 by default` }
      }
    } else if ('vite' in all && UI.some((u) => u in all)) {
      out.framework = found('spa', 'high', file, `a Vite single-page app (${UI.filter((u) => u in all).join(', ')})`)
      out.defaultPort = { port: 8080, confidence: 'medium', reason: 'the static build is served by unprivileged nginx on 8080' }
    } else if (typeof scripts.start === 'string' || startsServer(f, pkg.main)) {
      out.framework = found('http', 'medium', file, typeof scripts.start === 'string' ? `"start": "${scripts.start}"` : `"main": "${String(pkg.main)}"`)
      out.defaultPort = { port: 3000, confidence: 'low', reason: 'no port found in the code; 3000 is the Node convention' }
    }
    if (out.framework?.value === 'http') {
      const bun = bunRuntime(f, pkg, out.sourceExt)
      if (bun) {
        out.app.runtime = 'bun'
        out.appEvidence = { runtime: bun }
        // Bun.serve and a default-exported handler listen on PORT (BUN_PORT, NODE_PORT), else 3000.
        out.defaultPort = { port: 3000, confidence: 'medium', reason: 'Bun serves on PORT, else 3000' }
      }
    }
    if (out.framework) out.strength = out.framework.confidence === 'high' ? 3 : 2
    else out.notRunnable = 'no server dependency and no start script: a library or tooling'
    if (out.strength > 1) {
      const { pm, lockAtRoot } = packageManager(f, root, pkg, warnings)
      out.packageManager = pm
      // A workspace member installs from the root's lockfile: the image builds from the root.
      const ws = lockAtRoot && pm ? nodeWorkspaceMember(f, root, pkg, pm.value) : undefined
      if (ws) {
        Object.assign(out.app, { buildContext: ws.buildContext, memberDir: ws.memberDir, workspacePackage: ws.workspacePackage, installFiles: ws.installFiles })
        notes.push(ws.note)
      } else if (lockAtRoot) {
        warnings.push({
          code: 'workspace-lockfile',
          file: lockAtRoot,
          message: `the lockfile is at the repository root (${lockAtRoot}), outside ${f.dir}, and ${f.dir} is not a member of a workspace declared there: give the service a lockfile of its own, or declare the workspace`,
        })
      }
    }
    const run = out.packageManager?.value === 'npm' ? 'npm run' : `${(out.packageManager?.value ?? 'npm').replace('-classic', '')} run`
    if (scripts.build) out.buildCommand = found(`${run} build`, 'high', file, `"build": "${scripts.build}"`)
    // The entry the prod image runs is the runtime contract's (src/detect/contract/entry.ts).
    if (scripts.start) out.startCommand = found(`${run} start`, 'high', file, `"start": "${scripts.start}"`)
    const build = scripts.build ?? ''
    if (/\bprisma migrate|\bmigrate\b|db:push|knex migrate|sequelize db:migrate/.test(build)) {
      warnings.push({ code: 'build-needs-database', file, message: `the build script runs migrations ("${build}"): an image build has no database; run them at deploy time (a Job or init container) instead` })
    }
    const envFiles = [f, root].flatMap((folder) => folder.find(ENV_EXAMPLES).filter((p) => !p.includes('/')).map((p) => ({ folder, p })))
    for (const { folder, p } of envFiles) {
      const names = [...(folder.read(p) ?? '').matchAll(/^\s*((?:NEXT_PUBLIC|VITE|REACT_APP|PUBLIC)_\w+)\s*=/gm)].map((m) => m[1]!)
      if (names.length && out.framework && ['next', 'spa'].includes(out.framework.value)) {
        warnings.push({ code: 'build-needs-env', file: folder.path(p), message: `${names.join(', ')} are read at build time and baked into the bundle: pass them as build args (docker build --build-arg) per environment` })
        break
      }
    }
    const engines = record(pkg.engines).node
    const volta = record(pkg.volta).node
    const v = firstVersion('node', [
      versionFile(f, '.node-version'),
      versionFile(f, '.nvmrc'),
      toolVersionFiles(f, 'node'),
      volta ? { text: volta, file, reason: `"volta": { "node": "${volta}" }` } : undefined,
      engines ? ({ text: engines, file, reason: `"engines": { "node": "${engines}" }`, minimum: /^\s*>/.test(engines) } satisfies RawVersion) : undefined,
      ...(f.dir !== root.dir ? [versionFile(root, '.node-version'), versionFile(root, '.nvmrc'), toolVersionFiles(root, 'node')] : []),
    ])
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

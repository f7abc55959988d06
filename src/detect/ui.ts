import { posix } from 'node:path'
import { sourceCandidates } from './code.js'
import { Folder } from './repo.js'
import { declaredManager, lockfilesIn } from './node-lockfiles.js'
import type { Evidence, UiBuild } from './types.js'

/** Folder names a server keeps its web UI in. */
const UI_NAMES: ReadonlySet<string> = new Set(['ui', 'web', 'webui', 'web-ui', 'webapp', 'web-app', 'frontend', 'front', 'front-end', 'client', 'www', 'spa', 'dashboard', 'console', 'admin-ui', 'assets', 'static_src', 'theme', 'themes'])

/** Dependencies of a Node server: a package that has one is a service of its own, never a UI. */
const SERVER_DEPS = ['express', 'fastify', 'koa', '@hapi/hapi', 'hono', '@hono/node-server', 'restify', 'polka', '@nestjs/core', 'next', 'nuxt', '@remix-run/node', '@react-router/node', 'h3']
const UI_DEPS = ['react', 'react-dom', 'vue', 'svelte', 'preact', 'solid-js', 'lit', '@angular/core', 'vite', 'react-scripts', '@vue/cli-service', 'webpack', 'parcel', 'tailwindcss', '@tailwindcss/cli', 'sass', 'esbuild', 'alpinejs', 'htmx.org']

type Pkg = Record<string, unknown>
const rec = (v: unknown): Record<string, string> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : {})

/** A package.json that builds a browser UI and serves nothing itself. */
export function isUiPackage(pkg: Pkg): boolean {
  const all = { ...rec(pkg.devDependencies), ...rec(pkg.dependencies) }
  const scripts = rec(pkg.scripts)
  if (SERVER_DEPS.some((d) => d in all)) return false
  return Object.values(scripts).some((s) => /\bbuild\b|tailwind|sass|webpack|vite|parcel|esbuild|ng\s/.test(s)) && UI_DEPS.some((d) => d in all)
}

/** Whether `uiDir` (relative to the server) sits where servers keep their UI. */
export function inUiFolder(rel: string): boolean {
  const parts = rel.split('/')
  return parts.length <= 3 && parts.some((p) => UI_NAMES.has(p.toLowerCase()))
}

/** Lines of server code that serve or embed files, with the paths they name. */
const SERVES = /go:embed|http\.Dir|FileServer|StaticFiles|static_folder|template_folder|ServeDir|ServeFile|include_dir|rust_embed|#\[folder|express\.static|serveStatic|serve-static|sendFile|\.Static\(|StaticFS|fastify-static|@fastify\/static|send_from_directory|FileSystem|UseStaticFiles|WebRootPath/

/**
 * Where the server's code reads the UI folder: `//go:embed all:ui/dist`, `http.Dir("./ui/dist")`,
 * `StaticFiles(directory="frontend/dist")`, `ServeDir::new("ui/dist")`,
 * `express.static(path.join(__dirname, 'client', 'build'))`.
 */
function serverReference(server: Folder, sourceExt: RegExp, rel: string): { path: string; evidence: Evidence; embedded: boolean } | undefined {
  for (const file of sourceCandidates(server.files.filter((p) => !p.startsWith(`${rel}/`)), sourceExt, 200)) {
    const text = server.read(file) ?? ''
    for (const line of text.split('\n')) {
      if (!SERVES.test(line)) continue
      const literals = [...line.matchAll(/["'`]([^"'`]+)["'`]|go:embed\s+(?:all:)?(\S+)/g)].map((m) => (m[1] ?? m[2]!).replace(/^(?:\.\.?\/)+|^\$CARGO_MANIFEST_DIR\//, '').replace(/\/$/, ''))
      for (const [i, lit] of literals.entries()) {
        if (lit !== rel && !lit.startsWith(`${rel}/`)) continue
        // path.join(__dirname, 'client', 'build'): the next literals continue the path.
        let path = lit
        for (const next of literals.slice(i + 1)) {
          if (!/^[\w.-]+$/.test(next)) break
          path = `${path}/${next}`
        }
        // Compiled into the binary (go:embed, rust-embed, include_dir!): the prod image needs no copy.
        const embedded = /go:embed|rust_embed|#\[folder|include_dir/.test(line)
        return { path, evidence: { file: server.path(file), reason: `${embedded ? 'embeds' : 'serves'} the UI: \`${line.trim().slice(0, 90)}\`` }, embedded }
      }
    }
  }
  return undefined
}

/** The build's output folder relative to the UI folder: vite's build.outDir, angular.json's outputPath, else the tool's default. */
function buildOutput(ui: Folder, pkg: Pkg): { dir: string; reason: string } {
  const vite = ui.first('vite.config.ts', 'vite.config.js', 'vite.config.mjs', 'vite.config.mts', 'vite.config.cjs')
  if (vite) {
    const text = ui.read(vite) ?? ''
    const m = /outDir\s*:\s*(?:(?:path\.)?(?:resolve|join)\(\s*__dirname\s*,\s*)?['"`]([^'"`]+)['"`]/.exec(text)
    if (m) return { dir: posix.normalize(m[1]!).replace(/\/$/, ''), reason: `${vite}: build.outDir ${m[1]}` }
    return { dir: 'dist', reason: `${vite}: vite writes dist/` }
  }
  const angular = /"outputPath"\s*:\s*(?:\{\s*"base"\s*:\s*)?"([^"]+)"/.exec(ui.read('angular.json') ?? '')
  if (angular) return { dir: angular[1]!.replace(/\/$/, ''), reason: `angular.json: outputPath ${angular[1]}` }
  const all = { ...rec(pkg.devDependencies), ...rec(pkg.dependencies) }
  if ('react-scripts' in all) return { dir: 'build', reason: 'react-scripts writes build/' }
  if ('@sveltejs/adapter-static' in all) return { dir: 'build', reason: 'adapter-static writes build/' }
  const tailwind = /(?:tailwind(?:css)?|sass)\b[^&|;]*?(?:-o|--output)\s+(\S+)/.exec(rec(pkg.scripts).build ?? '')
  if (tailwind) return { dir: posix.dirname(posix.normalize(tailwind[1]!)), reason: `the build script writes ${tailwind[1]}` }
  return { dir: 'dist', reason: 'the build writes dist/ (the bundlers’ default)' }
}

/**
 * The UI build of a server whose web UI sits in a sub-folder: its package manager and install
 * files, the script that builds it and where the output lands, relative to the server. The
 * evidence says whether the server's code reads it there.
 */
export function uiBuild(server: Folder, sourceExt: RegExp, uiDir: string): { ui: UiBuild; notes: Evidence[] } | undefined {
  const rel = posix.relative(server.dir === '.' ? '' : server.dir, uiDir)
  const ui = new Folder(server.repo, uiDir)
  const pkg = ui.json('package.json')
  if (!pkg) return undefined
  const scripts = rec(pkg.scripts)
  const script = typeof scripts.build === 'string' ? 'build' : Object.keys(scripts).find((k) => /build/.test(k) || /\bbuild\b/.test(scripts[k]!))
  if (!script) return undefined
  const own = lockfilesIn(ui)
  const packageManager = declaredManager(pkg.packageManager) ?? own[0]?.id ?? 'npm'
  const installFiles = ['package.json', ...own.map((l) => l.file), ...['.npmrc', '.yarnrc.yml'].filter((f) => ui.has(f))]
  const out = buildOutput(ui, pkg)
  const output = posix.normalize(posix.join(rel, out.dir))
  const ref = serverReference(server, sourceExt, rel)
  const notes: Evidence[] = []
  const where = ref ? `${ref.evidence.file}` : undefined
  notes.push(
    ref
      ? { file: ui.path('package.json'), reason: `the web UI the server serves (${where}: reads ${ref.path}): built in a stage of the server's image (${packageManager} run ${script} → ${output}), not a service of its own` }
      : { file: ui.path('package.json'), reason: `a web UI inside the server's folder that its code does not name: built in a stage of the server's image (${packageManager} run ${script} → ${output}); pass --service ${uiDir} to containerize it on its own` },
  )
  if (ref && ref.path !== output && !ref.path.startsWith(`${output}/`) && !output.startsWith(`${ref.path}/`)) {
    notes.push({ file: ref.evidence.file, reason: `the server reads ${ref.path} while the UI build writes ${output} (${out.reason}): check the output folder` })
  }
  if (own.length === 0) notes.push({ file: ui.path('package.json'), reason: `no lockfile in ${rel}: the UI stage installs without one` })
  return { ui: { dir: rel, packageManager, installFiles, script, output, ...(ref?.embedded ? { embedded: true } : {}) }, notes }
}

import type { Folder } from '../repo.js'
import type { DetectionWarning, Evidence } from '../types.js'
import { firstVersion, toolVersionFiles } from '../versions.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

const ROUTERS: Readonly<Record<string, string>> = {
  'github.com/gin-gonic/gin': 'gin',
  'github.com/labstack/echo': 'Echo',
  'github.com/gofiber/fiber': 'Fiber',
  'github.com/go-chi/chi': 'chi',
  'github.com/gorilla/mux': 'gorilla/mux',
  'github.com/julienschmidt/httprouter': 'httprouter',
}

/** Main packages: `main.go` at the root, or `cmd/<name>/main.go` (the Go layout convention). */
function mainPackages(f: Folder): string[] {
  const mains = f.find(/^(?:[\w.-]+\/){0,3}[\w.-]+\.go$/).filter((p) => !p.endsWith('_test.go') && /^package main\b/m.test(f.read(p) ?? ''))
  const dirs = [...new Set(mains.map((p) => (p.includes('/') ? `./${p.slice(0, p.lastIndexOf('/'))}` : '.')))]
  return dirs.filter((d) => !/(^|\/)(?:examples?|testdata|tools|scripts|hack|internal\/tools)(\/|$)/.test(d))
}

/** A module path's name: its last element, past a major-version suffix (`github.com/acme/api/v2` → `api`). */
export function moduleName(module: string): string {
  const parts = module.replace(/\.git$/, '').split('/').filter((p) => p !== '')
  while (parts.length > 1 && /^v\d+$/.test(parts[parts.length - 1]!)) parts.pop()
  // gopkg.in/yaml.v3 carries its version after a dot.
  return parts[parts.length - 1]!.replace(/\.v\d+$/, '')
}

/** Names of the tools a module builds beside its server: migrations, CLIs, admin and code generators. */
const HELPER = /^(?:migrate|migrations?|migrator|cli|[\w-]*cli|[\w-]*ctl|admin|tools?|seed(?:er)?|gen|generate|codegen|xtask|setup|init|bootstrap|bench(?:mark)?|loadtest|dump|import(?:er)?|export(?:er)?|backup|version|healthcheck|mock\w*)$/

/** A main package that starts an HTTP server (not a migration tool or a CLI). */
function startsServer(f: Folder, pkg: string): boolean {
  const dir = pkg === '.' ? '' : `${pkg.slice(2)}/`
  return f
    .find(/\.go$/)
    .filter((p) => p.startsWith(dir) && !p.slice(dir.length).includes('/') && !p.endsWith('_test.go'))
    .some((p) => /ListenAndServe|\.Run\(\s*(?:":|[\w.]*[Aa]ddr|fmt\.Sprintf|"0\.0\.0\.0)|\.Start\(|\.Listen\(|http\.Server\s*\{|fasthttp\.|\bServe\(/.test(f.read(p) ?? ''))
}

/** Go modules: go.mod. */
export const goRule: LanguageRule = {
  id: 'go',
  manifests: /^go\.mod$/,
  detect(f, root) {
    const mod = f.read('go.mod')
    if (mod === undefined) return undefined
    const file = f.path('go.mod')
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const module = /^module\s+(\S+)/m.exec(mod)?.[1]
    const requires = [...mod.matchAll(/^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]{2,}\/[^\s]+)\s+v[\d.]+/gm)].map((m) => m[1]!)
    const out: ProjectFindings = {
      language: 'go',
      manifest: file,
      strength: 1,
      sourceExt: /\.go$/,
      deps: requires.map((name) => ({ name, file })),
      app: {},
      warnings,
      notes,
      ...(module ? { name: moduleName(module) } : {}),
    }
    const mains = mainPackages(f)
    if (mains.length === 0) out.notRunnable = 'no main package: a library'
    else {
      const base = module ? moduleName(module) : undefined
      // Extra cmd/* binaries beside the server (migrations, CLIs, admin tools) are helpers, not
      // services; a worker or a second server is another entry point and is warned about.
      const servers = mains.filter((m) => startsServer(f, m))
      const helper = (m: string) => !servers.includes(m) && HELPER.test(m.split('/').pop()!)
      const among = mains.filter((m) => !helper(m))
      const preferred = among.find((m) => m === '.') ?? among.find((m) => m === `./cmd/${base}`) ?? among.find((m) => /\/(?:server|api|web|app)$/.test(m)) ?? (servers.length === 1 ? servers[0] : undefined)
      const pick = preferred ?? among[0] ?? mains[0]!
      out.app.mainPackage = pick
      const helpers = mains.filter((m) => m !== pick && helper(m))
      if (among.length > 1) {
        warnings.push({ code: 'several-entry-points', file, message: `several main packages (${among.join(', ')}); the image builds ${pick}: pass --build-arg MAIN_PACKAGE=… to build another` })
        if (helpers.length) notes.push({ file, reason: `${helpers.join(', ')}: helper binaries, not services` })
      } else if (helpers.length) {
        notes.push({ file, reason: `${helpers.join(', ')}: helper binaries (no HTTP server), not services; the image builds ${pick}, the one that serves` })
      }
      out.startCommand = found(`go run ${pick}`, mains.length === 1 || preferred ? 'high' : 'medium', f.path(pick === '.' ? 'main.go' : `${pick.slice(2)}/`), 'package main')
      const router = Object.keys(ROUTERS).find((r) => requires.some((q) => q === r || q.startsWith(`${r}/`)))
      out.framework = found('stdlib', 'high', file, router ? `uses ${ROUTERS[router]}: the container files are the same as for net/http` : 'a net/http server')
      if (router) out.frameworkName = ROUTERS[router]
      out.strength = 3
      out.defaultPort = { port: 8080, confidence: 'low', reason: 'no port found in the code; 8080 is the Go convention' }
    }
    out.packageManager = found('gomod', 'high', file, 'go.mod')
    const toolchain = /^toolchain\s+go(\d+\.\d+(?:\.\d+)?)/m.exec(mod)
    const goLine = /^go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(mod)
    const v = firstVersion('go', [
      toolVersionFiles(f, 'go'),
      toolchain ? { text: toolchain[1]!, file, reason: `toolchain go${toolchain[1]}`, minimum: true } : undefined,
      goLine ? { text: goLine[1]!, file, reason: `go ${goLine[1]} (the oldest Go that builds it)`, minimum: true } : undefined,
      ...(f.dir !== root.dir ? [toolVersionFiles(root, 'go')] : []),
    ])
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

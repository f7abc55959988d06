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
      ...(module ? { name: module.split('/').pop()! } : {}),
    }
    const mains = mainPackages(f)
    if (mains.length === 0) out.notRunnable = 'no main package: a library'
    else {
      const base = module?.split('/').pop()
      const preferred = mains.find((m) => m === '.') ?? mains.find((m) => m === `./cmd/${base}`) ?? mains.find((m) => /\/(?:server|api|web|app)$/.test(m))
      const pick = preferred ?? mains[0]!
      out.app.mainPackage = pick
      if (mains.length > 1) {
        warnings.push({ code: 'several-entry-points', file, message: `several main packages (${mains.join(', ')}); the image builds ${pick}: pass --build-arg MAIN_PACKAGE=… to build another` })
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

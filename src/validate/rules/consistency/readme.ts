import type { Finding, Rule } from '../../types.js'
import { isComposeFile } from '../../../policy/images.js'
import { dirOf, joinPath } from '../folders.js'
import { healthChecksOf, requestedPath, TCP } from './health.js'
import { readServices, type Service } from './project.js'
import { asList, asObj, asText, parseYaml } from './yaml.js'

const RULE = 'readme-mismatch'
export const README = 'README.containers.md'

/**
 * Frameworks whose code lives in fixed top-level folders, told by the Dockerfile's commands:
 * a dev container that syncs any other folder syncs nothing of the app.
 */
const LAYOUTS: readonly { name: string; marker: RegExp; folders: readonly string[] }[] = [
  { name: 'Laravel', marker: /\bphp artisan\b/, folders: ['app', 'bootstrap', 'config', 'database', 'lang', 'public', 'resources', 'routes', 'storage', 'tests'] },
  { name: 'Rails', marker: /\b(bundle exec )?rails (server|test|db:)/, folders: ['app', 'bin', 'config', 'db', 'lib', 'public', 'storage', 'test', 'vendor'] },
]

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length
const folder = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '')

/** The health paths the README tells the reader to try: `curl http://localhost:<port>/path` and `GET /path` rows. */
export function readmeHealthPaths(text: string): { path: string; line: number }[] {
  const out: { path: string; line: number }[] = []
  text.split('\n').forEach((l, i) => {
    const curl = /^\s*curl\b.*\bhttps?:\/\/localhost[:\d]*\/\S*/.test(l) ? requestedPath(l.replace(/\s+#.*$/, '')) : undefined
    const row = /^\|\s*`GET (\/[^`\s]*)`\s*\|/.exec(l)?.[1]
    const path = curl ?? row
    if (path && path !== '/') out.push({ path, line: i + 1 })
  })
  return out
}

/** The folders the README says are synced into the dev container, or undefined when it says none. */
export function readmeSyncFolders(text: string): { folders: string[]; line: number } | undefined {
  const m = /Source changes in ((?:`[^`]+`(?:,? (?:and )?)?)+) (?:is|are) synced/.exec(text)
  if (!m) return undefined
  return { folders: [...m[1]!.matchAll(/`([^`]+)`/g)].map((x) => folder(x[1]!)), line: lineOf(text, m.index) }
}

/** Compose's watch rules that sync a folder into the app's dev container. */
function composeSyncs(s: Service): { folder: string; file: string; line: number | undefined }[] {
  return s.compose.files.flatMap((f) =>
    s.compose.apps.flatMap((a) =>
      asList(asObj(asObj(f.services[a]).develop).watch).flatMap((w, i) => {
        const rule = asObj(w)
        const path = asText(rule.path)
        return path && /^sync/.test(asText(rule.action) ?? '') ? [{ folder: folder(path), file: f.path, line: f.doc.line(['services', a, 'develop', 'watch', i, 'path']) }] : []
      }),
    ),
  )
}

const list = (xs: readonly string[]) => xs.map((x) => `${x}/`).join(', ')

export const readmeMismatch: Rule = {
  id: RULE,
  severity: 'error',
  summary: `${README} tries the health paths the Dockerfile, Compose and the chart or Kustomize probes check, and names the folders Compose syncs into the dev container; those folders are the framework's own (Laravel, Rails).`,
  check({ files }) {
    const findings: Finding[] = []
    // Compose files are read per service; the README of the same folder describes it.
    for (const s of readServices(files)) {
      const syncs = composeSyncs(s)
      const dockerfile = s.dockerfile ? (files.get(s.dockerfile.path) ?? '') : ''
      const layout = LAYOUTS.find((l) => l.marker.test(dockerfile))
      if (layout) {
        for (const x of syncs.filter((y) => !layout.folders.includes(y.folder.split('/')[0]!))) {
          findings.push({
            rule: RULE,
            severity: 'error',
            file: x.file,
            ...(x.line ? { line: x.line } : {}),
            message: `the dev container syncs ./${x.folder}, which ${layout.name} apps do not have: their code is in ${list(layout.folders.filter((f) => !['storage', 'tests', 'test', 'vendor', 'bin', 'lang'].includes(f)))}`,
            hint: `Sync ${layout.name}'s own folders (Compose develop.watch) and name them in ${README}.`,
          })
        }
      }

      const path = joinPath(s.dir, README)
      const text = files.get(path)
      if (text === undefined) continue

      const checks = healthChecksOf(s)
      const paths = [...new Set(checks.map((c) => c.value))]
      if (checks.length) {
        // Nothing checks readiness in Compose alone: a readiness route is the app's to serve, not a mismatch.
        const readinessChecked = checks.some((c) => c.kind === 'readiness')
        for (const h of readmeHealthPaths(text).filter((x) => !paths.includes(x.path) && (readinessChecked || !/ready/i.test(x.path)))) {
          const asked = paths.filter((p) => p !== TCP)
          const where = [...new Set(checks.map((c) => c.file))].join(', ')
          findings.push({
            rule: RULE,
            severity: 'error',
            file: path,
            line: h.line,
            message: `tries ${h.path}, which no check of the app asks: ${asked.length ? `${where} ask ${asked.join(' and ')}` : `${where} check the port by TCP`}`,
            hint: asked.length ? `Use ${asked.join(' or ')} in ${README}, or change the checks to ${h.path}.` : `Drop ${h.path} from ${README}, or point the checks at it if the app serves it.`,
          })
        }
      }

      const said = readmeSyncFolders(text)
      // A Compose file that does not parse says nothing either way (the Compose rules report it).
      const read = new Set(s.compose.files.map((f) => f.path))
      const unparsed = [...files.keys()].some((p) => dirOf(p) === s.dir && isComposeFile(p) && !read.has(p) && parseYaml(files.get(p)!) === undefined)
      if (!said || !s.compose.files.length || unparsed) continue
      const synced = [...new Set(syncs.map((x) => x.folder))]
      const named = said.folders
      if (synced.some((f) => !named.includes(f)) || named.some((f) => !synced.includes(f))) {
        findings.push({
          rule: RULE,
          severity: 'error',
          file: path,
          line: said.line,
          message: `says changes in ${list(named)} are synced into the dev container, but Compose syncs ${synced.length ? list(synced) : 'nothing'}`,
          hint: `Name the folders Compose's develop.watch syncs (${synced.length ? list(synced) : 'none'}) in ${README}, or change the watch rules.`,
        })
      }
    }
    return findings
  },
}

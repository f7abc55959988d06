import type { Cache, Database } from '../../options.js'
import type { ProjectFindings } from '../languages/types.js'
import type { Folder } from '../repo.js'
import type { AppEvidence, AppFacts, DetectionWarning, Finding, HealthCheck, PortFinding } from '../types.js'
import { bunEntry } from './bun.js'
import { nodeEntry } from './entry.js'
import { connectionKind, connectionPart, detectBindings } from './bindings.js'
import { envReads } from './env-reads.js'
import { detectHealth } from './health.js'
import { requiredEnv, schemaReads } from './required.js'
import { runtimePaths } from './runtime-paths.js'
import { configSelectors } from './config-selector.js'
import { installContract, lockfileWarning } from './install.js'
import { lockfileVersion } from './python-lock.js'
import { packageManagerPin } from './package-manager.js'
import { appCode } from './sources.js'

export interface RuntimeContract {
  app: AppFacts
  appEvidence: AppEvidence
  health: Finding<HealthCheck> | undefined
  languageVersion: Finding<string> | undefined
  warnings: DetectionWarning[]
}

/**
 * The app's runtime contract: what the generated files must honour to start it unchanged
 * (install files, entry point, runtime version, folders read at run time, env names, required
 * variables, health routes). Fills `app` on top of the language rule's facts and settles the
 * warnings those facts make true or false.
 */
export function runtimeContract(
  p: ProjectFindings,
  f: Folder,
  root: Folder,
  backing: { database: Database; cache: Cache; port: PortFinding | undefined },
  earlier: readonly DetectionWarning[],
): RuntimeContract {
  const code = appCode(p, f, root, backing)
  const app: AppFacts = { ...p.app }
  const appEvidence: AppEvidence = { ...p.appEvidence }
  let warnings = [...earlier]

  const install = installContract(code)
  if (install.installFiles) {
    app.installFiles = install.installFiles
    appEvidence.installFiles = install.evidence
    if (install.unlocked) app.unlocked = true
    if (install.requirements) app.requirements = install.requirements
    // The image now mounts exactly the files present: the rules' warnings about absent
    // manifests and about frozen installs without a lockfile no longer hold.
    warnings = warnings.filter((w) => w.code !== 'missing-manifest' && w.code !== 'no-lockfile')
    warnings.push(...install.warnings)
    const lock = warnings.some((w) => w.code === 'workspace-lockfile') ? undefined : lockfileWarning(code, install)
    if (lock) warnings.push(lock)
  }

  const pin = packageManagerPin(code)
  if (pin) {
    app.packageManagerVersion = pin.version
    appEvidence.packageManagerVersion = pin.evidence
  }

  if (p.language === 'node' && code.framework === 'http') {
    const entry = app.runtime === 'bun' ? bunEntry(code) : nodeEntry(code)
    app.hasBuildScript = entry.hasBuildScript
    appEvidence.hasBuildScript = entry.buildEvidence
    appEvidence.nodeEntry = entry.evidence
    if (entry.nodeEntry) app.nodeEntry = entry.nodeEntry
    else delete app.nodeEntry
    if (entry.warning) warnings.push(entry.warning)
  }

  let languageVersion = p.version
  if (p.language === 'python' && !warnings.some((w) => w.code === 'unsupported-version')) {
    const v = lockfileVersion(code, p.version)
    if (v.finding) languageVersion = v.finding
    if (v.warning) warnings.push(v.warning)
  }

  const paths = runtimePaths({ ...code, p: { ...p, app } })
  if (paths.paths.length) {
    app.runtimePaths = paths.paths
    appEvidence.runtimePaths = paths.evidence
  }

  // Env names: the connections, port and bind address the app reads, then what it requires at boot.
  const reads = [...schemaReads(code), ...envReads(code)]
  const b = detectBindings(code, reads)
  const bound = new Set<string>(['PORT'])
  for (const [kind, service] of [['databaseEnv', code.database], ['cacheEnv', code.cache]] as const) {
    if (service === 'none') continue
    let list = b[kind]
    // A connection part the app requires (a settings field without default) must be set to the
    // service the tool runs: it joins the binding rather than asking the user for a value.
    for (const r of reads) {
      const part = connectionPart(r.name, code.examples.get(r.name)?.value)
      if (!r.required || r.hasDefault || !part || connectionKind(r.name) !== (kind === 'databaseEnv' ? 'database' : 'cache')) continue
      bound.add(r.name)
      const ownDefault = b.defaults[kind] && r.name === (kind === 'databaseEnv' ? 'DATABASE_URL' : 'CACHE_URL')
      if (p.language === 'java' || ownDefault || list?.some((x) => x.name === r.name)) continue
      list = [...(list ?? (b.defaults[kind] ? [{ name: kind === 'databaseEnv' ? 'DATABASE_URL' : 'CACHE_URL', part: 'url' as const }] : [])), { name: r.name, part }]
      b.evidence[kind].push({ file: f.path(r.file), reason: `requires ${r.name}: \`${r.snippet}\`` })
    }
    if (list) {
      app[kind] = list
      for (const x of list) bound.add(x.name)
    }
    if (b.evidence[kind].length) appEvidence[kind] = b.evidence[kind]
  }
  for (const k of ['portEnv', 'hostEnv'] as const) {
    if (b[k]) {
      app[k] = b[k]
      bound.add(b[k])
      appEvidence[k] = b.evidence[k]
    }
  }
  const required = requiredEnv(code, reads, bound, [...b.selectors, ...configSelectors(code, reads).filter((v) => !bound.has(v.name))])
  if (required.length) {
    app.requiredEnv = required
    appEvidence.requiredEnv = required.map((v) => v.evidence)
  }

  const health = detectHealth(code)
  if (health) {
    app.health = health.finding.value
    appEvidence.health = health.finding.evidence
    if (health.warning) warnings.push(health.warning)
  }

  return { app, appEvidence, health: health?.finding, languageVersion, warnings }
}

import type { Language } from '../../options.js'
import type { Dependency } from '../backing.js'
import type { Folder } from '../repo.js'
import type { AppEvidence, AppFacts, DetectionWarning, Evidence, Finding, PortFinding } from '../types.js'

/**
 * How strongly a folder is a project of a language: 3 a web framework is a dependency, 2 it
 * runs (a start command or main package), 1 only a manifest (a library, or tooling such as a
 * package.json for linters in a Python repository).
 */
export type Strength = 1 | 2 | 3

/** What one language's rules found in one folder. */
export interface ProjectFindings {
  language: Language
  manifest: string
  strength: Strength
  /** Why a strength-1 project is not deployed on its own. */
  notRunnable?: string
  name?: string
  framework?: Finding<string>
  frameworkName?: string
  /** The framework's own default port, and how sure it is that the app keeps it. */
  defaultPort?: { port: number; confidence: 'medium' | 'low'; reason: string }
  packageManager?: Finding<string>
  version?: Finding<string>
  buildCommand?: Finding<string>
  startCommand?: Finding<string>
  /** A port from the framework's config files (application.properties, launchSettings.json). */
  configPort?: PortFinding
  /** Source files of this language, for the port and localhost scans. */
  sourceExt: RegExp
  deps: Dependency[]
  app: AppFacts
  /** Why the rule filled the `app` facts it filled (the runtime contract adds its own). */
  appEvidence?: AppEvidence
  warnings: DetectionWarning[]
  notes: Evidence[]
}

export interface LanguageRule {
  id: Language
  /** File names (at the folder's top level) that make a folder a candidate for this language. */
  manifests: RegExp
  detect(f: Folder, root: Folder): ProjectFindings | undefined
}

export const found = <T>(value: T, confidence: Finding<T>['confidence'], file: string, reason: string): Finding<T> => ({
  value,
  confidence,
  evidence: [{ file, reason }],
})

/** A JSON manifest's object field (dependencies, scripts, engines), or an empty one. */
export const record = (v: unknown): Record<string, string> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : {})

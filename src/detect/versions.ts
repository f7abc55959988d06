import type { Language } from '../options.js'
import { LANGUAGE_CHOICES } from '../registry/languages/index.js'
import { byId } from '../registry/lookup.js'
import { versionRangeProblem, versionRangeText } from '../registry/languages/version-ranges.js'
import type { Folder } from './repo.js'
import type { DetectionWarning, Finding } from './types.js'

/** Names of each language in asdf's `.tool-versions` and mise's `[tools]`. */
const TOOL_NAMES: Readonly<Record<Language, readonly string[]>> = {
  node: ['nodejs', 'node'],
  python: ['python'],
  go: ['golang', 'go'],
  java: ['java'],
  rust: ['rust'],
  dotnet: ['dotnet', 'dotnet-core'],
  ruby: ['ruby'],
  php: ['php'],
}

/** A version as written in a file, before it is fitted to what the images publish. */
export interface RawVersion {
  text: string
  file: string
  reason: string
  /** A lower bound (`>=3.11`, go.mod's `go` line) rather than an exact choice. */
  minimum?: boolean
}

/** `.tool-versions` (asdf) and mise's config files, in mise's own order of precedence. */
export function toolVersionFiles(f: Folder, lang: Language): RawVersion | undefined {
  const names = TOOL_NAMES[lang]
  for (const file of ['mise.local.toml', 'mise.toml', '.mise.toml', '.config/mise.toml']) {
    const text = f.read(file)
    if (!text) continue
    const tools = /^\[tools\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? ''
    for (const n of names) {
      const m = new RegExp(`^\\s*["']?${n}["']?\\s*=\\s*(?:\\[\\s*)?["']([^"']+)["']`, 'm').exec(tools)
      if (m) return { text: m[1]!, file: f.path(file), reason: `[tools] ${n} = "${m[1]}"` }
    }
  }
  const tv = f.read('.tool-versions')
  if (tv) {
    for (const n of names) {
      const m = new RegExp(`^${n}\\s+(\\S+)`, 'm').exec(tv)
      if (m) return { text: m[1]!, file: f.path('.tool-versions'), reason: `${n} ${m[1]}` }
    }
  }
  return undefined
}

/** The first line of a one-value version file (`.nvmrc`, `.python-version`, `.ruby-version`). */
export function versionFile(f: Folder, file: string): RawVersion | undefined {
  const text = f.read(file)
  const line = text?.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'))
  return line ? { text: line, file: f.path(file), reason: `says ${line}` } : undefined
}

const cmp = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
const nums = (s: string): number[] => s.split('.').map(Number)

/**
 * Fits a version found in the repository to a value the language's images accept. A lower
 * bound that the tool's default satisfies becomes the default (the newest supported release);
 * an exact version is kept at its precision. A version the images do not cover is reported,
 * never silently replaced.
 */
export function fitVersion(lang: Language, raw: RawVersion): { finding: Finding<string>; warning?: DetectionWarning } {
  const spec = byId(LANGUAGE_CHOICES, lang)
  const evidence = [{ file: raw.file, reason: raw.reason }]
  let text = raw.text.trim().replace(/^(?:v|go|ruby-|python-|php-|temurin-|openjdk-|zulu-|corretto-|java-)/i, '')
  let minimum = raw.minimum ?? false
  if (/^(?:>=|\^|~|>)/.test(text) || /\.x$|\*$/.test(text)) {
    minimum = minimum || /^(?:>=|>)/.test(text)
    // `^20.1` and `~3.12` and `20.x` pin the leading part: keep major (and minor for 0-major-like languages).
    const caret = /^[\^~]/.test(text) || /\.x$|\*$/.test(text)
    text = text.replace(/^(?:>=|\^|~|>)\s*/, '').replace(/\.(?:x|\*)$/, '').split(/[\s,<|]/)[0]!
    if (caret) {
      text = lang === 'node' ? text.split('.')[0]! : text.split('.').slice(0, 2).join('.')
      // `^8.2` allows every 8.x from 8.2: a minimum when the default shares its major.
      if (text.split('.')[0] === spec.defaultVersion.split('.')[0] && lang !== 'node') minimum = true
    }
  }
  if (lang === 'java') text = text.split(/[.+_-]/)[0]!
  if (lang === 'dotnet') text = text.split('.').slice(0, 2).join('.')
  if (lang === 'rust' && text === 'stable') return { finding: { value: spec.defaultVersion, confidence: 'high', evidence: [...evidence, { file: raw.file, reason: `stable: the newest release this tool pins, ${spec.defaultVersion}` }] } }
  // Java's images are tagged by major; `21.0.2` is asked for as `21`.
  if (!/^\d+(\.\d+){0,2}$/.test(text)) {
    return {
      finding: { value: spec.defaultVersion, confidence: 'low', evidence: [...evidence, { file: raw.file, reason: `"${raw.text}" is not a version this tool can pin` }] },
    }
  }
  const def = spec.defaultVersion.replace(/_.*$/, '')
  if (minimum && cmp(nums(def), nums(text)) >= 0 && spec.versionPattern.test(spec.defaultVersion)) {
    return {
      finding: { value: spec.defaultVersion, confidence: 'medium', evidence: [...evidence, { file: raw.file, reason: `a minimum; ${spec.defaultVersion} satisfies it` }] },
    }
  }
  if (!spec.versionPattern.test(text) || versionRangeProblem(lang, text)) {
    return {
      finding: { value: text, confidence: 'low', evidence },
      warning: {
        code: 'unsupported-version',
        file: raw.file,
        message: `${spec.label} ${text} is not one this tool builds (${spec.label} ${versionRangeText(lang)}, ${spec.versionHint}); pass --language-version after upgrading`,
      },
    }
  }
  return { finding: { value: text, confidence: minimum ? 'medium' : 'high', evidence } }
}

/** The first version found, in the order the language's own tools read them. */
export function firstVersion(lang: Language, candidates: readonly (RawVersion | undefined)[]): { finding?: Finding<string>; warning?: DetectionWarning } {
  const raw = candidates.find((c): c is RawVersion => c !== undefined)
  return raw ? fitVersion(lang, raw) : {}
}

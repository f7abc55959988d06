import type { Language } from '../../options.js'
import { NODE } from './node.js'
import type { LanguageChoice } from './types.js'

export type { DevSpec, FrameworkChoice, LanguageChoice, PackageManagerChoice } from './types.js'

/** A language whose generators have not landed yet: listed, refused with a clear message. */
const later = (id: Language, label: string, defaultPort: number): LanguageChoice => ({
  id,
  label,
  available: false,
  defaultPort,
  dev: { debugPort: null, environment: {}, sync: [] },
  defaultVersion: '',
  versionPattern: /^$/,
  versionHint: '',
  packageManagers: [],
  frameworks: [],
})

/** One entry per LANGUAGES value, in the same order. */
export const LANGUAGE_CHOICES: readonly LanguageChoice[] = [
  NODE,
  later('python', 'Python', 8000),
  later('go', 'Go', 8080),
  later('java', 'Java / Kotlin', 8080),
  later('rust', 'Rust', 8080),
  later('dotnet', '.NET', 8080),
  later('ruby', 'Ruby', 3000),
  later('php', 'PHP', 8080),
]

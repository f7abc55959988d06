import type { LanguageChoice } from './types.js'
import { DOTNET } from './dotnet.js'
import { GO } from './go.js'
import { JAVA } from './java.js'
import { NODE } from './node.js'
import { PHP } from './php.js'
import { PYTHON } from './python.js'
import { RUBY } from './ruby.js'
import { RUST } from './rust.js'

export type { DevSpec, FrameworkChoice, LanguageChoice, PackageManagerChoice, TemplateDataInput } from './types.js'

/** One entry per LANGUAGES value, in the same order; each language lives in its own module. */
export const LANGUAGE_CHOICES: readonly LanguageChoice[] = [NODE, PYTHON, GO, JAVA, RUST, DOTNET, RUBY, PHP]

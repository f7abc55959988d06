import { dotnetRule } from './dotnet.js'
import { goRule } from './go.js'
import { javaRule } from './java.js'
import { nodeRule } from './node.js'
import { phpRule } from './php.js'
import { pythonRule } from './python.js'
import { rubyRule } from './ruby.js'
import { rustRule } from './rust.js'
import type { LanguageRule } from './types.js'

/** Every language's rules. On equal strength, the earlier rule wins (Node last: its manifest is the common decoy). */
export const RULES: readonly LanguageRule[] = [pythonRule, goRule, javaRule, rustRule, dotnetRule, rubyRule, phpRule, nodeRule]
export type { LanguageRule, ProjectFindings } from './types.js'

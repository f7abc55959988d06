import { unavailableLanguage, type LanguageChoice } from './types.js'

/** Ruby: generators not written yet. */
export const RUBY: LanguageChoice = unavailableLanguage('ruby', 'Ruby', 3000)

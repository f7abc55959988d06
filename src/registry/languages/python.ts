import { unavailableLanguage, type LanguageChoice } from './types.js'

/** Python: generators not written yet. */
export const PYTHON: LanguageChoice = unavailableLanguage('python', 'Python', 8000)

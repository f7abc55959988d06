import { unavailableLanguage, type LanguageChoice } from './types.js'

/** Java / Kotlin: generators not written yet. */
export const JAVA: LanguageChoice = unavailableLanguage('java', 'Java / Kotlin', 8080)

import { unavailableLanguage, type LanguageChoice } from './types.js'

/** Go: generators not written yet. */
export const GO: LanguageChoice = unavailableLanguage('go', 'Go', 8080)

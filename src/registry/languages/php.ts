import { unavailableLanguage, type LanguageChoice } from './types.js'

/** PHP: generators not written yet. */
export const PHP: LanguageChoice = unavailableLanguage('php', 'PHP', 8080)

import { unavailableLanguage, type LanguageChoice } from './types.js'

/** Rust: generators not written yet. */
export const RUST: LanguageChoice = unavailableLanguage('rust', 'Rust', 8080)

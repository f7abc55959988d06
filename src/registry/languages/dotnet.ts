import { unavailableLanguage, type LanguageChoice } from './types.js'

/** .NET: generators not written yet. */
export const DOTNET: LanguageChoice = unavailableLanguage('dotnet', '.NET', 8080)

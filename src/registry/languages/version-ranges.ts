import type { Language } from '../../options.js'

/**
 * The oldest and newest release line each language's generated setup supports, compared on as
 * many parts as they have (`20` is a major, `3.11` a minor). The minimum is what the starter app
 * and its pinned tools need; the maximum is the newest line with a released official image, so a
 * typo (`--language-version 99`) never becomes a `FROM node:99-…` that cannot be pulled. Raise a
 * maximum when a new line ships (and its image with it).
 */
export const VERSION_RANGES: Readonly<Record<Language, { min: string; max: string; why: string }>> = {
  // The starter's package.json says "node": ">=20" (pnpm 10 still runs there); 27 is only an alpha.
  node: { min: '20', max: '26', why: 'the starter app needs Node.js 20 or later; 26 is the newest released line' },
  // pyproject.toml's requires-python = ">=3.11"; 3.15.0 was released on 2026-10-09.
  python: { min: '3.11', max: '3.15', why: 'the starter app needs Python 3.11 or later; 3.15 is the newest released line' },
  // Go 1.27 was released in August 2026.
  go: { min: '1.25', max: '1.27', why: 'the starter app needs Go 1.25 or later; 1.27 is the newest released line' },
  // Eclipse Temurin tags by feature release; 27 is the newest GA.
  java: { min: '17', max: '27', why: 'the starter app needs Java 17 or later; 27 is the newest Temurin release' },
  // Cargo.toml's rust-version is 1.85; the images start at the 1.88 this tool tests. Rust ships
  // a stable minor every six weeks without exception (1.92 on 2025-12-11), so 1.100 came out on
  // 2026-11-12; its image follows within a day.
  rust: { min: '1.88', max: '1.100', why: 'the starter app needs Rust 1.88 or later; 1.100 is the newest stable line' },
  // The starter targets net10.0 only.
  dotnet: { min: '10.0', max: '10.0', why: 'the starter app targets .NET 10 (net10.0)' },
  // Bundler 2.6 and Rails 8 need Ruby 3.2; 4.0 is the newest released line.
  ruby: { min: '3.2', max: '4.0', why: 'the starter app needs Ruby 3.2 or later; 4.0 is the newest released line' },
  // composer.json's "php": ">=8.2"; FrankenPHP publishes images up to PHP 8.5.
  php: { min: '8.2', max: '8.5', why: 'the starter app needs PHP 8.2 or later; 8.5 is the newest line FrankenPHP publishes' },
}

const parts = (v: string): number[] => v.replace(/[_+-].*$/, '').split('.').map(Number)

/** -1, 0 or 1 comparing `version` with `bound` on the bound's parts (`24.21.0` vs `26` compares 24 with 26). */
function compareOnBound(version: string, bound: string): number {
  const a = parts(version)
  const b = parts(bound)
  for (let i = 0; i < b.length; i++) {
    const d = (a[i] ?? 0) - b[i]!
    if (d !== 0) return Math.sign(d)
  }
  return 0
}

/** Why a version (already of the language's form) is outside the supported lines, or undefined. */
export function versionRangeProblem(language: Language, version: string): string | undefined {
  const r = VERSION_RANGES[language]
  if (compareOnBound(version, r.min) < 0) return `older than ${r.min}: ${r.why}`
  if (compareOnBound(version, r.max) > 0) return `newer than ${r.max}: ${r.why}`
  return undefined
}

/** `20 to 26`, for help and messages. */
export const versionRangeText = (language: Language): string => {
  const r = VERSION_RANGES[language]
  return r.min === r.max ? r.min : `${r.min} to ${r.max}`
}

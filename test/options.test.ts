import { describe, expect, it } from 'vitest'
import { AXES, FIELDS } from '../src/answers.js'
import { CACHES, DATABASES, K8S_FORMATS, LANGUAGES, PLATFORMS, CI_PROVIDERS, REGISTRIES } from '../src/options.js'
import { LANGUAGE_CHOICES } from '../src/registry/languages/index.js'
import { CI_CHOICES, K8S_FORMAT_CHOICES, PLATFORM_CHOICES, REGISTRY_CHOICES } from '../src/registry/platforms.js'
import { CACHE_CHOICES, DATABASE_CHOICES } from '../src/registry/services.js'

const pairs = [
  ['language', LANGUAGES, LANGUAGE_CHOICES],
  ['database', DATABASES, DATABASE_CHOICES],
  ['cache', CACHES, CACHE_CHOICES],
  ['platform', PLATFORMS, PLATFORM_CHOICES],
  ['k8sFormat', K8S_FORMATS, K8S_FORMAT_CHOICES],
  ['ci', CI_PROVIDERS, CI_CHOICES],
  ['registry', REGISTRIES, REGISTRY_CHOICES],
] as const

describe('registries', () => {
  it.each(pairs)('%s: one entry per option, in tuple order', (key, tuple, choices) => {
    expect(choices.map((c) => c.id)).toEqual([...tuple])
    expect(AXES[key]).toBe(tuple)
    expect(FIELDS.find((f) => f.key === key)?.choices?.({ language: 'node' })).toBe(choices)
  })

  it('every field has a distinct kebab-case flag', () => {
    const flags = FIELDS.map((f) => f.flag)
    expect(new Set(flags).size).toBe(flags.length)
    for (const f of flags) expect(f).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/)
  })

  it('every available language has an available framework with a starter and package managers with install commands', () => {
    for (const lang of LANGUAGE_CHOICES.filter((l) => l.available)) {
      expect(lang.frameworks.some((f) => f.available && f.starter)).toBe(true)
      for (const pm of lang.packageManagers) {
        expect(pm.manifests.length).toBeGreaterThan(0)
        expect(pm.install.length * pm.installProd.length).toBeGreaterThan(0)
      }
      expect(lang.versionPattern.test(lang.defaultVersion)).toBe(true)
    }
  })

  it('every service image is pinned to a version, never latest', () => {
    for (const c of [...DATABASE_CHOICES, ...CACHE_CHOICES]) {
      if (!c.service) continue
      expect(c.service.image).toMatch(/^[a-z0-9/._-]+:\d+(\.\d+)*(-[a-z]+)?$/)
      expect(c.service.healthcheck[0]).toMatch(/^CMD(-SHELL)?$/)
      for (const s of c.service.secrets) expect(c.service.url + JSON.stringify(c.service.environment)).toContain(`\${${s.name}}`)
    }
  })

  it('only the "none" entries have no service', () => {
    for (const c of [...DATABASE_CHOICES, ...CACHE_CHOICES]) expect(c.service === null).toBe(c.id === 'none')
  })
})

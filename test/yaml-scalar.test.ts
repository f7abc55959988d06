import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { isPlainYamlSafe, SIMPLE } from '../src/utils/yaml-scalar.js'

// The fast path must decide exactly as the parsers would: every SIMPLE value that is plain-safe
// reads back as itself in YAML 1.1 and 1.2.
describe('yaml-scalar: the fast path for simple names', () => {
  const readsBack = (v: string) => (['1.1', '1.2'] as const).every((version) => parse(v, { version, logLevel: 'silent' }) === v)
  const words = ['y', 'Y', 'yes', 'No', 'ON', 'off', 'true', 'False', 'null', 'NULL', 'Null', 'n', 'nan', 'inf', 'NaN', 'Inf', 'e', 'E', 'x', '_', '/', 'a', 'b0', 'my-service', 'postgres', 'v1.2', 'app_1', '/app/src', '_x', 'a.b', 'a-', 'a/']

  it('agrees with both parsers on hand-picked and random names', () => {
    let seed = 7
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n)
    const first = 'abnoytfexNOYTFEX_/'
    const rest = 'abnoytfex0123456789_./-NOYTFEX'
    const random = Array.from({ length: 4000 }, () => first[rand(first.length)]! + Array.from({ length: rand(6) }, () => rest[rand(rest.length)]).join(''))
    let checked = 0
    for (const v of [...words, ...random]) {
      if (!SIMPLE.test(v)) continue
      if (isPlainYamlSafe(v)) {
        expect(readsBack(v), `${v} is written plain but a parser reads it as something else`).toBe(true)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(2000)
    // What the fast path leaves out still goes through both parsers: `e5` is quoted.
    expect(isPlainYamlSafe('e5')).toBe(false)
    expect(isPlainYamlSafe('E11')).toBe(false)
  })

  it('still quotes the words YAML 1.1 reads as booleans or null', () => {
    for (const v of ['y', 'Y', 'yes', 'No', 'ON', 'off', 'true', 'False', 'null', 'NULL', 'n']) expect(isPlainYamlSafe(v), v).toBe(false)
  })
})

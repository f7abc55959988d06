import { describe, expect, it } from 'vitest'
import { admitsMinor, lockWheels } from '../../src/detect/contract/python-lock.js'
import { codes, service } from './contract-helpers.js'

const whl = (name: string, tags: string[]) => tags.map((t) => `    { url = "https://files.pythonhosted.org/packages/ab/cd/${name}-1.0-${t}.whl", hash = "sha256:00", size = 1 },`).join('\n')
const pkg = (name: string, wheels: string[], sdist = true) =>
  `[[package]]\nname = "${name}"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\n${sdist ? `sdist = { url = "https://files.pythonhosted.org/x/${name}-1.0.tar.gz", hash = "sha256:00", size = 1 }\n` : ''}wheels = [\n${whl(name, wheels)}\n]\n`
const linux = (minors: number[]) => minors.flatMap((m) => [`cp3${m}-cp3${m}-manylinux_2_17_x86_64.manylinux2014_x86_64`, `cp3${m}-cp3${m}-macosx_11_0_arm64`])

const uvLock = (requires: string, ...packages: string[]) => `version = 1\nrevision = 2\nrequires-python = "${requires}"\n\n${packages.join('\n')}`
const fastapi = { 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' }
const pyproject = (requires: string) => `[project]\nname = "api"\nrequires-python = "${requires}"\ndependencies = ["fastapi", "uvicorn[standard]"]\n`

describe('Python version a lockfile can install', () => {
  it('the issue: uv.lock whose httptools wheels stop at cp313 → 3.13, not 3.14', () => {
    const s = service({
      'pyproject.toml': pyproject('>=3.12'),
      'uv.lock': uvLock('>=3.12', pkg('fastapi', ['py3-none-any']), pkg('httptools', linux([12, 13])), pkg('pydantic-core', linux([12, 13, 14])), pkg('orjson', ['cp39-abi3-manylinux_2_17_x86_64'])),
      ...fastapi,
    })
    expect(s.languageVersion?.value).toBe('3.13')
    expect(s.languageVersion?.confidence).toBe('medium')
    const ev = s.languageVersion!.evidence.map((e) => `${e.file}: ${e.reason}`)
    expect(ev).toContain('uv.lock: httptools has Linux wheels for CPython 3.12, 3.13 only')
    expect(ev).toContain('uv.lock: 3.13: the newest version every locked package has wheels for')
    expect(ev.some((e) => e.includes('pydantic-core') || e.includes('orjson') || e.includes('fastapi'))).toBe(false)
  })

  it('poetry.lock files = [...] are read the same way', () => {
    const lock = `[[package]]\nname = "uvloop"\nversion = "0.21.0"\npython-versions = ">=3.8.0"\nfiles = [\n    {file = "uvloop-0.21.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:00"},\n    {file = "uvloop-0.21.0.tar.gz", hash = "sha256:00"},\n]\n\n[metadata]\npython-versions = "^3.11"\n`
    const s = service({ 'pyproject.toml': '[tool.poetry]\nname = "api"\n[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "*"\n', 'poetry.lock': lock, ...fastapi })
    expect(s.packageManager?.value).toBe('poetry')
    expect(s.languageVersion?.value).toBe('3.12')
    expect(s.languageVersion!.evidence.map((e) => e.reason)).toContain('uvloop has Linux wheels for CPython 3.12 only')
  })

  it('a lockfile of pure and abi3 wheels leaves the newest version', () => {
    const s = service({ 'pyproject.toml': pyproject('>=3.12'), 'uv.lock': uvLock('>=3.12', pkg('fastapi', ['py3-none-any']), pkg('cryptography', ['cp311-abi3-manylinux_2_28_x86_64'])), ...fastapi })
    expect(s.languageVersion?.value).toBe('3.14.10')
  })

  it('requires-python with an upper bound: the newest version it admits', () => {
    const s = service({ 'pyproject.toml': pyproject('>=3.11,<3.13'), 'uv.lock': uvLock('>=3.11, <3.13', pkg('fastapi', ['py3-none-any'])), ...fastapi })
    expect(s.languageVersion?.value).toBe('3.12')
    expect(s.languageVersion!.evidence.map((e) => e.reason)).toContain('3.12: the newest version requires-python admits')
  })

  it('a backport with wheels only for old Pythons (installed under a marker) constrains nothing', () => {
    const s = service({ 'pyproject.toml': pyproject('>=3.12'), 'uv.lock': uvLock('>=3.12', pkg('backports-zoneinfo', linux([7, 8])), pkg('httptools', linux([12, 13, 14]))), ...fastapi })
    expect(s.languageVersion?.value).toBe('3.14.10')
  })

  it('a uv workspace member reads the root uv.lock', () => {
    const s = service({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["apps/api"]\n',
      'uv.lock': uvLock('>=3.12', pkg('httptools', linux([12, 13]))),
      'apps/api/pyproject.toml': pyproject('>=3.12'),
      'apps/api/main.py': fastapi['main.py'],
    })
    expect(s.dir).toBe('apps/api')
    expect(s.languageVersion?.value).toBe('3.13')
    expect(s.languageVersion!.evidence.map((e) => `${e.file}: ${e.reason}`)).toContain('uv.lock: httptools has Linux wheels for CPython 3.12, 3.13 only')
  })

  it('an exact version the repository pins is kept; the lockfile’s missing wheels are a warning', () => {
    const s = service({ 'pyproject.toml': pyproject('>=3.12'), '.python-version': '3.14\n', 'uv.lock': uvLock('>=3.12', pkg('httptools', linux([12, 13]))), ...fastapi })
    expect(s.languageVersion?.value).toBe('3.14')
    expect(codes(s)).toContain('lockfile-wheels')
    expect(s.warnings.find((w) => w.code === 'lockfile-wheels')?.message).toMatch(/no Python 3\.14 wheels for httptools.*use Python 3\.13/)
  })
})

describe('wheel tags and specifiers', () => {
  it('reads cp tags of Linux wheels, skipping free-threaded and other platforms', () => {
    const [p] = lockWheels(pkg('x', ['cp313-cp313t-manylinux_2_17_x86_64', 'cp314-cp314-win_amd64', 'cp312-cp312-musllinux_1_2_aarch64']))
    expect([...p!.minors!]).toEqual([12])
    expect(lockWheels(pkg('y', ['cp314-cp314-win_amd64']))[0]!.minors).toBeUndefined()
  })

  it('admits minors by specifier', () => {
    expect(admitsMinor('>=3.11,<3.14', 13)).toBe(true)
    expect(admitsMinor('>=3.11,<3.14', 14)).toBe(false)
    expect(admitsMinor('<3.13.2', 13)).toBe(true)
    expect(admitsMinor('^3.12', 14)).toBe(true)
    expect(admitsMinor('~3.12', 13)).toBe(false)
    expect(admitsMinor('==3.12.*', 12)).toBe(true)
    expect(admitsMinor('>=3.13', 12)).toBe(false)
  })
})

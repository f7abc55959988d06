import { describe, expect, it } from 'vitest'
import { ignoredBy, parseGitignore } from '../../src/detect/gitignore.js'
import { moduleName } from '../../src/detect/languages/go.js'
import { expectEvidence, json, run, service } from './helpers.js'

const goApp = (module: string) => ({ 'go.mod': `module ${module}\n\ngo 1.25\n`, 'main.go': 'package main\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n' })

describe('names', () => {
  it('a Go module path ending in a major version names the project by the element before it', () => {
    const s = service(run(goApp('github.com/acme/api/v2'), { rootName: 'api' }))
    expect(s.name.value).toBe('api')
    expectEvidence(s.name.evidence, 'go.mod', /project name "api"/)
    expect(service(run(goApp('github.com/acme/billing-service/v10'))).name.value).toBe('billing-service')
    expect(moduleName('gopkg.in/yaml.v3')).toBe('yaml')
    expect(moduleName('github.com/acme/orders')).toBe('orders')
  })
})

describe('.gitignore matcher', () => {
  const rules = (text: string, file = '.gitignore') => parseGitignore(text, file)
  const hidden = (text: string, path: string, file = '.gitignore') => ignoredBy(rules(text, file), path)?.rule.pattern

  it('unanchored names match at any depth; a dot-star hides dot folders and dotfiles', () => {
    expect(hidden('.*\n', '.github/workflows/ci.yml')).toBe('.*')
    expect(hidden('.*\n', 'apps/api/.dockerignore')).toBe('.*')
    expect(hidden('.*\n', 'src/index.ts')).toBeUndefined()
  })

  it('negation: the last matching line wins', () => {
    expect(hidden('.env*\n!.env.example\n', '.env.example')).toBeUndefined()
    expect(hidden('.env*\n!.env.example\n', '.env.local')).toBe('.env*')
    expect(hidden('!.env.example\n.env*\n', '.env.example')).toBe('.env*')
  })

  it('a file in an ignored folder cannot be brought back', () => {
    expect(hidden('deploy/\n!deploy/helm/chart/Chart.yaml\n', 'deploy/helm/chart/Chart.yaml')).toBe('deploy/')
  })

  it('anchored patterns and directory-only patterns', () => {
    expect(hidden('/Dockerfile*\n', 'Dockerfile')).toBe('/Dockerfile*')
    expect(hidden('/Dockerfile*\n', 'services/api/Dockerfile')).toBeUndefined()
    expect(hidden('build/\n', 'build')).toBeUndefined()
    expect(hidden('build/\n', 'build/out.js')).toBe('build/')
    expect(hidden('docs/*.md\n', 'docs/a.md')).toBe('docs/*.md')
    expect(hidden('docs/*.md\n', 'x/docs/a.md')).toBeUndefined()
  })

  it('** patterns', () => {
    expect(hidden('**/compose*.yaml\n', 'a/b/compose.prod.yaml')).toBe('**/compose*.yaml')
    expect(hidden('**/compose*.yaml\n', 'compose.yaml')).toBe('**/compose*.yaml')
    expect(hidden('deploy/**\n', 'deploy/helm/x')).toBe('deploy/**')
    expect(hidden('a/**/z\n', 'a/z')).toBe('a/**/z')
    expect(hidden('a/**/z\n', 'a/b/c/z')).toBe('a/**/z')
  })

  it("a nested .gitignore is relative to its folder and comes after the root's", () => {
    const all = [...rules('Dockerfile\n'), ...rules('!Dockerfile\n', 'api/.gitignore')]
    expect(ignoredBy(all, 'api/Dockerfile')).toBeUndefined()
    expect(ignoredBy(all, 'web/Dockerfile')?.rule.pattern).toBe('Dockerfile')
    expect(ignoredBy(rules('/Dockerfile\n', 'api/.gitignore'), 'api/Dockerfile')?.rule.file).toBe('api/.gitignore')
  })
})

describe('gitignored-output: a .gitignore that would hide the generated files', () => {
  const app = (gitignore: string, extra: Record<string, string> = {}) =>
    service(run({ 'package.json': json({ name: 'site', scripts: { start: 'node index.js' }, dependencies: { express: '5.0.0' } }), 'package-lock.json': '{}', 'index.js': 'app.listen(3000)\n', '.gitignore': gitignore, ...extra }))

  it('`.*` hides .github/, .dockerignore, .env.example and .containerized/', () => {
    const s = app('node_modules\n.*\n!.gitignore\n')
    const w = s.warnings.find((x) => x.code === 'gitignored-output')
    expect(w?.file).toBe('.gitignore')
    expect(w?.message).toMatch(/^"\.\*" \(line 2\) hides \.dockerignore, \.env\.example, \.containerized\/answers\.json, \.github\/workflows\/ci\.yml, \.github\/dependabot\.yml/)
    expect(w?.message).toMatch(/add !\.dockerignore, !\.env\.example, !\.containerized\/, !\.github\/ after it$/)
  })

  it('Dockerfile*, compose*.yaml and deploy/ each get a warning; a negated .env.example does not', () => {
    const s = app('Dockerfile*\ncompose*.yaml\ndeploy/\n.env*\n!.env.example\n')
    const messages = s.warnings.filter((x) => x.code === 'gitignored-output').map((x) => x.message)
    expect(messages).toHaveLength(3)
    expect(messages[0]).toMatch(/^"Dockerfile\*" \(line 1\) hides Dockerfile:/)
    expect(messages[1]).toMatch(/^"compose\*\.yaml" \(line 2\) hides compose\.yaml, compose\.override\.yaml, compose\.test\.yaml, compose\.prod\.yaml/)
    expect(messages[2]).toMatch(/^"deploy\/" \(line 3\) hides deploy\/helm\/site\/Chart\.yaml/)
    expect(messages.join()).not.toMatch(/\.env\.example/)
  })

  it('a service in a sub-folder: its own files under its folder, the pipelines at the root', () => {
    const d = run({ 'go.mod': 'module x/api\n\ngo 1.25\n', 'main.go': 'package main\nfunc main() { http.ListenAndServe(":8080", nil) }\n', '.gitignore': '/.github/\n', 'web/.gitignore': '' })
    const s = service(d)
    expect(s.warnings.find((w) => w.code === 'gitignored-output')?.message).toMatch(/^"\/\.github\/" \(line 1\) hides \.github\/workflows\/ci\.yml, \.github\/dependabot\.yml/)
  })

  it('no warning for an ordinary .gitignore', () => {
    expect(app('node_modules/\ndist/\n.env\n').warnings.map((w) => w.code)).not.toContain('gitignored-output')
  })
})

import { posix } from 'node:path'
import { parentDir, type RepoView } from './repo.js'
import type { DetectionWarning } from './types.js'

/** One line of a .gitignore, compiled. */
export interface IgnoreRule {
  /** The line as written, for the report. */
  pattern: string
  /** The .gitignore it comes from and its line number. */
  file: string
  line: number
  negate: boolean
  dirOnly: boolean
  /** The folder the pattern is relative to (the .gitignore's). */
  base: string
  re: RegExp
}

/** A glob of gitignore(5) as a regular expression over a path relative to the rule's folder. */
function globToRegExp(glob: string, anchored: boolean): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const before = i === 0 || glob[i - 1] === '/'
        const after = glob[i + 2] === '/' || i + 2 === glob.length
        if (before && after) {
          // `**/` matches any number of folders (none too), a trailing `/**` everything inside.
          if (glob[i + 2] === '/') {
            re += '(?:.*/)?'
            i += 2
          } else {
            re += '.*'
            i += 1
          }
          continue
        }
      }
      re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1)
      if (end === -1) re += '\\['
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else if (c === '\\' && i + 1 < glob.length) re += glob[++i]!.replace(/[.+^${}()|[\]\\*?]/g, '\\$&')
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(anchored ? `^${re}$` : `(?:^|/)${re}$`)
}

/** The rules of one .gitignore file at `base`. */
export function parseGitignore(text: string, file: string): IgnoreRule[] {
  const base = parentDir(file)
  const rules: IgnoreRule[] = []
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    let line = raw.replace(/(?<!\\)\s+$/, '')
    if (line === '' || line.startsWith('#')) continue
    const pattern = line
    const negate = line.startsWith('!')
    if (negate) line = line.slice(1)
    if (line.startsWith('\\#') || line.startsWith('\\!')) line = line.slice(1)
    const dirOnly = line.endsWith('/')
    if (dirOnly) line = line.replace(/\/+$/, '')
    // A slash at the start or in the middle anchors the pattern to the .gitignore's folder.
    const anchored = line.includes('/')
    line = line.replace(/^\//, '')
    if (line === '') continue
    rules.push({ pattern, file, line: n + 1, negate, dirOnly, base, re: globToRegExp(line, anchored) })
  }
  return rules
}

/**
 * The rule that hides `path` (a file, repository-relative), or undefined when git would track
 * it. The last matching rule decides; a folder that is ignored hides everything in it, and no
 * later negation brings a file of an ignored folder back (as git does).
 */
export function ignoredBy(rules: readonly IgnoreRule[], path: string): { rule: IgnoreRule; matched: string; dir: boolean } | undefined {
  const parts = path.split('/')
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join('/')
    const isDir = i < parts.length
    let last: IgnoreRule | undefined
    for (const r of rules) {
      if (r.dirOnly && !isDir) continue
      const prefix = r.base === '.' ? '' : `${r.base}/`
      if (!sub.startsWith(prefix) || sub === r.base) continue
      if (r.re.test(sub.slice(prefix.length))) last = r
    }
    if (last && !last.negate) return { rule: last, matched: sub, dir: isDir }
  }
  return undefined
}

/** Files a run writes for a service, relative to its folder; pipelines go to the repository root. */
function outputs(name: string): { inService: string[]; atRoot: string[] } {
  return {
    inService: ['Dockerfile', '.dockerignore', 'compose.yaml', 'compose.override.yaml', 'compose.test.yaml', 'compose.prod.yaml', '.env.example', 'README.containers.md', '.containerized/answers.json', `deploy/helm/${name}/Chart.yaml`],
    atRoot: ['.github/workflows/ci.yml', '.github/dependabot.yml'],
  }
}

/**
 * A .gitignore that would hide files this run writes (`.*` hides .github/ and .dockerignore;
 * `.env*` hides .env.example; `Dockerfile*`, `compose*.yaml`, `deploy/`): one warning per
 * pattern, naming the files it hides and the negations that keep them.
 */
export function gitignoredOutputs(repo: RepoView, serviceDir: string, name: string): DetectionWarning[] {
  const ignoreFiles = repo.files.filter((p) => posix.basename(p) === '.gitignore')
  if (ignoreFiles.length === 0) return []
  const rules = ignoreFiles
    .sort((a, b) => a.split('/').length - b.split('/').length)
    .flatMap((file) => parseGitignore(repo.read(file) ?? '', file))
  const { inService, atRoot } = outputs(name)
  const prefix = serviceDir === '.' ? '' : `${serviceDir}/`
  const hidden = new Map<IgnoreRule, { files: string[]; keep: Set<string> }>()
  for (const path of [...inService.map((p) => prefix + p), ...atRoot]) {
    const hit = ignoredBy(rules, path)
    if (!hit) continue
    const entry = hidden.get(hit.rule) ?? { files: [], keep: new Set<string>() }
    entry.files.push(path)
    entry.keep.add(`!${hit.matched.slice(hit.rule.base === '.' ? 0 : hit.rule.base.length + 1)}${hit.dir ? '/' : ''}`)
    hidden.set(hit.rule, entry)
  }
  return [...hidden.entries()].map(([rule, { files, keep }]) => ({
    code: 'gitignored-output' as const,
    file: rule.file,
    message: `"${rule.pattern}" (line ${rule.line}) hides ${files.join(', ')}: git would not commit them; remove the pattern or add ${[...keep].join(', ')} after it`,
  }))
}

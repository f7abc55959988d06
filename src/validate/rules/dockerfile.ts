/**
 * Dockerfile rules from PRACTICES.md: a non-root runtime user, pinned base images, exec-form
 * CMD/ENTRYPOINT and no secrets in ENV/ARG. Every file named `Dockerfile` or `Dockerfile.*`,
 * wherever it sits in the repository.
 */
import { isDockerfile, parseImageRef } from '../../policy/images.js'
import type { Finding, Rule, Severity } from '../types.js'

export interface Instruction {
  /** Upper case. */
  keyword: string
  /** The rest of the instruction, continuation lines joined. */
  args: string
  /** 1-based line of its first physical line. */
  line: number
}

export interface Stage {
  index: number
  /** `AS <name>`, lower case; undefined for an unnamed stage. */
  name?: string
  /** The image or stage the FROM names, as written. */
  from: string
  fromLine: number
  body: Instruction[]
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults expanded: only these reach a FROM. */
  globalArgs: Map<string, string>
  preamble: Instruction[]
  stages: Stage[]
}

// Only these take heredocs; elsewhere `<<` is just text.
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD'])
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g
const FROM = /^((?:--\S+\s+)*)(\S+)(?:\s+AS\s+(\S+))?\s*$/i

/** The escape directive switches continuations to a backtick (Windows images). */
function escapeChar(lines: readonly string[]): string {
  for (const line of lines) {
    const directive = /^#\s*([a-z]+)\s*=\s*(\S+)/i.exec(line)
    if (!directive) break
    if (directive[1]!.toLowerCase() === 'escape') return directive[2]!
  }
  return '\\'
}

/** Instructions with continuations joined; comments and heredoc bodies left out. */
function instructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/)
  const escape = escapeChar(lines)
  const continues = (s: string) => s.trimEnd().endsWith(escape)
  const out: Instruction[] = []
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(#|$)/.test(lines[i]!)) continue
    const line = i + 1
    let joined = lines[i]!
    while (continues(joined) && i + 1 < lines.length) {
      joined = joined.trimEnd().slice(0, -escape.length)
      let next = lines[++i]!
      // Docker drops comment and blank lines inside a continued instruction.
      while (/^\s*(#|$)/.test(next) && i + 1 < lines.length) next = lines[++i]!
      joined = `${joined} ${next.trim()}`
    }
    const m = /^\s*([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(joined)
    if (!m) continue
    const ins = { keyword: m[1]!.toUpperCase(), args: (m[2] ?? '').trim(), line }
    out.push(ins)
    if (!HEREDOC_KEYWORDS.has(ins.keyword)) continue
    for (const [, dash, , word] of ins.args.matchAll(HEREDOC)) {
      const end = (s: string) => (dash ? s.replace(/^\t+/, '') : s) === word
      while (i + 1 < lines.length && !end(lines[i + 1]!)) i++
      i++
    }
  }
  return out
}

/** Whitespace-separated words, quotes kept together (`A="x y"` is one word). */
export function words(args: string): string[] {
  return args.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? []
}

const unquote = (v: string) => (/^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v)

/** `NAME=value` or `NAME`, as ARG and ENV write them. */
function assignment(word: string): { name: string; value?: string } {
  const eq = word.indexOf('=')
  return eq === -1 ? { name: word } : { name: word.slice(0, eq), value: unquote(word.slice(eq + 1)) }
}

/** The names and values an ARG or ENV sets; ENV's legacy `ENV NAME value` form included. */
export function assignments(ins: Instruction): { name: string; value?: string }[] {
  const list = words(ins.args)
  if (ins.keyword === 'ENV' && list.length > 0 && !list[0]!.includes('=')) return [{ name: list[0]!, value: ins.args.slice(list[0]!.length).trim() }]
  return list.map(assignment)
}

/** `${X}`, `$X` and `${X:-default}` filled in from ARG defaults; unknown variables kept. */
export function expand(value: string, args: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 10) return value
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, fallback?: string, bare?: string) => {
    const v = args.get(braced ?? bare!)
    if (v !== undefined && v !== '') return expand(v, args, depth + 1)
    return fallback ?? whole
  })
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string>()
  const preamble: Instruction[] = []
  const stages: Stage[] = []
  for (const ins of instructions(text)) {
    if (ins.keyword === 'FROM') {
      const m = FROM.exec(ins.args)
      stages.push({ index: stages.length, name: m?.[3]?.toLowerCase(), from: m?.[2] ?? ins.args, fromLine: ins.line, body: [] })
    } else if (stages.length > 0) stages.at(-1)!.body.push(ins)
    else {
      preamble.push(ins)
      if (ins.keyword === 'ARG') for (const a of assignments(ins)) globalArgs.set(a.name, expand(a.value ?? '', globalArgs))
    }
  }
  return { globalArgs, preamble, stages }
}

/** The earlier stage a stage builds on, if its FROM names one. */
function parentStage(df: Dockerfile, stage: Stage): Stage | undefined {
  const from = stage.from.toLowerCase()
  return df.stages.find((s) => s.index < stage.index && s.name === from)
}

/** The last `keyword` instruction in effect in a stage, following FROM back through earlier stages. */
export function inherited(df: Dockerfile, stage: Stage, keyword: string): Instruction | undefined {
  for (let s: Stage | undefined = stage; s; s = parentStage(df, s)) {
    const found = s.body.filter((i) => i.keyword === keyword).at(-1)
    if (found) return found
  }
  return undefined
}

const SHIPPED_NAMES = new Set(['prod', 'production', 'runtime'])

/**
 * The stages that ship: the last one, and one named prod/production/runtime unless a later stage
 * builds on it (then it is a base, like the PHP image's `runtime`, and what ships is checked).
 */
export function shippedStages(df: Dockerfile): Stage[] {
  const last = df.stages.at(-1)
  return df.stages.filter((s) => s === last || (s.name !== undefined && SHIPPED_NAMES.has(s.name) && !df.stages.some((t) => parentStage(df, t) === s)))
}

/** True when the stage (the named target, else the last) runs a HEALTHCHECK other than NONE. */
export function dockerfileHasHealthcheck(text: string, target?: string): boolean {
  const df = parseDockerfile(text)
  const stage = target ? df.stages.find((s) => s.name === target.toLowerCase()) : df.stages.at(-1)
  if (!stage) return false
  const hc = inherited(df, stage, 'HEALTHCHECK')
  return hc !== undefined && !/^NONE\b/i.test(hc.args)
}

/** A rule over each Dockerfile; findings at the same line for the same reason are reported once. */
function dockerfileRule(id: string, severity: Severity, summary: string, check: (df: Dockerfile, report: (line: number, message: string, hint: string) => void) => void): Rule {
  return {
    id,
    severity,
    summary,
    check({ files }) {
      const out: Finding[] = []
      for (const [file, text] of files) {
        if (!isDockerfile(file)) continue
        const seen = new Set<string>()
        check(parseDockerfile(text), (line, message, hint) => {
          const key = `${line}\0${message}`
          if (seen.has(key)) return
          seen.add(key)
          out.push({ rule: id, severity, file, line, message, hint })
        })
      }
      return out
    },
  }
}

const stageLabel = (s: Stage) => (s.name ? `stage "${s.name}"` : `stage ${s.index}`)

/** The image at the bottom of a stage's FROM chain, ARGs filled in. */
function baseImage(df: Dockerfile, stage: Stage): string {
  let s = stage
  for (let parent = parentStage(df, s); parent; parent = parentStage(df, s)) s = parent
  return expand(s.from, df.globalArgs)
}

// Images built to run unprivileged without a USER line (distroless `:nonroot`, nginx-unprivileged).
const NON_ROOT_IMAGE = /nonroot|unprivileged/i

const rootUser = dockerfileRule('dockerfile-root-user', 'error', 'The shipped stage runs as a non-root USER (DL3002).', (df, report) => {
  for (const stage of shippedStages(df)) {
    const user = inherited(df, stage, 'USER')
    if (!user) {
      if (!NON_ROOT_IMAGE.test(baseImage(df, stage))) report(stage.fromLine, `${stageLabel(stage)} ships without a USER, so the app runs as root`, 'Add `USER <uid>:<gid>` (numeric, e.g. 1000:1000) before CMD in the runtime stage.')
      continue
    }
    // A stage's `ARG X` without a value takes the global default.
    const stageArgs = stage.body.filter((i) => i.keyword === 'ARG').flatMap(assignments).filter((a) => a.value !== undefined)
    const args = new Map([...df.globalArgs, ...stageArgs.map((a) => [a.name, a.value!] as const)])
    const who = expand(words(user.args)[0] ?? '', args).split(':')[0]!
    if (who === 'root' || /^0+$/.test(who)) report(user.line, `${stageLabel(stage)} runs as root (USER ${user.args})`, 'Switch to an unprivileged numeric user, e.g. `USER 1000:1000`, after the steps that need root.')
  }
})

/** An image reference that is neither pinned to a tag nor a digest, or is tagged `latest`. */
function unpinned(ref: string): string | undefined {
  if (ref.includes('$')) return undefined // a build arg without default: set at build time
  const parsed = parseImageRef(ref)
  if (!parsed) return undefined
  if (parsed.suffix.includes('@')) return undefined
  if (parsed.suffix === '') return 'has no tag'
  if (parsed.suffix === ':latest') return 'is tagged latest'
  return undefined
}

const COPY_FROM = /(?:^|\s)--from=("[^"]*"|\S+)/i
const MOUNT_FROM = /--mount=(?:[^\s,]*,)*?from=([^,\s]+)/gi

const unpinnedBase = dockerfileRule('dockerfile-unpinned-base', 'error', 'Base images are pinned to a version tag or digest, never latest (DL3006/DL3007).', (df, report) => {
  const stageNames = new Set<string>()
  const check = (line: number, written: string) => {
    const ref = expand(unquote(written), df.globalArgs)
    if (stageNames.has(ref.toLowerCase()) || /^\d+$/.test(ref)) return
    const why = unpinned(ref)
    const shown = ref === written ? ref : `${written} (${ref})`
    if (why) report(line, `base image ${shown} ${why}, so every build may pull a different image`, 'Pin a version tag through an ARG (e.g. `ARG NODE_IMAGE=node:24.21.0-trixie-slim`), or a digest.')
  }
  for (const stage of df.stages) {
    check(stage.fromLine, stage.from)
    if (stage.name) stageNames.add(stage.name)
    for (const ins of stage.body) {
      const copy = ins.keyword === 'COPY' ? COPY_FROM.exec(ins.args) : null
      if (copy) check(ins.line, copy[1]!)
      if (ins.keyword === 'RUN') for (const m of ins.args.matchAll(MOUNT_FROM)) check(ins.line, m[1]!)
    }
  }
})

/** JSON array of strings: what Docker runs without a shell. Invalid JSON falls back to shell form. */
function isExecForm(args: string): boolean {
  if (!args.startsWith('[')) return false
  try {
    const v: unknown = JSON.parse(args)
    return Array.isArray(v) && v.every((x) => typeof x === 'string')
  } catch {
    return false
  }
}

function execHint(keyword: string, args: string): string {
  if (args.startsWith('[')) {
    const doubled = args.replace(/'/g, '"')
    return `Docker reads only JSON here: quote every element with double quotes${isExecForm(doubled) ? `, ${keyword} ${doubled}` : ''}.`
  }
  // A command that needs a shell keeps it, but `exec` hands PID 1 to the app.
  if (/[&|;<>$`]/.test(args)) return `Write it as a JSON array; keep a shell only with \`exec\` before the app: ${keyword} ["sh", "-c", "... && exec <app>"].`
  return `Write it as a JSON array: ${keyword} ${JSON.stringify(words(args).map(unquote))}.`
}

// HEALTHCHECK CMD is not checked: the probe is a short-lived child of the runtime, not the
// process SIGTERM must reach, and PRACTICES.md only asks for exec form on CMD/ENTRYPOINT.
const shellForm = dockerfileRule('dockerfile-shell-form', 'error', 'The shipped stage starts the app with exec-form CMD/ENTRYPOINT, so SIGTERM reaches it (DL3025).', (df, report) => {
  for (const stage of shippedStages(df)) {
    for (const keyword of ['ENTRYPOINT', 'CMD']) {
      const ins = inherited(df, stage, keyword)
      if (ins && !isExecForm(ins.args)) {
        const what = ins.args.startsWith('[') ? 'is not a valid JSON array, so Docker runs it in shell form' : 'is in shell form'
        report(ins.line, `${keyword} in ${stageLabel(stage)} ${what}: /bin/sh becomes PID 1 and SIGTERM does not reach the app`, execHint(keyword, ins.args))
      }
    }
  }
})

// Word parts that name a credential; KEY only with a qualifier (CACHE_KEY_PREFIX is not one).
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY'])
const KEY_QUALIFIERS = new Set(['API', 'PRIVATE', 'ACCESS', 'SECRET', 'APP', 'AUTH', 'ENCRYPTION', 'SIGNING', 'MASTER', 'LICENSE'])
// A name ending so holds where the secret is, not the secret (POSTGRES_PASSWORD_FILE).
const REFERENCE_WORDS = new Set(['FILE', 'PATH', 'DIR', 'FILENAME'])

/** A variable name that looks like it holds a credential, judged by its word parts. */
export function isSecretName(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean)
  if (parts.length === 0 || REFERENCE_WORDS.has(parts.at(-1)!)) return false
  return parts.some((p, i) => SECRET_WORDS.has(p) || (p === 'KEY' && i > 0 && KEY_QUALIFIERS.has(parts[i - 1]!)))
}

function allInstructions(df: Dockerfile): Instruction[] {
  return [...df.preamble, ...df.stages.flatMap((s) => s.body)]
}

const secretInEnv = dockerfileRule('dockerfile-secret-in-env', 'error', 'No secret in ENV or in an ARG default: both are stored in the image.', (df, report) => {
  for (const ins of allInstructions(df)) {
    if (ins.keyword !== 'ENV' && ins.keyword !== 'ARG') continue
    for (const { name, value } of assignments(ins)) {
      if (!isSecretName(name)) continue
      if (ins.keyword === 'ENV') report(ins.line, `ENV ${name} bakes a secret into the image and every container's environment`, `Remove it; pass ${name} at run time (Compose .env / secrets:, a Kubernetes Secret), or use \`RUN --mount=type=secret,id=${name.toLowerCase()}\` while building.`)
      else if (value) report(ins.line, `ARG ${name} has a default value, kept in the image's history and build metadata`, `Remove the default; pass build secrets with \`RUN --mount=type=secret,id=${name.toLowerCase()}\` (docker build --secret).`)
    }
  }
})

// Decided: an ARG named like a secret without a value is a warning, not an error. Nothing is in
// the file, but whatever `--build-arg` passes is recorded in the image's history and provenance,
// which is why BuildKit's SecretsUsedInArgOrEnv check flags it too.
const secretArg = dockerfileRule('dockerfile-secret-arg', 'warning', 'Build secrets come through RUN --mount=type=secret, not an ARG.', (df, report) => {
  for (const ins of allInstructions(df)) {
    if (ins.keyword !== 'ARG') continue
    for (const { name, value } of assignments(ins)) {
      if (isSecretName(name) && !value) report(ins.line, `ARG ${name} looks like a secret: a value passed with --build-arg is kept in the image's history and provenance`, `Use \`RUN --mount=type=secret,id=${name.toLowerCase()},env=${name}\` and \`docker build --secret id=${name.toLowerCase()},env=${name}\` instead.`)
    }
  }
})

export const DOCKERFILE_RULES: readonly Rule[] = [rootUser, unpinnedBase, shellForm, secretInEnv, secretArg]

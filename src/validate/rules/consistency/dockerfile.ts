/**
 * Just enough of a Dockerfile to compare it with the other files: instructions joined across
 * line continuations, heredoc bodies skipped, grouped by stage.
 */
export interface Instruction {
  keyword: string
  args: string
  /** 1-based line where the instruction starts. */
  line: number
}

export interface Stage {
  /** The `AS` name, lower-cased; undefined for an unnamed stage. */
  name: string | undefined
  /** What it is built FROM: an image, or an earlier stage's name (lower-cased). */
  from: string
  line: number
  instructions: Instruction[]
}

export interface Dockerfile {
  /** ARGs before the first FROM. */
  globals: Instruction[]
  stages: Stage[]
}

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split(/\r?\n/)
  const escape = /^#\s*escape\s*=\s*`/im.test(lines.slice(0, 5).join('\n')) ? '`' : '\\'
  const out: Dockerfile = { globals: [], stages: [] }
  let i = 0
  while (i < lines.length) {
    const first = lines[i]!
    if (/^\s*(#|$)/.test(first)) {
      i++
      continue
    }
    const start = i + 1
    let body = first
    while (body.trimEnd().endsWith(escape) && i + 1 < lines.length) {
      body = body.trimEnd().slice(0, -1)
      i++
      // Comment lines inside a continued instruction are dropped by the builder too.
      while (i < lines.length && /^\s*#/.test(lines[i]!)) i++
      if (i < lines.length) body += ` ${lines[i]!.trim()}`
    }
    i++
    for (const m of body.matchAll(/<<(-?)["']?([A-Za-z_][\w]*)["']?/g)) {
      if (!/^\s*(RUN|COPY|ADD)\b/i.test(body)) break
      const strip = m[1] === '-'
      while (i < lines.length && (strip ? lines[i]!.trim() : lines[i]) !== m[2]) i++
      i++
    }
    const match = /^\s*(\S+)\s*(.*)$/.exec(body)
    if (!match) continue
    const ins: Instruction = { keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start }
    if (ins.keyword === 'FROM') {
      const as = /\s+as\s+(\S+)\s*$/i.exec(ins.args)
      const from = words(ins.args).find((w) => !w.startsWith('--')) ?? ''
      out.stages.push({ name: as?.[1]?.toLowerCase(), from: from.toLowerCase(), line: start, instructions: [] })
    } else if (out.stages.length === 0) out.globals.push(ins)
    else out.stages.at(-1)!.instructions.push(ins)
  }
  return out
}

/** Words of an instruction's arguments, with quotes removed (`A="x y"` is one word). */
export function words(args: string): string[] {
  const out: string[] = []
  for (const m of args.matchAll(/(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g)) out.push(m[0].replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_s, d: string | undefined, s: string | undefined) => d ?? s ?? ''))
  return out
}

/** The variables an ENV or ARG instruction sets; an ARG without a default maps to undefined. */
export function assignments(ins: Instruction): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>()
  const ws = words(ins.args)
  if (ins.keyword === 'ENV' && ws.length > 0 && !ws[0]!.includes('=')) {
    // Legacy `ENV NAME value with spaces`.
    out.set(ws[0]!, ws.slice(1).join(' '))
    return out
  }
  for (const w of ws) {
    const eq = w.indexOf('=')
    if (eq === -1) out.set(w, undefined)
    else out.set(w.slice(0, eq), w.slice(eq + 1))
  }
  return out
}

/** `$NAME`, `${NAME}` and `${NAME:-default}` resolved from the variables known so far. */
export function expand(value: string, vars: ReadonlyMap<string, string | undefined>): string | undefined {
  let unresolved = false
  const text = value.replace(/\$(?:\{(\w+)(?::?-([^}]*))?\}|(\w+))/g, (_m, braced: string | undefined, dflt: string | undefined, bare: string | undefined) => {
    const v = vars.get((braced ?? bare)!)
    if (v !== undefined && v !== '') return v
    if (dflt !== undefined) return dflt
    unresolved = true
    return ''
  })
  return unresolved ? undefined : text
}

/**
 * The stages an image is made of: the final stage (what `docker build` produces without
 * `--target`) and the named targets, with the stages they are built FROM; the final one first.
 */
export function builtStages(d: Dockerfile, targets: ReadonlySet<string>): Stage[] {
  const byName = new Map(d.stages.filter((s) => s.name).map((s) => [s.name!, s]))
  const out = new Set<Stage>()
  const add = (s: Stage | undefined) => {
    for (let st = s; st && !out.has(st); st = byName.get(st.from)) out.add(st)
  }
  add(d.stages.at(-1))
  for (const t of targets) add(byName.get(t))
  return [...out]
}

/** The HEALTHCHECK command's text (the joined exec form or the shell form); undefined for none. */
export function healthcheckCommand(ins: Instruction): string | undefined {
  const m = /^(?:--\S+\s+)*CMD\s+(.*)$/is.exec(ins.args)
  if (!m) return undefined
  const cmd = m[1]!.trim()
  if (cmd.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(cmd)
      if (Array.isArray(parsed)) return parsed.map(String).join(' ')
    } catch {
      // not valid JSON: Docker runs it as a shell command
    }
  }
  return cmd
}

import { validateAnswers, type RawAnswers } from '../../src/answers.js'
import type { AppFacts } from '../../src/detect/types.js'
import { generate } from '../../src/generate.js'
import { parseDockerfile, type Instruction, type Stage } from '../helpers/dockerfile.js'

/**
 * The shared parser knows no heredocs: their bodies are cut out (and returned by the file they
 * write) before parsing, leaving the instruction line (`COPY <<'EOF' main.go`) in place. Files a
 * `RUN printf '%s\n' 'line' ... >FILE` writes (where Podman 4 needs it, not a heredoc) are
 * returned the same way; that RUN stays in place.
 */
export function parseWithHeredocs(text: string): { global: Instruction[]; stages: Stage[]; heredocs: Map<string, string> } {
  const lines = text.split('\n')
  const kept: string[] = []
  const heredocs = new Map<string, string>()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    kept.push(line)
    if (line === "RUN printf '%s\\n' \\") {
      const body: string[] = []
      let j = i + 1
      for (let q; (q = /^ {4}'([^']*)' \\$/.exec(lines[j] ?? '')); j++) body.push(q[1]!)
      const out = /^ {4}>(\S+)(?: \\)?$/.exec(lines[j] ?? '')
      if (out) heredocs.set(out[1]!, `${body.join('\n')}\n`)
      continue
    }
    const m = /^[A-Z]+ .*<<-?(['"]?)([A-Za-z_]+)\1\s+(\S+)/.exec(line)
    if (!m) continue
    const body: string[] = []
    while (i + 1 < lines.length && lines[i + 1] !== m[2]) body.push(lines[++i]!)
    if (i + 1 >= lines.length) throw new Error(`heredoc ${m[2]} is not closed`)
    i++
    heredocs.set(m[3]!, `${body.join('\n')}\n`)
  }
  return { ...parseDockerfile(kept.join('\n')), heredocs }
}

/** A retrofit's container files for hand-built facts, parsed for assertions. */
export function retrofit(raw: RawAnswers, app: AppFacts) {
  const answers = validateAnswers(raw)
  const { files, plan } = generate(answers, { retrofit: { dir: '.', app } })
  const byPath = new Map(files.map((f) => [f.path, f.content]))
  const text = byPath.get('Dockerfile')!
  const { global, stages, heredocs } = parseWithHeredocs(text)
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name)
    if (!s) throw new Error(`no stage ${name} in:\n${text}`)
    return s
  }
  // Continuation lines are joined with their spacing squeezed to one blank.
  const all = (name: string, keyword: string): string[] => stage(name).body.filter((i) => i.keyword === keyword).map((i) => i.args.replace(/\s+/g, ' '))
  const ignoreFile = byPath.get('.dockerignore') ?? byPath.get('Dockerfile.dockerignore')!
  return {
    answers,
    plan,
    byPath,
    text,
    global,
    stages,
    heredocs,
    stage,
    has: (name: string) => stages.some((s) => s.name === name),
    /** The RUN instructions of a stage. */
    runs: (name: string) => all(name, 'RUN'),
    copies: (name: string) => all(name, 'COPY'),
    env: (name: string) => all(name, 'ENV').join(' '),
    cmd: (name: string) => JSON.parse(all(name, 'CMD').at(-1)!) as string[],
    /** The HEALTHCHECK's argv, or null without one. */
    probe: (): string[] | null => {
      const hc = all('prod', 'HEALTHCHECK')[0]
      return hc ? (JSON.parse(hc.slice(hc.indexOf('CMD [') + 4)) as string[]) : null
    },
    /** The .dockerignore patterns (comments and blank lines left out). */
    ignore: ignoreFile.split('\n').filter((l) => l && !l.startsWith('#')),
  }
}

/** The sources of a RUN's bind mounts, in order. */
export function binds(run: string): string[] {
  return [...run.matchAll(/--mount=type=bind,source=([^,\s]+)/g)].map((m) => m[1]!)
}

/** The command a RUN ends with, after its mounts. */
export function command(run: string): string {
  return run.replace(/--mount=\S+\s+/g, '').trim()
}

/** Whether an ENV string sets exactly this variable (not one that ends with its name). */
export function setsVar(env: string, name: string): boolean {
  return new RegExp(`(^|\\s)${name}=`).test(env)
}

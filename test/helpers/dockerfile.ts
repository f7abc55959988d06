/** A Dockerfile instruction with continuation lines joined. */
export interface Instruction {
  keyword: string
  args: string
  line: number
}

export interface Stage {
  name: string
  from: string
  body: Instruction[]
}

/** Just enough of the Dockerfile grammar for assertions: comments, continuations, stages. */
export function parseDockerfile(text: string): { global: Instruction[]; stages: Stage[] } {
  const global: Instruction[] = []
  const stages: Stage[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!
    if (/^\s*(#|$)/.test(line)) continue
    const start = i + 1
    while (line.endsWith('\\') && i + 1 < lines.length) {
      let next = lines[++i]!
      while (/^\s*#/.test(next) && i + 1 < lines.length) next = lines[++i]!
      line = `${line.slice(0, -1)} ${next.trim()}`
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line)
    if (!m) throw new Error(`cannot parse Dockerfile line ${start}: ${line}`)
    const ins = { keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start }
    if (ins.keyword === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)
      stages.push({ from: f![1]!, name: f![2] ?? String(stages.length), body: [] })
    } else if (stages.length === 0) global.push(ins)
    else stages.at(-1)!.body.push(ins)
  }
  return { global, stages }
}

import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { parseDockerfile, type Stage } from '../helpers/dockerfile.js'
import { renderMap } from '../helpers/render.js'

// One case per framework × package manager (axum × cargo today: the only things that change
// the Rust Dockerfile's shape), plus a non-default port and toolchain version.
const rust = LANGUAGE_CHOICES.find((l) => l.id === 'rust')!
const cases = [
  ...rust.frameworks
    .filter((f) => f.available)
    .flatMap((fw) =>
      rust.packageManagers.map((pm) =>
        validateAnswers({ name: `df-${fw.id}-${pm.id}`, language: 'rust', framework: fw.id, packageManager: pm.id, database: 'mysql', cache: 'redis' }),
      ),
    ),
  validateAnswers({ name: 'df-port', language: 'rust', port: 9443, languageVersion: '1.90' }),
]

describe.each(cases.map((a) => [`${a.framework}/${a.packageManager} port ${a.port} rust ${a.languageVersion}`, a] as const))(
  'Rust Dockerfile practices: %s',
  (_n, answers) => {
    const files = renderMap(answers)
    const text = files.get('Dockerfile')!
    const { global, stages } = parseDockerfile(text)
    const stage = (name: string): Stage => {
      const s = stages.find((x) => x.name === name)
      if (!s) throw new Error(`no stage ${name}`)
      return s
    }
    const pm = rust.packageManagers.find((p) => p.id === answers.packageManager)!
    const lang = rust.templateData!({ name: answers.name, port: answers.port, languageVersion: answers.languageVersion, packageManager: pm, framework: rust.frameworks[0]! }) as {
      binary: string
      commands: { dev: string[]; test: string[] }
    }
    const prod = stage('prod')
    const binary = `/usr/local/bin/${lang.binary}`

    it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
      expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
      expect(text).toMatch(/^# check=error=true$/m)
    })

    it('pins the base images through ARGs (Debian 13), never latest, with one place to switch registries', () => {
      expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `RUST_VERSION=${answers.languageVersion}` }))
      expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'RUST_IMAGE=rust:${RUST_VERSION}-slim-trixie' }))
      expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'RUNTIME_IMAGE=gcr.io/distroless/cc-debian13:nonroot' }))
      const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
      for (const from of external) expect(['${RUST_IMAGE}', '${RUNTIME_IMAGE}']).toContain(from)
      expect(text).not.toMatch(/:latest\b/)
    })

    it('has named dev, test and prod targets, with prod last (the default build)', () => {
      for (const n of ['toolchain', 'build', 'source', 'dev', 'test', 'prod']) expect(stages.map((s) => s.name)).toContain(n)
      expect(stages.at(-1)!.name).toBe('prod')
    })

    it('cross-compiles on the build platform for TARGETARCH', () => {
      expect(text).toMatch(/^FROM --platform=\$BUILDPLATFORM \$\{RUST_IMAGE\} AS toolchain$/m)
      const toolchain = stage('toolchain').body
      expect(toolchain).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'TARGETARCH' }))
      const setup = toolchain.find((i) => i.keyword === 'RUN')!.args
      expect(setup).toContain('rustup target add')
      expect(setup).toContain('--no-install-recommends')
      expect(setup).toContain('rm -rf /var/lib/apt/lists/*')
      expect(stage('build').from).toBe('toolchain')
    })

    it('builds exactly from the lockfile with manifests and sources bind-mounted and cache mounts', () => {
      const runs = stage('build').body.filter((i) => i.keyword === 'RUN')
      expect(runs).toHaveLength(1)
      const run = runs[0]!.args
      for (const m of pm.manifests) expect(run).toContain(`--mount=type=bind,source=${m},target=/app/${m}`)
      expect(run).toContain('--mount=type=bind,source=src,target=/app/src')
      for (const dir of [pm.cacheDir, '/usr/local/cargo/git', '/app/target']) expect(run).toContain(`--mount=type=cache,target=${dir}`)
      expect(run).toContain('cargo build --release --locked --target')
      // The binary leaves the cache-mounted target dir in the same RUN.
      expect(run).toMatch(new RegExp(`cp "target/\\$\\{target\\}/release/${lang.binary}" ${binary}$`))
      expect(stage('build').body.some((i) => i.keyword === 'COPY')).toBe(false)
    })

    it('dev and test stages fetch locked dependencies before copying the source, as the app user', () => {
      const body = stage('source').body
      const keywords = body.map((i) => i.keyword)
      const manifests = body.findIndex((i) => i.keyword === 'COPY' && i.args.includes('Cargo.lock'))
      const all = body.findIndex((i) => i.keyword === 'COPY' && i.args.endsWith(' . .'))
      expect(manifests).toBeGreaterThan(-1)
      expect(all).toBeGreaterThan(manifests)
      expect(body[manifests + 1]!.args).toContain(pm.install)
      expect(pm.install).toMatch(/--locked/)
      expect(keywords.indexOf('USER')).toBeLessThan(manifests)
      expect(body.find((i) => i.keyword === 'USER')!.args).toBe('1000:1000')
      expect(JSON.parse(stage('dev').body.find((i) => i.keyword === 'CMD')!.args)).toEqual(lang.commands.dev)
      expect(JSON.parse(stage('test').body.find((i) => i.keyword === 'CMD')!.args)).toEqual(lang.commands.test)
      expect(lang.commands.dev.slice(0, 2)).toEqual(['cargo', 'watch'])
      expect(lang.commands.test.slice(0, 2)).toEqual(['cargo', 'test'])
      expect(stage('dev').body.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from=cargo-watch '))).toBe(true)
    })

    it('ships only the binary on distroless, as a fixed non-root UID, with exec-form CMD and HEALTHCHECK', () => {
      expect(prod.from).toBe('${RUNTIME_IMAGE}')
      const copies = prod.body.filter((i) => i.keyword === 'COPY').map((i) => i.args)
      expect(copies).toEqual([`--from=build ${binary} ${binary}`])
      expect(prod.body.some((i) => i.keyword === 'RUN')).toBe(false)
      const user = prod.body.filter((i) => i.keyword === 'USER').at(-1)!
      expect(user.args).toMatch(/^[1-9]\d*:[1-9]\d*$/)
      expect(JSON.parse(prod.body.find((i) => i.keyword === 'CMD')!.args)).toEqual([binary])
      expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: String(answers.port) }))
      expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: `PORT=${answers.port}` }))
      const hc = prod.body.find((i) => i.keyword === 'HEALTHCHECK')!
      expect(hc.args).toMatch(/--interval=\S+ --timeout=\S+ .*CMD \[/)
      expect(JSON.parse(hc.args.slice(hc.args.indexOf('CMD ') + 4))).toEqual([binary, '--healthcheck'])
      expect(text).toContain('/healthz')
    })

    it('carries OCI labels last and keeps secrets out of ENV and ARG', () => {
      expect(prod.body.at(-1)!.keyword).toBe('LABEL')
      const label = prod.body.at(-1)!.args
      for (const k of ['title', 'version', 'revision', 'base.name']) expect(label).toContain(`org.opencontainers.image.${k}=`)
      const all = [...global, ...stages.flatMap((s) => s.body)].filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
      for (const i of all) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE)/i)
    })

    it('explains every linter exception', () => {
      const lines = text.split('\n')
      const exceptions = lines.flatMap((line, i) => (/hadolint ignore|check=skip/.test(line) ? [i] : []))
      expect(exceptions).toHaveLength(1)
      // The reason sits on the comment line just above.
      for (const i of exceptions) expect(lines[i - 1]).toMatch(/^# .*no version pins \(DL3008\)/)
    })

    it('.dockerignore drops build output, VCS, secrets and deploy files but keeps what the build needs', () => {
      const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
      for (const p of ['.git', 'target', '**/.env', '**/.env.*', '!.env.example', '!.env.sample', 'compose*.yaml', '.containerized', 'Dockerfile*']) expect(ignore).toContain(p)
      for (const n of [...pm.manifests, 'src']) {
        expect(ignore.some((p) => p === n || p === `${n}*` || (p.endsWith('*') && n.startsWith(p.slice(0, -1))))).toBe(false)
      }
    })
  },
)

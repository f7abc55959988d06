import { describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { NGINX_VERSION, YARN_CLASSIC_VERSION } from '../../src/registry/languages/node.js'
import { parseDockerfile, type Stage } from '../helpers/dockerfile.js'
import { renderMap } from '../helpers/render.js'

// One case per framework × package manager (what changes the Node Dockerfile's shape), plus a
// non-default port and runtime version for the Node and the nginx runtimes.
const node = LANGUAGE_CHOICES.find((l) => l.id === 'node')!
const cases: Answers[] = [
  ...node.frameworks.flatMap((fw) =>
    node.packageManagers.map((pm) => validateAnswers({ name: `df-${fw.id}-${pm.id}`, framework: fw.id, packageManager: pm.id, database: 'postgres' })),
  ),
  validateAnswers({ name: 'df-port', port: 8443, languageVersion: '22.12' }),
  validateAnswers({ name: 'df-spa-port', framework: 'spa', port: 8443, languageVersion: '22' }),
]
// The nginx image's own convention; the Node frameworks keep the language default.
const DEFAULT_PORT: Record<string, number> = { http: 3000, nest: 3000, next: 3000, spa: 8080 }

/** What the prod image holds and runs, per framework. */
const PROD: Record<string, { image: string; copies: string[]; cmd: string[] }> = {
  http: {
    image: '${NODE_IMAGE}',
    copies: ['--from=prod-deps /app/node_modules ./node_modules', '--from=build /app/dist ./dist', 'package.json ./'],
    cmd: ['node', 'dist/server.js'],
  },
  nest: {
    image: '${NODE_IMAGE}',
    copies: ['--from=prod-deps /app/node_modules ./node_modules', '--from=build /app/dist ./dist', 'package.json ./'],
    cmd: ['node', 'dist/main.js'],
  },
  next: {
    image: '${NODE_IMAGE}',
    copies: ['--from=build /app/public ./public', '--from=build /app/.next/standalone ./', '--from=build /app/.next/static ./.next/static'],
    cmd: ['node', 'server.js'],
  },
  spa: {
    image: '${NGINX_IMAGE}',
    copies: ["<<'EOF' /etc/nginx/conf.d/default.conf", '--from=build /app/dist /usr/share/nginx/html'],
    cmd: ['nginx', '-g', 'daemon off;'],
  },
}

/** Files each framework's build reads, which .dockerignore must let through. */
const NEEDED: Record<string, string[]> = {
  http: ['tsconfig.json', 'src', 'test'],
  nest: ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'src', 'test'],
  next: ['tsconfig.json', 'next.config.ts', 'next.config.mjs', 'next-env.d.ts', 'app', 'src', 'public', 'test'],
  spa: ['tsconfig.json', 'index.html', 'vite.config.ts', 'src', 'public', 'test'],
}

/**
 * The shared parser knows no heredocs: their bodies are cut out (and returned) before parsing,
 * leaving the instruction line (`COPY <<'EOF' /path`) in place.
 */
function parseWithHeredocs(text: string) {
  const lines = text.split('\n')
  const kept: string[] = []
  const heredocs: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    kept.push(line)
    const m = /^[A-Z]+ .*<<-?(['"]?)([A-Za-z_]+)\1/.exec(line)
    if (!m) continue
    const body: string[] = []
    while (i + 1 < lines.length && lines[i + 1] !== m[2]) body.push(lines[++i]!)
    if (i + 1 >= lines.length) throw new Error(`heredoc ${m[2]} is not closed`)
    i++
    heredocs.push(body.join('\n'))
  }
  return { ...parseDockerfile(kept.join('\n')), heredocs }
}

describe.each(cases.map((a) => [`${a.framework}/${a.packageManager} port ${a.port}`, a] as const))('Dockerfile practices: %s', (_n, answers) => {
  const files = renderMap(answers)
  const text = files.get('Dockerfile')!
  const { global, stages, heredocs } = parseWithHeredocs(text)
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name)
    if (!s) throw new Error(`no stage ${name}`)
    return s
  }
  const pm = node.packageManagers.find((p) => p.id === answers.packageManager)!
  const fw = answers.framework
  const expected = PROD[fw]!
  const spa = fw === 'spa'
  const withProdDeps = fw === 'http' || fw === 'nest'
  const prod = stage('prod')
  const argValue = (name: string) => global.find((i) => i.keyword === 'ARG' && i.args.startsWith(`${name}=`))?.args.slice(name.length + 1)

  it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
    expect(text).toMatch(/^# check=error=true$/m)
  })

  it('pins every base image through ARGs, never latest, with one place to switch registries', () => {
    expect(argValue('NODE_VERSION')).toBe(answers.languageVersion)
    expect(argValue('NODE_IMAGE')).toBe('node:${NODE_VERSION}-trixie-slim')
    if (spa) {
      expect(argValue('NGINX_VERSION')).toBe(NGINX_VERSION)
      expect(NGINX_VERSION).toMatch(/^\d+\.\d+\.\d+$/)
      // Debian trixie like the Node images; unprivileged: no root needed for any port or file.
      expect(argValue('NGINX_IMAGE')).toBe('nginxinc/nginx-unprivileged:${NGINX_VERSION}-trixie')
    } else expect(argValue('NGINX_IMAGE')).toBeUndefined()
    const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
    for (const from of external) expect(['${NODE_IMAGE}', '${NGINX_IMAGE}', 'oven/bun:${BUN_VERSION}-slim']).toContain(from)
    for (const i of global) expect(i.args).not.toMatch(/:latest\b/)
    // The package manager itself is pinned too (Yarn classic's pin lives beside the registry entry).
    const pinned = pm.version ?? (pm.id === 'yarn-classic' ? YARN_CLASSIC_VERSION : null)
    if (pinned) expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: expect.stringMatching(new RegExp(`_VERSION=${pinned.replaceAll('.', '\\.')}$`)) }))
  })

  it('has named dev, test and prod targets, with prod last (the default build)', () => {
    const names = stages.map((s) => s.name)
    for (const n of ['base', 'deps', 'build', 'source', 'dev', 'test', 'prod']) expect(names).toContain(n)
    // A separate production install only where the runtime loads node_modules itself.
    expect(names.includes('prod-deps')).toBe(withProdDeps)
    expect(stages.at(-1)!.name).toBe('prod')
  })

  it('installs exactly from the lockfile, with manifests mounted before any source copy and a cache mount', () => {
    for (const name of withProdDeps ? ['deps', 'prod-deps'] : ['deps']) {
      const run = stage(name).body.find((i) => i.keyword === 'RUN')!
      for (const m of pm.manifests) expect(run.args).toContain(`--mount=type=bind,source=${m},target=/app/${m}`)
      expect(run.args).toContain(`--mount=type=cache,target=${pm.cacheDir}`)
      // deps and prod-deps run in parallel: Yarn 1, Yarn Berry and Bun take one writer at a time
      // (a shared Yarn 1 cache failed an integrity check in CI), npm's and pnpm's caches are safe
      // to share (the sources are in src/registry/languages/cache-mounts.ts).
      expect(/--mount=type=cache,[^ ]*sharing=locked/.test(run.args), 'cache sharing=locked').toBe(['yarn-classic', 'yarn', 'bun'].includes(pm.id))
      expect(run.args).toContain(name === 'deps' ? pm.install : pm.installProd)
      expect(stage(name).body.some((i) => i.keyword === 'COPY')).toBe(false)
    }
    expect(pm.install).toMatch(/npm ci|--frozen-lockfile|--immutable/)
    expect(pm.installProd).toMatch(/--omit=dev|--prod(uction)?\b/)
    const build = stage('build').body
    expect(build.map((i) => i.keyword)).toEqual(['COPY', 'RUN'])
    expect(build[1]!.args.startsWith(`${pm.run} build`)).toBe(true)
  })

  it('the build fails with a message when the framework did not write what the prod image needs', () => {
    const run = stage('build').body[1]!.args
    const output = { http: null, nest: 'dist/main.js', next: '.next/standalone/server.js', spa: 'dist/index.html' }[fw]
    if (output) expect(run).toContain(`if [ ! -f ${output} ]; then echo`)
    if (fw === 'next') expect(run).toContain("output: 'standalone'")
  })

  it('installs the package manager at its pinned version in the toolchain stage', () => {
    const base = stage('base').body.filter((i) => i.keyword === 'RUN').map((i) => i.args.replace(/\s+/g, ' ')).join('\n')
    if (pm.id === 'pnpm') expect(base).toContain('npm install --global pnpm@${PNPM_VERSION}')
    if (pm.id === 'yarn') expect(base).toContain('npm install --global @yarnpkg/cli-dist@${YARN_VERSION}')
    // The image's own Yarn 1 (Node <= 25) goes first, so the pinned one is the one on PATH.
    if (pm.id === 'yarn-classic') expect(base).toMatch(/rm -rf \/usr\/local\/bin\/yarn \/usr\/local\/bin\/yarnpkg \/opt\/yarn-\* && npm install --global yarn@\$\{YARN_VERSION\}/)
    if (pm.id === 'bun') expect(stage('base').body).toContainEqual(expect.objectContaining({ keyword: 'COPY', args: '--from=bun /usr/local/bin/bun /usr/local/bin/bun' }))
    if (pm.id === 'npm') expect(base).toBe('')
  })

  it('ships only the runtime output, owned by root, from the right base image', () => {
    expect(prod.from).toBe(expected.image)
    const copies = prod.body.filter((i) => i.keyword === 'COPY').map((i) => i.args)
    expect(copies).toEqual(expected.copies)
    expect(copies.some((c) => c.includes('--chown'))).toBe(false)
    // No source tree, dev dependencies or toolchain: nothing comes from deps or source.
    expect(copies.some((c) => /--from=(deps|source|base)\b/.test(c) || c.startsWith('. '))).toBe(false)
  })

  it('runs as a fixed non-root UID, exec-form CMD, exposes the real port, has a HEALTHCHECK', () => {
    const user = prod.body.filter((i) => i.keyword === 'USER').at(-1)!
    expect(user.args).toBe('1000:1000')
    const cmd = prod.body.filter((i) => i.keyword === 'CMD')
    expect(cmd).toHaveLength(1)
    expect(JSON.parse(cmd[0]!.args)).toEqual(expected.cmd)
    expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: String(answers.port) }))
    const hc = prod.body.find((i) => i.keyword === 'HEALTHCHECK')!
    expect(hc.args).toMatch(/--interval=\S+ --timeout=\S+ .*CMD \[/)
    const probe = JSON.parse(hc.args.slice(hc.args.indexOf('CMD [') + 4)) as string[]
    if (spa) {
      // curl ships in the Debian nginx images; the port is fixed at generation time.
      expect(probe).toEqual(['curl', '-fsS', '-o', '/dev/null', `http://127.0.0.1:${answers.port}/healthz`])
    } else {
      expect(probe.slice(0, 2)).toEqual(['node', '-e'])
      expect(probe[2]).toContain('/healthz')
      expect(probe[2]).toContain('process.env.PORT')
      expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining(`PORT=${answers.port}`) }))
    }
  })

  it('sets the runtime environment each framework expects', () => {
    const env = prod.body.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ')
    if (!spa) expect(env).toContain('NODE_ENV=production')
    if (fw === 'next') {
      for (const e of ['NEXT_TELEMETRY_DISABLED=1', 'HOSTNAME=0.0.0.0']) expect(env).toContain(e)
      expect(stage('base').body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: 'NEXT_TELEMETRY_DISABLED=1' }))
      // Next.js's own cache is the one writable path inside /app, owned by the app user.
      expect(prod.body.find((i) => i.keyword === 'RUN')!.args.replace(/\s+/g, ' ')).toMatch(/mkdir -p \.next\/cache && chown 1000:1000 \.next\/cache$/)
    } else expect(text).not.toContain('NEXT_TELEMETRY_DISABLED')
    if (spa) expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'STOPSIGNAL', args: 'SIGQUIT' }))
    else expect(prod.body.some((i) => i.keyword === 'STOPSIGNAL')).toBe(false)
  })

  it('dev and test targets run as the app user with exec-form CMDs through the package manager', () => {
    expect(stage('source').body.find((i) => i.keyword === 'USER')!.args).toBe('1000:1000')
    const run = pm.run!.split(' ')
    const dev = JSON.parse(stage('dev').body.find((i) => i.keyword === 'CMD')!.args) as string[]
    const test = JSON.parse(stage('test').body.find((i) => i.keyword === 'CMD')!.args) as string[]
    expect(test).toEqual([...run, 'test'])
    expect(dev.slice(0, 2)).toEqual(run)
    const script = { http: 'dev', nest: 'start:dev', next: 'dev', spa: 'dev' }[fw]
    expect(dev[2]).toBe(script)
    // Vite listens on localhost:5173 unless told; npm needs `--` to pass flags to the script.
    if (spa) expect(dev.slice(3)).toEqual([...(pm.id === 'npm' ? ['--'] : []), '--host', '0.0.0.0', '--port', String(answers.port), '--strictPort'])
    else expect(dev).toHaveLength(3)
    expect(stage('dev').body).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: expect.stringMatching(new RegExp(`^${answers.port}\\b`)) }))
  })

  it('removes package managers from a Node runtime; an nginx runtime has no Node at all', () => {
    if (spa) {
      expect(prod.body.some((i) => i.keyword === 'RUN')).toBe(false)
      expect(prod.body.some((i) => /node/.test(i.args) && i.keyword !== 'LABEL')).toBe(false)
    } else {
      const rm = prod.body.find((i) => i.keyword === 'RUN')!.args
      for (const p of ['/usr/local/bin/npm', '/usr/local/bin/npx', '/usr/local/bin/corepack', '/usr/local/bin/yarn', '/opt/yarn-*']) expect(rm).toContain(p)
    }
  })

  it('carries OCI labels last, naming the runtime base image', () => {
    const last = prod.body.at(-1)!
    expect(last.keyword).toBe('LABEL')
    for (const k of ['title', 'version', 'revision', 'base.name']) expect(last.args).toContain(`org.opencontainers.image.${k}=`)
    expect(last.args).toContain(`org.opencontainers.image.base.name="${expected.image}"`)
    expect(last.args).toContain(`org.opencontainers.image.title="${answers.name}"`)
  })

  it('keeps secrets out of ENV and ARG', () => {
    const all = [...global, ...stages.flatMap((s) => s.body)].filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
    for (const i of all) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE)/i)
  })

  it('.dockerignore drops dependencies, VCS, secrets and deploy files but keeps what the build needs', () => {
    const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
    for (const p of ['.git', 'node_modules', 'dist', '**/.env', '**/.env.*', '!.env.example', '!.env.sample', 'compose*.yaml', '.containerized']) expect(ignore).toContain(p)
    if (fw === 'next') for (const p of ['.next', 'out']) expect(ignore).toContain(p)
    const needed = [...pm.manifests, ...NEEDED[fw]!]
    for (const n of needed) expect(ignore.some((p) => p === n || p === `${n}*` || (p.endsWith('*') && n.startsWith(p.slice(0, -1)))), n).toBe(false)
  })

  it('writes a starter app only for the framework that has one', () => {
    const src = [...files.keys()].filter((p) => p.startsWith('src/') || p === 'package.json')
    if (fw === 'http') expect(src).toContain('src/server.ts')
    else expect(src).toEqual([])
  })
})

describe.each(cases.filter((a) => a.framework === 'spa').map((a) => [`${a.packageManager} port ${a.port}`, a] as const))('SPA nginx config: %s', (_n, answers) => {
  const text = renderMap(answers).get('Dockerfile')!
  const { heredocs } = parseWithHeredocs(text)

  it('nginx serves the build with an index.html fallback, /healthz, /readyz and JSON access logs', () => {
    expect(heredocs).toHaveLength(1)
    const conf = heredocs[0]!
    expect(conf).toMatch(new RegExp(`^\\s*listen ${answers.port};$`, 'm'))
    expect(conf).toMatch(/^\s*root \/usr\/share\/nginx\/html;$/m)
    expect(conf).toMatch(/location \/ \{[^}]*try_files \$uri \$uri\/ \/index\.html;/)
    expect(conf).toMatch(/location = \/healthz \{[^}]*return 200 '\{"status":"ok"\}';/)
    expect(conf).toMatch(/location = \/readyz \{[^}]*return 200 '\{"status":"ready","checks":\{\}\}';/)
    expect(conf).toMatch(/^log_format json escape=json '\{"time":/m)
    expect(conf).toMatch(/access_log \/dev\/stdout json;/)
    // A quoted delimiter: BuildKit leaves nginx's $variables alone.
    expect(text).toContain("COPY <<'EOF' /etc/nginx/conf.d/default.conf")
    expect(conf).not.toMatch(/\{\{|\bundefined\b/)
  })
})

describe('Node frameworks and package managers', () => {
  it('defaults each framework to its conventional port', () => {
    for (const f of node.frameworks) expect(validateAnswers({ name: 'p', framework: f.id }).port, f.id).toBe(DEFAULT_PORT[f.id])
  })

  it('offers every framework and package manager of issue 3, and no choice that changes nothing', () => {
    expect(node.frameworks.map((f) => f.id)).toEqual(['http', 'nest', 'next', 'spa'])
    expect(node.packageManagers.map((p) => p.id)).toEqual(['npm', 'pnpm', 'yarn', 'yarn-classic', 'bun'])
    expect(node.packageManagers.find((p) => p.id === 'yarn')!.label).toMatch(/Berry/)
    // Each framework renders a Dockerfile of its own (name aside).
    const dockerfiles = node.frameworks.map((f) => renderMap(validateAnswers({ name: 'same', framework: f.id })).get('Dockerfile'))
    expect(new Set(dockerfiles).size).toBe(node.frameworks.length)
  })

  it('Yarn classic installs frozen, production-only for prod, with its root cache mounted', () => {
    const yc = node.packageManagers.find((p) => p.id === 'yarn-classic')!
    expect(yc).toMatchObject({
      install: 'yarn install --frozen-lockfile',
      installProd: 'yarn install --frozen-lockfile --production',
      cacheDir: '/usr/local/share/.cache/yarn',
      manifests: ['package.json', 'yarn.lock'],
      // No `packageManager` field: its value would have to be yarn@1.x, not yarn-classic@….
      version: null,
    })
    const pkg = JSON.parse(renderMap(validateAnswers({ name: 'yc', packageManager: 'yarn-classic' })).get('package.json')!) as Record<string, unknown>
    expect(pkg.packageManager).toBeUndefined()
  })
})

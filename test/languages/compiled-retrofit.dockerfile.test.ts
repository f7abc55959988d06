import { describe, expect, it } from 'vitest'
import type { AppFacts } from '../../src/detect/types.js'
import { validateAnswers } from '../../src/answers.js'
import { renderMap } from '../helpers/render.js'
import { binds, command, parseWithHeredocs, retrofit, setsVar } from './retrofit-helpers.js'

// Go, Rust, Java and .NET Dockerfiles of existing apps, field by field of the runtime contract
// (issue 18). Their runtime images have no shell: the healthcheck is a probe the build compiles.
const go = (app: AppFacts) => retrofit({ name: 'app', language: 'go' }, { mainPackage: './cmd/api', ...app })
const rust = (app: AppFacts) => retrofit({ name: 'app', language: 'rust' }, { binary: 'api', ...app })
const java = (app: AppFacts, raw: Record<string, unknown> = {}) => retrofit({ name: 'app', language: 'java', ...raw }, app)
const dotnet = (app: AppFacts) => retrofit({ name: 'app', language: 'dotnet' }, { appProject: 'src/Api/Api.csproj', assembly: 'Api.dll', ...app })
const TCP = { liveness: null, readiness: null }

describe('Go retrofit', () => {
  it('copies exactly the module files; without go.sum the build may record sums (-mod=mod) and says why', () => {
    const r = go({ installFiles: ['go.mod'], unlocked: true })
    expect(r.copies('build')[0]).toBe('go.mod ./')
    expect(r.copies('source')[0]).toBe('go.mod ./')
    expect(r.env('build')).toContain('GOFLAGS=-mod=mod')
    expect(r.env('source')).toContain('GOFLAGS=-mod=mod')
    expect(r.text).toMatch(/^# No go\.sum in the app/m)
    // The dev/test image records the sums as root: the app user cannot write go.sum.
    const runs = r.stage('source').body.map((i) => `${i.keyword} ${i.args}`)
    expect(runs.indexOf('RUN go list -deps -test ./... > /dev/null')).toBeLessThan(runs.indexOf('USER 1000:1000'))
  })

  it('with go.sum: the exact pair, verified, no -mod=mod', () => {
    const r = go({ installFiles: ['go.mod', 'go.sum'] })
    expect(r.copies('build')[0]).toBe('go.mod go.sum ./')
    expect(r.text).not.toContain('-mod=mod')
  })

  it('a health route: a static stdlib probe compiled in its own stage GETs it on the app’s port variable', () => {
    const r = go({ health: { liveness: '/health', readiness: '/ready' }, portEnv: 'HTTP_PORT' })
    expect(r.stage('healthcheck').from).toBe('${GO_IMAGE}')
    expect(r.runs('healthcheck').at(-1)).toMatch(/CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build .* -o \/out\/healthcheck main\.go$/)
    expect(r.heredocs.get('main.go')).toContain('os.Getenv("HTTP_PORT")')
    expect(r.copies('prod')).toContain('--from=healthcheck /out/healthcheck /app/healthcheck')
    expect(r.probe()).toEqual(['/app/healthcheck', '/health'])
    expect(r.env('prod')).toBe('HTTP_PORT=8080')
  })

  it('no health route: the same probe with no path opens a TCP connection', () => {
    expect(go({ health: TCP }).probe()).toEqual(['/app/healthcheck'])
  })


  it('run-time folders beside the binary, in its working directory; none: no WORKDIR', () => {
    const r = go({ runtimePaths: ['templates', 'migrations/'] })
    const prod = r.stage('prod').body.map((i) => `${i.keyword} ${i.args}`)
    expect(prod).toEqual(expect.arrayContaining(['WORKDIR /app', 'COPY templates ./templates', 'COPY migrations ./migrations']))
    expect(prod.indexOf('WORKDIR /app')).toBeLessThan(prod.indexOf('COPY templates ./templates'))
    expect(go({}).stage('prod').body.some((i) => i.keyword === 'WORKDIR')).toBe(false)
  })

  it('an embedded UI is built before the compiler needs it (build and dev images), and not shipped again', () => {
    const r = go({ ui: { dir: 'ui', packageManager: 'yarn', installFiles: ['package.json', 'yarn.lock', '.yarnrc.yml'], script: 'build', output: 'ui/dist', embedded: true } })
    expect(binds(r.runs('ui').find((x) => x.includes('yarn install'))!)).toEqual(['ui/package.json', 'ui/yarn.lock', 'ui/.yarnrc.yml'])
    const build = r.stage('build').body.map((i) => `${i.keyword} ${i.args}`)
    expect(build.indexOf('COPY --from=ui /app/ui/dist ./ui/dist')).toBeLessThan(build.findIndex((x) => x.includes('go build')))
    expect(r.copies('source')).toContain('--from=ui /app/ui/dist ./ui/dist')
    expect(r.copies('prod').some((c) => c.includes('--from=ui'))).toBe(false)
  })

  it('a UI the server reads from disk ships in its working directory', () => {
    const r = go({ ui: { dir: 'web', packageManager: 'npm', installFiles: ['package.json'], script: 'build', output: 'web/build' } })
    expect(r.copies('prod')).toContain('--from=ui /app/web/build ./web/build')
    expect(r.stage('prod').body).toContainEqual(expect.objectContaining({ keyword: 'WORKDIR', args: '/app' }))
    expect(command(r.runs('ui').find((x) => x.includes('npm'))!)).toBe('npm install')
  })
})

describe('Rust retrofit', () => {
  it('builds the whole crate, its binary alone, --locked only with a Cargo.lock', () => {
    const locked = rust({ installFiles: ['Cargo.toml', 'Cargo.lock'] })
    expect(locked.copies('build')[0]).toBe('. .')
    expect(command(locked.runs('build')[0]!)).toContain('cargo build --release --locked --bin api --target "${target}"')
    const unlocked = rust({ installFiles: ['Cargo.toml'], unlocked: true })
    expect(command(unlocked.runs('build')[0]!)).toContain('cargo build --release --bin api --target "${target}"')
    expect(unlocked.runs('source')).toContain('cargo fetch && cargo build --locked --tests')
    expect(unlocked.text).toMatch(/^# No Cargo\.lock in the app/m)
  })

  it('a std-only probe compiled with rustc for the target, on the app’s port variable: route or TCP', () => {
    const r = rust({ health: { liveness: '/api/health', readiness: '/api/health' }, portEnv: 'APP_PORT' })
    expect(r.stage('healthcheck').from).toBe('toolchain')
    expect(r.runs('healthcheck').at(-1)).toMatch(/rustc --edition 2021 -O -C strip=symbols --target "\$\{target\}" -C linker=.* -o \/usr\/local\/bin\/healthcheck \/healthcheck\/main\.rs$/)
    expect(r.heredocs.get('/healthcheck/main.rs')).toContain('std::env::var("APP_PORT")')
    expect(r.heredocs.get('/healthcheck/main.rs')).not.toMatch(/extern crate|^use (?!std)/m)
    expect(r.probe()).toEqual(['/usr/local/bin/healthcheck', '/api/health'])
    expect(rust({ health: TCP }).probe()).toEqual(['/usr/local/bin/healthcheck'])
    expect(r.copies('prod')).toContain('--from=healthcheck /usr/local/bin/healthcheck /usr/local/bin/healthcheck')
  })

  it('run-time files and a served UI in the working directory of the distroless image', () => {
    const r = rust({ runtimePaths: ['config'], ui: { dir: 'frontend', packageManager: 'bun', installFiles: ['package.json', 'bun.lockb'], script: 'build', output: 'frontend/dist' } })
    const prod = r.stage('prod').body.map((i) => `${i.keyword} ${i.args}`)
    expect(prod).toEqual(expect.arrayContaining(['WORKDIR /app', 'COPY config ./config', 'COPY --from=ui /app/frontend/dist ./frontend/dist']))
    expect(r.stage('ui-bun').from).toBe('oven/bun:${BUN_VERSION}-slim')
    expect(binds(r.runs('ui').find((x) => x.includes('bun install'))!)).toEqual(['frontend/package.json', 'frontend/bun.lockb'])
    expect(r.copies('build')).toContain('--from=ui /app/frontend/dist ./frontend/dist')
  })
})

describe('Rust retrofit: a Cargo workspace member', () => {
  const member: AppFacts = {
    binary: 'bookmarks-api',
    buildContext: '../..',
    memberDir: 'crates/api',
    workspacePackage: 'api',
    installFiles: ['Cargo.toml', 'Cargo.lock', 'crates/api/Cargo.toml', 'crates/entity/Cargo.toml'],
    runtimePaths: ['config'],
    health: { liveness: '/health', readiness: '/health' },
  }
  const r = rust(member)

  it('builds its package and binary alone at the workspace root, locked to the root’s Cargo.lock', () => {
    expect(r.copies('build')[0]).toBe('. .')
    expect(command(r.runs('build')[0]!)).toContain('cargo build --release --locked --package api --bin bookmarks-api --target "${target}"')
    expect(r.runs('build')[0]).toContain('--mount=type=cache,target=/app/target')
    expect(r.copies('prod')[0]).toBe('--from=build /usr/local/bin/bookmarks-api /usr/local/bin/bookmarks-api')
    expect(r.cmd('prod')).toEqual(['/usr/local/bin/bookmarks-api'])
  })

  it('the prod image takes the run-time files from the member’s folder into its working directory', () => {
    const prod = r.stage('prod').body.map((i) => `${i.keyword} ${i.args}`)
    expect(prod).toEqual(expect.arrayContaining(['WORKDIR /app', 'COPY crates/api/config ./config']))
    expect(r.ignore.at(-1)).toBe('!crates/api/config')
  })

  it('dev and test build, run and test the package from the member’s folder', () => {
    expect(r.runs('source')).toContain('cargo fetch --locked && cargo build --locked --tests --package api')
    const source = r.stage('source').body.map((i) => `${i.keyword} ${i.args}`)
    expect(source.at(-1)).toBe('WORKDIR /app/crates/api')
    expect(r.cmd('dev')).toEqual(['cargo', 'watch', '--watch', 'src', '--watch', 'Cargo.toml', '--exec', 'run --locked --package api --bin bookmarks-api'])
    expect(r.cmd('test')).toEqual(['cargo', 'test', '--frozen', '--package', 'api'])
  })

  it('its ignore file sits beside the Dockerfile, for the workspace root (every crate’s target/)', () => {
    expect(r.byPath.has('Dockerfile.dockerignore')).toBe(true)
    expect(r.byPath.has('.dockerignore')).toBe(false)
    expect(r.ignore).toContain('**/target')
  })

  it('a UI the member embeds lands beside its crate in the build and dev images', () => {
    const ui = rust({ ...member, ui: { dir: 'ui', packageManager: 'npm', installFiles: ['package.json', 'package-lock.json'], script: 'build', output: 'ui/dist', embedded: true } })
    expect(ui.copies('build')).toContain('--from=ui /app/ui/dist ./crates/api/ui/dist')
    expect(ui.copies('source')).toContain('--chown=1000:1000 --from=ui /app/ui/dist ./crates/api/ui/dist')
    expect(binds(ui.runs('ui').find((x) => x.includes('npm ci'))!)).toEqual(['crates/api/ui/package.json', 'crates/api/ui/package-lock.json'])
  })

  it('a crate of its own: no --package, no member folder', () => {
    const own = rust({ installFiles: ['Cargo.toml', 'Cargo.lock'], workspacePackage: 'api' })
    expect(command(own.runs('build')[0]!)).not.toContain('--package')
    expect(own.stage('source').body.some((i) => i.keyword === 'WORKDIR' && i.args !== '/app')).toBe(false)
  })
})

describe('Java retrofit', () => {
  it('mounts the build files that exist, in the deps and dev images', () => {
    const r = java({ installFiles: ['build.gradle.kts', 'settings.gradle.kts', 'gradle/libs.versions.toml'] }, { packageManager: 'gradle-kotlin' })
    expect(binds(r.runs('deps')[0]!)).toEqual(['build.gradle.kts', 'settings.gradle.kts', 'gradle/libs.versions.toml'])
    expect(binds(r.runs('source').find((x) => x.includes('dependencies'))!)).toEqual(['build.gradle.kts', 'settings.gradle.kts', 'gradle/libs.versions.toml'])
  })

  it('Maven without the wrapper: Maven’s own image and `mvn`, never a mount or call of a missing mvnw', () => {
    const r = java({ installFiles: ['pom.xml'] }, { packageManager: 'maven' })
    expect(r.global.map((i) => i.args)).toContain('MAVEN_IMAGE=maven:${MAVEN_VERSION}-eclipse-temurin-25-noble')
    expect(r.stage('toolchain').from).toBe('${MAVEN_IMAGE}')
    expect(r.stage('source').from).toBe('${MAVEN_IMAGE}')
    expect(binds(r.runs('deps')[0]!)).toEqual(['pom.xml'])
    expect(command(r.runs('deps')[0]!)).toBe('mvn -B -ntp dependency:go-offline')
    expect(r.text.split('\n').filter((l) => !l.startsWith('#')).join('\n')).not.toMatch(/mvnw|JDK_IMAGE/)
    // With the wrapper, as a new service: the JDK image and ./mvnw.
    const wrapped = java({ installFiles: ['pom.xml', 'mvnw', '.mvn/wrapper/maven-wrapper.properties'] }, { packageManager: 'maven' })
    expect(wrapped.stage('toolchain').from).toBe('${JDK_IMAGE}')
    expect(command(wrapped.runs('deps')[0]!)).toBe('sh ./mvnw -B -ntp dependency:go-offline')
  })

  it('the inline HealthCheck class asks the app’s route on its port variable', () => {
    const r = java({ health: { liveness: '/actuator/health', readiness: '/actuator/health/readiness' }, portEnv: 'SERVER_PORT' })
    const src = r.heredocs.get('HealthCheck.java')!
    expect(src).toContain('"/actuator/health"')
    expect(src).toContain('getOrDefault("SERVER_PORT", "8080")')
    expect(r.env('prod')).toContain('SERVER_PORT=8080')
    expect(setsVar(r.env('prod'), 'PORT')).toBe(false)
  })

  it('no route: the class only opens a TCP connection', () => {
    const src = java({ health: TCP }).heredocs.get('HealthCheck.java')!
    expect(src).toContain('socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), 2000)')
    expect(src).not.toContain('HttpURLConnection')
  })

  it('Quarkus sets its own variables: the app’s QUARKUS_HTTP_PORT is not written twice', () => {
    const env = java({ portEnv: 'QUARKUS_HTTP_PORT' }, { framework: 'quarkus' }).env('prod')
    expect(env.match(/QUARKUS_HTTP_PORT=/g)).toHaveLength(1)
  })

  it('files the app opens from its working directory come beside the jar', () => {
    expect(java({ runtimePaths: ['config'] }).copies('prod')).toContain('config ./config')
  })
})

describe('.NET retrofit', () => {
  it('a probe published in the SDK stage (no NuGet packages) runs on the chiseled runtime: route or TCP', () => {
    const r = dotnet({ health: { liveness: '/health', readiness: '/health' } })
    expect(r.stage('healthcheck').from).toBe('${SDK_IMAGE}')
    expect(r.heredocs.get('HealthCheck.csproj')).not.toContain('PackageReference')
    expect(r.heredocs.get('HealthCheck.csproj')).toContain('<TargetFramework>net10.0</TargetFramework>')
    expect(r.heredocs.get('Program.cs')).toContain('Environment.GetEnvironmentVariable("PORT")')
    expect(r.runs('healthcheck')).toEqual(['dotnet publish HealthCheck.csproj -c Release -o /out/healthcheck'])
    expect(r.copies('prod')).toContain('--link --from=healthcheck /out/healthcheck/ /opt/healthcheck/')
    expect(r.probe()).toEqual(['dotnet', '/opt/healthcheck/HealthCheck.dll', '/health'])
    expect(dotnet({ health: TCP }).probe()).toEqual(['dotnet', '/opt/healthcheck/HealthCheck.dll'])
  })

  it('the app’s port variable: ASPNETCORE_HTTP_PORTS is set once, another is set beside it', () => {
    expect(dotnet({ portEnv: 'ASPNETCORE_HTTP_PORTS' }).env('prod').match(/ASPNETCORE_HTTP_PORTS=/g)).toHaveLength(1)
    const env = dotnet({ portEnv: 'API_PORT' }).env('prod')
    expect(env).toContain('API_PORT=8080')
    expect(env).toContain('ASPNETCORE_HTTP_PORTS=8080')
  })

  it('a project of a solution: its files from the solution root, and the ignore file beside the Dockerfile', () => {
    const r = dotnet({ appProject: 'src/Web/Web.csproj', buildContext: '../..', memberDir: 'src/Web', runtimePaths: ['Data/seed.json'] })
    expect(r.runs('build')[0]).toContain('dotnet publish src/Web/Web.csproj')
    expect(r.copies('prod')).toContain('--link src/Web/Data/seed.json ./Data/seed.json')
    expect(r.byPath.has('Dockerfile.dockerignore')).toBe(true)
    expect(r.ignore.at(-1)).toBe('!src/Web/Data/seed.json')
  })
})

describe('new services keep their starter apps’ own check modes', () => {
  it.each([
    ['go', ['/app/server', '-healthcheck']],
    ['rust', ['/usr/local/bin/server', '--healthcheck']],
    ['dotnet', ['dotnet', 'App.dll', '--healthcheck']],
  ])('%s: no probe stage, the binary checks itself', (language, probe) => {
    const text = renderMap(validateAnswers({ name: 'svc', language })).get('Dockerfile')!
    const { stages } = parseWithHeredocs(text)
    expect(stages.some((s) => s.name === 'healthcheck')).toBe(false)
    const hc = stages.at(-1)!.body.find((i) => i.keyword === 'HEALTHCHECK')!.args
    expect(JSON.parse(hc.slice(hc.indexOf('CMD [') + 4))).toEqual(probe)
  })
})

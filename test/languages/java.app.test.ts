import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateAnswers, type Answers } from '../../src/answers.js'
import { buildContext } from '../../src/context.js'
import { CACHES, DATABASES } from '../../src/options.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { renderMap, renderToDisk } from '../helpers/render.js'
import { parseWithHeredocs } from './retrofit-helpers.js'

// The Spring Boot starter really resolves, builds and passes its own tests with Maven (through
// its wrapper, Maven Central reachable), and the layered jar the Dockerfile assembles serves
// the contract. Every database × cache combination compiles and passes its tests too: one
// Maven build supplies the dependencies, and each combination is compiled with javac and tested
// with the JUnit console launcher (the dependency set never varies, only the probes do), which
// keeps 20 combinations within a few minutes on two cores.
//
// Gradle is not run here: its distributions come from services.gradle.org, which this machine
// cannot reach. The Gradle variants are checked by the Dockerfile suites and linters only.

const java = LANGUAGE_CHOICES.find((l) => l.id === 'java')!
const maven = java.packageManagers.find((p) => p.id === 'maven')!
const MAJOR = Number(java.defaultVersion.split('.')[0])

// Maven's local repository and the wrapper's Maven, shared by every run, outside the repo.
const M2 = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-containerized-app', 'm2')

/** The newest JDK installed here of at least `min` (JAVA_HOME or /usr/lib/jvm); fails loudly. */
function findJdk(min: number): string {
  const dirs = [process.env.JAVA_HOME, ...(existsSync('/usr/lib/jvm') ? readdirSync('/usr/lib/jvm').map((d) => join('/usr/lib/jvm', d)) : [])]
  const found = dirs
    .filter((d): d is string => !!d && existsSync(join(d, 'release')) && existsSync(join(d, 'bin', 'javac')))
    .map((d) => ({ d, major: Number(/JAVA_VERSION="(\d+)/.exec(readFileSync(join(d, 'release'), 'utf8'))?.[1] ?? 0) }))
    .filter((j) => j.major >= min)
    .sort((a, b) => b.major - a.major)
  if (!found[0]) throw new Error(`no JDK ${min} or later found (JAVA_HOME, /usr/lib/jvm): the Java starter targets Java ${min}`)
  return found[0].d
}

const JDK = findJdk(MAJOR)
// Short-lived JVMs (Maven, javac, the test runner) start faster on C1 alone with the serial GC.
const QUICK_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC']
const env = { ...process.env, JAVA_HOME: JDK, MAVEN_USER_HOME: M2, MAVEN_OPTS: QUICK_JVM.join(' '), PATH: `${join(JDK, 'bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1' }
const mvnw = (dir: string, args: string[]) =>
  execa('sh', ['./mvnw', '-B', '-ntp', `-Dmaven.repo.local=${join(M2, 'repository')}`, ...args], { cwd: dir, env, reject: false, all: true })
const run = (cmd: string, args: string[], cwd: string) => execa(join(JDK, 'bin', cmd), args, { cwd, env, reject: false, all: true })

/** Runs at most `n` bodies at once: javac and the JVMs want both cores each. */
function limiter(n: number) {
  let active = 0
  const queue: (() => void)[] = []
  return async <T>(body: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve))
    active++
    try {
      return await body()
    } finally {
      active--
      queue.shift()?.()
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

// Apps a failed assertion left running are stopped when the file is done.
const running = new Set<ChildProcess>()
afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
})

/** Starts the app, waits for /healthz; returns a fetcher and a stopper that sends SIGTERM. */
async function startApp(cwd: string, args: string[], extraEnv: Record<string, string>) {
  const port = await freePort()
  const child = spawn(join(JDK, 'bin', 'java'), args, { cwd, env: { PATH: process.env.PATH, PORT: String(port), ...extraEnv } })
  running.add(child)
  child.on('exit', () => running.delete(child))
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  const get = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init)
  // Spring starts in seconds on an idle machine; a loaded CI machine gets three minutes.
  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before answering:\n${out}${err}`)
    try {
      await get('/healthz')
      break
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`the app did not answer /healthz within 180 s:\n${out}${err}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return { port, get, stdout: () => out, stderr: () => err, stop: async () => (child.kill('SIGTERM'), exited), exited }
}

/** Each service URL pointing at a closed port: the app is alive but not ready. */
function closedUrls(answers: Answers, closed: number): Record<string, string> {
  const ctx = buildContext(answers, { name: 't', version: '0' })
  const urls: Record<string, string> = {}
  for (const s of ctx.services) {
    urls[s.urlEnv] = s.url
      .replace(/\$\{[A-Z_]+\}/g, 'x')
      .replace(/@[a-z]+:\d+/, `@127.0.0.1:${closed}`)
      .replace(/^memcached:\/\/[a-z]+:\d+/, `memcached://127.0.0.1:${closed}`)
  }
  return urls
}

/**
 * The HTTP contract, SIGTERM → 0, JSON lines, and a refused start without the URLs;
 * `whileRunning` gets the running app for extra checks.
 */
async function checkContract(answers: Answers, cwd: string, javaArgs: string[], whileRunning?: (port: number) => Promise<void>) {
  const ctx = buildContext(answers, { name: 't', version: '0' })
  const app = await startApp(cwd, javaArgs, { LOG_LEVEL: 'debug', ...closedUrls(answers, await freePort()) })
  await whileRunning?.(app.port)
  const health = await app.get('/healthz')
  expect(health.status, app.stdout() + app.stderr()).toBe(200)
  expect(await health.json()).toEqual({ status: 'ok' })
  const ready = await app.get('/readyz')
  const body = (await ready.json()) as { status: string; checks: Record<string, string> }
  if (ctx.services.length === 0) expect([ready.status, body]).toEqual([200, { status: 'ready', checks: {} }])
  else {
    expect(ready.status).toBe(503)
    expect(Object.keys(body.checks).sort()).toEqual(ctx.services.map((s) => s.id).sort())
    expect(Object.values(body.checks).every((v) => v === 'fail')).toBe(true)
  }
  const missing = await app.get('/nope')
  expect([missing.status, await missing.json()]).toEqual([404, { error: 'not found' }])
  const wrong = await app.get('/readyz', { method: 'DELETE' })
  expect(wrong.status).toBe(405)
  expect(await app.stop()).toBe(0)
  // JSON lines only on stdout (ECS), every one with a timestamp, a level and a message.
  const lines = app.stdout().trim().split('\n')
  for (const l of lines) expect(JSON.parse(l), l).toEqual(expect.objectContaining({ '@timestamp': expect.any(String), log: expect.objectContaining({ level: expect.any(String) }), message: expect.any(String) }))
  const messages = lines.map((l) => (JSON.parse(l) as { message: string }).message)
  expect(messages).toEqual(expect.arrayContaining(['shutting down', 'shutdown complete']))
  expect(messages.at(-1)).toBe('shutdown complete')
  if (ctx.services.length) {
    expect(messages).toContain('readiness check failed')
    // A missing connection URL is refused at start: one JSON line, exit code 1.
    const bad = spawn(join(JDK, 'bin', 'java'), javaArgs, { cwd, env: { PATH: process.env.PATH } })
    let out = ''
    bad.stdout.on('data', (d) => (out += d))
    expect(await new Promise((r) => bad.on('close', r))).toBe(1)
    const line = JSON.parse(out.trim()) as { message: string; problems: string[] }
    expect(line.message).toBe('invalid configuration')
    expect(line.problems).toEqual(ctx.services.map((s) => `${s.urlEnv} is required (${s.id} connection URL)`))
  }
}

/** `Tests run: N, Failures: 0, Errors: 0` of Surefire's summary, or null. */
function surefireSummary(output: string): { run: number; failed: number } | null {
  const all = [...output.matchAll(/^\[\w+\] Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: \d+$/gm)]
  const last = all.at(-1)
  return last ? { run: Number(last[1]), failed: Number(last[2]) + Number(last[3]) } : null
}

// One project under a name no lockfile or golden was generated with.
const full = validateAnswers({ name: 'zeta-ledger', language: 'java', database: 'postgres', cache: 'redis' })
let shared: string
let testClasspath: string[]
let launcher: string

beforeAll(async () => {
  mkdirSync(M2, { recursive: true })
  shared = renderToDisk(full, 'cca-java-')
  // What the Dockerfile's deps stage runs, with only the build files present.
  // The classpath for the combinations below comes out of the same run.
  const offline = await mvnw(shared, ['dependency:go-offline', 'dependency:build-classpath', '-Dmdep.includeScope=test', '-Dmdep.outputFile=classpath.txt'])
  expect(offline.exitCode, offline.all).toBe(0)
  testClasspath = readFileSync(join(shared, 'classpath.txt'), 'utf8').trim().split(':')
  // The JUnit console launcher of the JUnit Platform the starter uses (test harness only).
  const platform = testClasspath.map((p) => /junit-platform-engine-([\d.]+(?:-[\w.]+)?)\.jar$/.exec(p)?.[1]).find(Boolean)
  expect(platform).toBeDefined()
  const get = await mvnw(shared, ['dependency:copy', `-Dartifact=org.junit.platform:junit-platform-console-standalone:${platform}`, `-DoutputDirectory=${join(shared, 'harness')}`])
  expect(get.exitCode, get.all).toBe(0)
  launcher = join(shared, 'harness', `junit-platform-console-standalone-${platform}.jar`)
}, 900_000)

describe('Java starter app: Spring Boot with the Maven wrapper', () => {
  it(`./mvnw runs the pinned Maven ${maven.version} on Java ${MAJOR}`, async () => {
    const v = await mvnw(shared, ['--version'])
    expect(v.exitCode, v.all).toBe(0)
    expect(v.stdout).toContain(`Apache Maven ${maven.version}`)
    expect(readFileSync(join(shared, 'pom.xml'), 'utf8')).toContain(`<java.version>${MAJOR}</java.version>`)
  })

  it('builds with its enforcer rules and passes its own tests (mvnw verify)', async () => {
    const build = await mvnw(shared, ['verify', `-DargLine=${QUICK_JVM.join(' ')}`])
    expect(build.exitCode, build.all.slice(-6000)).toBe(0)
    expect(build.all).toMatch(/RequirePluginVersions passed/)
    expect(build.all).toMatch(/BanDynamicVersions passed/)
    const summary = surefireSummary(build.all)
    expect(summary?.failed).toBe(0)
    expect(summary?.run).toBeGreaterThanOrEqual(40)
    // No warnings from javac (no internal APIs, no deprecations) in the app's own code.
    expect(build.all).not.toMatch(/\[WARNING\] \/.*\.java/)
  }, 900_000)

  it('the layered jar, assembled like the prod image, serves the contract; the HEALTHCHECK client works', async () => {
    const jar = readdirSync(join(shared, 'target')).find((f) => f.endsWith('.jar'))!
    expect(jar).toBe('zeta-ledger-0.1.0.jar')
    const layers = mkdtempSync(join(tmpdir(), 'cca-java-layers-'))
    const extract = await run('java', ['-Djarmode=tools', '-jar', join('target', jar), 'extract', '--layers', '--launcher', '--destination', layers], shared)
    expect(extract.exitCode, extract.all).toBe(0)
    const order = ['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application']
    expect(readdirSync(layers).sort()).toEqual([...order].sort())
    const image = mkdtempSync(join(tmpdir(), 'cca-java-image-'))
    for (const layer of order) cpSync(join(layers, layer), image, { recursive: true })
    // Dependencies are the big layer; the app's own classes are a small one.
    expect(readdirSync(join(layers, 'dependencies', 'BOOT-INF', 'lib')).some((f) => f.startsWith('spring-webmvc-'))).toBe(true)
    expect(existsSync(join(layers, 'application', 'BOOT-INF', 'classes', 'com', 'example', 'app', 'Application.class'))).toBe(true)
    expect(readdirSync(join(layers, 'dependencies', 'BOOT-INF', 'lib')).some((f) => f.startsWith('spring-boot-devtools'))).toBe(false)

    // The HEALTHCHECK's client, compiled from the source the rendered Dockerfile writes.
    const dockerfile = renderMap(full).get('Dockerfile')!
    const source = parseWithHeredocs(dockerfile).heredocs.get('HealthCheck.java')!
    const hc = mkdtempSync(join(tmpdir(), 'cca-java-hc-'))
    writeFileSync(join(hc, 'HealthCheck.java'), source)
    const javac = await run('javac', ['-d', '.', 'HealthCheck.java'], hc)
    expect(javac.exitCode, javac.all).toBe(0)
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(dockerfile)![1]!) as string[]
    const healthcheck = JSON.parse(/HEALTHCHECK .* CMD (\[.*\])$/m.exec(dockerfile.replace(/\\\n\s*/g, ''))![1]!) as string[]

    const probe = (port: number) => execa(join(JDK, 'bin', 'java'), healthcheck.slice(1).map((a) => (a === '/opt/healthcheck' ? hc : a)), { env: { PORT: String(port) }, reject: false })
    let port = 0
    await checkContract(full, image, entrypoint.slice(1), async (p) => {
      port = p
      expect((await probe(port)).exitCode).toBe(0)
    })
    // Stopped: the HEALTHCHECK fails.
    expect((await probe(port)).exitCode).toBe(1)
  }, 300_000)
})

describe('Java starter app: Gradle build scripts (Gradle itself cannot run here)', () => {
  it('the Groovy DSL scripts compile with Groovy 4 (the Groovy of Gradle 9)', async () => {
    const files = renderMap(validateAnswers({ name: 'zeta-gradle', language: 'java', packageManager: 'gradle', languageVersion: '21' }))
    const dir = mkdtempSync(join(tmpdir(), 'cca-java-groovy-'))
    // Groovy resolves names at run time, so compiling checks the syntax and nothing else.
    writeFileSync(join(dir, 'build.groovy'), files.get('build.gradle')!)
    writeFileSync(join(dir, 'settings.groovy'), files.get('settings.gradle')!)
    expect(files.get('build.gradle')).toContain('JavaLanguageVersion.of(21)')
    expect(files.get('settings.gradle')).toBe("rootProject.name = 'zeta-gradle'\n")
    const groovy = '4.0.33'
    const get = await mvnw(shared, ['dependency:copy', `-Dartifact=org.apache.groovy:groovy:${groovy}`, `-DoutputDirectory=${join(shared, 'harness')}`])
    expect(get.exitCode, get.all).toBe(0)
    const compile = await run('java', ['-cp', join(shared, 'harness', `groovy-${groovy}.jar`), 'org.codehaus.groovy.tools.FileSystemCompiler', '-d', 'out', 'build.groovy', 'settings.groovy'], dir)
    expect(compile.exitCode, compile.all).toBe(0)
    const kotlin = renderMap(validateAnswers({ name: 'zeta-gradle', language: 'java', packageManager: 'gradle-kotlin' }))
    expect(kotlin.get('settings.gradle.kts')).toBe('rootProject.name = "zeta-gradle"\n')
    expect(kotlin.get('build.gradle.kts')).toContain(`JavaLanguageVersion.of(${MAJOR})`)
  }, 300_000)
})

describe('Java starter app for every database × cache (javac + JUnit console launcher)', () => {
  const limit = limiter(2)
  const combos: Answers[] = DATABASES.flatMap((database) =>
    CACHES.map((cache) => validateAnswers({ name: `j-${database}-${cache}`, language: 'java', database, cache })),
  )

  /**
   * One javac run over the main and test sources (into one folder, like the fat jar's classes
   * plus the tests), against the shared dependencies, warnings as errors. The Spring context
   * test is left out unless asked for: it is the same in every combination, the full build
   * ran it, and its test configuration must not be on the classpath the app is started from.
   */
  async function compile(dir: string, release: number, springTest = false): Promise<string> {
    const sources = ['src/main/java', 'src/test/java'].flatMap((root) =>
      readdirSync(join(dir, root), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.java') && (springTest || !f.endsWith('HttpContractTest.java')))
        .map((f) => join(root, f)),
    )
    const classes = join(dir, 'out', `classes-${release}`)
    const flags = [...QUICK_JVM.map((o) => `-J${o}`), '--release', String(release), '-parameters', '-proc:none', '-Xlint:all', '-Werror']
    const javac = await run('javac', [...flags, '-d', classes, '-cp', testClasspath.join(':'), ...sources], dir)
    expect(javac.exitCode, javac.all).toBe(0)
    cpSync(join(dir, 'src/main/resources'), classes, { recursive: true })
    return classes
  }

  it.concurrent.each(combos.map((a) => [`${a.database} + ${a.cache}`, a] as const))(
    '%s: compiles warning-free, passes its probe tests and serves its contract',
    (_n, answers) =>
      limit(async () => {
        const dir = renderToDisk(answers, 'cca-java-combo-')
        const ctx = buildContext(answers, { name: 't', version: '0' })
        const probes = readdirSync(join(dir, 'src/main/java/com/example/app/probes')).sort()
        const chosen = [ctx.database?.probe, ctx.cache?.probe].filter(Boolean).map((p) => `${p![0]!.toUpperCase()}${p!.slice(1)}Probe`)
        expect(probes).toEqual(['Probe.java', 'ServiceUrl.java', 'Wire.java', ...chosen.map((c) => `${c}.java`)].sort())
        const probeTests = readdirSync(join(dir, 'src/test/java/com/example/app/probes')).sort()
        expect(probeTests).toEqual(['FakeServer.java', 'ServiceUrlTest.java', 'WireTest.java', ...chosen.map((c) => `${c}Test.java`)].sort())

        const classes = await compile(dir, MAJOR)
        // What differs between combinations is the probes: their tests run here, against this
        // combination's own classes. Every other test is identical everywhere; the full build ran them.
        const tests = await run(
          'java',
          [...QUICK_JVM, '-jar', launcher, 'execute', '--disable-banner', '--details=summary', '--fail-if-no-tests', '--class-path', [classes, ...testClasspath].join(':'), '--scan-class-path', classes, '--include-package', 'com.example.app.probes'],
          dir,
        )
        expect(tests.exitCode, tests.all).toBe(0)
        expect(tests.stdout).toMatch(/\[\s+0 tests failed\s+\]/)
        const ran = Number(/\[\s+(\d+) tests successful\s+\]/.exec(tests.stdout)?.[1])
        // ServiceUrl and Wire tests, plus each chosen probe's own.
        expect(ran).toBeGreaterThanOrEqual(9 + (ctx.database ? 5 : 0) + (ctx.cache ? 3 : 0))

        // The packaged jar never holds DevTools: run without it, as the image does.
        const runtime = [classes, ...testClasspath.filter((p) => !/spring-boot-devtools-[^/]*\.jar$/.test(p))]
        await checkContract(answers, dir, [...QUICK_JVM, '-cp', runtime.join(':'), 'com.example.app.Application'])
      }),
    600_000,
  )

  it('the code also compiles for Java 21 and 17 (--language-version 21 or 17)', async () => {
    const dir = renderToDisk(validateAnswers({ name: 'j-older', language: 'java', languageVersion: '17', database: 'mysql', cache: 'memcached' }), 'cca-java-17-')
    expect(readFileSync(join(dir, 'pom.xml'), 'utf8')).toContain('<java.version>17</java.version>')
    await limit(async () => {
      await compile(dir, 21, true)
      await compile(dir, 17, true)
    })
  }, 600_000)
})

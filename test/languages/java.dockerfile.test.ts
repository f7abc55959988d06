import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../../src/answers.js'
import { LANGUAGE_CHOICES } from '../../src/registry/languages/index.js'
import { parseDockerfile, type Stage } from '../helpers/dockerfile.js'
import { renderMap } from '../helpers/render.js'
import { parseWithHeredocs } from './retrofit-helpers.js'

// Every framework × package manager (the two things that change the Java Dockerfile's
// shape), plus a non-default port and Java version.
const java = LANGUAGE_CHOICES.find((l) => l.id === 'java')!

/** The shared parser knows no heredocs: drop their bodies (checked separately below). */
const withoutHeredocs = (text: string): string => text.replace(/^(.*<<'?(\w+)'?.*)\n[\s\S]*?\n\2\n/gm, '$1\n')
const cases = [
  ...java.frameworks.flatMap((fw) =>
    java.packageManagers.map((pm) =>
      validateAnswers({ name: `df-${fw.id}-${pm.id}`, language: 'java', framework: fw.id, packageManager: pm.id, database: 'postgres' }),
    ),
  ),
  validateAnswers({ name: 'df-port', language: 'java', port: 9090, languageVersion: '21' }),
]

describe.each(cases.map((a) => [`${a.framework}/${a.packageManager} port ${a.port} java ${a.languageVersion}`, a] as const))(
  'Java Dockerfile practices: %s',
  (_n, answers) => {
    const files = renderMap(answers)
    const text = files.get('Dockerfile')!
    const { global, stages } = parseDockerfile(withoutHeredocs(text))
    const stage = (name: string): Stage => {
      const s = stages.find((x) => x.name === name)
      if (!s) throw new Error(`no stage ${name}`)
      return s
    }
    const pm = java.packageManagers.find((p) => p.id === answers.packageManager)!
    const maven = pm.id === 'maven'
    const quarkus = answers.framework === 'quarkus'
    const major = answers.languageVersion.split(/[._]/)[0]!
    const prod = stage('prod')
    const runs = (name: string) => stage(name).body.filter((i) => i.keyword === 'RUN').map((i) => i.args)

    it('targets the current Dockerfile syntax and fails the build on check warnings', () => {
      expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1')
      expect(text).toMatch(/^# check=error=true$/m)
    })

    it('pins every base image through ARGs (Temurin on Ubuntu noble), never latest', () => {
      expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `JAVA_VERSION=${answers.languageVersion}` }))
      expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'JRE_IMAGE=eclipse-temurin:${JAVA_VERSION}-jre-noble' }))
      if (maven) expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: 'JDK_IMAGE=eclipse-temurin:${JAVA_VERSION}-jdk-noble' }))
      else {
        expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `GRADLE_VERSION=${pm.version}` }))
        expect(global).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: `GRADLE_IMAGE=gradle:\${GRADLE_VERSION}-jdk${major}-noble` }))
      }
      const external = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from)
      for (const from of external) expect(['${JDK_IMAGE}', '${GRADLE_IMAGE}', '${JRE_IMAGE}']).toContain(from)
      expect(text).not.toMatch(/:latest\b/)
    })

    it('has named dev, test and prod targets, with prod last (the default build)', () => {
      for (const n of ['toolchain', 'healthcheck', 'deps', 'build', 'source', 'dev', 'test', 'prod']) expect(stages.map((s) => s.name)).toContain(n)
      expect(stages.at(-1)!.name).toBe('prod')
    })

    it('runs the build stages on the build platform (bytecode is portable), the rest on the target', () => {
      expect(text).toMatch(new RegExp(`^FROM --platform=\\$BUILDPLATFORM \\$\\{${maven ? 'JDK' : 'GRADLE'}_IMAGE\\} AS toolchain$`, 'm'))
      for (const name of ['healthcheck', 'deps']) expect(stage(name).from).toBe('toolchain')
      expect(stage('build').from).toBe('deps')
      expect(text).not.toMatch(/^FROM --platform=\S+ \$\{JRE_IMAGE\}/m)
    })

    it('resolves dependencies from the build files alone, with a cache mount, before any source copy', () => {
      const [run] = runs('deps')
      for (const m of pm.manifests) expect(run).toContain(`--mount=type=bind,source=${m},target=/app/${m}`)
      expect(run).toContain(`--mount=type=cache,target=${pm.cacheDir}`)
      expect(run).toContain(pm.install)
      expect(pm.install).toMatch(maven ? /^sh \.\/mvnw -B -ntp dependency:go-offline$/ : /^gradle --no-daemon dependencies$/)
      expect(stage('deps').body.some((i) => i.keyword === 'COPY')).toBe(false)
      expect(stage('build').body.map((i) => i.keyword)).toEqual(['COPY', 'RUN'])
      expect(runs('build')[0]).toContain(`--mount=type=cache,target=${pm.cacheDir}`)
      // Maven through its wrapper (`sh`: works whatever the file mode), Gradle from its image.
      expect(runs('build')[0]).toMatch(maven ? /^--mount=\S+\s+sh \.\/mvnw / : /^--mount=\S+\s+gradle --no-daemon /)
    })

    it('packages without tests and copies the app in layers, dependencies first, owned by root', () => {
      const copies = prod.body.filter((i) => i.keyword === 'COPY').map((i) => i.args)
      expect(copies[0]).toBe('--from=healthcheck /healthcheck/HealthCheck.class /opt/healthcheck/')
      if (quarkus) {
        const dir = `/app/${maven ? 'target' : 'build'}/quarkus-app`
        expect(copies.slice(1)).toEqual([`--from=build ${dir}/lib/ ./lib/`, `--from=build ${dir}/*.jar ./`, `--from=build ${dir}/app/ ./app/`, `--from=build ${dir}/quarkus/ ./quarkus/`])
        expect(runs('build')[0]).toMatch(maven ? /mvnw -B -ntp package -DskipTests$/ : /gradle --no-daemon quarkusBuild$/)
      } else {
        expect(copies.slice(1)).toEqual(['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application'].map((l) => `--from=build /layers/${l}/ ./`))
        expect(runs('build')[0]!.replace(/\s+/g, ' ')).toMatch(
          new RegExp(`${maven ? 'mvnw -B -ntp package -DskipTests' : 'gradle --no-daemon bootJar'} && java -Djarmode=tools -jar ${maven ? 'target' : 'build/libs'}/\\*\\.jar extract --layers --launcher --destination /layers$`),
        )
      }
      expect(copies.some((c) => c.includes('--chown'))).toBe(false)
      // No build tool, source tree or caches in the runtime image.
      expect(prod.from).toBe('${JRE_IMAGE}')
      expect(prod.body.some((i) => i.keyword === 'RUN')).toBe(false)
    })

    it('runs as a fixed non-root UID with an exec-form ENTRYPOINT, container-aware memory, the real port and a HEALTHCHECK', () => {
      const user = prod.body.filter((i) => i.keyword === 'USER').at(-1)!
      expect(user.args).toMatch(/^[1-9]\d*:[1-9]\d*$/)
      const entrypoint = JSON.parse(prod.body.find((i) => i.keyword === 'ENTRYPOINT')!.args) as string[]
      expect(entrypoint[0]).toBe('java')
      expect(entrypoint).toContain('-XX:MaxRAMPercentage=75.0')
      expect(entrypoint).toContain('-XX:+ExitOnOutOfMemoryError')
      expect(entrypoint.slice(-2)).toEqual(quarkus ? ['-jar', 'quarkus-run.jar'] : ['-XX:+ExitOnOutOfMemoryError', 'org.springframework.boot.loader.launch.JarLauncher'])
      expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: String(answers.port) }))
      expect(prod.body).toContainEqual(expect.objectContaining({ keyword: 'ENV', args: expect.stringContaining(`PORT=${answers.port}`) }))
      const hc = prod.body.find((i) => i.keyword === 'HEALTHCHECK')!
      expect(hc.args).toMatch(/--interval=\S+ --timeout=\S+ .*CMD \[/)
      expect(JSON.parse(hc.args.slice(hc.args.indexOf('CMD ') + 4))).toEqual(['java', '-XX:+UseSerialGC', '-Xmx16m', '-XX:TieredStopAtLevel=1', '-cp', '/opt/healthcheck', 'HealthCheck'])
      // The health client, written by printf (Podman 4 has no heredocs), probes /healthz on $PORT.
      expect(parseWithHeredocs(text).heredocs.get('HealthCheck.java')).toMatch(/getOrDefault\("PORT", "\d+"\)[\s\S]*\/healthz/)
      expect(runs('healthcheck')).toHaveLength(1)
      expect(runs('healthcheck')[0]).toMatch(/>HealthCheck\.java\s+&& javac -d \. HealthCheck\.java$/)
    })

    it('dev and test run as UID 1000 with exec-form CMDs, dependencies resolved into the image', () => {
      const source = stage('source')
      expect(source.body.find((i) => i.keyword === 'USER')!.args).toBe('1000:1000')
      expect(source.body.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toEqual(['--chown=1000:1000 . .'])
      const resolve = runs('source').at(-1)!
      for (const m of pm.manifests) expect(resolve).toContain(`--mount=type=bind,source=${m},target=/app/${m}`)
      expect(resolve).toContain(pm.install)
      const dev = JSON.parse(stage('dev').body.find((i) => i.keyword === 'CMD')!.args) as string[]
      const test = JSON.parse(stage('test').body.find((i) => i.keyword === 'CMD')!.args) as string[]
      expect(test).toEqual(maven ? ['sh', './mvnw', '-B', '-ntp', 'test'] : ['gradle', '--no-daemon', 'test'])
      if (quarkus) expect(dev).toContain(maven ? 'quarkus:dev' : 'quarkusDev')
      else expect(dev.join(' ')).toContain(maven ? 'spring-boot:run' : 'bootRun')
      expect(dev.join(' ')).toContain(String(java.dev.debugPort))
      expect(stage('dev').body).toContainEqual(expect.objectContaining({ keyword: 'EXPOSE', args: `${answers.port} ${java.dev.debugPort}` }))
    })

    it('carries OCI labels last and keeps secrets out of ENV and ARG', () => {
      const last = prod.body.at(-1)!
      expect(last.keyword).toBe('LABEL')
      for (const k of ['title', 'version', 'revision', 'base.name']) expect(last.args).toContain(`org.opencontainers.image.${k}=`)
      const all = [...global, ...stages.flatMap((s) => s.body)].filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
      for (const i of all) expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE)/i)
    })

    it('.dockerignore drops build output, VCS, secrets and deploy files but keeps what the build needs', () => {
      const ignore = files.get('.dockerignore')!.split('\n').filter((l) => l && !l.startsWith('#'))
      for (const p of ['.git', 'target', 'build', '.gradle', '**/.env', '**/.env.*', '!.env.example', '!.env.sample', 'compose*.yaml', '.containerized', '.idea']) expect(ignore).toContain(p)
      const needed = [...pm.manifests, '.mvn', 'src', 'src/test', 'gradle']
      for (const n of needed) expect(ignore.some((p) => p === n || p === `${n}*` || (p.endsWith('*') && n.startsWith(p.slice(0, -1))))).toBe(false)
    })

    it('the starter (Spring Boot only) ships exactly the chosen build files', () => {
      const buildFiles = ['pom.xml', 'mvnw', 'mvnw.cmd', '.mvn/wrapper/maven-wrapper.properties', 'build.gradle', 'settings.gradle', 'build.gradle.kts', 'settings.gradle.kts']
      const shipped = buildFiles.filter((f) => files.has(f))
      if (quarkus) expect(shipped).toEqual([])
      else {
        for (const m of pm.manifests) expect(shipped).toContain(m)
        expect(shipped.length).toBe(maven ? 4 : 2)
      }
    })
  },
)

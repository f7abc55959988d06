import { commonContract, portEnv, relPath, runtimeCopies } from './contract.js'
import type { FrameworkChoice, LanguageChoice, PackageManagerChoice, TemplateDataInput } from './types.js'
import { cacheOf } from './cache-mounts.js'

// Pinned tool versions; templates/java/app/PINS.md says where each comes from.
const MAVEN_VERSION = '3.9.16'
const GRADLE_VERSION = '9.8.0'
const DEBUG_PORT = 5005

const PACKAGE_MANAGERS: readonly PackageManagerChoice[] = [
  {
    id: 'maven',
    label: 'Maven (wrapper)',
    available: true,
    // The Maven that ./mvnw downloads (.mvn/wrapper/maven-wrapper.properties).
    version: MAVEN_VERSION,
    manifests: ['pom.xml', 'mvnw', '.mvn/wrapper/maven-wrapper.properties'],
    // Maven's local repository and the wrapper's Maven distributions.
    ...cacheOf('/root/.m2'),
    install: 'sh ./mvnw -B -ntp dependency:go-offline',
    installProd: 'sh ./mvnw -B -ntp package -DskipTests',
  },
  {
    id: 'gradle',
    label: 'Gradle (Groovy DSL)',
    available: true,
    // The Gradle of the official `gradle` image the Dockerfile builds with.
    version: GRADLE_VERSION,
    manifests: ['build.gradle', 'settings.gradle'],
    ...cacheOf('/home/gradle/.gradle'),
    install: 'gradle --no-daemon dependencies',
    installProd: 'gradle --no-daemon assemble',
  },
  {
    id: 'gradle-kotlin',
    label: 'Gradle (Kotlin DSL)',
    available: true,
    version: GRADLE_VERSION,
    manifests: ['build.gradle.kts', 'settings.gradle.kts'],
    ...cacheOf('/home/gradle/.gradle'),
    install: 'gradle --no-daemon dependencies',
    installProd: 'gradle --no-daemon assemble',
  },
]

const FRAMEWORKS: readonly FrameworkChoice[] = [
  { id: 'spring-boot', label: 'Spring Boot', available: true, starter: 'java/app' },
  // Container files for an existing Quarkus project (fast-jar packaging).
  { id: 'quarkus', label: 'Quarkus', available: true, starter: null },
]

/** Exec-form argv of the dev and test targets, and the paths the Dockerfile copies. */
function templateData({ languageVersion, packageManager, framework, app = {} }: TemplateDataInput): Record<string, unknown> {
  const maven = packageManager.id === 'maven'
  const quarkus = framework.id === 'quarkus'
  const javaMajor = languageVersion.split(/[._]/)[0]!
  // An existing Maven project without the wrapper builds with the Maven of the official image.
  const mavenWrapper = maven && (app.installFiles === undefined || app.installFiles.some((f) => relPath(f) === 'mvnw'))
  const mvn = mavenWrapper ? 'sh ./mvnw' : 'mvn'
  const tool = maven ? [...mvn.split(' '), '-B', '-ntp'] : ['gradle', '--no-daemon']
  const jdwp = `-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:${DEBUG_PORT}`

  let dev: string[]
  if (quarkus) {
    // Quarkus dev mode recompiles and reloads on the next request after a change.
    dev = [...tool, ...(maven ? ['quarkus:dev'] : ['quarkusDev']), '-Dquarkus.http.host=0.0.0.0', `-Ddebug=${DEBUG_PORT}`, '-DdebugHost=0.0.0.0']
  } else if (maven) {
    // Spring Boot DevTools restarts the app when target/classes changes; Maven has no watch
    // mode, so a loop recompiles whenever a synced file under src/main is newer than the last
    // compile.
    const loop =
      `${mvn} -B -ntp -q compile || exit 1; touch target/.compiled; ` +
      '(while sleep 2; do if [ -n "$(find src/main -newer target/.compiled -print -quit)" ]; then ' +
      `touch target/.compiled; ${mvn} -B -ntp -q compile; fi; done) & ` +
      `exec ${mvn} -B -ntp spring-boot:run -Dspring-boot.run.jvmArguments=${jdwp}`
    dev = ['sh', '-c', loop]
  } else {
    // Gradle's continuous build recompiles on change; DevTools restarts the app.
    dev = ['sh', '-c', `gradle --no-daemon -q --continuous classes & exec gradle --no-daemon bootRun -PdebugPort=${DEBUG_PORT}`]
  }

  const out = maven ? 'target' : 'build'
  const common = commonContract(app, quarkus && app.hostEnv === 'QUARKUS_HTTP_HOST' ? { hostEnv: null } : {})
  return {
    ...common,
    // Quarkus's own variable is set below in any case: the app's, when another, beside it.
    envPort: quarkus && portEnv(app) === 'QUARKUS_HTTP_PORT' ? 'PORT' : common.portEnv,
    // The build files mounted before the source: the app's own, as they exist.
    mounts: (app.installFiles ?? packageManager.manifests).map(relPath).filter((f): f is string => f !== null),
    // The jar holds the code and resources; files the app opens from its working directory come beside it.
    runtimeCopies: runtimeCopies(app),
    javaMajor,
    maven,
    mavenWrapper,
    // The build image: the JDK (Maven comes from ./mvnw), Maven's own image, or Gradle's.
    toolImage: mavenWrapper ? 'JDK_IMAGE' : maven ? 'MAVEN_IMAGE' : 'GRADLE_IMAGE',
    toolFrom: mavenWrapper ? '${JDK_IMAGE}' : maven ? '${MAVEN_IMAGE}' : '${GRADLE_IMAGE}',
    install: maven ? `${mvn} -B -ntp dependency:go-offline` : packageManager.install,
    quarkus,
    tool: tool.join(' '),
    // Compiles and packages without running the tests (the test target runs them).
    package: maven ? `${mvn} -B -ntp package -DskipTests` : quarkus ? 'gradle --no-daemon quarkusBuild' : 'gradle --no-daemon bootJar',
    jarGlob: maven ? 'target/*.jar' : 'build/libs/*.jar',
    quarkusApp: `${out}/quarkus-app`,
    commands: { dev, test: [...tool, 'test'] },
  }
}

/** Java / Kotlin on the JVM: Spring Boot starter app (Maven), Quarkus container files. */
export const JAVA: LanguageChoice = {
  id: 'java',
  label: 'Java / Kotlin',
  available: true,
  defaultPort: 8080,
  dev: { debugPort: DEBUG_PORT, environment: {}, sync: ['src'] },
  // Eclipse Temurin image tag: the current LTS (Java 25), pinned to the update and build.
  defaultVersion: '25.0.4.1_1',
  // `25`, `21`, or an exact Temurin tag such as `25.0.4.1_1` or `21.0.8_9`.
  versionPattern: /^(1[7-9]|[2-9]\d)(\.\d+\.\d+(\.\d+)?_\d+)?$/,
  versionHint: 'a Java version (17 or later) as Eclipse Temurin tags it, such as 25, 21 or 25.0.4.1_1',
  templateData,
  packageManagers: PACKAGE_MANAGERS,
  frameworks: FRAMEWORKS,
}

import type { Dependency } from '../backing.js'
import type { Folder } from '../repo.js'
import type { DetectionWarning, Evidence, PortFinding } from '../types.js'
import { configLeaves } from '../config-files.js'
import { firstVersion, toolVersionFiles, type RawVersion } from '../versions.js'
import { found, type LanguageRule, type ProjectFindings } from './types.js'

/** `server.port` (Spring) or `quarkus.http.port`, from properties or YAML, a production profile first. */
function configPort(f: Folder): PortFinding | undefined {
  const files = f.find(/^src\/main\/resources\/application(?:-prod)?\.(?:properties|ya?ml)$/).sort((a, b) => Number(!a.includes('-prod')) - Number(!b.includes('-prod')) || a.localeCompare(b))
  for (const file of files) {
    const text = f.read(file) ?? ''
    const pairs: [string, string][] = /\.properties$/.test(file) ? [...text.matchAll(/^\s*([\w.-]+)\s*[=:]\s*(.*?)\s*$/gm)].map((m) => [m[1]!, m[2]!]) : configLeaves(file, text)
    for (const [key, value] of pairs) {
      if (!/^(?:server\.port|quarkus\.http\.port)$/.test(key)) continue
      const m = /^\$\{(\w+):(\d{2,5})\}$|^(\d{2,5})$/.exec(value.replace(/^["']|["']$/g, ''))
      if (!m) continue
      const port = Number(m[2] ?? m[3])
      return { value: port, confidence: 'high', evidence: [{ file: f.path(file), reason: m[1] ? `${key} from ${m[1]}, default ${port}` : `${key} ${port}` }], ...(m[1] ? { env: m[1] } : {}) }
    }
  }
  return undefined
}

/** Maven's dependencies (not dependencyManagement's), a test or provided scope flagged. */
function mavenDeps(text: string, file: string): Dependency[] {
  const body = text.replace(/<dependencyManagement>[\s\S]*?<\/dependencyManagement>/g, '').replace(/<parent>[\s\S]*?<\/parent>/g, '')
  return [...body.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].flatMap((m) => {
    const g = /<groupId>([^<]+)<\/groupId>/.exec(m[1]!)?.[1]
    const a = /<artifactId>([^<]+)<\/artifactId>/.exec(m[1]!)?.[1]
    if (!g || !a) return []
    const dev = /<scope>\s*test\s*<\/scope>/.test(m[1]!)
    return [{ name: `${g}:${a}`, file, ...(dev ? { dev } : {}) }]
  })
}

/** Gradle's dependencies; test and development-only configurations flagged. */
function gradleDeps(text: string, file: string): Dependency[] {
  return [...text.matchAll(/^\s*(\w+)\s*\(?\s*(?:platform\()?["']([\w.-]+):([\w.-]+)(?::[^"']*)?["']/gm)].map((m) => {
    const dev = /^(?:test\w*|androidTest\w*|developmentOnly|testFixtures\w*|integrationTest\w*|annotationProcessor|kapt|ksp)$/.test(m[1]!)
    return { name: `${m[2]}:${m[3]}`, file, ...(dev ? { dev } : {}) }
  })
}

/** Java and Kotlin on the JVM: Maven (pom.xml) or Gradle (build.gradle[.kts]). */
export const javaRule: LanguageRule = {
  id: 'java',
  manifests: /^(?:pom\.xml|build\.gradle(?:\.kts)?)$/,
  detect(f, root) {
    const manifest = f.first('pom.xml', 'build.gradle.kts', 'build.gradle')
    if (!manifest) return undefined
    const file = f.path(manifest)
    const text = f.read(manifest) ?? ''
    const warnings: DetectionWarning[] = []
    const notes: Evidence[] = []
    const maven = manifest === 'pom.xml'
    const deps: Dependency[] = maven ? mavenDeps(text, file) : gradleDeps(text, file)
    const withoutParent = text.replace(/<parent>[\s\S]*?<\/parent>/, '')
    const name = maven ? /<artifactId>([^<]+)<\/artifactId>/.exec(withoutParent)?.[1] : /rootProject\.name\s*=\s*["']([^"']+)/.exec(f.read('settings.gradle.kts') ?? f.read('settings.gradle') ?? '')?.[1]
    const out: ProjectFindings = { language: 'java', manifest: file, strength: 1, sourceExt: /\.(?:java|kt)$/, deps, app: {}, warnings, notes, ...(name ? { name } : {}) }
    const kotlin = f.files.some((p) => p.startsWith('src/main/kotlin/'))
    if (/spring-boot-starter-parent|spring-boot-maven-plugin|org\.springframework\.boot/.test(text)) {
      out.framework = found('spring-boot', 'high', file, 'the Spring Boot plugin')
      out.defaultPort = { port: 8080, confidence: 'medium', reason: 'Spring Boot listens on 8080 unless server.port says otherwise' }
    } else if (/io\.quarkus/.test(text)) {
      out.framework = found('quarkus', 'high', file, 'the Quarkus platform')
      out.defaultPort = { port: 8080, confidence: 'medium', reason: 'Quarkus listens on 8080 unless quarkus.http.port says otherwise' }
    } else if (/<modules>|include\s*\(?\s*["']/.test(text + (f.read('settings.gradle') ?? '') + (f.read('settings.gradle.kts') ?? ''))) {
      out.notRunnable = 'a multi-module build: its modules are listed separately'
    } else out.notRunnable = 'neither Spring Boot nor Quarkus: a library or a framework this tool does not build'
    if (kotlin) out.frameworkName = `${out.framework?.value === 'quarkus' ? 'Quarkus' : 'Spring Boot'} (Kotlin)`
    if (out.framework) out.strength = 3
    out.configPort = configPort(f)
    const parent = f.dir !== root.dir ? (root.read('pom.xml') ?? root.read('settings.gradle.kts') ?? root.read('settings.gradle')) : undefined
    if (parent !== undefined && /<modules>|include/.test(parent) && out.strength > 1) {
      warnings.push({
        code: 'workspace-build',
        file: root.path(root.has('pom.xml') ? 'pom.xml' : root.has('settings.gradle.kts') ? 'settings.gradle.kts' : 'settings.gradle'),
        message: `a module of a multi-module build rooted at the repository root: the image builds ${f.dir} on its own; if it needs its parent or sibling modules, build from the root (context ., \`-pl ${f.dir} -am\` or \`:${f.dir.replace(/\//g, ':')}:bootJar\`)`,
      })
    }
    if (maven) {
      out.packageManager = found('maven', 'high', file, 'pom.xml')
      if (!f.has('mvnw')) {
        warnings.push({ code: 'no-maven-wrapper', file, message: 'no Maven wrapper (mvnw): the image builds with the official Maven image\'s pinned mvn; to build with the Maven your team uses, add the wrapper (`mvn wrapper:wrapper`) and commit mvnw and .mvn/wrapper' })
      }
      out.buildCommand = found('./mvnw -B package', 'medium', file, 'Maven')
    } else {
      out.packageManager = found(manifest.endsWith('.kts') ? 'gradle-kotlin' : 'gradle', 'high', file, manifest.endsWith('.kts') ? 'Gradle Kotlin DSL' : 'Gradle Groovy DSL')
      out.buildCommand = found('gradle build', 'medium', file, 'Gradle')
    }
    const prop = /<(java\.version|maven\.compiler\.release|maven\.compiler\.source|release)>\s*(\d+)\s*</.exec(text)
    const toolchain = /JavaLanguageVersion\.of\(\s*(\d+)\s*\)/.exec(text)
    const compat = /(?:source|target)Compatibility\s*=\s*(?:JavaVersion\.VERSION_)?["']?(\d+)/.exec(text)
    const jvmToolchain = /jvmToolchain\(\s*(\d+)\s*\)/.exec(text)
    const sdkman = /^java=([\w.+-]+)/m.exec(f.read('.sdkmanrc') ?? root.read('.sdkmanrc') ?? '')
    const cand: (RawVersion | undefined)[] = [
      sdkman ? { text: sdkman[1]!, file: f.has('.sdkmanrc') ? f.path('.sdkmanrc') : root.path('.sdkmanrc'), reason: sdkman[0] } : undefined,
      toolVersionFiles(f, 'java'),
      toolchain ? { text: toolchain[1]!, file, reason: toolchain[0] } : undefined,
      jvmToolchain ? { text: jvmToolchain[1]!, file, reason: jvmToolchain[0] } : undefined,
      prop ? { text: prop[2]!, file, reason: `<${prop[1]}>${prop[2]}` } : undefined,
      compat ? { text: compat[1]!, file, reason: compat[0] } : undefined,
    ]
    const v = firstVersion('java', cand)
    if (v.finding) out.version = v.finding
    if (v.warning) warnings.push(v.warning)
    return out
  },
}

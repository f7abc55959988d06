import type { Language } from './options.js'
import { ciToolchain } from './registry/ci-toolchains.js'
import type { FrameworkChoice, PackageManagerChoice } from './registry/languages/types.js'

/**
 * How to run the app and its tests with the language's own toolchain, without Docker, for
 * README.containers.md. Pure, and from the facts the Dockerfile and CI use: the runtime version,
 * the dev target's command (less what only a container needs: watchers installed in the image,
 * 0.0.0.0, debugger flags), and CI's install and test commands.
 */
export interface NativeRun {
  /** What to install first: the runtime at the Dockerfile's version, and the package manager's. */
  toolchain: string[]
  /** Shell lines run once per shell before the others (`export PYTHONPATH=src`). */
  env: string[]
  install: string
  run: string
  test: string
}

export interface NativeInput {
  language: Language
  languageLabel: string
  languageVersion: string
  packageManager: PackageManagerChoice
  framework: FrameworkChoice
  /** The language's template data (its commands, main package, SDK version...). */
  lang: Readonly<Record<string, unknown>>
  port: number
  /** An existing app: the dev command is the one the Dockerfile runs for it. */
  retrofit: boolean
}

const quote = (a: string) => (/^[\w./:=@%+,-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)

/** An exec-form argv as one shell line: `sh -c` scripts as they are. */
export function shellLine(argv: readonly string[]): string {
  return argv[0] === 'sh' && argv[1] === '-c' && argv[2] !== undefined ? argv[2] : argv.map(quote).join(' ')
}

type Commands = { dev?: string[]; test?: string[] }

function devCommand(i: NativeInput): string {
  const { lang, port } = i
  const commands = ((i.retrofit ? lang['retrofitCommands'] : undefined) ?? lang['commands']) as Commands | undefined
  const dev = commands?.dev ? shellLine(commands.dev) : ''
  switch (i.language) {
    case 'python': {
      const prefix: Record<string, string> = { uv: 'uv run --locked ', poetry: 'poetry run ', pipenv: 'pipenv run ' }
      return `${prefix[i.packageManager.id] ?? ''}${dev}`
    }
    case 'go':
      return `go run ${String(lang['mainPackage'])}`
    case 'java': {
      const tool = String(lang['tool'])
      const quarkus = i.framework.id === 'quarkus'
      return lang['maven'] ? `${tool} ${quarkus ? 'quarkus:dev' : 'spring-boot:run'}` : `${tool} ${quarkus ? 'quarkusDev' : 'bootRun'}`
    }
    case 'rust': {
      // The dev image runs `cargo watch --exec "<this>"`: cargo-watch is installed there only.
      const argv = commands?.dev ?? []
      const exec = argv[argv.indexOf('--exec') + 1]
      return `cargo ${exec ?? 'run --locked'}`
    }
    case 'php':
      if (i.framework.id === 'laravel') return `php artisan serve --port=${port}`
      // FrankenPHP is the image's server; PHP's own serves the same front controller.
      return i.retrofit ? `php -S 127.0.0.1:${port} -t public` : `php bin/preflight.php && php -S 127.0.0.1:${port} public/index.php`
    default:
      return dev
  }
}

export function nativeRun(i: NativeInput): NativeRun {
  const ci = ciToolchain({ language: i.language, languageVersion: i.languageVersion, packageManager: i.packageManager, framework: i.framework, lang: i.lang })
  const runtime = i.language === 'dotnet' ? `.NET SDK ${String(i.lang['sdkVersion'])}` : i.language === 'java' ? `JDK ${String(i.lang['javaMajor'])}` : `${i.languageLabel} ${i.languageVersion}`
  // Maven's wrapper fetches its own Maven.
  const pm = i.packageManager.version && !(i.packageManager.id === 'maven' && i.lang['mavenWrapper']) ? [`${i.packageManager.label.replace(/ \(.*\)$/, '')} ${i.packageManager.version}`] : []
  return {
    toolchain: [runtime, ...pm],
    env: i.language === 'python' && i.lang['srcLayout'] === true ? ['export PYTHONPATH=src'] : [],
    install: ci.install,
    run: devCommand(i),
    test: ci.test,
  }
}

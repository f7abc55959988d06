import type { Language } from '../options.js'
import type { FrameworkChoice, PackageManagerChoice } from './languages/types.js'

/**
 * How a pipeline lints and tests the app with the language's own toolchain, outside a
 * container. Commands are plain shell, run from the project root on a fresh runner.
 */
export interface CiToolchain {
  /** GitHub: the setup steps, templates/ci/github/setup/<setup>.yml (actions with caching). */
  setup: string
  /** Top-level `env:` entries the setup steps read (versions), in order. */
  versions: Readonly<Record<string, string>>
  install: string
  /** Formatting and static checks; null when the project has none by convention. */
  lint: string | null
  test: string
  /** GitLab: the job image (the same official image the Dockerfile builds from). */
  image: string
  /** GitLab: the cache, keyed by these lockfiles, and where the downloads live. */
  cacheKey: readonly string[]
  cachePaths: readonly string[]
  /** GitLab: variables that move the toolchain's caches into the project (cacheable) directory. */
  cacheVariables: Readonly<Record<string, string>>
}

export interface CiToolchainInput {
  language: Language
  languageVersion: string
  packageManager: PackageManagerChoice
  framework: FrameworkChoice
  /** The language's template data (its test argv, SDK version, Java major, ...). */
  lang: Readonly<Record<string, unknown>>
}

const argv = (lang: Readonly<Record<string, unknown>>): string[] =>
  ((lang['commands'] as { test?: string[] } | undefined)?.test ?? []).map((a) => (/^[\w./:=@-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))

function node(i: CiToolchainInput): CiToolchain {
  const pm = i.packageManager
  const run = pm.run!
  const lockfile = pm.manifests.find((m) => m !== 'package.json' && m !== '.yarnrc.yml') ?? 'package.json'
  const caches: Record<string, { path: string; vars: Record<string, string> }> = {
    npm: { path: '.npm/', vars: { npm_config_cache: '$CI_PROJECT_DIR/.npm' } },
    pnpm: { path: '.pnpm-store/', vars: { npm_config_store_dir: '$CI_PROJECT_DIR/.pnpm-store' } },
    yarn: { path: '.yarn/cache/', vars: { YARN_CACHE_FOLDER: '$CI_PROJECT_DIR/.yarn/cache' } },
    'yarn-classic': { path: '.yarn-cache/', vars: { YARN_CACHE_FOLDER: '$CI_PROJECT_DIR/.yarn-cache' } },
    bun: { path: '.bun-cache/', vars: { BUN_INSTALL_CACHE_DIR: '$CI_PROJECT_DIR/.bun-cache' } },
  }
  const c = caches[pm.id]!
  return {
    setup: `node-${pm.id}`,
    versions: {
      NODE_VERSION: i.languageVersion,
      ...(pm.id === 'bun' ? { BUN_VERSION: pm.version! } : {}),
    },
    install: pm.install,
    // The starter type-checks its tests too; framework projects bring their own lint script.
    lint: `${run} ${i.framework.starter ? 'typecheck' : 'lint'}`,
    test: `${run} test`,
    image: `node:${i.languageVersion}-trixie-slim`,
    cacheKey: [lockfile],
    cachePaths: [c.path],
    cacheVariables: c.vars,
  }
}

function python(i: CiToolchainInput): CiToolchain {
  const pm = i.packageManager
  const test = argv(i.lang).join(' ')
  const byPm: Record<string, { install: string; test: string; lock: string; tool: string | null }> = {
    uv: { install: 'uv sync --locked --no-install-project', test: `uv run --locked ${test}`, lock: 'uv.lock', tool: `uv==${pm.version}` },
    pip: { install: pm.install, test, lock: 'requirements-dev.txt', tool: null },
    poetry: { install: 'poetry install --no-root --no-interaction', test: `poetry run ${test}`, lock: 'poetry.lock', tool: `poetry==${pm.version}` },
    pipenv: { install: 'pipenv install --deploy --dev', test: `pipenv run ${test}`, lock: 'Pipfile.lock', tool: `pipenv==${pm.version}` },
  }
  const p = byPm[pm.id]!
  return {
    setup: 'python',
    versions: { PYTHON_VERSION: i.languageVersion },
    install: p.tool ? `python -m pip install ${p.tool} && ${p.install}` : p.install,
    lint: null,
    test: p.test,
    image: `python:${i.languageVersion}-slim-trixie`,
    cacheKey: [p.lock],
    cachePaths: ['.cache/pip/', '.cache/uv/', '.cache/pypoetry/', '.venv/'],
    cacheVariables: {
      PIP_CACHE_DIR: '$CI_PROJECT_DIR/.cache/pip',
      UV_CACHE_DIR: '$CI_PROJECT_DIR/.cache/uv',
      POETRY_CACHE_DIR: '$CI_PROJECT_DIR/.cache/pypoetry',
      // Poetry and Pipenv keep the venv in the project, where the cache can hold it.
      POETRY_VIRTUALENVS_IN_PROJECT: 'true',
      PIPENV_VENV_IN_PROJECT: '1',
    },
  }
}

function go(i: CiToolchainInput): CiToolchain {
  return {
    setup: 'go',
    versions: { GO_VERSION: i.languageVersion },
    install: 'go mod download',
    // go fmt prints the files it had to format; ./... skips dot folders such as a CI cache.
    lint: 'test -z "$(go fmt ./...)" && go vet ./...',
    test: 'go test -race ./...',
    image: `golang:${i.languageVersion}-trixie`,
    cacheKey: ['go.mod'],
    cachePaths: ['.go/pkg/mod/', '.cache/go-build/'],
    cacheVariables: { GOPATH: '$CI_PROJECT_DIR/.go', GOCACHE: '$CI_PROJECT_DIR/.cache/go-build' },
  }
}

function java(i: CiToolchainInput): CiToolchain {
  const maven = i.packageManager.id === 'maven'
  const major = String(i.lang['javaMajor'] ?? i.languageVersion.split('.')[0])
  return {
    setup: maven ? 'java-maven' : 'java-gradle',
    versions: { JAVA_VERSION: major, ...(maven ? {} : { GRADLE_VERSION: i.packageManager.version! }) },
    install: maven ? 'sh ./mvnw -B -ntp dependency:go-offline' : 'gradle --no-daemon dependencies',
    lint: null,
    // verify / check: compile, run the tests and every check the build declares.
    test: maven ? 'sh ./mvnw -B -ntp verify' : 'gradle --no-daemon check',
    image: maven ? `eclipse-temurin:${i.languageVersion}-jdk-noble` : `gradle:${i.packageManager.version}-jdk${major}-noble`,
    cacheKey: maven ? ['pom.xml'] : i.packageManager.manifests,
    cachePaths: maven ? ['.m2/repository/'] : ['.gradle-home/caches/'],
    cacheVariables: maven ? { MAVEN_OPTS: '-Dmaven.repo.local=$CI_PROJECT_DIR/.m2/repository' } : { GRADLE_USER_HOME: '$CI_PROJECT_DIR/.gradle-home' },
  }
}

function rust(i: CiToolchainInput): CiToolchain {
  return {
    setup: 'rust',
    versions: { RUST_VERSION: i.languageVersion },
    install: 'cargo fetch --locked',
    lint: 'cargo fmt --check && cargo clippy --locked --all-targets -- -D warnings',
    test: 'cargo test --locked',
    image: `rust:${i.languageVersion}-slim-trixie`,
    cacheKey: ['Cargo.lock'],
    cachePaths: ['.cargo/registry/', 'target/'],
    cacheVariables: { CARGO_HOME: '$CI_PROJECT_DIR/.cargo' },
  }
}

function dotnet(i: CiToolchainInput): CiToolchain {
  const test = argv(i.lang).filter((a) => a !== '--no-build')
  const project = test[2] ?? ''
  return {
    setup: 'dotnet',
    versions: { DOTNET_SDK_VERSION: String(i.lang['sdkVersion']) },
    install: `dotnet restore ${project}`.trim(),
    lint: `dotnet format ${project} --verify-no-changes --no-restore`.replace('  ', ' '),
    test: [...test, '--no-restore'].join(' '),
    image: `mcr.microsoft.com/dotnet/sdk:${String(i.lang['sdkVersion'])}-noble`,
    cacheKey: ['Directory.Packages.props'],
    cachePaths: ['.nuget/packages/'],
    cacheVariables: { NUGET_PACKAGES: '$CI_PROJECT_DIR/.nuget/packages' },
  }
}

function ruby(i: CiToolchainInput): CiToolchain {
  return {
    setup: 'ruby',
    versions: { RUBY_VERSION: i.languageVersion, BUNDLER_VERSION: i.packageManager.version! },
    install: 'bundle install',
    lint: null,
    test: i.framework.id === 'rails' ? 'bundle exec rails test' : 'bundle exec rake test',
    image: `ruby:${i.languageVersion}-slim-trixie`,
    cacheKey: ['Gemfile.lock'],
    cachePaths: ['vendor/bundle/'],
    cacheVariables: { BUNDLE_PATH: 'vendor/bundle', BUNDLE_FROZEN: 'true' },
  }
}

function php(i: CiToolchainInput): CiToolchain {
  const laravel = i.framework.id === 'laravel'
  return {
    setup: 'php',
    versions: { PHP_VERSION: i.languageVersion, COMPOSER_VERSION: i.packageManager.version! },
    install: 'composer install --no-interaction --prefer-dist',
    lint: laravel ? null : 'composer run-script lint',
    test: laravel ? 'php artisan test' : 'composer run-script test',
    image: `composer:${i.packageManager.version}`,
    cacheKey: ['composer.lock'],
    cachePaths: ['.composer-cache/'],
    cacheVariables: { COMPOSER_CACHE_DIR: '$CI_PROJECT_DIR/.composer-cache' },
  }
}

const TOOLCHAINS: Readonly<Record<Language, (i: CiToolchainInput) => CiToolchain>> = { node, python, go, java, rust, dotnet, ruby, php }

export function ciToolchain(input: CiToolchainInput): CiToolchain {
  return TOOLCHAINS[input.language](input)
}

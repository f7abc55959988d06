import { commonContract, relPath, unlockedNote } from './contract.js'
import type { LanguageChoice, PackageManagerChoice } from './types.js'
import { wrap } from './ui-stage.js'
import { cacheOf } from './cache-mounts.js'

const PACKAGE_MANAGERS: readonly PackageManagerChoice[] = [
  {
    id: 'bundler',
    label: 'Bundler',
    available: true,
    // Installed in the image with `gem install bundler:<version>` and recorded as BUNDLED WITH
    // in Gemfile.lock, so every build runs the same Bundler whatever the Ruby image ships.
    version: '2.6.9',
    manifests: ['Gemfile', 'Gemfile.lock'],
    // GEM_HOME of the official images is /usr/local/bundle; Bundler keeps downloaded .gem files here.
    ...cacheOf('/usr/local/bundle/cache'),
    // The Dockerfile sets BUNDLE_FROZEN=true (refuse anything but Gemfile.lock) and, for the
    // production stages, BUNDLE_WITHOUT=development:test.
    install: 'bundle install',
    installProd: 'bundle install',
    run: 'bundle exec',
  },
]

/** Ruby: Sinatra on an embedded Puma (starter app), or Rails (container files only). */
export const RUBY: LanguageChoice = {
  id: 'ruby',
  label: 'Ruby',
  available: true,
  defaultPort: 3000,
  // Compose watch syncs src/ and the dev runner (bin/dev) restarts the server on each change.
  dev: { debugPort: null, environment: {}, sync: ['src'] },
  defaultVersion: '3.4.10',
  // The official images publish major, minor and patch tags (3, 3.4, 3.4.10).
  versionPattern: /^[34](\.\d+){0,2}$/,
  versionHint: 'a Ruby version such as 3.4, 3.4.10 or 4.0',
  templateData: ({ framework, port, packageManager, app = {} }) => {
    const rails = framework.id === 'rails'
    const files = (app.installFiles ?? packageManager.manifests).map(relPath).filter((f): f is string => f !== null)
    const locked = !app.unlocked && files.includes('Gemfile.lock')
    const commands = rails
      ? {
          dev: ['bundle', 'exec', 'rails', 'server', '--binding', '0.0.0.0'],
          test: ['bundle', 'exec', 'rails', 'test'],
          prod: ['bundle', 'exec', 'puma', '--config', 'config/puma.rb'],
        }
      : {
          dev: ['bundle', 'exec', 'ruby', 'bin/dev'],
          test: ['bundle', 'exec', 'rake', 'test'],
          prod: ['bundle', 'exec', 'ruby', 'src/server.rb'],
        }
    // An existing Rack app (config.ru) runs on Puma, bound to all interfaces on its port (Puma
    // also reads config/puma.rb when there is one); Rails keeps its own config/puma.rb.
    const puma = ['bundle', 'exec', 'puma', '--bind', `tcp://0.0.0.0:${port}`]
    return {
      ...commonContract(app),
      rails,
      commands,
      retrofitCommands: rails ? commands : { dev: puma, prod: puma },
      mounts: files,
      locked,
      unlockedNote: locked ? [] : wrap(unlockedNote('Gemfile.lock')),
    }
  },
  packageManagers: PACKAGE_MANAGERS,
  frameworks: [
    { id: 'sinatra', label: 'Sinatra (on Puma)', available: true, starter: 'ruby/app' },
    {
      id: 'rails',
      label: 'Ruby on Rails (container files only)',
      available: true,
      starter: null,
      // Rails code lives in several top-level folders, not src/.
      dev: { sync: ['app', 'config', 'lib', 'db'] },
    },
  ],
}

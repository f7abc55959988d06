# frozen_string_literal: true

# What was chosen when this project was generated: the default port and the
# backing services that must answer before the app reports ready. To add a
# dependency, add a probe under src/probes/ and an entry here.
require_relative 'config'
require_relative 'probes/mysql'
require_relative 'probes/memcached'

module App
  SERVICE_NAME = 'billing'

  DEFAULT_PORT = 8080

  DEPENDENCIES = [
    Dependency.new(name: 'mysql', env: 'DATABASE_URL', schemes: Probes.fetch('mysql')::SCHEMES,
                   probe: Probes.fetch('mysql').method(:probe)),
    Dependency.new(name: 'memcached', env: 'CACHE_URL', schemes: Probes.fetch('memcached')::SCHEMES,
                   probe: Probes.fetch('memcached').method(:probe)),
  ].freeze
end

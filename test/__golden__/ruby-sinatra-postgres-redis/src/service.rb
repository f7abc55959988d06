# frozen_string_literal: true

# What was chosen when this project was generated: the default port and the
# backing services that must answer before the app reports ready. To add a
# dependency, add a probe under src/probes/ and an entry here.
require_relative 'config'
require_relative 'probes/postgres'
require_relative 'probes/redis'

module App
  SERVICE_NAME = 'orders-api'

  DEFAULT_PORT = 3000

  DEPENDENCIES = [
    Dependency.new(name: 'postgres', env: 'DATABASE_URL', schemes: Probes.fetch('postgres')::SCHEMES,
                   probe: Probes.fetch('postgres').method(:probe)),
    Dependency.new(name: 'redis', env: 'CACHE_URL', schemes: Probes.fetch('redis')::SCHEMES,
                   probe: Probes.fetch('redis').method(:probe)),
  ].freeze
end

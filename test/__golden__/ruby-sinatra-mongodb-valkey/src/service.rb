# frozen_string_literal: true

# What was chosen when this project was generated: the default port and the
# backing services that must answer before the app reports ready. To add a
# dependency, add a probe under src/probes/ and an entry here.
require_relative 'config'
require_relative 'probes/mongodb'
require_relative 'probes/redis'

module App
  SERVICE_NAME = 'catalog'

  DEFAULT_PORT = 3000

  DEPENDENCIES = [
    Dependency.new(name: 'mongodb', env: 'DATABASE_URL', schemes: Probes.fetch('mongodb')::SCHEMES,
                   probe: Probes.fetch('mongodb').method(:probe)),
    Dependency.new(name: 'valkey', env: 'CACHE_URL', schemes: Probes.fetch('redis')::SCHEMES,
                   probe: Probes.fetch('redis').method(:probe)),
  ].freeze
end

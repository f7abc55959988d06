# frozen_string_literal: true

# What was chosen when this project was generated: the default port and the
# backing services that must answer before the app reports ready. To add a
# dependency, add a probe under src/probes/ and an entry here.
require_relative 'config'

module App
  SERVICE_NAME = 'my-service'

  DEFAULT_PORT = 3000

  DEPENDENCIES = [
    # None were chosen: /readyz answers ready as soon as the server listens.
  ].freeze
end

# frozen_string_literal: true

require_relative 'registry'
require_relative '../wire'

module App
  module Probes
    # Uses the text protocol's `version` command so the app needs no client
    # gem; once you add one (dalli), replace this with its version/stats call.
    module Memcached
      SCHEMES = %w[memcached].freeze

      # `version` answered by `VERSION x.y.z` means ready; anything else
      # (ERROR...) does not.
      def self.probe(url, timeout: Wire::DEFAULT_TIMEOUT)
        endpoint = Wire.endpoint_from(URI.parse(url), 11_211)

        Wire.converse(endpoint, timeout) do |wire|
          wire.write("version\r\n")
          reply = wire.read_line
          raise ProbeError, "unexpected reply #{reply.inspect}" unless reply.start_with?('VERSION ')
        end
      end
    end

    register 'memcached', Memcached
  end
end

# frozen_string_literal: true

require_relative 'registry'
require_relative '../wire'

module App
  module Probes
    # Speaks a few RESP commands directly so the app needs no client gem;
    # once you add one (redis-client, redis), replace this with its PING.
    # Works for Redis and Valkey alike.
    module Redis
      SCHEMES = %w[redis rediss].freeze

      # AUTH (when the URL has a password), then PING, expecting +PONG. Errors
      # such as -NOAUTH, -WRONGPASS or -LOADING (still reading its dataset)
      # mean not ready. rediss:// connects over TLS.
      def self.probe(url, timeout: Wire::DEFAULT_TIMEOUT)
        uri = URI.parse(url)
        endpoint = Wire.endpoint_from(uri, 6379, tls: uri.scheme.casecmp?('rediss'))
        username = Wire.decode(uri.user)
        password = Wire.decode(uri.password)

        Wire.converse(endpoint, timeout) do |wire|
          unless password.empty?
            # redis://:secret@host is password-only AUTH (the "default" user).
            command(wire, username.empty? ? ['AUTH', password] : ['AUTH', username, password], 'AUTH')
          end
          reply = command(wire, ['PING'], 'PING')
          raise ProbeError, "unexpected PING reply #{reply.inspect}" unless reply == '+PONG'
        end
      end

      # Sends a RESP array of bulk strings and returns the one-line reply.
      def self.command(wire, args, label)
        wire.write("*#{args.size}\r\n#{args.map { |arg| "$#{arg.bytesize}\r\n#{arg}\r\n" }.join}")
        reply = wire.read_line
        # The error text never contains the password: servers don't echo it.
        raise ProbeError, "#{label} rejected: #{reply[1..]}" if reply.start_with?('-')

        reply
      end
      private_class_method :command
    end

    register 'redis', Redis
  end
end

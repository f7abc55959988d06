# frozen_string_literal: true

require_relative 'registry'
require_relative '../wire'

module App
  module Probes
    # Speaks just enough of the PostgreSQL wire protocol to need no driver
    # gem; once you add one (pg, sequel), replace this with its `SELECT 1`.
    module Postgres
      SCHEMES = %w[postgres postgresql].freeze

      PROTOCOL_3_0 = 196_608 # major 3 << 16 | minor 0

      # Like pg_isready, a server that rejects our credentials is still up and
      # answering: a wrong password is a configuration bug that restarting or
      # unrouting pods will not fix, and the app's own connections report it.
      SERVER_UP_SQLSTATES = %w[28000 28P01].freeze

      # pg_isready semantics: send a StartupMessage and read the first reply.
      # An Authentication request ('R') means the server accepts connections;
      # an ErrorResponse ('E') means it does not (starting up, too many
      # clients...), except for the auth failures above. We hang up before
      # authenticating, so no password is ever sent.
      def self.probe(url, timeout: Wire::DEFAULT_TIMEOUT)
        uri = URI.parse(url)
        endpoint = Wire.endpoint_from(uri, 5432)
        user = Wire.decode(uri.user)
        user = 'postgres' if user.empty?
        database = Wire.decode(uri.path.to_s.delete_prefix('/'))
        database = user if database.empty?

        Wire.converse(endpoint, timeout) do |wire|
          wire.write(startup_message('user' => user, 'database' => database, 'application_name' => 'readiness-probe'))

          type, length = wire.read(5).unpack('al>')
          next if type == 'R'
          if type != 'E' || length < 4 || length > 64 * 1024
            raise ProbeError, "unexpected reply #{type.inspect}: not a PostgreSQL server?"
          end

          fields = error_fields(wire.read(length - 4))
          code = fields.fetch('C', 'unknown SQLSTATE')
          next if SERVER_UP_SQLSTATES.include?(code)

          raise ProbeError, "not ready: #{code} #{fields['M']}".rstrip
        end
      end

      # Int32 length, Int32 protocol, then NUL-terminated keys and values and
      # one more NUL to end the list.
      def self.startup_message(parameters)
        body = "#{parameters.flat_map { |key, value| [key, value] }.join("\0")}\0\0".b
        [8 + body.bytesize, PROTOCOL_3_0].pack('NN') + body
      end

      # ErrorResponse body: repeated (1-byte field code, NUL-terminated string), then NUL.
      def self.error_fields(body)
        fields = {}
        offset = 0
        while offset < body.bytesize && body.getbyte(offset) != 0
          finish = body.index("\0", offset + 1) or break
          fields[body[offset]] = body.byteslice(offset + 1, finish - offset - 1).force_encoding(Encoding::UTF_8)
          offset = finish + 1
        end
        fields
      end
      private_class_method :startup_message, :error_fields
    end

    register 'postgres', Postgres
  end
end

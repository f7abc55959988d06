# frozen_string_literal: true

require 'digest'
require 'openssl'
require_relative 'registry'
require_relative '../wire'

module App
  module Probes
    # Logs in over the MySQL client/server protocol instead of using a driver,
    # so the app needs no gem; once you add one (mysql2, trilogy), replace
    # this with its ping.
    #
    # Why a full login and not just the greeting: the server counts a client
    # that hangs up during the handshake against max_connect_errors (default
    # 100) for that client's host, and then blocks the host ("Host ... is
    # blocked") -- the app's own connections included. A completed login
    # resets the count, so a probe that logs in and says COM_QUIT never adds
    # to it.
    #
    # Plain TCP only: ssl=true / tls=true in the URL is not honoured, which is
    # meant for a database on the private container network. The password
    # never crosses in the clear (a scramble, or RSA-OAEP with the server's
    # key), but that key is fetched unauthenticated. A server that insists on
    # TLS (require_secure_transport) makes the probe fail with its message.
    module Mysql
      SCHEMES = %w[mysql mariadb].freeze

      DEFAULT_PORT = 3306

      # Capability flags (the first 32 bits are shared by MySQL and MariaDB).
      CLIENT_LONG_PASSWORD = 0x1
      CLIENT_CONNECT_WITH_DB = 0x8
      CLIENT_PROTOCOL_41 = 0x200
      CLIENT_SECURE_CONNECTION = 0x8000
      CLIENT_PLUGIN_AUTH = 0x80000

      UTF8MB4_GENERAL_CI = 45 # known to MySQL and MariaDB alike
      MAX_CLIENT_PACKET = 16 * 1024 * 1024
      # Greetings, auth packets and RSA keys are small; refuse to buffer more.
      MAX_SERVER_PACKET = 64 * 1024

      HANDSHAKE_V10 = 0x0a
      OK_PACKET = 0x00
      AUTH_MORE_DATA = 0x01
      AUTH_SWITCH_REQUEST = 0xfe
      ERR_PACKET = 0xff
      COM_QUIT = 0x01

      # caching_sha2_password: AuthMoreData statuses and the public-key request.
      FAST_AUTH_SUCCESS = 0x03
      PERFORM_FULL_AUTHENTICATION = 0x04
      REQUEST_PUBLIC_KEY = 0x02

      NATIVE = 'mysql_native_password'
      CACHING_SHA2 = 'caching_sha2_password'
      SUPPORTED_PLUGINS = [NATIVE, CACHING_SHA2].freeze

      # Errors that mean the login itself was refused: the server is up, but
      # the app, which uses the same URL, cannot work with it either.
      LOGIN_REFUSED = [
        1044, # access denied to the database
        1045, # access denied (user or password)
        1049, # unknown database
        1698, # access denied (no password given)
      ].freeze

      Login = Data.define(:user, :password, :database)
      Greeting = Data.define(:capabilities, :nonce, :plugin)

      # Ready = the server accepts a login with the URL's user, password and
      # database. Any ERR packet (too many connections, host blocked, access
      # denied, unknown database...) means not ready, with the server's message.
      def self.probe(url, timeout: Wire::DEFAULT_TIMEOUT)
        uri = URI.parse(url)
        endpoint = Wire.endpoint_from(uri, DEFAULT_PORT)
        login = Login.new(user: Wire.decode(uri.user),
                          password: Wire.decode(uri.password).b,
                          database: Wire.decode(uri.path.to_s.delete_prefix('/')))

        Wire.converse(endpoint, timeout) do |wire|
          channel = PacketChannel.new(wire)
          greeting = parse_greeting(channel.read)
          authenticate(channel, greeting, login)
          # Say goodbye so the server logs no aborted connection. COM_QUIT
          # starts a new command, hence sequence id 0; the server just closes.
          channel.start_command
          channel.write(COM_QUIT.chr)
        end
      end

      def self.authenticate(channel, greeting, login)
        required = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION
        raise ProbeError, 'server does not speak the MySQL 4.1+ protocol' if greeting.capabilities & required != required

        # The greeting names the server's default plugin. If we cannot answer
        # it, start with mysql_native_password: the server switches us to the
        # account's own plugin if that differs.
        plugin = SUPPORTED_PLUGINS.include?(greeting.plugin) ? greeting.plugin : NATIVE
        nonce = greeting.nonce
        channel.write(handshake_response(greeting.capabilities, login, plugin, scramble(plugin, login.password, nonce)))

        # OK ends the exchange; bound the rounds so a confused server cannot loop us.
        5.times do
          reply = channel.read
          case reply.getbyte(0)
          when OK_PACKET
            return
          when ERR_PACKET
            raise server_error(reply)
          when AUTH_SWITCH_REQUEST
            reader = Reader.new(reply, 1)
            # A bare 0xfe is the pre-4.1 switch to the old password hash.
            plugin = reply.bytesize == 1 ? 'mysql_old_password' : reader.cstring
            nonce = without_trailing_nul(reader.rest)
            if SUPPORTED_PLUGINS.include?(plugin)
              channel.write(scramble(plugin, login.password, nonce))
              next
            end
            # Hanging up, or a malformed answer, counts as a handshake error
            # against max_connect_errors; an answer the server can check and
            # refuse is a mere login failure. client_ed25519 expects a 64-byte
            # signature (zeros never verify); other plugins get an empty answer.
            channel.write(plugin == 'client_ed25519' ? "\0".b * 64 : ''.b)
            return if channel.read.getbyte(0) == OK_PACKET

            raise unsupported_plugin(plugin)
          when AUTH_MORE_DATA
            raise ProbeError, "unexpected AuthMoreData for #{plugin}" if plugin != CACHING_SHA2 || reply.bytesize != 2
            next if reply.getbyte(1) == FAST_AUTH_SUCCESS # an OK packet follows
            if reply.getbyte(1) != PERFORM_FULL_AUTHENTICATION
              raise ProbeError, "unexpected #{CACHING_SHA2} status #{reply.getbyte(1)}"
            end

            # The server has not cached this account since it started: it
            # needs the password itself, which over plain TCP we encrypt with
            # its key.
            channel.write(REQUEST_PUBLIC_KEY.chr)
            key = channel.read
            raise server_error(key) if key.getbyte(0) == ERR_PACKET
            if key.getbyte(0) != AUTH_MORE_DATA || key.bytesize < 2
              raise ProbeError, 'server did not send its RSA public key'
            end

            channel.write(encrypt_password(login.password, nonce, key.byteslice(1..)))
          else
            raise ProbeError, format('unexpected reply 0x%02x during authentication', reply.getbyte(0).to_i)
          end
        end
        raise ProbeError, 'authentication did not finish'
      end

      # Packets are a 3-byte little-endian payload length, a 1-byte sequence
      # id and the payload. Sequence ids count up across both directions
      # within one exchange (greeting 0, our response 1, ...).
      class PacketChannel
        def initialize(wire)
          @wire = wire
          @sequence = 0
        end

        def read
          low, high, sequence = @wire.read(4).unpack('vCC')
          length = low | (high << 16)
          if length.zero? || length > MAX_SERVER_PACKET
            raise ProbeError, "unexpected #{length}-byte packet: not a MySQL server?"
          end
          if sequence != @sequence
            raise ProbeError, "packet out of order: sequence id #{sequence}, expected #{@sequence}"
          end

          @sequence = (@sequence + 1) & 0xff
          @wire.read(length)
        end

        def write(payload)
          payload = payload.b
          header = [payload.bytesize & 0xffff, payload.bytesize >> 16, @sequence].pack('vCC')
          @sequence = (@sequence + 1) & 0xff
          @wire.write(header + payload)
        end

        def start_command
          @sequence = 0
        end
      end

      # Bounds-checked cursor over a packet payload.
      class Reader
        def initialize(buffer, offset = 0)
          @buffer = buffer.b
          @offset = offset
        end

        def remaining = @buffer.bytesize - @offset

        def bytes(length)
          raise ProbeError, 'malformed packet from the server' if length > remaining

          slice = @buffer.byteslice(@offset, length)
          @offset += length
          slice
        end

        def uint8 = bytes(1).unpack1('C')

        def uint16 = bytes(2).unpack1('v')

        # NUL-terminated string; some old servers omit the final NUL.
        def cstring
          stop = @buffer.index("\0", @offset) || @buffer.bytesize
          text = @buffer.byteslice(@offset, stop - @offset).force_encoding(Encoding::UTF_8)
          @offset = [stop + 1, @buffer.bytesize].min
          text
        end

        def rest = bytes(remaining)
      end

      # Protocol::HandshakeV10, or the ERR packet a server sends instead.
      def self.parse_greeting(payload)
        kind = payload.getbyte(0)
        raise server_error(payload) if kind == ERR_PACKET
        raise ProbeError, "unsupported handshake protocol version #{kind}" if kind != HANDSHAKE_V10

        reader = Reader.new(payload, 1)
        reader.cstring # server version
        reader.bytes(4) # connection id
        nonce_start = reader.bytes(8)
        reader.bytes(1) # filler
        capabilities = reader.uint16
        nonce_end = ''.b
        plugin = NATIVE
        if reader.remaining.positive?
          reader.uint8 # character set
          reader.uint16 # status flags
          capabilities |= reader.uint16 << 16
          nonce_length = reader.uint8
          reader.bytes(10) # reserved (MariaDB keeps extended capabilities here)
          if capabilities & CLIENT_SECURE_CONNECTION != 0
            # At least 13 bytes, the last being a NUL that is not part of the nonce.
            nonce_end = reader.bytes([[13, nonce_length - 8].max, reader.remaining].min)
          end
          if capabilities & CLIENT_PLUGIN_AUTH != 0
            name = reader.cstring
            plugin = name unless name.empty?
          end
        end
        Greeting.new(capabilities: capabilities, nonce: (nonce_start + nonce_end).byteslice(0, 20), plugin: plugin)
      end

      # Protocol::HandshakeResponse41.
      def self.handshake_response(server_capabilities, login, plugin, auth_data)
        plugin_auth = server_capabilities & CLIENT_PLUGIN_AUTH != 0
        flags = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION
        flags |= CLIENT_PLUGIN_AUTH if plugin_auth
        flags |= CLIENT_CONNECT_WITH_DB unless login.database.empty?

        # flags, max packet size, charset, 23 zero bytes
        fixed = [flags, MAX_CLIENT_PACKET, UTF8MB4_GENERAL_CI].pack('VVC') + ("\0".b * 23)
        fixed +
          "#{login.user}\0".b +
          auth_data.bytesize.chr + auth_data + # CLIENT_SECURE_CONNECTION: 1-byte length
          (login.database.empty? ? ''.b : "#{login.database}\0".b) +
          (plugin_auth ? "#{plugin}\0".b : ''.b)
      end

      # First answer of either plugin; an empty password is an empty answer.
      def self.scramble(plugin, password, nonce)
        return ''.b if password.empty?

        if plugin == NATIVE
          # SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
          stage1 = Digest::SHA1.digest(password)
          return xor(stage1, Digest::SHA1.digest(nonce + Digest::SHA1.digest(stage1)))
        end
        # caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
        stage1 = Digest::SHA256.digest(password)
        xor(stage1, Digest::SHA256.digest(Digest::SHA256.digest(stage1) + nonce))
      end

      # caching_sha2_password full authentication over plain TCP.
      def self.encrypt_password(password, nonce, public_key_pem)
        plain = xor(password.b + "\0".b, nonce)
        OpenSSL::PKey.read(public_key_pem).encrypt(plain, 'rsa_padding_mode' => 'oaep')
      rescue OpenSSL::PKey::PKeyError => e
        raise ProbeError, "cannot encrypt the password with the server's RSA public key: #{e.message}"
      end

      # XOR with +key+ repeated to the length of +data+.
      def self.xor(data, key)
        data.bytes.each_with_index.map { |byte, i| byte ^ key.getbyte(i % key.bytesize) }.pack('C*')
      end

      def self.without_trailing_nul(data)
        data.end_with?("\0") ? data.byteslice(0, data.bytesize - 1) : data
      end

      # ERR packet: 0xff, 2-byte code, optional "#" + 5-byte SQLSTATE, message.
      def self.server_error(payload)
        return ProbeError.new('not ready: malformed error packet') if payload.bytesize < 3

        code = payload.byteslice(1, 2).unpack1('v')
        # Errors sent before the handshake completes usually omit the SQLSTATE.
        message_start = payload.getbyte(3) == 0x23 && payload.bytesize >= 9 ? 9 : 3
        message = payload.byteslice(message_start..).force_encoding(Encoding::UTF_8).scrub
        hint = if LOGIN_REFUSED.include?(code)
                 ' (the probe logs in with the URL credentials and database, so the app cannot log in either)'
               else
                 ''
               end
        ProbeError.new("not ready: error #{code}: #{message}#{hint}")
      end

      def self.unsupported_plugin(plugin)
        ProbeError.new(
          "the account uses the #{plugin} authentication plugin, which this probe does not support " \
          "(only #{SUPPORTED_PLUGINS.join(' and ')}): switch the account to one of those, " \
          "or replace the probe with your driver's ping",
        )
      end
      private_class_method :authenticate, :parse_greeting, :handshake_response, :scramble, :encrypt_password,
                           :xor, :without_trailing_nul, :server_error, :unsupported_plugin
    end

    register 'mysql', Mysql
  end
end

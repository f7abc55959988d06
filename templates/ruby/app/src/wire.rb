# frozen_string_literal: true

require 'ipaddr'
require 'openssl'
require 'socket'
require 'uri'

module App
  # A dependency did not answer as expected; the message says why.
  class ProbeError < StandardError; end

  # Shared plumbing for the readiness probes in src/probes/: open one TCP (or
  # TLS) connection, run a short request/response exchange, and give up after
  # a deadline that covers DNS, connect, handshake and every read.
  module Wire
    DEFAULT_TIMEOUT = 2.0 # seconds

    # A misbehaving server must not make the probe buffer without bound.
    MAX_LINE_BYTES = 64 * 1024

    Endpoint = Data.define(:host, :port, :tls)

    # Host and port from a parsed URI; IPv6 literals lose their brackets.
    def self.endpoint_from(uri, default_port, tls: false)
      host = uri.hostname
      raise ProbeError, "no host in #{uri.scheme}:// URL" if host.nil? || host.empty?

      Endpoint.new(host: host, port: uri.port || default_port, tls: tls)
    end

    # Percent-decodes a URL component ("+" stays a plus, unlike form decoding).
    def self.decode(component)
      URI.decode_uri_component(component.to_s)
    end

    # Connects, yields a Connection to the block, and always closes. Errors
    # are ProbeErrors whose message starts with "host:port: ".
    def self.converse(endpoint, timeout)
      where = "#{endpoint.host}:#{endpoint.port}"
      deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
      connection = nil
      begin
        connection = Connection.open(endpoint, deadline, timeout)
        yield connection
      rescue ProbeError, SystemCallError, IOError, SocketError, OpenSSL::SSL::SSLError => e
        # Connect errors already name the address ("... for 10.0.0.7:5432").
        message = e.message.include?(where) ? e.message : "#{where}: #{e.message}"
        raise ProbeError, message, cause: e
      ensure
        connection&.close
      end
    end

    # One socket with a read buffer; every wait is bounded by the deadline.
    class Connection
      def self.open(endpoint, deadline, timeout)
        clock = Deadline.new(deadline, timeout)
        socket = Socket.tcp(endpoint.host, endpoint.port,
                            resolv_timeout: clock.remaining, connect_timeout: clock.remaining)
        socket = start_tls(socket, endpoint.host, clock) if endpoint.tls
        new(socket, clock)
      rescue Errno::ETIMEDOUT, IO::TimeoutError
        raise clock.expired
      end

      def self.start_tls(tcp, host, clock)
        context = OpenSSL::SSL::SSLContext.new
        context.set_params(verify_mode: OpenSSL::SSL::VERIFY_PEER)
        tls = OpenSSL::SSL::SSLSocket.new(tcp, context)
        tls.sync_close = true
        # SNI must be a hostname, never an IP literal.
        tls.hostname = host unless ip_literal?(host)
        loop do
          case tls.connect_nonblock(exception: false)
          when :wait_readable then clock.wait(tcp, :wait_readable)
          when :wait_writable then clock.wait(tcp, :wait_writable)
          else break
          end
        end
        tls.post_connection_check(host)
        tls
      rescue StandardError
        tcp.close
        raise
      end

      def self.ip_literal?(host)
        IPAddr.new(host)
        true
      rescue IPAddr::InvalidAddressError
        false
      end

      def initialize(socket, clock)
        @socket = socket
        @clock = clock
        @buffer = +''.b
      end

      def write(data)
        data = data.b
        until data.empty?
          written = @socket.write_nonblock(data, exception: false)
          case written
          when :wait_writable, :wait_readable then @clock.wait(@socket.to_io, written)
          else data = data.byteslice(written..)
          end
        end
      end

      # Exactly +length+ bytes.
      def read(length)
        fill { @buffer.bytesize >= length }
        @buffer.slice!(0, length)
      end

      # The next CRLF-terminated line, without the CRLF.
      def read_line
        fill do
          found = @buffer.include?("\r\n")
          raise ProbeError, 'reply line too long' if !found && @buffer.bytesize > MAX_LINE_BYTES

          found
        end
        line = @buffer.slice!(0, @buffer.index("\r\n") + 2)
        line.byteslice(0, line.bytesize - 2).force_encoding(Encoding::UTF_8)
      end

      def close
        @socket.close
      rescue IOError, SystemCallError, OpenSSL::SSL::SSLError
        nil
      end

      private

      # A server may send its final answer and hang up at once, so end of file
      # only fails a read that the bytes already received cannot satisfy.
      def fill
        until yield
          chunk = @socket.read_nonblock(16 * 1024, exception: false)
          case chunk
          when :wait_readable, :wait_writable then @clock.wait(@socket.to_io, chunk)
          when nil then raise ProbeError, 'connection closed by the server'
          else @buffer << chunk.b
          end
        end
      end
    end

    # The time left for one probe.
    class Deadline
      def initialize(deadline, timeout)
        @deadline = deadline
        @timeout = timeout
      end

      def remaining
        left = @deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
        raise expired if left <= 0

        left
      end

      # Waits until +io+ is readable or writable, or fails at the deadline.
      def wait(io, readiness)
        raise expired unless io.public_send(readiness, remaining)
      end

      def expired
        ProbeError.new("no answer within #{(@timeout * 1000).round} ms")
      end
    end
  end
end

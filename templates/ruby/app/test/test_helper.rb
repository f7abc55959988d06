# frozen_string_literal: true

require 'json'
require 'minitest/autorun'
require 'net/http'
require 'stringio'
require_relative '../src/json_logger'

# Helpers shared by the tests.
module TestHelpers
  # A logger whose lines are kept as parsed JSON.
  class Lines
    def initialize
      @io = StringIO.new
      @mutex = Mutex.new
    end

    def write(line)
      @mutex.synchronize { @io.write(line) }
    end

    def to_a
      @mutex.synchronize { @io.string.lines.map { |line| JSON.parse(line) } }
    end

    def clear
      @mutex.synchronize { @io.truncate(0) && @io.rewind }
    end
  end

  def capture_logger(level = 'debug')
    lines = Lines.new
    [App::JsonLogger.new(level, lines), lines]
  end

  # Serves +app+ with an embedded Puma on 127.0.0.1 and a free port, the way
  # src/server.rb does; returns [server, port].
  def serve(app)
    require 'puma'
    require 'puma/server'
    server = Puma::Server.new(app, nil, { log_writer: Puma::LogWriter.null, min_threads: 0, max_threads: 5 })
    server.add_tcp_listener('127.0.0.1', 0)
    server.run
    [server, server.connected_ports.first]
  end

  # GET (or another method) on 127.0.0.1:port; returns the Net::HTTPResponse.
  def http(port, path, method: 'GET', body: nil)
    Net::HTTP.start('127.0.0.1', port, open_timeout: 2, read_timeout: 5) do |connection|
      request = Net::HTTPGenericRequest.new(method, !body.nil?, method != 'HEAD', path)
      if body
        request.body = body
        request['content-type'] = 'text/plain'
      end
      connection.request(request)
    end
  end

  # Waits for a condition that another thread makes true.
  def eventually(timeout: 2)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    until yield
      raise 'condition not met in time' if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

      sleep 0.01
    end
  end
end

Minitest::Test.include(TestHelpers)

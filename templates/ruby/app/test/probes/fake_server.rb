# frozen_string_literal: true

require 'socket'

# In-process fake servers for the probe tests: each accepts one connection on
# 127.0.0.1 and runs a script against it in a thread.
module FakeServer
  # Returns [port, thread]; thread.value re-raises the script's failures, so
  # a test asserts inside the script and awaits it after the probe.
  def self.start(&script)
    server = TCPServer.new('127.0.0.1', 0)
    port = server.addr[1]
    thread = Thread.new do
      Thread.current.report_on_exception = false
      socket = server.accept
      socket.timeout = 5 # a confused probe fails the test instead of hanging it
      begin
        script.call(socket)
      ensure
        socket.close
        server.close
      end
    end
    [port, thread]
  end

  # Accepts and reads until the client hangs up, never answering.
  def self.silent
    start { |socket| socket.read rescue nil }
  end

  # A port nothing listens on.
  def self.closed_port
    server = TCPServer.new('127.0.0.1', 0)
    server.addr[1].tap { server.close }
  end
end

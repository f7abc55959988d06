# frozen_string_literal: true

require 'socket'
require 'test_helper'
require_relative '../src/app'
require_relative '../src/readiness'
require_relative '../src/shutdown'

class ShutdownTest < Minitest::Test
  # The same wiring as src/server.rb, on a free port, with the exit code captured.
  def start(checks, timeout_ms)
    logger, = capture_logger('error')
    state = App::State.new
    server, port = serve(App.rack_app(logger: logger, readiness: App::Readiness.new(checks), state: state))
    exit_codes = Queue.new
    shutdown = App::Shutdown.new(server: server, state: state, logger: logger, timeout_ms: timeout_ms,
                                 exit: ->(code) { exit_codes << code })
    @servers << server
    { server: server, state: state, port: port, exit_codes: exit_codes,
      signal: ->(name = 'SIGTERM') { Thread.new { shutdown.call(name) } } }
  end

  def setup
    @servers = []
  end

  def teardown
    @servers.each(&:halt)
  end

  def test_sigterm_stops_accepting_lets_the_in_flight_request_finish_exits_0
    entered = Queue.new
    release = Queue.new
    slow = App::Check.new(name: 'slow', run: lambda {
      entered << true
      release.pop
    })
    app = start([slow], 5_000)
    in_flight = Thread.new { http(app[:port], '/readyz') }
    entered.pop
    app[:signal].call
    eventually { app[:state].shutting_down? }
    # No new connections once the listener is closed. A connect that races the close lands in
    # the backlog and is reset rather than refused: not accepted either.
    eventually do
      TCPSocket.new('127.0.0.1', app[:port]).close
      false
    rescue Errno::ECONNREFUSED, Errno::ECONNRESET
      true
    end
    assert_empty app[:exit_codes]
    release << true
    assert_equal '200', in_flight.value.code
    assert_equal 0, app[:exit_codes].pop
  end

  def test_idle_keep_alive_connections_do_not_hold_the_shutdown_open
    app = start([], 5_000)
    Net::HTTP.start('127.0.0.1', app[:port]) do |connection|
      assert_equal '200', connection.get('/healthz').code
      started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
      app[:signal].call
      assert_equal 0, app[:exit_codes].pop
      assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 3
    end
  end

  def test_forces_exit_1_after_the_timeout_when_a_request_never_finishes
    entered = Queue.new
    stuck = App::Check.new(name: 'stuck', run: lambda {
      entered << true
      sleep
    })
    app = start([stuck], 100)
    Thread.new { http(app[:port], '/readyz') rescue nil }
    # Wait until the request is really in flight: a fixed delay races on a loaded machine.
    entered.pop
    app[:signal].call
    assert_equal 1, app[:exit_codes].pop
  end

  def test_a_second_signal_exits_immediately_with_1
    entered = Queue.new
    stuck = App::Check.new(name: 'stuck', run: lambda {
      entered << true
      sleep
    })
    app = start([stuck], 60_000)
    Thread.new { http(app[:port], '/readyz') rescue nil }
    entered.pop
    app[:signal].call
    eventually { app[:state].shutting_down? }
    app[:signal].call('SIGINT')
    assert_equal 1, app[:exit_codes].pop
  end
end

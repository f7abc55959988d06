# frozen_string_literal: true

require 'test_helper'
require_relative 'fake_server'
require_relative '../../src/probes/postgres'

class PostgresProbeTest < Minitest::Test
  Probe = App::Probes::Postgres

  # Reads the StartupMessage: Int32 length, Int32 protocol, key/value pairs.
  def read_startup(socket)
    length = socket.read(4).unpack1('N')
    body = socket.read(length - 4)
    protocol = body.unpack1('N')
    pairs = body.byteslice(4..).split("\0")
    [protocol, pairs.each_slice(2).to_h]
  end

  def error_response(code, message)
    fields = "SFATAL\0C#{code}\0M#{message}\0\0".b
    ['E', fields.bytesize + 4].pack('aN') + fields
  end

  def test_ready_when_the_server_asks_for_authentication_sending_user_and_database
    port, server = FakeServer.start do |socket|
      protocol, params = read_startup(socket)
      assert_equal 196_608, protocol
      assert_equal({ 'user' => 'app user', 'database' => 'orders', 'application_name' => 'readiness-probe' }, params)
      socket.write(['R', 12, 5, 'salt'].pack('aNNa4')) # AuthenticationMD5Password
      assert_nil socket.read(1), 'the probe hangs up without sending a password'
    end
    Probe.probe("postgres://app%20user:secret@127.0.0.1:#{port}/orders")
    server.value
  end

  def test_defaults_the_user_to_postgres_and_the_database_to_the_user
    port, server = FakeServer.start do |socket|
      _, params = read_startup(socket)
      assert_equal %w[postgres postgres], params.values_at('user', 'database')
      socket.write(['R', 8, 0].pack('aNN'))
    end
    Probe.probe("postgresql://127.0.0.1:#{port}")
    server.value
  end

  def test_not_ready_on_an_error_response_reporting_its_sqlstate
    port, server = FakeServer.start do |socket|
      read_startup(socket)
      socket.write(error_response('57P03', 'the database system is starting up'))
    end
    error = assert_raises(App::ProbeError) { Probe.probe("postgres://u@127.0.0.1:#{port}/db") }
    assert_equal "127.0.0.1:#{port}: not ready: 57P03 the database system is starting up", error.message
    server.value
  end

  def test_an_authentication_failure_still_means_the_server_is_up
    port, server = FakeServer.start do |socket|
      read_startup(socket)
      socket.write(error_response('28P01', 'password authentication failed'))
    end
    Probe.probe("postgres://u:wrong@127.0.0.1:#{port}/db")
    server.value
  end

  def test_rejects_a_server_that_is_not_postgres
    port, server = FakeServer.start do |socket|
      read_startup(socket)
      socket.write("HTTP/1.1 400 Bad Request\r\n\r\n")
    end
    error = assert_raises(App::ProbeError) { Probe.probe("postgres://127.0.0.1:#{port}") }
    assert_match(/not a PostgreSQL server/, error.message)
    server.value
  end

  def test_times_out_against_a_server_that_never_answers
    port, server = FakeServer.silent
    error = assert_raises(App::ProbeError) { Probe.probe("postgres://127.0.0.1:#{port}", timeout: 0.2) }
    assert_equal "127.0.0.1:#{port}: no answer within 200 ms", error.message
    server.value
  end

  def test_reports_a_refused_connection
    port = FakeServer.closed_port
    error = assert_raises(App::ProbeError) { Probe.probe("postgres://127.0.0.1:#{port}") }
    assert_match(/refused/i, error.message)
    assert_match(/127\.0\.0\.1:#{port}/, error.message)
  end
end

# frozen_string_literal: true

require 'openssl'
require 'test_helper'
require_relative 'fake_server'
require_relative '../../src/probes/redis'

class RedisProbeTest < Minitest::Test
  Probe = App::Probes::Redis

  # Reads one RESP array of bulk strings.
  def read_command(socket)
    count = socket.gets("\r\n")[1..].to_i
    Array.new(count) do
      length = socket.gets("\r\n")[1..].to_i
      socket.read(length + 2).chomp("\r\n")
    end
  end

  def test_ready_on_pong_without_auth_when_the_url_has_no_password
    port, server = FakeServer.start do |socket|
      assert_equal ['PING'], read_command(socket)
      socket.write("+PONG\r\n")
    end
    Probe.probe("redis://127.0.0.1:#{port}/0")
    server.value
  end

  def test_sends_auth_with_username_and_password_first
    port, server = FakeServer.start do |socket|
      assert_equal %w[AUTH app p@ss+word], read_command(socket)
      socket.write("+OK\r\n")
      assert_equal ['PING'], read_command(socket)
      socket.write("+PONG\r\n")
    end
    Probe.probe("redis://app:p%40ss+word@127.0.0.1:#{port}")
    server.value
  end

  def test_password_only_urls_send_the_one_argument_auth
    port, server = FakeServer.start do |socket|
      assert_equal %w[AUTH secret], read_command(socket)
      socket.write("+OK\r\n")
      read_command(socket)
      socket.write("+PONG\r\n")
    end
    Probe.probe("redis://:secret@127.0.0.1:#{port}/0")
    server.value
  end

  def test_not_ready_when_the_server_refuses_with_its_message
    port, server = FakeServer.start do |socket|
      read_command(socket)
      socket.write("-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    end
    error = assert_raises(App::ProbeError) { Probe.probe("redis://:bad@127.0.0.1:#{port}") }
    assert_equal "127.0.0.1:#{port}: AUTH rejected: WRONGPASS invalid username-password pair or user is disabled.",
                 error.message
    refute_match(/bad/, error.message.sub('disabled', ''))
    server.value
  end

  def test_not_ready_while_loading
    port, server = FakeServer.start do |socket|
      read_command(socket)
      socket.write("-LOADING Redis is loading the dataset in memory\r\n")
    end
    error = assert_raises(App::ProbeError) { Probe.probe("redis://127.0.0.1:#{port}") }
    assert_match(/PING rejected: LOADING/, error.message)
    server.value
  end

  def test_rediss_starts_a_tls_handshake
    port, server = FakeServer.start do |socket|
      # A TLS ClientHello starts with a handshake record: 0x16 0x03.
      assert_equal [0x16, 0x03], socket.read(2).bytes
    end
    error = assert_raises(App::ProbeError) { Probe.probe("rediss://127.0.0.1:#{port}", timeout: 1) }
    assert_match(/127\.0\.0\.1:#{port}/, error.message)
    server.value
  end

  def test_times_out_against_a_server_that_never_answers
    port, server = FakeServer.silent
    error = assert_raises(App::ProbeError) { Probe.probe("redis://127.0.0.1:#{port}", timeout: 0.2) }
    assert_match(/no answer within 200 ms/, error.message)
    server.value
  end
end

# frozen_string_literal: true

require 'test_helper'
require_relative 'fake_server'
require_relative '../../src/probes/memcached'

class MemcachedProbeTest < Minitest::Test
  Probe = App::Probes::Memcached

  def test_ready_on_version
    port, server = FakeServer.start do |socket|
      assert_equal "version\r\n", socket.gets("\r\n")
      socket.write("VERSION 1.6.38\r\n")
    end
    Probe.probe("memcached://127.0.0.1:#{port}")
    server.value
  end

  def test_not_ready_on_any_other_reply
    port, server = FakeServer.start do |socket|
      socket.gets("\r\n")
      socket.write("SERVER_ERROR out of memory\r\n")
    end
    error = assert_raises(App::ProbeError) { Probe.probe("memcached://127.0.0.1:#{port}") }
    assert_equal %(127.0.0.1:#{port}: unexpected reply "SERVER_ERROR out of memory"), error.message
    server.value
  end

  def test_a_reply_split_across_packets_is_reassembled
    port, server = FakeServer.start do |socket|
      socket.gets("\r\n")
      socket.write('VERS')
      sleep 0.05
      socket.write("ION 1.6.38\r\n")
    end
    Probe.probe("memcached://127.0.0.1:#{port}")
    server.value
  end

  def test_times_out_against_a_server_that_never_answers
    port, server = FakeServer.silent
    error = assert_raises(App::ProbeError) { Probe.probe("memcached://127.0.0.1:#{port}", timeout: 0.2) }
    assert_match(/no answer within 200 ms/, error.message)
    server.value
  end
end

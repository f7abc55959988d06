# frozen_string_literal: true

require 'digest'
require 'openssl'
require 'securerandom'
require 'test_helper'
require_relative 'fake_server'
require_relative '../../src/probes/mysql'

class MysqlProbeTest < Minitest::Test
  Probe = App::Probes::Mysql

  # The server side of one connection: frames packets and checks sequence ids.
  class Connection
    include Minitest::Assertions
    attr_accessor :assertions, :sequence
    attr_reader :socket

    def initialize(socket)
      @socket = socket
      @sequence = 0
      @assertions = 0
    end

    # Next packet from the probe; its sequence id must follow ours.
    def receive
      header = socket.read(4)
      flunk 'the probe hung up' if header.nil?
      low, high, sequence = header.unpack('vCC')
      assert_equal @sequence, sequence, 'client sequence id'
      @sequence = (@sequence + 1) & 0xff
      socket.read(low | (high << 16))
    end

    def send_packet(payload)
      socket.write(frame(payload))
    end

    def frame(payload)
      header = [payload.bytesize & 0xffff, payload.bytesize >> 16, @sequence].pack('vCC')
      @sequence = (@sequence + 1) & 0xff
      header + payload.b
    end

    # COM_QUIT with sequence id 0 (a new command), then the probe hangs up.
    def expect_quit
      @sequence = 0
      assert_equal "\x01".b, receive, 'COM_QUIT'
      assert_nil socket.read(1), 'the probe hangs up'
    end
  end

  def fake_mysql(&script)
    FakeServer.start { |socket| script.call(Connection.new(socket)) }
  end

  CLIENT_LONG_PASSWORD = 0x1
  CLIENT_CONNECT_WITH_DB = 0x8
  CLIENT_PROTOCOL_41 = 0x200
  CLIENT_SECURE_CONNECTION = 0x8000
  CLIENT_PLUGIN_AUTH = 0x80000
  SERVER_CAPABILITIES = 0xf7fe | (0x81bf << 16) | CLIENT_LONG_PASSWORD

  def greeting(plugin, nonce, capabilities = SERVER_CAPABILITIES)
    "\x0a8.4.3\0".b +
      [42].pack('V') + nonce.byteslice(0, 8) + "\0".b + # connection id, nonce part 1, filler
      [capabilities & 0xffff, 255, 0x0002, capabilities >> 16, 21].pack('vCvvC') + # utf8mb4_0900_ai_ci, autocommit
      ("\0".b * 10) + nonce.byteslice(8..) + "\0".b + "#{plugin}\0".b
  end

  OK = "\x00\x00\x00\x02\x00\x00\x00".b

  def err_packet(code, message, sql_state = nil)
    "\xff".b + [code].pack('v') + (sql_state ? "##{sql_state}#{message}" : message).b
  end

  HandshakeResponse = Data.define(:flags, :charset, :user, :auth_data, :database, :plugin)

  def parse_handshake_response(payload)
    flags, _max_packet, charset = payload.unpack('VVC')
    assert_equal "\0".b * 23, payload.byteslice(9, 23), '23 zero bytes'
    offset = 32
    cstring = lambda do
      finish = payload.index("\0", offset)
      refute_nil finish, 'NUL-terminated string'
      text = payload.byteslice(offset, finish - offset).force_encoding(Encoding::UTF_8)
      offset = finish + 1
      text
    end
    user = cstring.call
    auth_length = payload.getbyte(offset)
    auth_data = payload.byteslice(offset + 1, auth_length)
    offset += 1 + auth_length
    database = flags & CLIENT_CONNECT_WITH_DB == 0 ? nil : cstring.call
    plugin = cstring.call
    assert_equal payload.bytesize, offset, 'nothing after the plugin name'
    HandshakeResponse.new(flags: flags, charset: charset, user: user, auth_data: auth_data, database: database,
                          plugin: plugin)
  end

  def sha1(*parts) = Digest::SHA1.digest(parts.join.b)
  def sha256(*parts) = Digest::SHA256.digest(parts.join.b)
  def xor(data, key) = data.bytes.each_with_index.map { |byte, i| byte ^ key.getbyte(i % key.bytesize) }.pack('C*')

  # What mysqld does: it stores SHA1(SHA1(password)) and never sees the password.
  def native_password_matches?(auth_data, nonce, password)
    stored = sha1(sha1(password.b))
    auth_data.bytesize == 20 && sha1(xor(auth_data, sha1(nonce, stored))) == stored
  end

  # caching_sha2_password fast path: the server caches SHA256(SHA256(password)).
  def sha2_password_matches?(auth_data, nonce, password)
    cached = sha256(sha256(password.b))
    auth_data.bytesize == 32 && sha256(xor(auth_data, sha256(cached, nonce))) == cached
  end

  # Like mysqld: printable-ish bytes, never NUL.
  def nonce = SecureRandom.random_bytes(20).bytes.map { |byte| (byte & 0x7f).nonzero? || 1 }.pack('C*')

  def test_mysql_native_password_logs_in_with_the_decoded_url_credentials_then_quits
    challenge = nonce
    response = nil
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('mysql_native_password', challenge))
      response = parse_handshake_response(connection.receive)
      assert native_password_matches?(response.auth_data, challenge, 'p@ss:wörd'), 'scramble'
      connection.send_packet(OK)
      connection.expect_quit
    end
    Probe.probe("mariadb://app%2Buser:p%40ss%3Aw%C3%B6rd@127.0.0.1:#{port}/orders%20db")
    server.value
    assert_equal 'app+user', response.user
    assert_equal 'orders db', response.database
    assert_equal 'mysql_native_password', response.plugin
    assert_includes [45, 255], response.charset, 'utf8mb4'
    wanted = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
    assert_equal wanted, response.flags & wanted
    refute_equal 0, response.flags & CLIENT_CONNECT_WITH_DB
  end

  def test_no_database_in_the_url_leaves_connect_with_db_off_and_an_empty_password_is_an_empty_answer
    response = nil
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('mysql_native_password', nonce))
      response = parse_handshake_response(connection.receive)
      connection.send_packet(OK)
      connection.expect_quit
    end
    Probe.probe("mysql://root@127.0.0.1:#{port}")
    server.value
    assert_equal 0, response.flags & CLIENT_CONNECT_WITH_DB
    assert_nil response.database
    assert_empty response.auth_data
  end

  def test_caching_sha2_password_fast_authentication
    challenge = nonce
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('caching_sha2_password', challenge))
      response = parse_handshake_response(connection.receive)
      assert_equal 'caching_sha2_password', response.plugin
      assert sha2_password_matches?(response.auth_data, challenge, 'secret'), 'scramble'
      connection.send_packet("\x01\x03".b) # fast auth success
      connection.send_packet(OK)
      connection.expect_quit
    end
    Probe.probe("mysql://app:secret@127.0.0.1:#{port}/app")
    server.value
  end

  def test_caching_sha2_password_full_authentication_with_the_server_rsa_key_over_plain_tcp
    challenge = nonce
    key = OpenSSL::PKey::RSA.generate(2048)
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('caching_sha2_password', challenge))
      connection.receive
      connection.send_packet("\x01\x04".b) # perform full authentication
      assert_equal "\x02".b, connection.receive, 'public key request'
      connection.send_packet("\x01".b + key.public_to_pem.b)
      plain = key.decrypt(connection.receive, 'rsa_padding_mode' => 'oaep')
      assert_equal "sécret\0".b, xor(plain, challenge)
      connection.send_packet(OK)
      connection.expect_quit
    end
    Probe.probe("mysql://app:s%C3%A9cret@127.0.0.1:#{port}/app")
    server.value
  end

  def test_follows_an_auth_switch_request_to_mysql_native_password_with_the_new_nonce
    switched = nonce
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('caching_sha2_password', nonce))
      connection.receive
      connection.send_packet("\xfemysql_native_password\0".b + switched + "\0".b)
      assert native_password_matches?(connection.receive, switched, 'secret'), 'scramble with the switched nonce'
      connection.send_packet(OK)
      connection.expect_quit
    end
    Probe.probe("mysql://app:secret@127.0.0.1:#{port}/app")
    server.value
  end

  def test_follows_an_auth_switch_request_to_caching_sha2_password
    switched = nonce
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('mysql_native_password', nonce))
      connection.receive
      connection.send_packet("\xfecaching_sha2_password\0".b + switched + "\0".b)
      assert sha2_password_matches?(connection.receive, switched, 'secret')
      connection.send_packet("\x01\x03".b)
      connection.send_packet(OK)
      connection.expect_quit
    end
    Probe.probe("mysql://app:secret@127.0.0.1:#{port}/app")
    server.value
  end

  def test_a_wrong_password_is_not_ready_and_the_app_cannot_log_in_either
    challenge = nonce
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('mysql_native_password', challenge))
      response = parse_handshake_response(connection.receive)
      refute native_password_matches?(response.auth_data, challenge, 'secret')
      connection.send_packet(err_packet(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", '28000'))
    end
    error = assert_raises(App::ProbeError) { Probe.probe("mysql://app:wrong@127.0.0.1:#{port}/app") }
    assert_match(/\A127\.0\.0\.1:#{port}: not ready: error 1045: Access denied for user 'app'/, error.message)
    assert_match(/app cannot log in either/, error.message)
    refute_match(/wrong/, error.message, 'never echoes the password')
    server.value
  end

  def test_not_ready_on_a_greeting_err_packet_with_its_message
    port, server = fake_mysql { |connection| connection.send_packet(err_packet(1040, 'Too many connections')) }
    error = assert_raises(App::ProbeError) { Probe.probe("mariadb://127.0.0.1:#{port}/app") }
    assert_equal "127.0.0.1:#{port}: not ready: error 1040: Too many connections", error.message
    server.value
  end

  def test_a_blocked_host_is_reported_with_the_server_message
    message = "Host '10.0.0.7' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'"
    port, server = fake_mysql { |connection| connection.send_packet(err_packet(1129, message)) }
    error = assert_raises(App::ProbeError) { Probe.probe("mysql://app:secret@127.0.0.1:#{port}/app") }
    assert_equal "127.0.0.1:#{port}: not ready: error 1129: #{message}", error.message
    server.value
  end

  def test_rejects_an_unsupported_authentication_plugin_by_name
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('mysql_native_password', nonce))
      connection.receive
      connection.send_packet("\xfeclient_ed25519\0".b + nonce)
      # A signature-sized answer, so the server logs a failed login rather
      # than a handshake error that counts against max_connect_errors.
      assert_equal "\0".b * 64, connection.receive
      connection.send_packet(err_packet(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", '28000'))
      connection.socket.read
    end
    error = assert_raises(App::ProbeError) { Probe.probe("mariadb://app:secret@127.0.0.1:#{port}/app") }
    assert_match(/client_ed25519 authentication plugin/, error.message)
    server.value
  end

  def test_answers_a_greeting_for_an_unknown_default_plugin_with_mysql_native_password
    challenge = nonce
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('client_ed25519', challenge))
      response = parse_handshake_response(connection.receive)
      assert_equal 'mysql_native_password', response.plugin
      assert native_password_matches?(response.auth_data, challenge, 'secret')
      connection.send_packet(OK)
      connection.expect_quit
    end
    Probe.probe("mariadb://app:secret@127.0.0.1:#{port}/app")
    server.value
  end

  def test_handles_packets_split_across_tcp_chunks_and_several_packets_in_one_chunk
    challenge = nonce
    port, server = fake_mysql do |connection|
      connection.socket.setsockopt(Socket::IPPROTO_TCP, Socket::TCP_NODELAY, 1)
      connection.frame(greeting('caching_sha2_password', challenge)).each_char do |byte|
        connection.socket.write(byte)
        sleep 0.001
      end
      response = parse_handshake_response(connection.receive)
      assert sha2_password_matches?(response.auth_data, challenge, 'secret')
      # Fast-auth success and OK in one write, then nothing else.
      connection.socket.write(connection.frame("\x01\x03".b) + connection.frame(OK))
      connection.expect_quit
    end
    Probe.probe("mysql://app:secret@127.0.0.1:#{port}/app", timeout: 5)
    server.value
  end

  def test_rejects_a_server_that_is_not_mysql
    port, server = fake_mysql { |connection| connection.send_packet("\x09\x00".b) }
    error = assert_raises(App::ProbeError) { Probe.probe("mysql://127.0.0.1:#{port}/app") }
    assert_match(/unsupported handshake protocol version 9/, error.message)
    server.value
  end

  def test_times_out_against_a_server_that_never_answers
    port, server = FakeServer.silent
    error = assert_raises(App::ProbeError) { Probe.probe("mysql://127.0.0.1:#{port}/app", timeout: 0.15) }
    assert_match(/no answer within 150 ms/, error.message)
    server.value
  end

  def test_the_deadline_also_covers_a_login_the_server_never_answers
    port, server = fake_mysql do |connection|
      connection.send_packet(greeting('mysql_native_password', nonce))
      connection.socket.read
    end
    error = assert_raises(App::ProbeError) { Probe.probe("mysql://app:secret@127.0.0.1:#{port}/app", timeout: 0.15) }
    assert_match(/no answer within 150 ms/, error.message)
    server.value
  end
end

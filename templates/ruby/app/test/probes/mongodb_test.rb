# frozen_string_literal: true

require 'test_helper'
require_relative 'fake_server'
require_relative '../../src/probes/mongodb'

class MongodbProbeTest < Minitest::Test
  Probe = App::Probes::Mongodb

  # A small BSON encoder for the fake server's replies, covering types the
  # probe must read (double, string, bool, int32, int64) or skip by size.
  def bson(fields)
    body = fields.map do |name, value|
      key = "#{name}\0".b
      case value
      when Float then "\x01".b + key + [value].pack('E')
      when String then "\x02".b + key + [value.bytesize + 1].pack('l<') + value.b + "\0".b
      when Hash then "\x03".b + key + bson(value)
      when true, false then "\x08".b + key + (value ? "\x01" : "\x00").b
      when nil then "\x0a".b + key
      when Integer then value.bit_length < 32 ? "\x10".b + key + [value].pack('l<') : "\x12".b + key + [value].pack('q<')
      when Symbol then "\x07".b + key + ("\x01".b * 12) # an ObjectId
      end
    end.join.b
    [body.bytesize + 5].pack('l<') + body + "\0".b
  end

  def op_msg(document, response_to)
    [21 + document.bytesize, 99, response_to, 2013, 0, 0].pack('l<4L<C') + document
  end

  # Reads one OP_MSG; returns [request id, the body document's raw bytes].
  def read_op_msg(socket)
    length, request_id, _response_to, op_code = socket.read(16).unpack('l<4')
    assert_equal 2013, op_code
    body = socket.read(length - 16)
    assert_equal 0, body.getbyte(4), 'section kind 0'
    [request_id, body.byteslice(5..)]
  end

  def test_ready_when_hello_answers_ok_1
    port, server = FakeServer.start do |socket|
      request_id, document = read_op_msg(socket)
      assert_includes document, "\x10hello\0\x01\0\0\0".b
      assert_includes document, "\x02$db\0\x06\0\0\0admin\0".b
      reply = bson('isWritablePrimary' => true, 'topologyVersion' => { 'counter' => 0 }, 'maxBsonObjectSize' => 16_777_216,
                   'localTime' => 2**40, 'electionId' => :oid, 'arbiterOnly' => nil, 'msg' => 'isdbgrid', 'ok' => 1.0)
      socket.write(op_msg(reply, request_id))
    end
    Probe.probe("mongodb://root:secret@127.0.0.1:#{port}/?authSource=admin")
    server.value
  end

  def test_checks_only_the_first_host_of_a_seed_list
    port, server = FakeServer.start do |socket|
      request_id, = read_op_msg(socket)
      socket.write(op_msg(bson('ok' => 1), request_id))
    end
    Probe.probe("mongodb://u:p@127.0.0.1:#{port},127.0.0.2:27017/app?replicaSet=rs0")
    server.value
  end

  def test_not_ready_when_ok_is_0_with_the_server_message
    port, server = FakeServer.start do |socket|
      request_id, = read_op_msg(socket)
      socket.write(op_msg(bson('ok' => 0.0, 'errmsg' => 'node is recovering', 'code' => 91), request_id))
    end
    error = assert_raises(App::ProbeError) { Probe.probe("mongodb://127.0.0.1:#{port}") }
    assert_equal "127.0.0.1:#{port}: not ready: node is recovering", error.message
    server.value
  end

  def test_rejects_a_server_that_is_not_mongodb
    port, server = FakeServer.start do |socket|
      read_op_msg(socket)
      socket.write("HTTP/1.1 400 Bad Request\r\n\r\n")
    end
    error = assert_raises(App::ProbeError) { Probe.probe("mongodb://127.0.0.1:#{port}") }
    assert_match(/not a MongoDB server/, error.message)
    server.value
  end

  def test_rejects_mongodb_srv_with_a_clear_message
    error = assert_raises(App::ProbeError) { Probe.probe('mongodb+srv://cluster.example.com/app') }
    assert_match(/DNS SRV lookup/, error.message)
  end

  def test_times_out_against_a_server_that_never_answers
    port, server = FakeServer.silent
    error = assert_raises(App::ProbeError) { Probe.probe("mongodb://127.0.0.1:#{port}", timeout: 0.2) }
    assert_match(/no answer within 200 ms/, error.message)
    server.value
  end
end

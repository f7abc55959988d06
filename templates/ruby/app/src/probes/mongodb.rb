# frozen_string_literal: true

require_relative 'registry'
require_relative '../wire'

module App
  module Probes
    # Sends one `hello` command with a hand-rolled OP_MSG/BSON codec so the
    # app needs no driver gem; once you add the mongo gem, replace this with
    # `client.database.command(ping: 1)`.
    module Mongodb
      SCHEMES = %w[mongodb mongodb+srv].freeze

      OP_MSG = 2013
      MAX_REPLY_BYTES = 16 * 1024 * 1024

      # `hello` needs no authentication and answers as soon as mongod accepts
      # connections; `ok: 1` means ready. Only the first host of a seed list is
      # checked. TLS is used when the URL says tls=true or ssl=true.
      def self.probe(url, timeout: Wire::DEFAULT_TIMEOUT)
        if url.downcase.start_with?('mongodb+srv:')
          raise ProbeError, 'mongodb+srv:// URLs need a DNS SRV lookup that this minimal probe does not do: ' \
                            'use a mongodb://host:port URL, or replace the probe with your driver ping'
        end
        uri = first_host(url)
        query = URI.decode_www_form(uri.query.to_s).to_h { |key, value| [key.downcase, value.downcase] }
        tls = query['tls'] == 'true' || query['ssl'] == 'true'
        endpoint = Wire.endpoint_from(uri, 27_017, tls: tls)

        Wire.converse(endpoint, timeout) do |wire|
          wire.write(op_msg(1, encode_document('hello' => 1, '$db' => 'admin')))

          # Header: messageLength, requestID, responseTo, opCode (int32 LE each).
          length, _request_id, _response_to, op_code = wire.read(16).unpack('l<4')
          if op_code != OP_MSG || length < 21 || length > MAX_REPLY_BYTES
            raise ProbeError, 'unexpected reply: not a MongoDB server (3.6 or later)?'
          end

          body = wire.read(length - 16)
          # body: flagBits (uint32), then section kind 0 followed by one document.
          raise ProbeError, 'unexpected OP_MSG section in reply' unless body.getbyte(4).zero?

          reply = decode_top_level(body.byteslice(5..))
          unless [1, true].include?(reply['ok'])
            reason = reply['errmsg'] || reply['codeName'] || 'ok is not 1'
            raise ProbeError, "not ready: #{reason}"
          end
        end
      end

      # A seed list ("a:27017,b:27017") is not a valid URI host: keep the first.
      def self.first_host(url)
        match = %r{\A(mongodb://)([^@/?#]*@)?([^/?#]*)(.*)\z}im.match(url)
        raise ProbeError, 'not a mongodb:// URL' unless match

        scheme, credentials, hosts, rest = match.captures
        URI.parse("#{scheme}#{credentials}#{hosts.split(',').first}#{rest}")
      end

      def self.op_msg(request_id, document)
        # length, requestID, responseTo, opCode, flagBits, section kind 0 (body document)
        [21 + document.bytesize, request_id, 0, OP_MSG, 0, 0].pack('l<4L<C') + document
      end

      # --- Minimal BSON: encodes int32 and string values, decodes top-level scalars.

      def self.encode_document(fields)
        elements = fields.map do |key, value|
          name = "#{key}\0".b
          case value
          when Integer then "\x10".b + name + [value].pack('l<')
          else
            text = "#{value}\0".b
            "\x02".b + name + [text.bytesize].pack('l<') + text
          end
        end.join.b
        [elements.bytesize + 5].pack('l<') + elements + "\0".b
      end

      # Fixed sizes of the BSON types the decoder skips.
      FIXED_SIZES = { 0x07 => 12, 0x09 => 8, 0x11 => 8, 0x13 => 16, 0x06 => 0, 0x0a => 0, 0x7f => 0, 0xff => 0 }.freeze

      # Reads a document's top-level doubles, strings, int32/int64 and
      # booleans; every other value (sub-documents, ObjectIds, timestamps...)
      # is skipped by size.
      def self.decode_top_level(document)
        values = {}
        finish = document.unpack1('l<') - 1 # the last byte is the document's NUL
        raise ProbeError, 'truncated BSON document in reply' if finish >= document.bytesize

        int32 = ->(at) { document.unpack1('l<', offset: at) }
        cstring_end = lambda do |from|
          document.index("\0", from) || raise(ProbeError, 'malformed BSON document in reply')
        end
        offset = 4
        while offset < finish
          type = document.getbyte(offset)
          name_end = cstring_end.(offset + 1)
          name = document.byteslice(offset + 1, name_end - offset - 1).force_encoding(Encoding::UTF_8)
          at = name_end + 1
          size =
            case type
            when 0x01 # double
              values[name] = document.unpack1('E', offset: at)
              8
            when 0x02 # string: int32 byte length (with NUL), bytes, NUL
              values[name] = document.byteslice(at + 4, int32.(at) - 1).force_encoding(Encoding::UTF_8)
              4 + int32.(at)
            when 0x08 # boolean
              values[name] = document.getbyte(at) == 1
              1
            when 0x10 # int32
              values[name] = int32.(at)
              4
            when 0x12 # int64
              values[name] = document.unpack1('q<', offset: at)
              8
            when 0x03, 0x04, 0x0f then int32.(at) # document, array, code with scope
            when 0x05 then 5 + int32.(at) # binary: int32 length, subtype, bytes
            when 0x0d, 0x0e then 4 + int32.(at) # JavaScript code, symbol
            when 0x0c then 4 + int32.(at) + 12 # DBPointer: string + ObjectId
            when 0x0b then cstring_end.(cstring_end.(at) + 1) + 1 - at # regex: two cstrings
            else FIXED_SIZES.fetch(type) { raise ProbeError, format('unsupported BSON type 0x%02x in reply', type.to_i) }
            end
          raise ProbeError, 'malformed BSON document in reply' if size.negative?

          offset = at + size
        end
        values
      end
      private_class_method :first_host, :op_msg, :encode_document, :decode_top_level
    end

    register 'mongodb', Mongodb
  end
end

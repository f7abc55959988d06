# frozen_string_literal: true

require 'json'
require 'time'

module App
  # One JSON object per line: log collectors (Docker, Kubernetes, Loki, ...)
  # parse it without any configuration.
  class JsonLogger
    LEVELS = %w[debug info warn error].freeze

    # +sink+ is anything with #write (an IO, a StringIO, a test double).
    def initialize(level, sink = $stdout)
      @threshold = LEVELS.index(level.to_s)
      raise ArgumentError, "unknown log level #{level.inspect}" if @threshold.nil?

      @sink = sink
    end

    LEVELS.each do |level|
      define_method(level) { |msg, **fields| log(level, msg, fields) }
    end

    def enabled?(level)
      LEVELS.index(level.to_s).to_i >= @threshold
    end

    private

    def log(level, msg, fields)
      return unless enabled?(level)

      entry = { 'time' => Time.now.utc.iso8601(3), 'level' => level, 'msg' => msg }
      # Caller fields never overwrite time/level/msg, which collectors key on.
      fields.each { |key, value| entry[key.to_s] = loggable(value) unless entry.key?(key.to_s) }
      # One write per line, so lines from concurrent threads never interleave.
      @sink.write("#{serialize(entry)}\n")
    end

    def serialize(entry)
      JSON.generate(entry)
    rescue JSON::GeneratorError, JSON::NestingError, EncodingError
      # A circular or non-UTF-8 field: keep the line rather than raise.
      JSON.generate(entry.slice('time', 'level', 'msg').merge('logError' => 'fields not serializable'))
    end

    # An exception keeps its class, message and first frames; anything JSON
    # cannot represent natively becomes its string form.
    def loggable(value)
      case value
      when Exception
        { 'class' => value.class.name, 'message' => value.message, 'backtrace' => value.backtrace&.first(10) }.compact
      when Hash then value.to_h { |k, v| [k.to_s, loggable(v)] }
      when Array then value.map { |v| loggable(v) }
      when String, Integer, Float, true, false, nil then value
      else value.to_s
      end
    end
  end
end

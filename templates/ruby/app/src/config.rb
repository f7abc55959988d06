# frozen_string_literal: true

require_relative 'json_logger'

module App
  # A backing service the app needs before it can take traffic.
  #   name    shown in /readyz and in logs, e.g. "postgres"
  #   env     environment variable holding its connection URL
  #   schemes URL schemes the probe understands, e.g. %w[postgres postgresql]
  #   probe   callable(url) that returns when the service answers, raises otherwise
  Dependency = Data.define(:name, :env, :schemes, :probe)

  # A dependency with the URL read from the environment.
  ConfiguredDependency = Data.define(:name, :url, :probe)

  Config = Data.define(:host, :port, :log_level, :shutdown_timeout_ms, :dependencies)

  # Lists every problem at once, so a bad deploy is fixed in one round trip.
  class ConfigError < StandardError
    attr_reader :problems

    def initialize(problems)
      @problems = problems.dup.freeze
      super("invalid configuration: #{problems.join('; ')}")
    end
  end

  # Sleeps and timers take seconds as floats; keep the same bound as other stacks.
  MAX_TIMEOUT_MS = 2_147_483_647

  # All settings come from the environment (12-factor); nothing is read from files.
  def self.load_config(env, default_port:, dependencies:)
    problems = []
    # Compose and Helm often render unset values as empty strings: treat them as unset.
    read = lambda do |key|
      value = env[key]&.strip
      value.nil? || value.empty? ? nil : value
    end

    port = parse_integer(read.('PORT'), default_port, 0, 65_535, 'PORT', problems)
    timeout = parse_integer(read.('SHUTDOWN_TIMEOUT_MS'), 10_000, 0, MAX_TIMEOUT_MS, 'SHUTDOWN_TIMEOUT_MS', problems)

    log_level = (read.('LOG_LEVEL') || 'info').downcase
    unless JsonLogger::LEVELS.include?(log_level)
      problems << "LOG_LEVEL must be one of #{JsonLogger::LEVELS.join(', ')}, got \"#{log_level}\""
    end

    configured = dependencies.filter_map do |dependency|
      url = read.(dependency.env)
      if url.nil?
        problems << "#{dependency.env} is required (#{dependency.name} connection URL)"
        next
      end
      # Only the scheme is checked here: the URL may carry credentials, so it
      # is never echoed back into logs.
      scheme = url[%r{\A([a-z][a-z0-9+.-]*)://}i, 1]&.downcase
      unless dependency.schemes.include?(scheme)
        problems << "#{dependency.env} must be a URL starting with #{dependency.schemes.map { |s| "#{s}://" }.join(' or ')}"
        next
      end
      ConfiguredDependency.new(name: dependency.name, url: url, probe: dependency.probe)
    end

    raise ConfigError, problems unless problems.empty?

    Config.new(host: read.('HOST') || '0.0.0.0', port: port, log_level: log_level,
               shutdown_timeout_ms: timeout, dependencies: configured)
  end

  def self.parse_integer(raw, fallback, min, max, key, problems)
    return fallback if raw.nil?

    # Integer() would accept "0x10", "1_000" and "012": a typo should fail loudly instead.
    value = raw.match?(/\A\d+\z/) ? raw.to_i : nil
    return value if value && value.between?(min, max)

    problems << "#{key} must be an integer between #{min} and #{max}, got \"#{raw}\""
    fallback
  end
  private_class_method :parse_integer
end

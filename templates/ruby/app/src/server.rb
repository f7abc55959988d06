# frozen_string_literal: true

# Entry point: config -> server -> signals. Everything here is wiring; the
# behaviour lives in files that tests load directly.

$stdout.sync = true

require 'puma'
require 'puma/server'
require_relative 'app'
require_relative 'config'
require_relative 'json_logger'
require_relative 'readiness'
require_relative 'service'
require_relative 'shutdown'

begin
  config = App.load_config(ENV, default_port: App::DEFAULT_PORT, dependencies: App::DEPENDENCIES)
rescue App::ConfigError => e
  # LOG_LEVEL itself may be the invalid setting, so log at a fixed level.
  App::JsonLogger.new('info').error('invalid configuration', problems: e.problems)
  exit 1
end

logger = App::JsonLogger.new(config.log_level)

# A crash prints one JSON line instead of a multi-line stack that log
# collectors split into unrelated lines.
Thread.report_on_exception = false
at_exit do
  error = $!
  logger.error('uncaught exception', error: error) if error && !error.is_a?(SystemExit)
end

state = App::State.new
readiness = App::Readiness.new(
  config.dependencies.map { |dependency| App::Check.new(name: dependency.name, run: -> { dependency.probe.call(dependency.url) }) },
)

# Puma, embedded: its own log lines are not JSON, so it writes none; errors
# that escape the app are logged here and answered with a JSON 500.
server = Puma::Server.new(
  App.rack_app(logger: logger, readiness: readiness, state: state),
  nil,
  {
    log_writer: Puma::LogWriter.null,
    min_threads: 0,
    max_threads: 5,
    lowlevel_error_handler: lambda do |error, env, status = 500|
      logger.error('request failed', method: env&.fetch('REQUEST_METHOD', nil), path: env&.fetch('PATH_INFO', nil), error: error)
      [status, { 'content-type' => 'application/json' }, ['{"error":"internal error"}']]
    end,
  },
)

begin
  server.add_tcp_listener(config.host, config.port)
rescue SystemCallError, SocketError => e
  # Typically EADDRINUSE or EACCES.
  logger.error('server error', error: e)
  exit 1
end

exit_codes = Queue.new
shutdown = App::Shutdown.new(server: server, state: state, logger: logger,
                             timeout_ms: config.shutdown_timeout_ms, exit: ->(code) { exit_codes << code })
# Trap handlers must not block: each signal starts the handler in a thread.
%w[TERM INT].each do |signal|
  Signal.trap(signal) { Thread.new { shutdown.call("SIG#{signal}") } }
end

server.run
logger.info('listening', service: App::SERVICE_NAME, address: config.host, port: server.connected_ports.first,
                         dependencies: config.dependencies.map(&:name))

exit exit_codes.pop

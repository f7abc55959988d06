# frozen_string_literal: true

require 'json'
require 'logger' # for Sinatra's null logger (logging disabled below)
require 'rack/body_proxy'
require 'sinatra/base'

module App
  # Flipped by the shutdown handler; read on every request.
  class State
    def initialize
      @shutting_down = false
    end

    def shutting_down? = @shutting_down

    def shutting_down!
      @shutting_down = true
    end
  end

  # The HTTP routes. Build it with App.rack_app, which adds the access log.
  class Web < Sinatra::Base
    ROUTES = { '/healthz' => 'GET, HEAD', '/readyz' => 'GET, HEAD' }.freeze

    configure do
      # The access log is our own JSON line (AccessLog below); errors go
      # through the `error` handler, never as HTML pages or stack traces.
      set :logging, false
      set :show_exceptions, false
      set :raise_errors, false
      set :dump_errors, false
      set :static, false
      set :default_content_type, 'application/json'
    end

    def initialize(app = nil, logger:, readiness:, state:)
      super(app)
      @logger = logger
      @readiness = readiness
      @state = state
    end

    # Liveness: never look at dependencies, or a database outage would make
    # Kubernetes restart every healthy pod.
    get '/healthz' do
      send_json 200, status: 'ok'
    end

    get '/readyz' do
      # Fail readiness first so the load balancer drains this pod before it stops.
      next send_json(503, status: 'shutting down', checks: {}) if @state.shutting_down?

      report = @readiness.call
      report.failures.each do |name, error|
        @logger.warn('readiness check failed', check: name, error: error.message)
      end
      # Only check names and ok/fail go out: error details can reveal
      # internal hostnames, so they stay in the log line above.
      send_json report.ready ? 200 : 503, status: report.ready ? 'ready' : 'not ready', checks: report.checks
    end

    # Add your routes here.

    # Sinatra answers 404 when no route matches the method too: a known path
    # asked with another method is a 405 that names the allowed ones.
    not_found do
      allowed = ROUTES[request.path_info]
      next send_json(404, error: 'not found') if allowed.nil?

      headers 'allow' => allowed
      send_json 405, error: 'method not allowed'
    end

    error do
      error = env['sinatra.error']
      @logger.error('request failed', method: request.request_method, path: request.path_info, error: error)
      send_json 500, error: 'internal error'
    end

    private

    def send_json(code, body)
      status code
      headers 'content-type' => 'application/json; charset=utf-8',
              'cache-control' => 'no-store',
              'x-content-type-options' => 'nosniff'
      JSON.generate(body)
    end
  end

  # One JSON access-log line per request, written once the server has sent
  # the body. Kubernetes probes hit /healthz and /readyz every few seconds:
  # their lines go to debug so they don't drown the real traffic.
  class AccessLog
    PROBE_PATHS = %w[/healthz /readyz].freeze

    def initialize(app, logger)
      @app = app
      @logger = logger
    end

    def call(env)
      started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
      status, headers, body = @app.call(env)
      finished = Rack::BodyProxy.new(body) do
        duration_ms = ((Process.clock_gettime(Process::CLOCK_MONOTONIC) - started) * 1000).round(2)
        path = env['PATH_INFO'].to_s
        # The query string is left out on purpose: it often carries tokens.
        fields = { method: env['REQUEST_METHOD'], path: path, status: status.to_i, durationMs: duration_ms }
        PROBE_PATHS.include?(path) ? @logger.debug('request', **fields) : @logger.info('request', **fields)
      end
      [status, headers, finished]
    end
  end

  # The Rack application the server runs (and tests mount).
  def self.rack_app(logger:, readiness:, state:)
    AccessLog.new(Web.new(logger: logger, readiness: readiness, state: state), logger)
  end
end

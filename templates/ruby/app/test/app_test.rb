# frozen_string_literal: true

require 'test_helper'
require_relative '../src/app'
require_relative '../src/readiness'

class AppTest < Minitest::Test
  def setup
    @logger, @lines = capture_logger('debug')
    @state = App::State.new
    @database_up = true
    checks = [
      App::Check.new(name: 'postgres', run: -> { raise IOError, 'connect ECONNREFUSED 10.0.0.7:5432' unless @database_up }),
      App::Check.new(name: 'redis', run: -> {}),
    ]
    app = App.rack_app(logger: @logger, readiness: App::Readiness.new(checks), state: @state)
    @server, @port = serve(app)
  end

  def teardown
    @server.halt(true)
  end

  def get(path, **options)
    response = http(@port, path, **options)
    body = response.body.to_s.empty? ? nil : JSON.parse(response.body)
    [response, body]
  end

  def test_get_healthz_is_200_ok
    response, body = get('/healthz')
    assert_equal '200', response.code
    assert_match %r{\Aapplication/json}, response['content-type']
    assert_equal({ 'status' => 'ok' }, body)
    assert_equal 'no-store', response['cache-control']
  end

  def test_healthz_ignores_the_query_string_and_answers_head_without_a_body
    assert_equal '200', get('/healthz?verbose=1').first.code
    response, body = get('/healthz', method: 'HEAD')
    assert_equal '200', response.code
    assert_nil body
  end

  def test_get_readyz_is_200_when_every_check_passes
    response, body = get('/readyz')
    assert_equal '200', response.code
    assert_equal({ 'status' => 'ready', 'checks' => { 'postgres' => 'ok', 'redis' => 'ok' } }, body)
  end

  def test_get_readyz_is_503_naming_the_failing_check_details_only_in_the_log
    @database_up = false
    response, body = get('/readyz')
    assert_equal '503', response.code
    assert_equal({ 'status' => 'not ready', 'checks' => { 'postgres' => 'fail', 'redis' => 'ok' } }, body)
    refute_match(/10\.0\.0\.7/, response.body)
    warning = @lines.to_a.find { |line| line['msg'] == 'readiness check failed' }
    assert_equal 'postgres', warning['check']
    assert_match(/ECONNREFUSED/, warning['error'])
  end

  def test_get_readyz_is_503_while_shutting_down
    @state.shutting_down!
    response, body = get('/readyz')
    assert_equal '503', response.code
    assert_equal 'shutting down', body['status']
  end

  def test_unknown_paths_are_404_json
    response, body = get('/nope')
    assert_equal '404', response.code
    assert_equal({ 'error' => 'not found' }, body)
  end

  def test_a_wrong_method_is_405_with_an_allow_header
    response, body = get('/healthz', method: 'POST', body: 'x')
    assert_equal '405', response.code
    assert_equal 'GET, HEAD', response['allow']
    assert_equal({ 'error' => 'method not allowed' }, body)
  end

  def test_an_exception_in_a_route_is_a_json_500_and_one_log_line
    checks = [App::Check.new(name: 'x', run: -> {})]
    readiness = App::Readiness.new(checks)
    readiness.define_singleton_method(:call) { raise 'kaboom' }
    server, port = serve(App.rack_app(logger: @logger, readiness: readiness, state: App::State.new))
    response = http(port, '/readyz')
    assert_equal '500', response.code
    assert_equal({ 'error' => 'internal error' }, JSON.parse(response.body))
    failure = @lines.to_a.find { |line| line['msg'] == 'request failed' }
    assert_equal 'kaboom', failure['error']['message']
  ensure
    server&.halt(true)
  end

  def test_access_log_probes_at_debug_other_requests_at_info_no_query_string
    get('/healthz')
    get('/missing?token=secret')
    eventually { @lines.to_a.count { |line| line['msg'] == 'request' } == 2 }
    access = @lines.to_a.select { |line| line['msg'] == 'request' }
    assert_equal [['debug', '/healthz', 200], ['info', '/missing', 404]],
                 access.map { |line| [line['level'], line['path'], line['status']] }
    assert_kind_of Numeric, access.first['durationMs']
    refute_match(/secret/, JSON.generate(@lines.to_a))
  end
end

# frozen_string_literal: true

require 'test_helper'
require_relative '../src/config'

class ConfigTest < Minitest::Test
  DEPENDENCIES = [
    App::Dependency.new(name: 'postgres', env: 'DB_URL', schemes: %w[postgres postgresql], probe: ->(_url) {}),
    App::Dependency.new(name: 'redis', env: 'REDIS_URL', schemes: %w[redis rediss], probe: ->(_url) {}),
  ].freeze

  def load(env, dependencies = [])
    App.load_config(env, default_port: 3000, dependencies: dependencies)
  end

  def test_defaults
    config = load({})
    assert_equal '0.0.0.0', config.host
    assert_equal 3000, config.port
    assert_equal 'info', config.log_level
    assert_equal 10_000, config.shutdown_timeout_ms
    assert_empty config.dependencies
  end

  def test_reads_every_setting_from_the_environment
    config = load({ 'HOST' => '127.0.0.1', 'PORT' => '8080', 'LOG_LEVEL' => 'DEBUG', 'SHUTDOWN_TIMEOUT_MS' => '2500',
                    'DB_URL' => 'postgres://u:p@db:5432/app', 'REDIS_URL' => 'rediss://cache:6380' }, DEPENDENCIES)
    assert_equal ['127.0.0.1', 8080, 'debug', 2500], [config.host, config.port, config.log_level, config.shutdown_timeout_ms]
    assert_equal %w[postgres redis], config.dependencies.map(&:name)
    assert_equal 'postgres://u:p@db:5432/app', config.dependencies.first.url
  end

  def test_empty_values_count_as_unset
    config = load({ 'PORT' => '', 'LOG_LEVEL' => '  ', 'HOST' => '' })
    assert_equal [3000, 'info', '0.0.0.0'], [config.port, config.log_level, config.host]
  end

  def test_rejects_malformed_numbers_and_levels_listing_every_problem
    error = assert_raises(App::ConfigError) do
      load({ 'PORT' => '0x10', 'SHUTDOWN_TIMEOUT_MS' => '1e3', 'LOG_LEVEL' => 'verbose' })
    end
    assert_equal 3, error.problems.size
    assert_match(/PORT must be an integer/, error.problems[0])
    assert_match(/SHUTDOWN_TIMEOUT_MS must be an integer/, error.problems[1])
    assert_match(/LOG_LEVEL must be one of debug, info, warn, error/, error.problems[2])
  end

  def test_rejects_out_of_range_ports
    assert_raises(App::ConfigError) { load({ 'PORT' => '65536' }) }
  end

  def test_requires_the_url_of_each_dependency
    error = assert_raises(App::ConfigError) { load({}, DEPENDENCIES) }
    assert_equal ['DB_URL is required (postgres connection URL)', 'REDIS_URL is required (redis connection URL)'],
                 error.problems
  end

  def test_rejects_a_dependency_url_with_the_wrong_scheme_without_echoing_it
    error = assert_raises(App::ConfigError) do
      load({ 'DB_URL' => 'mysql://u:s3cret@db/app', 'REDIS_URL' => 'redis://cache' }, DEPENDENCIES)
    end
    assert_equal ['DB_URL must be a URL starting with postgres:// or postgresql://'], error.problems
    refute_match(/s3cret/, error.message)
  end
end

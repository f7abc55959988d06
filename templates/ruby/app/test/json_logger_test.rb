# frozen_string_literal: true

require 'test_helper'

class LoggerTest < Minitest::Test
  def test_writes_one_json_object_per_line_with_time_level_msg_and_fields
    logger, lines = capture_logger('debug')
    logger.info('hello', user: 'ada', count: 2)
    logger.debug('details')
    first, second = lines.to_a
    assert_equal 'info', first['level']
    assert_equal 'hello', first['msg']
    assert_equal 'ada', first['user']
    assert_equal 2, first['count']
    assert_match(/\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\z/, first['time'])
    assert_equal 'debug', second['level']
  end

  def test_drops_lines_below_the_configured_level
    logger, lines = capture_logger('warn')
    logger.debug('a')
    logger.info('b')
    logger.warn('c')
    logger.error('d')
    assert_equal %w[c d], lines.to_a.map { |line| line['msg'] }
  end

  def test_fields_cannot_overwrite_time_level_or_msg
    logger, lines = capture_logger('info')
    logger.info('real', level: 'fake', msg: 'fake', time: 'fake')
    line = lines.to_a.first
    assert_equal 'info', line['level']
    assert_equal 'real', line['msg']
    refute_equal 'fake', line['time']
  end

  def test_serializes_errors_and_survives_unserializable_fields
    logger, lines = capture_logger('info')
    error = (raise ArgumentError, 'boom' rescue $!)
    logger.error('failed', error: error, big: 2**70, symbol: :x)
    logger.error('bad bytes', raw: "\xff".b)
    first, second = lines.to_a
    assert_equal 'ArgumentError', first['error']['class']
    assert_equal 'boom', first['error']['message']
    assert_kind_of Array, first['error']['backtrace']
    assert_equal 2**70, first['big']
    assert_equal 'x', first['symbol']
    assert_equal 'fields not serializable', second['logError']
  end

  def test_rejects_an_unknown_level
    assert_raises(ArgumentError) { App::JsonLogger.new('verbose') }
  end
end

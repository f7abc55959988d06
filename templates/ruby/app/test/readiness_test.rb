# frozen_string_literal: true

require 'test_helper'
require_relative '../src/readiness'

class ReadinessTest < Minitest::Test
  def test_no_checks_means_ready
    report = App::Readiness.new([]).call
    assert report.ready
    assert_empty report.checks
  end

  def test_concurrent_callers_share_one_run_of_the_checks
    runs = 0
    gate = Queue.new
    check = App::Check.new(name: 'db', run: lambda {
      runs += 1
      gate.pop
    })
    readiness = App::Readiness.new([check])
    callers = Array.new(3) { Thread.new { readiness.call } }
    eventually { runs == 1 && callers.all? { |t| t.status == 'sleep' } }
    gate << :go
    reports = callers.map(&:value)
    assert_equal 1, runs
    assert(reports.all? { |report| report.ready && report.checks == { 'db' => 'ok' } })

    # The next call runs the checks again.
    gate << :go
    readiness.call
    assert_equal 2, runs
  end

  def test_a_failing_check_is_reported_with_its_error_and_the_others_still_run
    checks = [
      App::Check.new(name: 'db', run: -> { raise IOError, 'connection refused' }),
      App::Check.new(name: 'cache', run: -> {}),
    ]
    report = App::Readiness.new(checks).call
    refute report.ready
    assert_equal({ 'db' => 'fail', 'cache' => 'ok' }, report.checks)
    assert_equal 'db', report.failures.first[0]
    assert_equal 'connection refused', report.failures.first[1].message
  end
end

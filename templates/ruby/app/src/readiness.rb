# frozen_string_literal: true

module App
  # A named check: +run+ returns when the dependency answers, raises otherwise.
  Check = Data.define(:name, :run)

  # +checks+ maps each name to "ok" or "fail"; +failures+ holds [name, error] pairs.
  Report = Data.define(:ready, :checks, :failures)

  # Runs every check in parallel. Concurrent callers share one run, so a burst
  # of /readyz requests never turns into a burst of connections to the database.
  class Readiness
    def initialize(checks)
      @checks = checks
      @mutex = Mutex.new
      @in_flight = nil
    end

    def call
      run = @mutex.synchronize { @in_flight ||= Thread.new { run_all } }
      report = run.value
      @mutex.synchronize { @in_flight = nil if @in_flight.equal?(run) }
      report
    end

    private

    def run_all
      threads = @checks.map do |check|
        Thread.new do
          check.run.call
          nil
        rescue StandardError => e
          e
        end
      end
      checks = {}
      failures = []
      @checks.zip(threads.map(&:value)).each do |check, error|
        checks[check.name] = error ? 'fail' : 'ok'
        failures << [check.name, error] if error
      end
      Report.new(ready: failures.empty?, checks: checks, failures: failures)
    end
  end
end

# frozen_string_literal: true

module App
  # The SIGTERM/SIGINT handler. Kubernetes sends SIGTERM, waits
  # terminationGracePeriodSeconds (30 s by default), then SIGKILLs: keep
  # SHUTDOWN_TIMEOUT_MS below that so our own forced exit is the one logged.
  #
  # Call it from a plain thread, never from a trap handler (which cannot wait).
  class Shutdown
    # +server+ responds to stop(sync): a Puma::Server stops accepting
    # connections and, with sync = true, returns once in-flight requests have
    # finished. +exit+ receives the exit code; +cleanup+ closes pools and
    # flushes clients once no request is running any more.
    def initialize(server:, state:, logger:, timeout_ms:, exit:, cleanup: -> {})
      @server = server
      @state = state
      @logger = logger
      @timeout_ms = timeout_ms
      @exit = exit
      @cleanup = cleanup
      @mutex = Mutex.new
    end

    def call(signal)
      first = @mutex.synchronize do
        next false if @state.shutting_down?

        @state.shutting_down!
        true
      end
      unless first
        # A second Ctrl-C means "now": don't make a developer wait out the timeout.
        @logger.warn('second signal received, exiting immediately', signal: signal)
        return @exit.call(1)
      end

      @logger.info('shutting down', signal: signal, timeoutMs: @timeout_ms)
      watchdog = Thread.new do
        sleep(@timeout_ms / 1000.0)
        @logger.error('shutdown timed out, forcing exit', timeoutMs: @timeout_ms)
        @exit.call(1)
      end
      finish(watchdog)
    end

    private

    def finish(watchdog)
      # Stop accepting, then wait for the requests in flight; idle keep-alive
      # connections are closed by the server.
      @server.stop(true)
      @cleanup.call
      watchdog.kill
      @logger.info('shutdown complete')
      @exit.call(0)
    rescue StandardError => e
      watchdog.kill
      @logger.error('shutdown failed', error: e)
      @exit.call(1)
    end
  end
end

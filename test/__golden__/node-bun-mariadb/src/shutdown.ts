import type { Server } from 'node:http';
import type { AppState } from './app.js';
import type { Logger } from './logger.js';

export interface ShutdownOptions {
  server: Server;
  state: AppState;
  logger: Logger;
  timeoutMs: number;
  /** Injected so tests can observe the exit code instead of dying. */
  exit?: (code: number) => void;
  /** Close pools and flush clients here, once no request is running any more. */
  cleanup?: () => Promise<void>;
}

/**
 * Returns the signal handler. Kubernetes sends SIGTERM, waits
 * terminationGracePeriodSeconds (30 s by default), then SIGKILLs: keep
 * SHUTDOWN_TIMEOUT_MS below that so our own forced exit is the one logged.
 */
export function createShutdown({
  server,
  state,
  logger,
  timeoutMs,
  exit = (code) => process.exit(code),
  cleanup = async () => {},
}: ShutdownOptions): (signal: string) => void {
  return (signal) => {
    if (state.shuttingDown) {
      // A second Ctrl-C means "now": don't make a developer wait out the timeout.
      logger.warn('second signal received, exiting immediately', { signal });
      exit(1);
      return;
    }
    state.shuttingDown = true;
    logger.info('shutting down', { signal, timeoutMs });

    const timer = setTimeout(() => {
      logger.error('shutdown timed out, forcing exit', { timeoutMs });
      exit(1);
    }, timeoutMs);
    // The timer must not be the only thing keeping the process alive.
    timer.unref();

    // close() stops accepting connections and calls back once every open
    // connection has ended; in-flight requests are left to finish.
    server.close((closeError) => {
      void cleanup()
        .then(() => {
          clearTimeout(timer);
          if (closeError) {
            logger.error('server close failed', { error: closeError });
            exit(1);
            return;
          }
          logger.info('shutdown complete');
          exit(0);
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          logger.error('cleanup failed', { error });
          exit(1);
        });
    });
    // Keep-alive connections that sit idle would otherwise hold close() open
    // until their keepAliveTimeout; busy ones get "Connection: close" on their
    // next response (see app.ts).
    server.closeIdleConnections();
  };
}

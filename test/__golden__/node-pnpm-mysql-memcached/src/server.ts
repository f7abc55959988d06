import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppState } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createReadiness } from './readiness.js';
import { defaultPort, dependencies, serviceName } from './service.js';
import { createShutdown } from './shutdown.js';

// Entry point: config → server → signals. Everything here is wiring; the
// behaviour lives in modules that tests import directly.

let config: Config;
try {
  config = loadConfig(process.env, { defaultPort, dependencies });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // LOG_LEVEL itself may be the invalid setting, so log at a fixed level.
  createLogger('info').error('invalid configuration', { problems: error.problems });
  process.exit(1);
}

const logger = createLogger(config.logLevel);

// Without these, a crash prints a multi-line stack that log collectors split
// into unrelated lines; the process is in an unknown state, so it still exits.
process.on('uncaughtException', (error) => {
  logger.error('uncaught exception', { error });
  process.exit(1);
});
process.on('unhandledRejection', (reason) => {
  logger.error('unhandled promise rejection', { error: reason });
  process.exit(1);
});

const state: AppState = { shuttingDown: false };
const readiness = createReadiness(
  config.dependencies.map(({ name, url, probe }) => ({ name, run: () => probe(url) })),
);
const server = createServer(createApp({ logger, readiness, state }));

server.on('error', (error) => {
  // Typically EADDRINUSE or EACCES at startup.
  logger.error('server error', { error });
  process.exit(1);
});

server.listen(config.port, config.host, () => {
  const { address, port } = server.address() as AddressInfo;
  logger.info('listening', {
    service: serviceName,
    address,
    port,
    dependencies: config.dependencies.map(({ name }) => name),
  });
});

const shutdown = createShutdown({ server, state, logger, timeoutMs: config.shutdownTimeoutMs });
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

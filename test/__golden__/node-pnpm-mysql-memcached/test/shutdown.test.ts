import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createApp, type AppState } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { createReadiness, type Check } from '../src/readiness.js';
import { createShutdown } from '../src/shutdown.js';

/** The same wiring as src/server.ts, on a random port, with exit() captured. */
async function start(checks: Check[], timeoutMs: number) {
  const state: AppState = { shuttingDown: false };
  const logger = createLogger('error', () => {});
  const server = createServer(createApp({ logger, readiness: createReadiness(checks), state }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const shutdown = createShutdown({ server, state, logger, timeoutMs, exit: (code) => exited(code) });
  return { server, state, port, shutdown, exitCode };
}

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A plain keep-alive HTTP GET; resolves with status and body. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('SIGTERM: stops accepting, lets the in-flight request finish, exits 0', async () => {
  const release = deferred();
  const entered = deferred();
  const app = await start(
    [
      {
        name: 'slow',
        run: async () => {
          entered.resolve();
          await release.promise;
        },
      },
    ],
    5_000,
  );

  const inFlight = get(app.port, '/readyz');
  await entered.promise;
  app.shutdown('SIGTERM');

  assert.equal(app.state.shuttingDown, true);
  assert.equal(await canConnect(app.port), false, 'new connections are refused');
  let exitedEarly = false;
  void app.exitCode.then(() => (exitedEarly = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(exitedEarly, false, 'does not exit while a request is running');

  release.resolve();
  const response = await inFlight;
  assert.equal(response.status, 200);
  assert.equal(await app.exitCode, 0);
});

test('idle keep-alive connections do not hold the shutdown open', async () => {
  const app = await start([], 5_000);
  assert.equal((await get(app.port, '/healthz')).status, 200);
  const began = Date.now();
  app.shutdown('SIGTERM');
  assert.equal(await app.exitCode, 0);
  // Node's keepAliveTimeout is 5 s: finishing well before means the idle socket was closed.
  assert.ok(Date.now() - began < 2_000);
});

test('forces exit 1 after the timeout when a request never finishes', async () => {
  const inHandler = deferred();
  const stuck = () => {
    inHandler.resolve();
    return new Promise<void>(() => {});
  };
  const app = await start([{ name: 'stuck', run: stuck }], 100);
  const entered = get(app.port, '/readyz').catch(() => undefined);
  // Wait until the request is really in flight: a fixed delay races on a loaded machine.
  await inHandler.promise;
  app.shutdown('SIGTERM');
  assert.equal(await app.exitCode, 1);
  app.server.closeAllConnections();
  await entered;
});

test('a second signal exits immediately with 1', async () => {
  const app = await start([{ name: 'stuck', run: () => new Promise(() => {}) }], 5_000);
  const pending = get(app.port, '/readyz').catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 20));
  app.shutdown('SIGINT');
  app.shutdown('SIGINT');
  assert.equal(await app.exitCode, 1);
  app.server.closeAllConnections();
  await pending;
});

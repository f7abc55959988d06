import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createApp, type AppState } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { createReadiness, type Check } from '../src/readiness.js';

const lines: Record<string, unknown>[] = [];
const logger = createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
const state: AppState = { shuttingDown: false };
let databaseUp = true;
const checks: Check[] = [
  {
    name: 'postgres',
    run: async () => {
      if (!databaseUp) throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
    },
  },
  { name: 'redis', run: async () => {} },
];

const server = createServer(createApp({ logger, readiness: createReadiness(checks), state }));
let base = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

async function get(path: string, init?: RequestInit) {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { response, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

test('GET /healthz is 200 ok', async () => {
  const { response, body } = await get('/healthz');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(body, { status: 'ok' });
});

test('/healthz ignores the query string and answers HEAD without a body', async () => {
  assert.equal((await get('/healthz?verbose=1')).response.status, 200);
  const head = await get('/healthz', { method: 'HEAD' });
  assert.equal(head.response.status, 200);
  assert.equal(head.body, undefined);
});

test('GET /readyz is 200 when every check passes', async () => {
  databaseUp = true;
  const { response, body } = await get('/readyz');
  assert.equal(response.status, 200);
  assert.deepEqual(body, { status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
});

test('GET /readyz is 503 naming the failing check, details only in the log', async () => {
  databaseUp = false;
  lines.length = 0;
  const { response, body } = await get('/readyz');
  assert.equal(response.status, 503);
  assert.deepEqual(body, { status: 'not ready', checks: { postgres: 'fail', redis: 'ok' } });
  assert.doesNotMatch(JSON.stringify(body), /10\.0\.0\.7/);
  const warning = lines.find((line) => line['msg'] === 'readiness check failed');
  assert.equal(warning?.['check'], 'postgres');
  assert.match(String(warning?.['error']), /ECONNREFUSED/);
  databaseUp = true;
});

test('GET /readyz is 503 while shutting down', async () => {
  state.shuttingDown = true;
  try {
    const { response, body } = await get('/readyz');
    assert.equal(response.status, 503);
    assert.equal(body?.['status'], 'shutting down');
    assert.equal(response.headers.get('connection'), 'close');
  } finally {
    state.shuttingDown = false;
  }
});

test('unknown paths are 404 JSON', async () => {
  const { response, body } = await get('/nope');
  assert.equal(response.status, 404);
  assert.deepEqual(body, { error: 'not found' });
});

test('a wrong method is 405 with an Allow header', async () => {
  const { response, body } = await get('/healthz', { method: 'POST', body: 'x' });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'GET, HEAD');
  assert.deepEqual(body, { error: 'method not allowed' });
});

test('access log: probes at debug, other requests at info, no query string', async () => {
  lines.length = 0;
  await get('/healthz');
  await get('/missing?token=secret');
  // The access line is written when the response closes, just after the client has it.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const access = lines.filter((line) => line['msg'] === 'request');
  assert.deepEqual(
    access.map((line) => [line['level'], line['path'], line['status']]),
    [
      ['debug', '/healthz', 200],
      ['info', '/missing', 404],
    ],
  );
  assert.equal(typeof access[0]?.['durationMs'], 'number');
  assert.doesNotMatch(JSON.stringify(lines), /secret/);
});

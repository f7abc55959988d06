import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { probe } from '../../src/probes/memcached.js';

// A fake server on 127.0.0.1 that answers each text command line with `reply`.
const servers: ReturnType<typeof createServer>[] = [];
after(() => servers.forEach((server) => server.close()));

async function fakeMemcached(reply: ((line: string) => string) | undefined): Promise<number> {
  const server = createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (reply) socket.write(reply(line));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

test('ready on VERSION', async () => {
  const port = await fakeMemcached((line) => (line === 'version' ? 'VERSION 1.6.29\r\n' : 'ERROR\r\n'));
  await probe(`memcached://127.0.0.1:${port}`);
});

test('not ready on any other reply', async () => {
  const port = await fakeMemcached(() => 'SERVER_ERROR out of memory\r\n');
  await assert.rejects(probe(`memcached://127.0.0.1:${port}`), {
    message: `127.0.0.1:${port}: unexpected reply "SERVER_ERROR out of memory"`,
  });
});

test('times out against a server that never answers', async () => {
  const port = await fakeMemcached(undefined);
  await assert.rejects(probe(`memcached://127.0.0.1:${port}`, { timeoutMs: 150 }), /no answer within 150 ms/);
});

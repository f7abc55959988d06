import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { probe } from '../../src/probes/redis.js';

// A fake server on 127.0.0.1 that records each RESP command (as an array of
// strings) and answers with `respond`.
const servers: ReturnType<typeof createServer>[] = [];
after(() => servers.forEach((server) => server.close()));

async function fakeRedis(
  respond: (command: string[], socket: Socket) => string | undefined,
  seen: string[][] = [],
): Promise<number> {
  const server = createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // Commands are "*N\r\n" followed by N "$len\r\nvalue\r\n" parts.
      for (;;) {
        const match = /^\*(\d+)\r\n((?:\$\d+\r\n[^\r]*\r\n)*)/.exec(buffered);
        const args = match ? [...match[2]!.matchAll(/\$\d+\r\n([^\r]*)\r\n/g)].map((m) => m[1]!) : [];
        if (!match || args.length < Number(match[1])) return;
        buffered = buffered.slice(match[0].length);
        seen.push(args);
        const reply = respond(args, socket);
        if (reply !== undefined) socket.write(reply);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

test('ready on +PONG, without AUTH when the URL has no password', async () => {
  const seen: string[][] = [];
  const port = await fakeRedis(() => '+PONG\r\n', seen);
  await probe(`redis://127.0.0.1:${port}`);
  assert.deepEqual(seen, [['PING']]);
});

test('sends AUTH with username and password first', async () => {
  const seen: string[][] = [];
  const port = await fakeRedis(([name]) => (name === 'AUTH' ? '+OK\r\n' : '+PONG\r\n'), seen);
  await probe(`redis://app:p%40ss@127.0.0.1:${port}/0`);
  assert.deepEqual(seen, [['AUTH', 'app', 'p@ss'], ['PING']]);
});

test('password-only URLs send the one-argument AUTH', async () => {
  const seen: string[][] = [];
  const port = await fakeRedis(([name]) => (name === 'AUTH' ? '+OK\r\n' : '+PONG\r\n'), seen);
  await probe(`redis://:secret@127.0.0.1:${port}`);
  assert.deepEqual(seen[0], ['AUTH', 'secret']);
});

test('not ready when the server refuses, with its message', async () => {
  const port = await fakeRedis(() => '-NOAUTH Authentication required.\r\n');
  await assert.rejects(probe(`redis://127.0.0.1:${port}`), {
    message: `127.0.0.1:${port}: PING rejected: NOAUTH Authentication required.`,
  });
  const wrongPass = await fakeRedis(() => '-WRONGPASS invalid username-password pair\r\n');
  await assert.rejects(probe(`redis://:bad@127.0.0.1:${wrongPass}`), /AUTH rejected: WRONGPASS/);
});

test('rediss:// starts a TLS handshake', async () => {
  let firstByte: number | undefined;
  const server = createServer((socket) => {
    socket.once('data', (chunk) => {
      firstByte = chunk[0];
      socket.destroy();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await assert.rejects(probe(`rediss://127.0.0.1:${port}`));
  assert.equal(firstByte, 0x16, 'a TLS ClientHello record');
});

test('times out against a server that never answers', async () => {
  const port = await fakeRedis(() => undefined);
  await assert.rejects(probe(`redis://127.0.0.1:${port}`, { timeoutMs: 150 }), /no answer within 150 ms/);
});

import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { probe } from '../../src/probes/postgres.js';

// A fake server on 127.0.0.1 that speaks just enough of the protocol: it
// waits for the whole StartupMessage, records it, then runs `reply`.
const servers: ReturnType<typeof createServer>[] = [];
after(() => servers.forEach((server) => server.close()));

async function fakePostgres(reply: (socket: Socket, params: Map<string, string>) => void): Promise<number> {
  const server = createServer((socket) => {
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
      assert.equal(buffered.readInt32BE(4), 196_608, 'protocol 3.0');
      const parts = buffered.toString('utf8', 8, buffered.readInt32BE(0)).split('\0');
      const params = new Map<string, string>();
      for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params.set(parts[i]!, parts[i + 1]!);
      reply(socket, params);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function errorResponse(code: string, text: string): Buffer {
  return message('E', Buffer.from(`SFATAL\0C${code}\0M${text}\0\0`, 'utf8'));
}

test('ready when the server asks for authentication, sending user and database', async () => {
  let seen = new Map<string, string>();
  const port = await fakePostgres((socket, params) => {
    seen = params;
    const md5 = Buffer.alloc(8);
    md5.writeInt32BE(5, 0); // AuthenticationMD5Password + 4-byte salt
    socket.write(message('R', md5));
  });
  await probe(`postgresql://orders:s3cret@127.0.0.1:${port}/orders_db`);
  assert.equal(seen.get('user'), 'orders');
  assert.equal(seen.get('database'), 'orders_db');
});

test('not ready on an ErrorResponse, reporting its SQLSTATE', async () => {
  const port = await fakePostgres((socket) => {
    socket.end(errorResponse('57P03', 'the database system is starting up'));
  });
  await assert.rejects(probe(`postgres://app@127.0.0.1:${port}/app`), {
    message: `127.0.0.1:${port}: not ready: 57P03 the database system is starting up`,
  });
});

test('an authentication failure still means the server is up (pg_isready semantics)', async () => {
  const port = await fakePostgres((socket) => {
    socket.end(errorResponse('28P01', 'password authentication failed for user "app"'));
  });
  await probe(`postgres://app:wrong@127.0.0.1:${port}/app`);
});

test('times out against a server that never answers', async () => {
  const port = await fakePostgres(() => {});
  await assert.rejects(probe(`postgres://127.0.0.1:${port}/app`, { timeoutMs: 150 }), /no answer within 150 ms/);
});

test('reports a refused connection', async () => {
  const port = await fakePostgres(() => {});
  servers.pop()?.close();
  await new Promise((resolve) => setTimeout(resolve, 10));
  await assert.rejects(probe(`postgres://127.0.0.1:${port}/app`), /ECONNREFUSED/);
});

import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { probe } from '../../src/probes/mysql.js';

// A fake server on 127.0.0.1: MySQL speaks first, so `greet` runs on connect.
const servers: ReturnType<typeof createServer>[] = [];
after(() => servers.forEach((server) => server.close()));

async function fakeMysql(greet: (socket: Socket) => void): Promise<number> {
  const server = createServer(greet);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function packet(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  return Buffer.concat([header, payload]);
}

test('ready on a protocol 10 handshake', async () => {
  const port = await fakeMysql((socket) => {
    // Protocol version, NUL-terminated server version, then fields we never read.
    socket.write(packet(Buffer.concat([Buffer.from([0x0a]), Buffer.from('8.4.0\0'), Buffer.alloc(40)])));
  });
  await probe(`mysql://app:secret@127.0.0.1:${port}/app`);
});

test('not ready on an ERR packet, with its message', async () => {
  const port = await fakeMysql((socket) => {
    const code = Buffer.alloc(2);
    code.writeUInt16LE(1040);
    socket.end(packet(Buffer.concat([Buffer.from([0xff]), code, Buffer.from('Too many connections')])));
  });
  await assert.rejects(probe(`mariadb://127.0.0.1:${port}/app`), {
    message: `127.0.0.1:${port}: not ready: error 1040: Too many connections`,
  });
});

test('rejects a server that is not MySQL', async () => {
  const port = await fakeMysql((socket) => {
    socket.end(packet(Buffer.from([0x09, 0x00])));
  });
  await assert.rejects(probe(`mysql://127.0.0.1:${port}/app`), /unsupported handshake protocol version 9/);
});

test('times out against a server that never answers', async () => {
  const port = await fakeMysql(() => {});
  await assert.rejects(probe(`mysql://127.0.0.1:${port}/app`, { timeoutMs: 150 }), /no answer within 150 ms/);
});

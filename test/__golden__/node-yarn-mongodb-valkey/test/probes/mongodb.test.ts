import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { probe } from '../../src/probes/mongodb.js';

// A fake mongod on 127.0.0.1: reads one OP_MSG, records its bytes, and
// answers with the OP_MSG document returned by `reply` (or stays silent).
const servers: ReturnType<typeof createServer>[] = [];
after(() => servers.forEach((server) => server.close()));

async function fakeMongo(reply: (() => Buffer) | undefined, seen: Buffer[] = []): Promise<number> {
  const server = createServer((socket) => {
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 16 || buffered.length < buffered.readInt32LE(0)) return;
      seen.push(buffered);
      if (reply) socket.write(opMsgReply(buffered.readInt32LE(4), reply()));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function opMsgReply(responseTo: number, document: Buffer): Buffer {
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + document.length, 0);
  header.writeInt32LE(99, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(2013, 12);
  return Buffer.concat([header, document]);
}

// Just enough BSON to build realistic replies, including types the probe skips.
const element = (type: number, name: string, value: Buffer) =>
  Buffer.concat([Buffer.from([type]), Buffer.from(`${name}\0`), value]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const double = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
};
const string = (s: string) => Buffer.concat([int32(Buffer.byteLength(s) + 1), Buffer.from(`${s}\0`)]);
const documentOf = (...elements: Buffer[]) => {
  const body = Buffer.concat([...elements, Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
};

test('ready when hello answers ok: 1', async () => {
  const seen: Buffer[] = [];
  const port = await fakeMongo(
    () =>
      documentOf(
        element(0x08, 'isWritablePrimary', Buffer.from([1])),
        element(0x03, 'topologyVersion', documentOf(element(0x07, 'processId', Buffer.alloc(12)))),
        element(0x09, 'localTime', Buffer.alloc(8)),
        element(0x04, 'hosts', documentOf(element(0x02, '0', string('db:27017')))),
        element(0x10, 'maxWireVersion', int32(25)),
        element(0x01, 'ok', double(1)),
      ),
    seen,
  );
  await probe(`mongodb://app:secret@127.0.0.1:${port},other-host:27017/app?replicaSet=rs0`);
  const request = seen[0]!;
  assert.equal(request.readInt32LE(12), 2013, 'OP_MSG');
  assert.ok(request.includes('hello\0') && request.includes('admin\0'));
});

test('not ready when ok is 0, with the server message', async () => {
  const port = await fakeMongo(() =>
    documentOf(element(0x01, 'ok', double(0)), element(0x02, 'errmsg', string('node is recovering'))),
  );
  await assert.rejects(probe(`mongodb://127.0.0.1:${port}`), {
    message: `127.0.0.1:${port}: not ready: node is recovering`,
  });
});

test('rejects mongodb+srv with a clear message', async () => {
  await assert.rejects(probe('mongodb+srv://cluster0.example.net/app'), /mongodb\+srv:\/\/ URLs need a DNS SRV lookup/);
});

test('times out against a server that never answers', async () => {
  const port = await fakeMongo(undefined);
  await assert.rejects(probe(`mongodb://127.0.0.1:${port}`, { timeoutMs: 150 }), /no answer within 150 ms/);
});

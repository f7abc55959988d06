import assert from 'node:assert/strict';
import { constants, createHash, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { probe } from '../../src/probes/mysql.js';

// A fake server on 127.0.0.1 that frames packets and checks sequence ids. Each
// test scripts one connection; the script's own assertions fail the test
// through `done`, which the test awaits next to the probe.
const servers: ReturnType<typeof createServer>[] = [];
after(() => servers.forEach((server) => server.close()));

interface Packet {
  sequence: number;
  payload: Buffer;
}

class FakeConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private closed = false;
  /** Sequence id of the next packet sent. */
  sequence = 0;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  /** Next packet from the probe; its sequence id must follow ours. */
  async receive(): Promise<Packet> {
    for (;;) {
      if (this.buffered.length >= 4) {
        const length = this.buffered.readUIntLE(0, 3);
        if (this.buffered.length >= 4 + length) {
          const packet = { sequence: this.buffered[3] ?? -1, payload: this.buffered.subarray(4, 4 + length) };
          this.buffered = this.buffered.subarray(4 + length);
          assert.equal(packet.sequence, this.sequence, 'client sequence id');
          this.sequence = (this.sequence + 1) & 0xff;
          return packet;
        }
      }
      if (this.closed) throw new Error('the probe hung up');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = undefined;
    }
  }

  /** Resolves once the probe has closed the connection. */
  async hangup(): Promise<void> {
    while (!this.closed) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = undefined;
    }
  }

  send(payload: Buffer): void {
    this.socket.write(this.frame(payload));
  }

  frame(payload: Buffer): Buffer {
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header[3] = this.sequence;
    this.sequence = (this.sequence + 1) & 0xff;
    return Buffer.concat([header, payload]);
  }
}

async function fakeMysql(script: (connection: FakeConnection) => Promise<void>): Promise<{ port: number; done: Promise<void> }> {
  let finish: (result: Promise<void>) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = (result) => result.then(resolve, reject);
  });
  const server = createServer((socket) => finish(script(new FakeConnection(socket))));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, done };
}

// --- Server side of the protocol, written from the server's point of view.

const CLIENT_LONG_PASSWORD = 0x1;
const CLIENT_CONNECT_WITH_DB = 0x8;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;
const SERVER_CAPABILITIES = 0xf7fe | (0x81bf << 16) | CLIENT_LONG_PASSWORD;

function greeting(plugin: string, nonce: Buffer, capabilities = SERVER_CAPABILITIES): Buffer {
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let offset = fixed.writeUInt32LE(42, 0); // connection id
  offset += nonce.copy(fixed, offset, 0, 8);
  offset += 1; // filler
  offset = fixed.writeUInt16LE(capabilities & 0xffff, offset);
  offset = fixed.writeUInt8(255, offset); // utf8mb4_0900_ai_ci
  offset = fixed.writeUInt16LE(0x0002, offset); // SERVER_STATUS_AUTOCOMMIT
  offset = fixed.writeUInt16LE(capabilities >>> 16, offset);
  fixed.writeUInt8(21, offset); // nonce length, NUL included
  return Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from('8.4.3\0'),
    fixed,
    nonce.subarray(8),
    Buffer.from([0]),
    Buffer.from(`${plugin}\0`),
  ]);
}

const OK = Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

function errPacket(code: number, message: string, sqlState?: string): Buffer {
  const header = Buffer.alloc(3);
  header[0] = 0xff;
  header.writeUInt16LE(code, 1);
  return Buffer.concat([header, Buffer.from(sqlState === undefined ? message : `#${sqlState}${message}`)]);
}

interface HandshakeResponse {
  flags: number;
  charset: number;
  user: string;
  authData: Buffer;
  database: string | undefined;
  plugin: string;
}

function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const flags = payload.readUInt32LE(0);
  const charset = payload[8] ?? -1;
  assert.deepEqual(payload.subarray(9, 32), Buffer.alloc(23), '23 zero bytes');
  let offset = 32;
  const cstring = (): string => {
    const end = payload.indexOf(0, offset);
    assert.notEqual(end, -1, 'NUL-terminated string');
    const text = payload.toString('utf8', offset, end);
    offset = end + 1;
    return text;
  };
  const user = cstring();
  const authLength = payload[offset] ?? 0;
  const authData = payload.subarray(offset + 1, offset + 1 + authLength);
  offset += 1 + authLength;
  const database = flags & CLIENT_CONNECT_WITH_DB ? cstring() : undefined;
  const plugin = cstring();
  assert.equal(offset, payload.length, 'nothing after the plugin name');
  return { flags, charset, user, authData, database, plugin };
}

const sha1 = (...parts: Buffer[]): Buffer => parts.reduce((h, p) => h.update(p), createHash('sha1')).digest();
const sha256 = (...parts: Buffer[]): Buffer => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((byte, i) => byte ^ (b[i % b.length] ?? 0)));

/** What mysqld does: it stores SHA1(SHA1(password)) and never sees the password. */
function nativePasswordMatches(authData: Buffer, nonce: Buffer, password: string): boolean {
  const stored = sha1(sha1(Buffer.from(password)));
  const candidate = xor(authData, sha1(nonce, stored));
  return authData.length === 20 && sha1(candidate).equals(stored);
}

/** caching_sha2_password fast path: the server caches SHA256(SHA256(password)). */
function sha2PasswordMatches(authData: Buffer, nonce: Buffer, password: string): boolean {
  const cached = sha256(sha256(Buffer.from(password)));
  const candidate = xor(authData, sha256(cached, nonce));
  return authData.length === 32 && sha256(candidate).equals(cached);
}

async function expectQuit(connection: FakeConnection): Promise<void> {
  connection.sequence = 0; // a new command
  const quit = await connection.receive();
  assert.deepEqual(quit.payload, Buffer.from([0x01]), 'COM_QUIT');
  await connection.hangup();
}

// Like mysqld: printable-ish bytes, never NUL.
const nonce = (): Buffer => Buffer.from(randomBytes(20).map((byte) => byte & 0x7f || 1));

// --- Tests

test('mysql_native_password: logs in with the decoded URL credentials, then quits', async () => {
  const challenge = nonce();
  let response: HandshakeResponse | undefined;
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('mysql_native_password', challenge));
    response = parseHandshakeResponse((await connection.receive()).payload);
    assert.ok(nativePasswordMatches(response.authData, challenge, 'p@ss:wörd'), 'scramble');
    connection.send(OK);
    await expectQuit(connection);
  });
  await probe(`mariadb://app%2Buser:p%40ss%3Aw%C3%B6rd@127.0.0.1:${port}/orders%20db`);
  await done;
  assert.ok(response);
  assert.equal(response.user, 'app+user');
  assert.equal(response.database, 'orders db');
  assert.equal(response.plugin, 'mysql_native_password');
  assert.ok([45, 255].includes(response.charset), 'utf8mb4');
  const wanted = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
  assert.equal(response.flags & wanted, wanted);
  assert.ok(response.flags & CLIENT_CONNECT_WITH_DB);
});

test('no database in the URL: CONNECT_WITH_DB stays off; an empty password is an empty answer', async () => {
  let response: HandshakeResponse | undefined;
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('mysql_native_password', nonce()));
    response = parseHandshakeResponse((await connection.receive()).payload);
    connection.send(OK);
    await expectQuit(connection);
  });
  await probe(`mysql://root@127.0.0.1:${port}`);
  await done;
  assert.ok(response);
  assert.equal(response.flags & CLIENT_CONNECT_WITH_DB, 0);
  assert.equal(response.database, undefined);
  assert.equal(response.authData.length, 0);
});

test('caching_sha2_password fast authentication', async () => {
  const challenge = nonce();
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('caching_sha2_password', challenge));
    const response = parseHandshakeResponse((await connection.receive()).payload);
    assert.equal(response.plugin, 'caching_sha2_password');
    assert.ok(sha2PasswordMatches(response.authData, challenge, 'secret'), 'scramble');
    connection.send(Buffer.from([0x01, 0x03])); // fast auth success
    connection.send(OK);
    await expectQuit(connection);
  });
  await probe(`mysql://app:secret@127.0.0.1:${port}/app`);
  await done;
});

test('caching_sha2_password full authentication with the server RSA key over plain TCP', async () => {
  const challenge = nonce();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('caching_sha2_password', challenge));
    await connection.receive();
    connection.send(Buffer.from([0x01, 0x04])); // perform full authentication
    assert.deepEqual((await connection.receive()).payload, Buffer.from([0x02]), 'public key request');
    connection.send(Buffer.concat([Buffer.from([0x01]), Buffer.from(publicKey)]));
    const encrypted = (await connection.receive()).payload;
    const plain = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, encrypted);
    assert.equal(xor(plain, challenge).toString('utf8'), 'sécret\0');
    connection.send(OK);
    await expectQuit(connection);
  });
  await probe(`mysql://app:s%C3%A9cret@127.0.0.1:${port}/app`);
  await done;
});

test('follows an AuthSwitchRequest to mysql_native_password with the new nonce', async () => {
  const switched = nonce();
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('caching_sha2_password', nonce()));
    await connection.receive();
    connection.send(Buffer.concat([Buffer.from('\xfemysql_native_password\0', 'latin1'), switched, Buffer.from([0])]));
    const answer = (await connection.receive()).payload;
    assert.ok(nativePasswordMatches(answer, switched, 'secret'), 'scramble with the switched nonce');
    connection.send(OK);
    await expectQuit(connection);
  });
  await probe(`mysql://app:secret@127.0.0.1:${port}/app`);
  await done;
});

test('follows an AuthSwitchRequest to caching_sha2_password', async () => {
  const switched = nonce();
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('mysql_native_password', nonce()));
    await connection.receive();
    connection.send(Buffer.concat([Buffer.from('\xfecaching_sha2_password\0', 'latin1'), switched, Buffer.from([0])]));
    assert.ok(sha2PasswordMatches((await connection.receive()).payload, switched, 'secret'));
    connection.send(Buffer.from([0x01, 0x03]));
    connection.send(OK);
    await expectQuit(connection);
  });
  await probe(`mysql://app:secret@127.0.0.1:${port}/app`);
  await done;
});

test('a wrong password is not ready: Access denied, and the app cannot log in either', async () => {
  const challenge = nonce();
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('mysql_native_password', challenge));
    const response = parseHandshakeResponse((await connection.receive()).payload);
    assert.ok(!nativePasswordMatches(response.authData, challenge, 'secret'));
    connection.send(errPacket(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", '28000'));
    connection.socket.end();
  });
  await assert.rejects(probe(`mysql://app:wrong@127.0.0.1:${port}/app`), (error: Error) => {
    assert.match(error.message, new RegExp(`^127\\.0\\.0\\.1:${port}: not ready: error 1045: Access denied for user 'app'`));
    assert.match(error.message, /app cannot log in either/);
    assert.doesNotMatch(error.message, /wrong/, 'never echoes the password');
    return true;
  });
  await done;
});

test('not ready on a greeting ERR packet, with its message', async () => {
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(errPacket(1040, 'Too many connections'));
    connection.socket.end();
  });
  await assert.rejects(probe(`mariadb://127.0.0.1:${port}/app`), {
    message: `127.0.0.1:${port}: not ready: error 1040: Too many connections`,
  });
  await done;
});

test('a blocked host is reported with the server message', async () => {
  const message = "Host '10.0.0.7' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'";
  const { port } = await fakeMysql(async (connection) => {
    connection.socket.end(connection.frame(errPacket(1129, message)));
  });
  await assert.rejects(probe(`mysql://app:secret@127.0.0.1:${port}/app`), {
    message: `127.0.0.1:${port}: not ready: error 1129: ${message}`,
  });
});

test('rejects an unsupported authentication plugin by name', async () => {
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('mysql_native_password', nonce()));
    await connection.receive();
    connection.send(Buffer.concat([Buffer.from('\xfeclient_ed25519\0', 'latin1'), nonce()]));
    // A signature-sized answer, so the server logs a failed login rather
    // than a handshake error that counts against max_connect_errors.
    assert.deepEqual((await connection.receive()).payload, Buffer.alloc(64));
    connection.send(errPacket(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", '28000'));
    await connection.hangup();
  });
  await assert.rejects(probe(`mariadb://app:secret@127.0.0.1:${port}/app`), /client_ed25519 authentication plugin/);
  await done;
});

test('answers a greeting for an unknown default plugin with mysql_native_password', async () => {
  const challenge = nonce();
  const { port, done } = await fakeMysql(async (connection) => {
    connection.send(greeting('client_ed25519', challenge));
    const response = parseHandshakeResponse((await connection.receive()).payload);
    assert.equal(response.plugin, 'mysql_native_password');
    assert.ok(nativePasswordMatches(response.authData, challenge, 'secret'));
    connection.send(OK);
    await expectQuit(connection);
  });
  await probe(`mariadb://app:secret@127.0.0.1:${port}/app`);
  await done;
});

test('handles packets split across TCP chunks and several packets in one chunk', async () => {
  const challenge = nonce();
  const trickle = async (socket: Socket, data: Buffer): Promise<void> => {
    for (const byte of data) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  const { port, done } = await fakeMysql(async (connection) => {
    connection.socket.setNoDelay(true);
    await trickle(connection.socket, connection.frame(greeting('caching_sha2_password', challenge)));
    const response = parseHandshakeResponse((await connection.receive()).payload);
    assert.ok(sha2PasswordMatches(response.authData, challenge, 'secret'));
    // Fast-auth success and OK in one write, then nothing else.
    connection.socket.write(Buffer.concat([connection.frame(Buffer.from([0x01, 0x03])), connection.frame(OK)]));
    await expectQuit(connection);
  });
  await probe(`mysql://app:secret@127.0.0.1:${port}/app`, { timeoutMs: 5_000 });
  await done;
});

test('rejects a server that is not MySQL', async () => {
  const { port } = await fakeMysql(async (connection) => {
    connection.socket.end(connection.frame(Buffer.from([0x09, 0x00])));
  });
  await assert.rejects(probe(`mysql://127.0.0.1:${port}/app`), /unsupported handshake protocol version 9/);
});

test('times out against a server that never answers', async () => {
  const { port } = await fakeMysql(async () => {});
  await assert.rejects(probe(`mysql://127.0.0.1:${port}/app`, { timeoutMs: 150 }), /no answer within 150 ms/);
});

test('the deadline also covers a login the server never answers', async () => {
  const { port } = await fakeMysql(async (connection) => {
    connection.send(greeting('mysql_native_password', nonce()));
  });
  await assert.rejects(probe(`mysql://app:secret@127.0.0.1:${port}/app`, { timeoutMs: 150 }), /no answer within 150 ms/);
});

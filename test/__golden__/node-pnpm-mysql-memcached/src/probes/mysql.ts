import { constants, createHash, publicEncrypt } from 'node:crypto';
import type { ProbeOptions } from '../readiness.js';
import { converse, DEFAULT_PROBE_TIMEOUT_MS, endpointFrom, type Wire } from '../wire.js';

// Logs in over the MySQL client/server protocol instead of using a driver, so
// the app needs no dependency; once you add one (mysql2, mariadb), replace
// this with its ping.
//
// Why a full login and not just the greeting: the server counts a client that
// hangs up during the handshake against max_connect_errors (default 100) for
// that client's host, and then blocks the host ("Host ... is blocked") -- the
// app's own connections included. A completed login resets the count, so a
// probe that logs in and says COM_QUIT never adds to it.
//
// Plain TCP only: ssl=true / tls=true in the URL is not honoured, which is
// meant for a database on the private container network. The password never
// crosses in the clear (a scramble, or RSA-OAEP with the server's key), but
// that key is fetched unauthenticated. A server that insists on TLS
// (require_secure_transport) makes the probe fail with the server's message.

export const schemes = ['mysql:', 'mariadb:'] as const;

const DEFAULT_PORT = 3306;

// Capability flags (the first 32 bits are shared by MySQL and MariaDB).
const CLIENT_LONG_PASSWORD = 0x1;
const CLIENT_CONNECT_WITH_DB = 0x8;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;

const UTF8MB4_GENERAL_CI = 45; // known to MySQL and MariaDB alike
const MAX_CLIENT_PACKET = 16 * 1024 * 1024;
// Greetings, auth packets and RSA keys are small; refuse to buffer more.
const MAX_SERVER_PACKET = 64 * 1024;

const HANDSHAKE_V10 = 0x0a;
const OK_PACKET = 0x00;
const AUTH_MORE_DATA = 0x01;
const AUTH_SWITCH_REQUEST = 0xfe;
const ERR_PACKET = 0xff;
const COM_QUIT = 0x01;

// caching_sha2_password: AuthMoreData statuses and the public-key request.
const FAST_AUTH_SUCCESS = 0x03;
const PERFORM_FULL_AUTHENTICATION = 0x04;
const REQUEST_PUBLIC_KEY = 0x02;

const NATIVE = 'mysql_native_password';
const CACHING_SHA2 = 'caching_sha2_password';
const SUPPORTED_PLUGINS: readonly string[] = [NATIVE, CACHING_SHA2];

// Errors that mean the login itself was refused: the server is up, but the
// app, which uses the same URL, cannot work with it either.
const LOGIN_REFUSED = new Set([
  1044, // access denied to the database
  1045, // access denied (user or password)
  1049, // unknown database
  1698, // access denied (no password given)
]);

/**
 * Ready = the server accepts a login with the URL's user, password and
 * database. Any ERR packet (too many connections, host blocked, access
 * denied, unknown database...) means not ready, with the server's message.
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<void> {
  const parsed = new URL(url);
  const endpoint = endpointFrom(parsed, DEFAULT_PORT);
  const login: Login = {
    user: decodeURIComponent(parsed.username),
    password: Buffer.from(decodeURIComponent(parsed.password), 'utf8'),
    database: decodeURIComponent(parsed.pathname.slice(1)),
  };

  await converse(endpoint, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, async (wire) => {
    const channel = new PacketChannel(wire);
    const greeting = parseGreeting(await channel.read());
    await authenticate(channel, greeting, login);
    // Say goodbye so the server logs no aborted connection. COM_QUIT starts
    // a new command, hence sequence id 0; the server just closes.
    channel.startCommand();
    channel.write(Buffer.from([COM_QUIT]));
  });
}

interface Login {
  user: string;
  password: Buffer;
  database: string;
}

interface Greeting {
  capabilities: number;
  nonce: Buffer;
  plugin: string;
}

async function authenticate(channel: PacketChannel, greeting: Greeting, login: Login): Promise<void> {
  const required = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
  if ((greeting.capabilities & required) !== required) {
    throw new Error('server does not speak the MySQL 4.1+ protocol');
  }
  // The greeting names the server's default plugin. If we cannot answer it,
  // start with mysql_native_password: the server switches us to the
  // account's own plugin if that differs.
  let plugin = SUPPORTED_PLUGINS.includes(greeting.plugin) ? greeting.plugin : NATIVE;
  let nonce = greeting.nonce;
  channel.write(handshakeResponse(greeting.capabilities, login, plugin, scramble(plugin, login.password, nonce)));

  // OK ends the exchange; bound the rounds so a confused server cannot loop us.
  for (let round = 0; round < 5; round += 1) {
    const reply = await channel.read();
    switch (reply[0]) {
      case OK_PACKET:
        return;
      case ERR_PACKET:
        throw serverError(reply);
      case AUTH_SWITCH_REQUEST: {
        const reader = new Reader(reply, 1);
        // A bare 0xfe is the pre-4.1 switch to the old password hash.
        plugin = reply.length === 1 ? 'mysql_old_password' : reader.cstring();
        nonce = withoutTrailingNul(reader.rest());
        if (SUPPORTED_PLUGINS.includes(plugin)) {
          channel.write(scramble(plugin, login.password, nonce));
          break;
        }
        // Hanging up, or a malformed answer, counts as a handshake error
        // against max_connect_errors; an answer the server can check and
        // refuse is a mere login failure. client_ed25519 expects a 64-byte
        // signature (zeros never verify); other plugins get an empty answer.
        channel.write(Buffer.alloc(plugin === 'client_ed25519' ? 64 : 0));
        if ((await channel.read())[0] === OK_PACKET) return;
        throw unsupportedPlugin(plugin);
      }
      case AUTH_MORE_DATA: {
        if (plugin !== CACHING_SHA2 || reply.length !== 2) throw new Error(`unexpected AuthMoreData for ${plugin}`);
        if (reply[1] === FAST_AUTH_SUCCESS) break; // an OK packet follows
        if (reply[1] !== PERFORM_FULL_AUTHENTICATION) throw new Error(`unexpected ${CACHING_SHA2} status ${reply[1]}`);
        // The server has not cached this account since it started: it needs
        // the password itself, which over plain TCP we encrypt with its key.
        channel.write(Buffer.from([REQUEST_PUBLIC_KEY]));
        const key = await channel.read();
        if (key[0] === ERR_PACKET) throw serverError(key);
        if (key[0] !== AUTH_MORE_DATA || key.length < 2) throw new Error('server did not send its RSA public key');
        channel.write(encryptPassword(login.password, nonce, key.subarray(1)));
        break;
      }
      default:
        throw new Error(`unexpected reply 0x${(reply[0] ?? 0).toString(16)} during authentication`);
    }
  }
  throw new Error('authentication did not finish');
}

/**
 * Packets are a 3-byte little-endian payload length, a 1-byte sequence id
 * and the payload. Sequence ids count up across both directions within one
 * exchange (greeting 0, our response 1, ...).
 */
class PacketChannel {
  private sequence = 0;

  constructor(private readonly wire: Wire) {}

  async read(): Promise<Buffer> {
    const header = await this.wire.read(4);
    const length = header.readUIntLE(0, 3);
    const sequence = header[3];
    if (length === 0 || length > MAX_SERVER_PACKET) {
      throw new Error(`unexpected ${length}-byte packet: not a MySQL server?`);
    }
    if (sequence !== this.sequence) {
      throw new Error(`packet out of order: sequence id ${sequence}, expected ${this.sequence}`);
    }
    this.sequence = (this.sequence + 1) & 0xff;
    return this.wire.read(length);
  }

  write(payload: Buffer): void {
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header[3] = this.sequence;
    this.sequence = (this.sequence + 1) & 0xff;
    this.wire.write(Buffer.concat([header, payload]));
  }

  startCommand(): void {
    this.sequence = 0;
  }
}

/** Bounds-checked cursor over a packet payload. */
class Reader {
  constructor(
    private readonly buffer: Buffer,
    private offset = 0,
  ) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  bytes(length: number): Buffer {
    if (length > this.remaining) throw new Error('malformed packet from the server');
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  uint8(): number {
    return this.bytes(1).readUInt8(0);
  }

  uint16(): number {
    return this.bytes(2).readUInt16LE(0);
  }

  /** NUL-terminated string; some old servers omit the final NUL. */
  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    const stop = end === -1 ? this.buffer.length : end;
    const text = this.buffer.toString('utf8', this.offset, stop);
    this.offset = Math.min(stop + 1, this.buffer.length);
    return text;
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }
}

/** Protocol::HandshakeV10, or the ERR packet a server sends instead. */
function parseGreeting(payload: Buffer): Greeting {
  const kind = payload[0];
  if (kind === ERR_PACKET) throw serverError(payload);
  if (kind !== HANDSHAKE_V10) throw new Error(`unsupported handshake protocol version ${kind}`);

  const reader = new Reader(payload, 1);
  reader.cstring(); // server version
  reader.bytes(4); // connection id
  const nonceStart = reader.bytes(8);
  reader.bytes(1); // filler
  let capabilities = reader.uint16();
  let nonceEnd: Buffer = Buffer.alloc(0);
  let plugin = NATIVE;
  if (reader.remaining > 0) {
    reader.uint8(); // character set
    reader.uint16(); // status flags
    capabilities += reader.uint16() * 0x10000;
    const nonceLength = reader.uint8();
    reader.bytes(10); // reserved (MariaDB keeps extended capabilities here)
    if (capabilities & CLIENT_SECURE_CONNECTION) {
      // At least 13 bytes, the last being a NUL that is not part of the nonce.
      nonceEnd = reader.bytes(Math.min(Math.max(13, nonceLength - 8), reader.remaining));
    }
    if (capabilities & CLIENT_PLUGIN_AUTH) plugin = reader.cstring() || NATIVE;
  }
  const nonce = Buffer.concat([nonceStart, nonceEnd]).subarray(0, 20);
  return { capabilities, nonce, plugin };
}

/** Protocol::HandshakeResponse41. */
function handshakeResponse(serverCapabilities: number, login: Login, plugin: string, authData: Buffer): Buffer {
  const pluginAuth = (serverCapabilities & CLIENT_PLUGIN_AUTH) !== 0;
  const flags =
    CLIENT_LONG_PASSWORD |
    CLIENT_PROTOCOL_41 |
    CLIENT_SECURE_CONNECTION |
    (pluginAuth ? CLIENT_PLUGIN_AUTH : 0) |
    (login.database === '' ? 0 : CLIENT_CONNECT_WITH_DB);

  const fixed = Buffer.alloc(32); // flags, max packet size, charset, 23 zero bytes
  fixed.writeUInt32LE(flags, 0);
  fixed.writeUInt32LE(MAX_CLIENT_PACKET, 4);
  fixed.writeUInt8(UTF8MB4_GENERAL_CI, 8);
  return Buffer.concat([
    fixed,
    Buffer.from(`${login.user}\0`, 'utf8'),
    Buffer.from([authData.length]), // CLIENT_SECURE_CONNECTION: 1-byte length
    authData,
    login.database === '' ? Buffer.alloc(0) : Buffer.from(`${login.database}\0`, 'utf8'),
    pluginAuth ? Buffer.from(`${plugin}\0`, 'utf8') : Buffer.alloc(0),
  ]);
}

/** First answer of either plugin; an empty password is an empty answer. */
function scramble(plugin: string, password: Buffer, nonce: Buffer): Buffer {
  if (password.length === 0) return Buffer.alloc(0);
  if (plugin === NATIVE) {
    // SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
    const stage1 = hash('sha1', password);
    return xor(stage1, hash('sha1', nonce, hash('sha1', stage1)));
  }
  // caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
  const stage1 = hash('sha256', password);
  return xor(stage1, hash('sha256', hash('sha256', stage1), nonce));
}

/** caching_sha2_password full authentication over plain TCP. */
function encryptPassword(password: Buffer, nonce: Buffer, publicKeyPem: Buffer): Buffer {
  const plain = xor(Buffer.concat([password, Buffer.from([0])]), nonce);
  try {
    return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING }, plain);
  } catch (error) {
    throw new Error(`cannot encrypt the password with the server's RSA public key`, { cause: error });
  }
}

function hash(algorithm: 'sha1' | 'sha256', ...parts: Buffer[]): Buffer {
  const digest = createHash(algorithm);
  for (const part of parts) digest.update(part);
  return digest.digest();
}

/** XOR with `key` repeated to the length of `data`. */
function xor(data: Buffer, key: Buffer): Buffer {
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i += 1) out[i] = (data[i] ?? 0) ^ (key[i % key.length] ?? 0);
  return out;
}

function withoutTrailingNul(data: Buffer): Buffer {
  return data.length > 0 && data[data.length - 1] === 0 ? data.subarray(0, -1) : data;
}

/** ERR packet: 0xff, 2-byte code, optional "#" + 5-byte SQLSTATE, message. */
function serverError(payload: Buffer): Error {
  if (payload.length < 3) return new Error('not ready: malformed error packet');
  const code = payload.readUInt16LE(1);
  // Errors sent before the handshake completes usually omit the SQLSTATE.
  const messageStart = payload[3] === 0x23 && payload.length >= 9 ? 9 : 3;
  const message = payload.toString('utf8', messageStart);
  const hint = LOGIN_REFUSED.has(code)
    ? ' (the probe logs in with the URL credentials and database, so the app cannot log in either)'
    : '';
  return new Error(`not ready: error ${code}: ${message}${hint}`);
}

function unsupportedPlugin(plugin: string): Error {
  return new Error(
    `the account uses the ${plugin} authentication plugin, which this probe does not support ` +
      `(only ${SUPPORTED_PLUGINS.join(' and ')}): switch the account to one of those, ` +
      `or replace the probe with your driver's ping`,
  );
}

import type { ProbeOptions } from '../readiness.js';
import { converse, DEFAULT_PROBE_TIMEOUT_MS, endpointFrom } from '../wire.js';

// Sends one `hello` command with a hand-rolled OP_MSG/BSON codec so the app
// needs no driver dependency; once you add the mongodb driver, replace this
// with `db.command({ ping: 1 })`.

export const schemes = ['mongodb:', 'mongodb+srv:'] as const;

const OP_MSG = 2013;
const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/**
 * `hello` needs no authentication and answers as soon as mongod accepts
 * connections; `ok: 1` means ready. Only the first host of a seed list is
 * checked. TLS is used when the URL says tls=true or ssl=true.
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<void> {
  if (url.toLowerCase().startsWith('mongodb+srv:')) {
    throw new Error(
      'mongodb+srv:// URLs need a DNS SRV lookup that this minimal probe does not do: ' +
        'use a mongodb://host:port URL, or replace the probe with your driver ping',
    );
  }
  const parsed = firstHost(url);
  const useTls = ['tls', 'ssl'].some((key) => parsed.searchParams.get(key)?.toLowerCase() === 'true');
  const endpoint = endpointFrom(parsed, 27017, useTls);

  await converse(endpoint, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, async (wire) => {
    const requestId = 1;
    wire.write(opMsg(requestId, encodeDocument({ hello: 1, $db: 'admin' })));

    // Header: messageLength, requestID, responseTo, opCode (int32 LE each).
    const header = await wire.read(16);
    const length = header.readInt32LE(0);
    if (header.readInt32LE(12) !== OP_MSG || length < 21 || length > MAX_REPLY_BYTES) {
      throw new Error('unexpected reply: not a MongoDB server (3.6 or later)?');
    }
    const body = await wire.read(length - 16);
    // body: flagBits (uint32), then section kind 0 followed by one document.
    if (body[4] !== 0) throw new Error('unexpected OP_MSG section in reply');
    const reply = decodeTopLevel(body.subarray(5));

    if (Number(reply.get('ok')) !== 1) {
      const reason = reply.get('errmsg') ?? reply.get('codeName') ?? 'ok is not 1';
      throw new Error(`not ready: ${String(reason)}`);
    }
  });
}

/** A seed list ("a:27017,b:27017") is not a valid WHATWG URL host: keep the first. */
function firstHost(url: string): URL {
  const match = /^(mongodb:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/i.exec(url);
  if (!match) throw new Error('not a mongodb:// URL');
  const [, scheme = '', credentials = '', hosts = '', rest = ''] = match;
  return new URL(`${scheme}${credentials}${hosts.split(',')[0] ?? ''}${rest}`);
}

function opMsg(requestId: number, document: Buffer): Buffer {
  const message = Buffer.alloc(16 + 4 + 1 + document.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(0, 8); // responseTo
  message.writeInt32LE(OP_MSG, 12);
  message.writeUInt32LE(0, 16); // flagBits
  message.writeUInt8(0, 20); // section kind 0: body document
  document.copy(message, 21);
  return message;
}

// --- Minimal BSON: encodes int32 and string values, decodes top-level scalars.

function encodeDocument(fields: Record<string, number | string>): Buffer {
  const elements = Object.entries(fields).map(([key, value]) => {
    const name = Buffer.from(`${key}\0`, 'utf8');
    if (typeof value === 'number') {
      const int32 = Buffer.alloc(4);
      int32.writeInt32LE(value);
      return Buffer.concat([Buffer.from([0x10]), name, int32]);
    }
    const text = Buffer.from(`${value}\0`, 'utf8');
    const size = Buffer.alloc(4);
    size.writeInt32LE(text.length);
    return Buffer.concat([Buffer.from([0x02]), name, size, text]);
  });
  const content = Buffer.concat([...elements, Buffer.from([0])]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(content.length + 4);
  return Buffer.concat([size, content]);
}

/**
 * Reads a document's top-level doubles, strings, int32/int64 and booleans;
 * every other value (sub-documents, ObjectIds, timestamps...) is skipped by size.
 */
function decodeTopLevel(document: Buffer): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const end = document.readInt32LE(0) - 1; // last byte is the document's NUL
  if (end >= document.length) throw new Error('truncated BSON document in reply');
  let offset = 4;
  const int32At = (at: number): number => document.readInt32LE(at);
  const cstringEnd = (from: number): number => {
    const nul = document.indexOf(0, from);
    if (nul === -1) throw new Error('malformed BSON document in reply');
    return nul;
  };

  while (offset < end) {
    const type = document[offset] ?? 0;
    const nameEnd = cstringEnd(offset + 1);
    const name = document.toString('utf8', offset + 1, nameEnd);
    const at = nameEnd + 1;
    let size: number;
    switch (type) {
      case 0x01: // double
        values.set(name, document.readDoubleLE(at));
        size = 8;
        break;
      case 0x02: // string: int32 byte length (with NUL), bytes, NUL
        values.set(name, document.toString('utf8', at + 4, at + 4 + int32At(at) - 1));
        size = 4 + int32At(at);
        break;
      case 0x08: // boolean
        values.set(name, document[at] === 1);
        size = 1;
        break;
      case 0x10: // int32
        values.set(name, int32At(at));
        size = 4;
        break;
      case 0x12: // int64
        values.set(name, Number(document.readBigInt64LE(at)));
        size = 8;
        break;
      case 0x03: // document
      case 0x04: // array
      case 0x0f: // code with scope
        size = int32At(at);
        break;
      case 0x05: // binary: int32 length, subtype byte, bytes
        size = 5 + int32At(at);
        break;
      case 0x0d: // JavaScript code
      case 0x0e: // symbol
        size = 4 + int32At(at);
        break;
      case 0x0c: // DBPointer: string + ObjectId
        size = 4 + int32At(at) + 12;
        break;
      case 0x0b: // regex: two cstrings
        size = cstringEnd(cstringEnd(at) + 1) + 1 - at;
        break;
      case 0x07: // ObjectId
        size = 12;
        break;
      case 0x09: // UTC datetime
      case 0x11: // timestamp
        size = 8;
        break;
      case 0x13: // decimal128
        size = 16;
        break;
      case 0x06: // undefined
      case 0x0a: // null
      case 0x7f: // max key
      case 0xff: // min key
        size = 0;
        break;
      default:
        throw new Error(`unsupported BSON type 0x${type.toString(16)} in reply`);
    }
    if (size < 0) throw new Error('malformed BSON document in reply');
    offset = at + size;
  }
  return values;
}

import type { ProbeOptions } from '../readiness.js';
import { converse, DEFAULT_PROBE_TIMEOUT_MS, endpointFrom } from '../wire.js';

// Speaks just enough of the PostgreSQL wire protocol to need no driver
// dependency; once you add a driver (pg, postgres.js), replace this with its
// `SELECT 1` on the pool.

export const schemes = ['postgres:', 'postgresql:'] as const;

const PROTOCOL_3_0 = 196_608; // major 3 << 16 | minor 0

// Like pg_isready, a server that rejects our credentials is still up and
// answering: a wrong password is a configuration bug that restarting or
// unrouting pods will not fix, and the app's own connections report it.
const SERVER_UP_SQLSTATES = new Set(['28000', '28P01']);

/**
 * pg_isready semantics: send a StartupMessage and read the first reply.
 * An Authentication request ('R') means the server accepts connections;
 * an ErrorResponse ('E') means it does not (starting up, too many clients...),
 * except for the auth failures above. We hang up before authenticating, so no
 * password is ever sent.
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<void> {
  const parsed = new URL(url);
  const endpoint = endpointFrom(parsed, 5432);
  const user = decodeURIComponent(parsed.username) || 'postgres';
  const database = decodeURIComponent(parsed.pathname.slice(1)) || user;

  await converse(endpoint, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, async (wire) => {
    wire.write(startupMessage({ user, database, application_name: 'readiness-probe' }));

    const header = await wire.read(5);
    const type = String.fromCharCode(header[0] ?? 0);
    const length = header.readInt32BE(1);
    if (type === 'R') return;
    if (type !== 'E' || length < 4 || length > 64 * 1024) {
      throw new Error(`unexpected reply ${JSON.stringify(type)}: not a PostgreSQL server?`);
    }
    const fields = errorFields(await wire.read(length - 4));
    const code = fields.get('C') ?? 'unknown SQLSTATE';
    if (SERVER_UP_SQLSTATES.has(code)) return;
    throw new Error(`not ready: ${code} ${fields.get('M') ?? ''}`.trimEnd());
  });
}

function startupMessage(parameters: Record<string, string>): Buffer {
  const pairs = Object.entries(parameters).flatMap(([key, value]) => [key, value]);
  // Each key and value is NUL-terminated, and one more NUL ends the list.
  const body = Buffer.from(`${pairs.join('\0')}\0\0`, 'utf8');
  const message = Buffer.alloc(8 + body.length);
  message.writeInt32BE(message.length, 0);
  message.writeInt32BE(PROTOCOL_3_0, 4);
  body.copy(message, 8);
  return message;
}

/** ErrorResponse body: repeated (1-byte field code, NUL-terminated string), then NUL. */
function errorFields(body: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const code = String.fromCharCode(body[offset] ?? 0);
    const end = body.indexOf(0, offset + 1);
    if (end === -1) break;
    fields.set(code, body.toString('utf8', offset + 1, end));
    offset = end + 1;
  }
  return fields;
}

import type { ProbeOptions } from '../readiness.js';
import { converse, DEFAULT_PROBE_TIMEOUT_MS, endpointFrom } from '../wire.js';

// Reads the server greeting instead of using a driver, so the app needs no
// dependency; once you add one (mysql2, mariadb), replace this with its ping.
//
// Caveat: the server counts a client that hangs up after the greeting as a
// handshake error against max_connect_errors (default 100) for that client IP,
// and blocks the IP when it is reached -- the app's own connections included.
// Any successful login from the IP resets the count, and loopback clients and
// servers with the host cache off (host_cache_size=0) are exempt. If your app
// keeps one long-lived pool and rarely reconnects, switch to the driver ping.

export const schemes = ['mysql:', 'mariadb:'] as const;

const HANDSHAKE_V10 = 0x0a;
const ERR_PACKET = 0xff;

/**
 * MySQL and MariaDB speak first: a Handshake v10 packet means the server
 * accepts connections; an ERR packet (too many connections, host blocked...)
 * means it does not.
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<void> {
  const endpoint = endpointFrom(new URL(url), 3306);

  await converse(endpoint, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, async (wire) => {
    // Packet header: 3-byte little-endian payload length, 1-byte sequence id.
    const header = await wire.read(4);
    const length = header.readUIntLE(0, 3);
    if (length === 0 || length > 64 * 1024) throw new Error('unexpected greeting: not a MySQL server?');
    const payload = await wire.read(length);

    const kind = payload[0];
    if (kind === HANDSHAKE_V10) return;
    if (kind === ERR_PACKET && payload.length >= 3) {
      const code = payload.readUInt16LE(1);
      // Pre-handshake errors usually omit the "#" + 5-byte SQL state marker.
      const messageStart = payload[3] === 0x23 ? 9 : 3;
      throw new Error(`not ready: error ${code}: ${payload.toString('utf8', messageStart)}`);
    }
    throw new Error(`unsupported handshake protocol version ${kind}`);
  });
}

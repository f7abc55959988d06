import type { ProbeOptions } from '../readiness.js';
import { converse, DEFAULT_PROBE_TIMEOUT_MS, endpointFrom, type Wire } from '../wire.js';

// Speaks a few RESP commands directly so the app needs no client dependency;
// once you add one (ioredis, node-redis, iovalkey), replace this with its PING.
// Works for Redis and Valkey alike.

export const schemes = ['redis:', 'rediss:'] as const;

/**
 * AUTH (when the URL has a password), then PING, expecting +PONG. Errors
 * such as -NOAUTH, -WRONGPASS or -LOADING (still reading its dataset) mean
 * not ready. rediss:// connects over TLS.
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<void> {
  const parsed = new URL(url);
  const endpoint = endpointFrom(parsed, 6379, parsed.protocol === 'rediss:');
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);

  await converse(endpoint, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, async (wire) => {
    if (password !== '') {
      // redis://:secret@host is password-only AUTH (the "default" user).
      await command(wire, username === '' ? ['AUTH', password] : ['AUTH', username, password], 'AUTH');
    }
    const reply = await command(wire, ['PING'], 'PING');
    if (reply !== '+PONG') throw new Error(`unexpected PING reply ${JSON.stringify(reply)}`);
  });
}

/** Sends a RESP array of bulk strings and returns the one-line reply. */
async function command(wire: Wire, args: readonly string[], label: string): Promise<string> {
  const parts = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  wire.write(`*${args.length}\r\n${parts.join('')}`);
  const reply = await wire.readLine();
  // The error text never contains the password: servers don't echo it.
  if (reply.startsWith('-')) throw new Error(`${label} rejected: ${reply.slice(1)}`);
  return reply;
}

import type { ProbeOptions } from '../readiness.js';
import { converse, DEFAULT_PROBE_TIMEOUT_MS, endpointFrom } from '../wire.js';

// Uses the text protocol's `version` command so the app needs no client
// dependency; once you add one, replace this with its version/stats call.

export const schemes = ['memcached:'] as const;

/** `version` → `VERSION x.y.z` means ready; anything else (ERROR...) does not. */
export async function probe(url: string, options: ProbeOptions = {}): Promise<void> {
  const endpoint = endpointFrom(new URL(url), 11211);

  await converse(endpoint, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, async (wire) => {
    wire.write('version\r\n');
    const reply = await wire.readLine();
    if (!reply.startsWith('VERSION ')) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  });
}

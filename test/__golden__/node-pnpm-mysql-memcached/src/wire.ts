import net from 'node:net';
import tls from 'node:tls';

/**
 * Shared plumbing for the readiness probes in src/probes/: open one TCP (or
 * TLS) connection, run a short request/response exchange, and give up after
 * a deadline that covers connect, handshake and every read.
 */

export const DEFAULT_PROBE_TIMEOUT_MS = 2_000;

export interface Endpoint {
  host: string;
  port: number;
  tls?: boolean;
}

export interface Wire {
  write(data: Uint8Array | string): void;
  /** Resolves with exactly `length` bytes. */
  read(length: number): Promise<Buffer>;
  /** Resolves with the next CRLF-terminated line, without the CRLF. */
  readLine(): Promise<string>;
}

// A misbehaving server must not make the probe buffer without bound.
const MAX_LINE_BYTES = 64 * 1024;

/** Host and port from a parsed URL; IPv6 literals lose their brackets. */
export function endpointFrom(url: URL, defaultPort: number, useTls = false): Endpoint {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error(`no host in ${url.protocol}// URL`);
  return { host, port: url.port === '' ? defaultPort : Number(url.port), tls: useTls };
}

export async function converse<T>(
  endpoint: Endpoint,
  timeoutMs: number,
  talk: (wire: Wire) => Promise<T>,
): Promise<T> {
  const { host, port } = endpoint;
  const socket = endpoint.tls
    ? // SNI must be a hostname, never an IP literal.
      tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }) })
    : net.connect({ host, port });

  let buffered: Buffer = Buffer.alloc(0);
  let closed = false;
  let socketError: Error | undefined;
  let failure: Error | undefined;
  let pending: { take: () => boolean; reject: (error: Error) => void } | undefined;
  let rejectTalk: (error: Error) => void = () => {};
  const failed = new Promise<never>((_resolve, reject) => {
    rejectTalk = reject;
  });

  const fail = (reason: string, cause?: unknown): void => {
    if (failure) return;
    // Connect errors already name the address ("connect ECONNREFUSED h:p").
    const where = `${host}:${port}`;
    failure = new Error(reason.includes(where) ? reason : `${where}: ${reason}`, { cause });
    pending?.reject(failure);
    pending = undefined;
    rejectTalk(failure);
    socket.destroy();
  };
  // Serve the pending read from the buffer. A server may send its final
  // answer and hang up at once, so a closed socket only fails a read that the
  // bytes already received cannot satisfy.
  const pump = (): void => {
    if (pending?.take()) pending = undefined;
    else if (pending && closed) fail(socketError?.message ?? 'connection closed by the server', socketError);
  };

  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    pump();
  });
  socket.on('error', (error) => {
    socketError = error;
  });
  socket.on('close', () => {
    closed = true;
    pump();
  });
  const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);

  const wait = (take: (resolve: (value: Buffer | string) => void) => boolean) =>
    new Promise<Buffer | string>((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      pending = { take: () => take(resolve), reject };
      pump();
    });

  const wire: Wire = {
    write: (data) => {
      // Writes before the connection is up are queued by the socket.
      if (!failure) socket.write(data);
    },
    read: async (length) =>
      (await wait((resolve) => {
        if (buffered.length < length) return false;
        resolve(buffered.subarray(0, length));
        buffered = buffered.subarray(length);
        return true;
      })) as Buffer,
    readLine: async () =>
      (await wait((resolve) => {
        const end = buffered.indexOf('\r\n');
        if (end === -1) {
          if (buffered.length > MAX_LINE_BYTES) fail('reply line too long');
          return false;
        }
        resolve(buffered.subarray(0, end).toString('utf8'));
        buffered = buffered.subarray(end + 2);
        return true;
      })) as string,
  };

  try {
    return await Promise.race([talk(wire), failed]);
  } catch (error) {
    if (error === failure || !(error instanceof Error)) throw error;
    // Protocol-level verdicts from the probe get the same "host:port:" prefix.
    throw new Error(`${host}:${port}: ${error.message}`, { cause: error });
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

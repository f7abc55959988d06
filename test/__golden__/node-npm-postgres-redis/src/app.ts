import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';
import type { ReadinessReport } from './readiness.js';

/** Flipped by the shutdown handler; read on every request. */
export interface AppState {
  shuttingDown: boolean;
}

export interface AppOptions {
  logger: Logger;
  readiness: () => Promise<ReadinessReport>;
  state: AppState;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

interface Route {
  methods: readonly string[];
  handle: Handler;
}

// Kubernetes probes hit these every few seconds: their access log lines go
// to debug so they don't drown the real traffic.
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/** The request handler, separate from the server so tests can mount it anywhere. */
export function createApp({ logger, readiness, state }: AppOptions): RequestListener {
  const routes = new Map<string, Route>([
    // Liveness: never look at dependencies, or a database outage would make
    // Kubernetes restart every healthy pod.
    ['/healthz', { methods: ['GET', 'HEAD'], handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) }],
    [
      '/readyz',
      {
        methods: ['GET', 'HEAD'],
        handle: async (_req, res) => {
          // Fail readiness first so the load balancer drains this pod before it stops.
          if (state.shuttingDown) {
            sendJson(res, 503, { status: 'shutting down', checks: {} });
            return;
          }
          const report = await readiness();
          for (const { name, error } of report.failures) {
            logger.warn('readiness check failed', { check: name, error: error.message });
          }
          // Only check names and ok/fail go out: error details can reveal
          // internal hostnames, so they stay in the log line above.
          sendJson(res, report.ready ? 200 : 503, {
            status: report.ready ? 'ready' : 'not ready',
            checks: report.checks,
          });
        },
      },
    ],
    // Add your routes here.
  ]);

  return (req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';

    res.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = {
        method: req.method,
        // The query string is left out on purpose: it often carries tokens.
        path,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (PROBE_PATHS.has(path)) logger.debug('request', fields);
      else logger.info('request', fields);
    });

    const route = routes.get(path);
    if (route === undefined) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (!route.methods.includes(req.method ?? '')) {
      res.setHeader('Allow', route.methods.join(', '));
      sendJson(res, 405, { error: 'method not allowed' });
      return;
    }

    Promise.resolve()
      .then(() => route.handle(req, res))
      .catch((error: unknown) => {
        logger.error('request failed', { method: req.method, path, error });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
  };

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const payload = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(payload));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Once shutdown has begun, close keep-alive connections after each
    // response so the server can finish closing instead of waiting on clients.
    if (state.shuttingDown) res.setHeader('Connection', 'close');
    res.end(payload);
  }
}

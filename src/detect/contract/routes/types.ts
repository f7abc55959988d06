/**
 * A GET route the app registers whose last segment names a health check. `path` is the full
 * path with every mount prefix applied; null when a prefix could not be established (a router
 * mounted from computed values): such a route is reported, never guessed at.
 */
export interface Route {
  path: string | null
  /** The file that registers it, relative to the service folder. */
  file: string
  reason: string
}

/** Last segments that name a health, liveness or readiness check. */
export const HEALTH_SEGMENT = /^(?:healthz|livez|readyz|health|healthcheck|health[-_]check|health[-_]?status|_health|liveness|readiness|live|alive|ready|ping|up|status|heartbeat)$/i

/** Whether a route path (as written, before prefixes) may be a health route: its last segment names one and it has no parameter. */
export function healthish(path: string): boolean {
  if (/[:{<*[]/.test(path)) return false
  const segs = path.split('/').filter(Boolean)
  const last = segs[segs.length - 1]
  return last !== undefined && HEALTH_SEGMENT.test(last)
}

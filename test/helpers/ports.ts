/**
 * A TCP port nothing listens on, for "configured but unreachable" dependencies. Not a port that
 * was free a moment ago: with suites running side by side, a server started by another test
 * can be given that port and answer the probe (seen in CI). Port 1 (tcpmux) is privileged and
 * no test binds it, so a connect to it is always refused.
 */
export const CLOSED_PORT = 1

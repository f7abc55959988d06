import { LOG_LEVELS, type LogLevel } from './logger.js';
import type { Dependency } from './readiness.js';

export interface Config {
  host: string;
  port: number;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  /** Each configured dependency with its URL, in declaration order. */
  dependencies: (Dependency & { url: string })[];
}

export interface ConfigSpec {
  defaultPort: number;
  dependencies: readonly Dependency[];
}

/** Lists every problem at once, so a bad deploy is fixed in one round trip. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

// setTimeout silently fires at once for delays above 2^31 - 1 ms.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** All settings come from the environment (12-factor); nothing is read from files. */
export function loadConfig(env: NodeJS.ProcessEnv, spec: ConfigSpec): Config {
  const problems: string[] = [];
  // Compose and Helm often render unset values as empty strings: treat them as unset.
  const read = (key: string): string | undefined => {
    const value = env[key]?.trim();
    return value === '' ? undefined : value;
  };

  const port = parseInteger(read('PORT'), spec.defaultPort, 0, 65_535, 'PORT', problems);
  const shutdownTimeoutMs = parseInteger(
    read('SHUTDOWN_TIMEOUT_MS'),
    10_000,
    0,
    MAX_TIMEOUT_MS,
    'SHUTDOWN_TIMEOUT_MS',
    problems,
  );

  const rawLevel = (read('LOG_LEVEL') ?? 'info').toLowerCase();
  const logLevel = LOG_LEVELS.find((level) => level === rawLevel);
  if (logLevel === undefined) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${rawLevel}"`);
  }

  const dependencies: Config['dependencies'] = [];
  for (const dependency of spec.dependencies) {
    const url = read(dependency.env);
    if (url === undefined) {
      problems.push(`${dependency.env} is required (${dependency.name} connection URL)`);
      continue;
    }
    // Only the scheme is checked here: the URL may carry credentials, so it
    // is never echoed back into logs.
    const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url)?.[1]?.toLowerCase();
    if (scheme === undefined || !dependency.schemes.includes(scheme)) {
      problems.push(`${dependency.env} must be a URL starting with ${dependency.schemes.map((s) => `${s}//`).join(' or ')}`);
      continue;
    }
    dependencies.push({ ...dependency, url });
  }

  if (problems.length > 0 || logLevel === undefined) throw new ConfigError(problems);
  return { host: read('HOST') ?? '0.0.0.0', port, logLevel, shutdownTimeoutMs, dependencies };
}

function parseInteger(
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  key: string,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  // Number() would accept "1e3", "0x10" and " 12 ": a typo should fail loudly instead.
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${key} must be an integer between ${min} and ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

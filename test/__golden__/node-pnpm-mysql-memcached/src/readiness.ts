export interface ProbeOptions {
  /** Covers connect + exchange. Defaults to 2000 ms. */
  timeoutMs?: number;
}

/** Resolves when the dependency answers, rejects with a readable Error otherwise. */
export type Probe = (url: string, options?: ProbeOptions) => Promise<void>;

/** A backing service the app needs before it can take traffic. */
export interface Dependency {
  /** Name shown in /readyz and in logs, e.g. "postgres". */
  name: string;
  /** Environment variable holding its connection URL, e.g. "DATABASE_URL". */
  env: string;
  /** URL schemes the probe understands, with the colon: "postgres:". */
  schemes: readonly string[];
  probe: Probe;
}

export interface Check {
  name: string;
  run: () => Promise<void>;
}

export type CheckStatus = 'ok' | 'fail';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckStatus>;
  failures: { name: string; error: Error }[];
}

/**
 * Runs every check in parallel. Concurrent callers share one run, so a burst
 * of /readyz requests never turns into a burst of connections to the database.
 */
export function createReadiness(checks: readonly Check[]): () => Promise<ReadinessReport> {
  let inFlight: Promise<ReadinessReport> | undefined;

  const runAll = async (): Promise<ReadinessReport> => {
    const results = await Promise.allSettled(checks.map((check) => check.run()));
    const report: ReadinessReport = { ready: true, checks: {}, failures: [] };
    results.forEach((result, index) => {
      const name = checks[index]?.name ?? `check-${index}`;
      if (result.status === 'fulfilled') {
        report.checks[name] = 'ok';
      } else {
        report.ready = false;
        report.checks[name] = 'fail';
        const error = result.reason instanceof Error ? result.reason : new Error(String(result.reason));
        report.failures.push({ name, error });
      }
    });
    return report;
  };

  return () => {
    inFlight ??= runAll().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

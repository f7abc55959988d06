export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export type LogSink = (line: string) => void;

// stdout to a pipe or file is synchronous on Linux, so lines written right
// before process.exit() are not lost.
const stdoutSink: LogSink = (line) => {
  process.stdout.write(line);
};

/**
 * One JSON object per line: log collectors (Docker, Kubernetes, Loki, ...)
 * parse it without any configuration.
 */
export function createLogger(level: LogLevel, sink: LogSink = stdoutSink): Logger {
  const threshold = LOG_LEVELS.indexOf(level);

  const log = (lineLevel: LogLevel, msg: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
    const entry: LogFields = { time: new Date().toISOString(), level: lineLevel, msg };
    // Caller fields never overwrite time/level/msg, which collectors key on.
    for (const [key, value] of Object.entries(fields ?? {})) {
      if (!(key in entry)) entry[key] = value;
    }
    sink(`${serialize(entry)}\n`);
  };

  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}

function serialize(entry: LogFields): string {
  try {
    return JSON.stringify(entry, jsonSafe);
  } catch {
    // A circular structure in the fields: keep the line rather than throw.
    return JSON.stringify({ time: entry['time'], level: entry['level'], msg: entry['msg'], logError: 'fields not serializable' });
  }
}

// JSON.stringify turns an Error into {} and throws on a bigint; a log call
// must never throw, and an error must keep its message.
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as NodeJS.ErrnoException).code;
    return { name: value.name, message: value.message, ...(code ? { code } : {}), stack: value.stack };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A small JSON-lines logger on stderr in the same shape as the HTTP server's (pino) lines. */

export type LogLevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LEVELS: Readonly<Record<LogLevelName, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

export type Log = (level: 'info' | 'warn' | 'error', message: string, error?: unknown) => void;

export function createLog(threshold: LogLevelName, bindings: Record<string, unknown> = {}): Log {
  return (level, message, error) => {
    if (LEVELS[level] < LEVELS[threshold]) return;
    const err =
      error === undefined
        ? undefined
        : error instanceof Error
          ? { type: error.name, message: error.message, stack: error.stack }
          : { message: typeof error === 'string' ? error : JSON.stringify(error) };
    process.stderr.write(
      `${JSON.stringify({ level: LEVELS[level], time: Date.now(), pid: process.pid, ...bindings, msg: message, ...(err && { err }) })}\n`,
    );
  };
}

// pino done the pino way: one root logger per entry point, children bound to actor ids,
// NDJSON to a file under the state folder, pretty output on a terminal, secrets redacted.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pino from 'pino';
import type { DestinationStream, Logger, LoggerOptions, StreamEntry } from 'pino';
import { LogFile } from './log-file.js';
import type { LogFileOptions } from './log-file.js';

export type { Logger };
export { droppedLogLines } from './log-file.js';

const REDACT_PATHS = [
  'apiKey',
  'token',
  '*.apiKey',
  '*.token',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'secret',
  '*.secret',
];

export interface RootLoggerOptions {
  level?: string;
  /** State folder: NDJSON goes to <dir>/logs/agentry.ndjson. */
  dir?: string;
  /** Pretty output on stderr (a terminal). */
  pretty?: boolean;
  /** An explicit destination (tests pass an in-memory sink). */
  destination?: DestinationStream;
  base?: Record<string, unknown>;
  /** Options of the log file under `dir` (tests inject a failing write). */
  logFile?: Omit<LogFileOptions, 'onFailure'>;
}

function loggerOptions(level: string, base: Record<string, unknown> = {}): LoggerOptions {
  return {
    level,
    base: { svc: 'agentry', ...base },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    errorKey: 'err',
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createRootLogger(opts: RootLoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const options = loggerOptions(level, opts.base);
  if (opts.destination) return pino(options, opts.destination);
  const streams: StreamEntry[] = [];
  if (opts.dir) {
    // Not pino.destination: sonic-boom retries a failing write and emits 'error' (a crash when
    // unhandled); LogFile drops and counts lines it cannot write (see log-file.ts).
    const file = new LogFile(join(opts.dir, 'logs', 'agentry.ndjson'), {
      ...opts.logFile,
      onFailure: (err) => process.stderr.write(`agentry: cannot write ${join(opts.dir ?? '', 'logs', 'agentry.ndjson')} (${err.code ?? err.message}); log lines are dropped and counted until it can\n`),
    });
    process.once('exit', () => file.flushSync());
    streams.push({ level: level as pino.Level, stream: file });
  }
  if (opts.pretty) {
    // pino-pretty as a stream (not a worker transport) so logs are flushed with the process.
    streams.push({ level: level as pino.Level, stream: prettyStream() });
  }
  if (streams.length === 0) return pino({ ...options, level: 'silent' });
  return pino(options, pino.multistream(streams));
}

function prettyStream(): DestinationStream {
  // Loaded lazily: only terminals pay for it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as (o: object) => DestinationStream;
  return pretty({ colorize: true, destination: 2, translateTime: 'HH:MM:ss', ignore: 'pid,hostname,svc' });
}

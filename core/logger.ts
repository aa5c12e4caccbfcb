// pino done the pino way: one root logger per entry point, children bound to actor ids,
// NDJSON to a file under the state folder, pretty output on a terminal, secrets redacted.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pino from 'pino';
import type { DestinationStream, Logger, LoggerOptions, StreamEntry } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
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
}

export function loggerOptions(level: string, base: Record<string, unknown> = {}): LoggerOptions {
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
    const file = pino.destination({ dest: join(opts.dir, 'logs', 'agentry.ndjson'), mkdir: true, sync: false });
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

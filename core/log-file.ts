// The NDJSON log file, written so that logging can never block or crash the supervisor
// (issue 9): lines queue in memory (bounded) and go out in one write at a time; a write that
// fails (ENOSPC, EIO) drops its lines and counts them instead of retrying, and the next line
// tries again, so logging resumes by itself when space returns. The file is 0600.
import { closeSync, fchmodSync, mkdirSync, openSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The write the log file uses; tests inject one that fails. */
export type LogWrite = (fd: number, data: Buffer, done: (err: NodeJS.ErrnoException | null, written: number) => void) => void;

const nodeWrite: LogWrite = (fd, data, done) => write(fd, data, 0, data.length, null, done);

/** Lines waiting past this many bytes are dropped (and counted) rather than held. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

/** Log lines dropped by every log file of this process since it started (shown by status). */
let droppedTotal = 0;

export function droppedLogLines(): number {
  return droppedTotal;
}

export interface LogFileOptions {
  write?: LogWrite;
  maxPendingBytes?: number;
  /** Told once per failing streak, with the error and the lines dropped so far. */
  onFailure?: (err: NodeJS.ErrnoException) => void;
}

export class LogFile {
  readonly path: string;
  private readonly fd: number;
  private readonly doWrite: LogWrite;
  private readonly maxPending: number;
  private readonly onFailure: ((err: NodeJS.ErrnoException) => void) | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private writing = false;
  private failing = false;
  private closed = false;
  /** Lines this file dropped. */
  dropped = 0;

  constructor(path: string, opts: LogFileOptions = {}) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openSync(path, 'a', 0o600);
    fchmodSync(this.fd, 0o600); // a file made by an older agentry (0644) is tightened too
    this.doWrite = opts.write ?? nodeWrite;
    this.maxPending = opts.maxPendingBytes ?? MAX_PENDING_BYTES;
    this.onFailure = opts.onFailure;
  }

  /** pino's destination interface: one serialised line. Never throws, never blocks. */
  write(line: string): boolean {
    if (this.closed) return true;
    if (this.pendingBytes + line.length > this.maxPending) {
      this.drop(1);
      return true;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (!this.writing) this.drain();
    return true;
  }

  /** Writes what is queued synchronously (at exit); a failure drops it, counted. */
  flushSync(): void {
    if (this.writing || this.pending.length === 0) return;
    const lines = this.take();
    try {
      writeSync(this.fd, Buffer.from(lines.join('')));
    } catch {
      this.drop(lines.length);
    }
  }

  close(): void {
    this.flushSync();
    this.closed = true;
    if (!this.writing) closeSync(this.fd);
  }

  private take(): string[] {
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return lines;
  }

  private drain(): void {
    const lines = this.take();
    if (lines.length === 0) {
      this.writing = false;
      if (this.closed) closeSync(this.fd);
      return;
    }
    this.writing = true;
    this.send(Buffer.from(lines.join('')), lines.length);
  }

  private send(data: Buffer, lines: number): void {
    this.doWrite(this.fd, data, (err, written) => {
      if (err !== null || written <= 0) {
        this.drop(lines);
        const failure = err ?? Object.assign(new Error('the log write made no progress'), { code: 'EIO' });
        if (!this.failing) this.onFailure?.(failure);
        this.failing = true;
      } else if (written < data.length) {
        this.send(data.subarray(written), lines);
        return;
      } else {
        this.failing = false;
      }
      this.drain();
    });
  }

  private drop(lines: number): void {
    this.dropped += lines;
    droppedTotal += lines;
  }
}

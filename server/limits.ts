// How much one client can hold (issue 9): a client trickling headers or a body is cut off after
// a timeout, request bodies being read and event streams are capped, and so are the requests one
// connection has in flight. Refusals under overload are logged once per interval, at warn.
import type { Logger } from '../core/logger.js';

export interface ServerLimits {
  /** Headers must arrive within this (node's headersTimeout). */
  headersTimeoutMs: number;
  /** A request body must arrive within this once its reading starts; past it, 408 and the connection closes. */
  bodyTimeoutMs: number;
  /** How often node checks connections against headersTimeout/requestTimeout. */
  checkIntervalMs: number;
  /** Request bodies being read at once, over all connections; past it, 503 OVERLOADED. */
  maxBodies: number;
  /** Requests one connection may have in flight (HTTP/1.1 pipelining); past it, 503 OVERLOADED. */
  maxPerConnection: number;
  /** Open `/v1/events?follow=1` streams; past it, 503 OVERLOADED. */
  maxEventStreams: number;
  /** Overload refusals are summed into one warn line per this interval. */
  logIntervalMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  checkIntervalMs: 1_000,
  maxBodies: 64,
  maxPerConnection: 8,
  maxEventStreams: 64,
  logIntervalMs: 10_000,
};

/** Counts refusals and logs one warn line (no stack) per interval per code, with the count. */
export class OverloadLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  note(code: string, message: string): void {
    const t = this.now();
    const seen = this.last.get(code);
    if (seen !== undefined && t - seen.at < this.intervalMs) {
      seen.suppressed += 1;
      return;
    }
    const before = seen?.suppressed ?? 0;
    this.last.set(code, { at: t, suppressed: 0 });
    this.logger.warn({ code, refusedSinceLastLine: before }, `request refused: ${message}${before > 0 ? ` (and ${before} more refused since the last line)` : ''}`);
  }
}

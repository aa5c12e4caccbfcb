// GET /v1/events?follow=1: NDJSON, one `{seq, event}` per line, flushed as events happen; or,
// for a client that accepts `text/event-stream` (the console's EventSource), Server-Sent Events
// with the seq as the event id, so a reconnect resumes from Last-Event-ID.
// Subscribing before reading the backlog means no gap; tracking the last seq means no repeat.
import type { SupervisorEvent } from '../machines/events.js';
import type { Reply, RouteContext } from './context.js';
import { HttpError } from './errors-http.js';
import { startEventStream, startNdjson } from './respond.js';

/** A consumer this far behind is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function followEvents(ctx: RouteContext, after: number | undefined, keep: (event: SupervisorEvent) => boolean = () => true): Promise<Reply> {
  const { api, logger, streams, heartbeatMs, limits } = ctx.deps;
  const res = ctx.res;
  if (streams.size >= limits.maxEventStreams) {
    return Promise.reject(new HttpError('OVERLOADED', `${streams.size} event streams are open (limit ${limits.maxEventStreams}); retry shortly`));
  }
  let last = after ?? Number.NEGATIVE_INFINITY;
  let early: { seq: number; event: SupervisorEvent }[] | undefined = [];
  const sse = wantsSse(ctx);
  const frame = sse ? (seq: number, event: SupervisorEvent): string => `id: ${seq}\ndata: ${JSON.stringify({ seq, event })}\n\n` : (seq: number, event: SupervisorEvent): string => `${JSON.stringify({ seq, event })}\n`;

  const write = (seq: number, event: SupervisorEvent): void => {
    if (seq <= last || res.destroyed) return;
    last = seq;
    if (!keep(event)) return;
    res.write(frame(seq, event));
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      logger.warn({ buffered: res.writableLength }, 'event follower too slow; closing its stream');
      res.destroy();
    }
  };
  // The listener runs inside the supervisor's publish: it must never throw into it.
  const unsubscribe = api.subscribe((seq, event) => {
    try {
      if (early) early.push({ seq, event });
      else write(seq, event);
    } catch (err) {
      logger.warn({ err }, 'event stream write failed');
      res.destroy();
    }
  });

  let backlog: { seq: number; event: SupervisorEvent }[];
  try {
    backlog = after === undefined ? [] : api.events({ after });
  } catch (err) {
    unsubscribe();
    throw err;
  }

  let stopped = false;
  const heartbeat = setInterval(() => {
    // An empty line (an SSE comment): keeps proxies and idle timers quiet.
    if (!res.destroyed) res.write(sse ? ':\n\n' : '\n');
  }, heartbeatMs);
  heartbeat.unref();
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(res);
  };
  res.on('close', stop);
  streams.add(res);

  if (sse) startEventStream(res);
  else startNdjson(res);
  for (const e of backlog) write(e.seq, e.event);
  const queued = early;
  early = undefined;
  for (const e of queued) write(e.seq, e.event);
  return Promise.resolve('streamed');
}

function wantsSse(ctx: RouteContext): boolean {
  return /\btext\/event-stream\b/i.test(ctx.req.headers.accept ?? '');
}

/** `after` for a stream: the query's, else an EventSource's Last-Event-ID on reconnect. */
export function resumeAfter(ctx: RouteContext, after: number | undefined): number | undefined {
  if (after !== undefined) return after;
  const last = ctx.req.headers['last-event-id'];
  if (typeof last !== 'string' || !/^\d{1,15}$/.test(last)) return undefined;
  return Number(last);
}

// Reading an NDJSON stream line by line; empty lines are heartbeats and are skipped.
import type { Readable } from 'node:stream';

/** Calls `onValue` per line until the stream ends (resolves) or `signal` aborts (resolves). */
export function readNdjson(stream: Readable, onValue: (value: unknown) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    const onAbort = (): void => {
      stream.destroy();
      resolve();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (err?: Error): void => {
      signal?.removeEventListener('abort', onAbort);
      if (err && !signal?.aborted) reject(err);
      else resolve();
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line !== '') {
          try {
            onValue(JSON.parse(line));
          } catch (err) {
            stream.destroy();
            done(err instanceof Error ? err : new Error(String(err)));
            return;
          }
        }
        nl = pending.indexOf('\n');
      }
    });
    stream.once('end', () => done());
    stream.once('error', (err) => done(err));
    // A socket closed before 'end' (server gone) also ends the follow.
    stream.once('close', () => done());
  });
}

// Counts HTTP attempts per model call, SDK retries included, by wrapping the client's fetch.
// The counter travels in async context, so concurrent calls on one client never mix counts.
import { AsyncLocalStorage } from 'node:async_hooks';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface AttemptCounter {
  count: number;
}

const current = new AsyncLocalStorage<AttemptCounter>();

export function countingFetch(inner: Fetch): Fetch {
  return (input, init) => {
    const counter = current.getStore();
    if (counter !== undefined) counter.count += 1;
    return inner(input, init);
  };
}

/** Runs `fn` with `counter` counting every fetch made on its behalf. */
export function withAttemptCounter<T>(counter: AttemptCounter, fn: () => Promise<T>): Promise<T> {
  return current.run(counter, fn);
}

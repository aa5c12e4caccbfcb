// The global in-flight limit: a token pool shared by every agent actor, on top of each agent's
// own concurrency. Tokens are counted per holder (agent kind) so the agent's context stays the
// source of truth: `reconcile` re-aligns a holder after a restore re-executed its runs.
// Waiters are served first come first served, and are woken on a microtask so that no actor
// is re-entered in the middle of another actor's transition.

export interface InFlightLimit {
  readonly limit: number;
  readonly inUse: number;
  /** Holders waiting for a token, oldest first. */
  readonly waiters: readonly string[];
  /** Takes a token, or queues `holder` as a waiter and returns false. */
  tryAcquire(holder: string): boolean;
  release(holder: string): void;
  /** `holder` no longer wants a token (paused, nothing queued, stopped). */
  withdraw(holder: string): void;
  /** Sets the tokens `holder` holds to `n` (its runs actually in flight). */
  reconcile(holder: string, n: number): void;
  setLimit(n: number): void;
  /** Calls `wake` when a token may be free for `holder`; returns the unsubscribe. */
  onAvailable(holder: string, wake: () => void): () => void;
}

export function createInFlightLimit(initial: number): InFlightLimit {
  let limit = initial;
  const held = new Map<string, number>();
  const waiters: string[] = [];
  const wakers = new Map<string, () => void>();
  let scheduled = false;

  const inUse = (): number => [...held.values()].reduce((a, b) => a + b, 0);

  const wake = (): void => {
    scheduled = false;
    if (limit - inUse() <= 0) return;
    // A copy: a woken agent may take a token, and leave `waiters`, while we iterate.
    for (const holder of waiters.slice()) wakers.get(holder)?.();
  };
  const schedule = (): void => {
    if (scheduled || waiters.length === 0) return;
    scheduled = true;
    queueMicrotask(wake);
  };
  const drop = (holder: string): void => {
    const at = waiters.indexOf(holder);
    if (at >= 0) waiters.splice(at, 1);
  };

  return {
    get limit() { return limit; },
    get inUse() { return inUse(); },
    get waiters() { return [...waiters]; },
    tryAcquire(holder) {
      const ahead = waiters.includes(holder) ? waiters.indexOf(holder) : waiters.length;
      // A free token goes to a newcomer only when every waiter ahead of it can be served too.
      if (limit - inUse() > ahead) {
        drop(holder);
        held.set(holder, (held.get(holder) ?? 0) + 1);
        schedule();
        return true;
      }
      if (!waiters.includes(holder)) waiters.push(holder);
      return false;
    },
    release(holder) {
      const n = held.get(holder) ?? 0;
      if (n > 1) held.set(holder, n - 1);
      else held.delete(holder);
      schedule();
    },
    withdraw(holder) {
      drop(holder);
      schedule();
    },
    reconcile(holder, n) {
      if (n > 0) held.set(holder, n);
      else held.delete(holder);
      schedule();
    },
    setLimit(n) {
      limit = n;
      schedule();
    },
    onAvailable(holder, cb) {
      wakers.set(holder, cb);
      return () => {
        if (wakers.get(holder) === cb) wakers.delete(holder);
      };
    },
  };
}

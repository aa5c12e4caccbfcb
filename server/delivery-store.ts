// Replay protection for webhooks: GitHub redelivers with the same X-GitHub-Delivery id for up to
// three days, so an id is remembered at least that long. The real store is journal-backed
// (it must survive a restart); this in-memory one serves tests and `--offline` runs.

export interface DeliveryStore {
  /** True when `id` was remembered and has not expired. */
  seen(id: string): boolean;
  /** Records `id` as processed at `atMs`; resolves once durable. */
  remember(id: string, atMs: number): Promise<void>;
}

export const DELIVERY_TTL_MS = 3 * 24 * 60 * 60 * 1000;

export interface MemoryDeliveryStoreOptions {
  ttlMs?: number;
  /** Injected clock, ms since the epoch. */
  now?: () => number;
}

export function createMemoryDeliveryStore(opts: MemoryDeliveryStoreOptions = {}): DeliveryStore & { size(): number } {
  const ttl = opts.ttlMs ?? DELIVERY_TTL_MS;
  const now = opts.now ?? Date.now;
  const seenAt = new Map<string, number>();

  // Map keeps insertion order, so expired ids sit at the front.
  const prune = (): void => {
    const cutoff = now() - ttl;
    for (const [id, at] of seenAt) {
      if (at > cutoff) break;
      seenAt.delete(id);
    }
  };

  return {
    seen(id) {
      const at = seenAt.get(id);
      return at !== undefined && at > now() - ttl;
    },
    remember(id, atMs) {
      seenAt.delete(id);
      seenAt.set(id, atMs);
      prune();
      return Promise.resolve();
    },
    size() {
      prune();
      return seenAt.size;
    },
  };
}

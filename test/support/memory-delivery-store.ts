// An in-memory webhook delivery store for tests: remembers ids for the TTL on an injected clock.
import { DELIVERY_TTL_MS } from '../../server/delivery-store.js';
import type { DeliveryStore } from '../../server/delivery-store.js';

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

// Replay protection for webhooks: GitHub redelivers with the same X-GitHub-Delivery id for up to
// three days, so an id is remembered at least that long. The store is journal-backed (it must
// survive a restart; see cli/boot.ts); tests use an in-memory one (test/support).

export interface DeliveryStore {
  /** True when `id` was remembered and has not expired. */
  seen(id: string): boolean;
  /** Records `id` as processed at `atMs`; resolves once durable. */
  remember(id: string, atMs: number): Promise<void>;
}

export const DELIVERY_TTL_MS = 3 * 24 * 60 * 60 * 1000;

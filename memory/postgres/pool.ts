// The one way to reach the cluster's Postgres: a pg pool opened from the store settings. The URL
// goes to pg and nowhere else; every error names the store by describeStore (host and database)
// and has any password masked, so a log or a CLI line never carries the credentials.
import pg from 'pg';
import { StoreError, toAgentryError } from '../../core/errors.js';
import { describeStore } from '../../config/store.js';
import { isOutage } from './outage.js';
import { redact } from './redact.js';

export interface PgPoolOptions {
  /** Connections at most (pg's default is 10). */
  max?: number;
  /** Shown in pg_stat_activity: which supervisor holds a connection. */
  applicationName?: string;
  /** How long a connect may take before it fails, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** An idle connection's error (the server restarted, the network dropped); already redacted. */
  onError?: (err: StoreError) => void;
}

/** What the store modules need of a pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

export interface PgStore {
  readonly pool: pg.Pool;
  /** `postgres host:port/db`: what may be shown. */
  readonly where: string;
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Any error from pg, as a StoreError naming the store, the password masked. */
  storeError(err: unknown, doing: string): StoreError;
  close(): Promise<void>;
}

/** Opens a pool and proves it with one round trip; a refused connection is STORE_UNAVAILABLE. */
export async function openPgStore(url: string, options: PgPoolOptions = {}): Promise<PgStore> {
  const where = describeStore({ kind: 'postgres', url });
  const storeError = (err: unknown, doing: string): StoreError => {
    if (err instanceof StoreError) return err;
    const e = toAgentryError(err);
    const pgCode = (err as { code?: unknown } | null)?.code;
    // `outage`: the server could not be reached, so the same request may succeed later.
    const details = { store: where, outage: isOutage(err), ...(typeof pgCode === 'string' ? { pgCode } : {}) };
    return new StoreError('STORE_UNAVAILABLE', `${where}: ${doing}: ${redact(e.message, url)}`, { details });
  };
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'agentry',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    });
  } catch (err) {
    throw storeError(err, 'cannot read the connection string');
  }
  const onError = options.onError ?? (() => undefined);
  // Without a listener an idle client's error would crash the process.
  pool.on('error', (err) => onError(storeError(err, 'an idle connection failed')));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw storeError(err, 'cannot connect');
  }
  return {
    pool,
    where,
    storeError,
    async transaction(fn) {
      const client = await pool.connect().catch((err: unknown) => {
        throw storeError(err, 'cannot connect');
      });
      let broken = false;
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

// agentry on Postgres (store.kind "postgres"): the pool, the versioned schema and the tables a
// cluster of supervisors shares. Start here:
//
//   const pg = await openPostgres(storeSettings(config).url, { applicationName: 'agentry@host' });
//   await migrate(pg.store);            // or assertSchemaCurrent(pg.store) to only check
//   await pg.ledger.reserve({ reservationId, taskId, agent, estimateMicros }, { dailyMicros, perTaskMicros });
//   await pg.ledger.settle(reservationId, actualMicros, { rerun });   // then ledger.announce(newlyCrossed(...))
//   await pg.history.put(view, summarizeView(view)); await pg.history.query(taskQuery);
//   await pg.approvals.put(...); await pg.approvals.decide(id, 'granted', view);  // undefined: decided already
//   await pg.events.append({ at, type, taskId, event, key }); pg.outcomes, pg.deliveries alike
//   await pg.store.close();
//
// - Every error is a StoreError (STORE_UNAVAILABLE, or STORE_VERSION for a schema newer or older
//   than this build) naming the store by describeStore; the URL and its password never appear.
// - pg.store.pool and pg.store.transaction(fn) are there for more tables in the same database
//   (DBOS keeps its own `dbos` schema and migrates it itself; nothing of it is in MIGRATIONS).
// - Money is integer micro-dollars (machines/ledger/money.ts converts); time is epoch ms from an
//   injected clock; views are stored as JSON and typed by the caller (PgHistory<TaskView>).
import { PgApprovals } from './approvals.js';
import { PgDeliveries } from './deliveries.js';
import { PgEscalations } from './escalations.js';
import { PgEvents } from './events.js';
import { PgHistory } from './history.js';
import { PgLedger } from './ledger.js';
import { PgOutcomes } from './outcomes.js';
import { openPgStore } from './pool.js';
import type { PgPoolOptions, PgStore } from './pool.js';

// What callers use today; the table classes and their record types are exported from their own
// files (approvals.ts, events.ts, …): re-export them here when something outside imports them.
export { PgLedger } from './ledger.js';
export { assertSchemaCurrent, migrate, schemaStatus } from './migrate.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export { openPgStore } from './pool.js';
export type { PgStore } from './pool.js';
export { redact } from './redact.js';

export interface PostgresStores<Task = unknown, Approval = unknown, Event = unknown, Outcome = unknown, Delivery = unknown> {
  store: PgStore;
  ledger: PgLedger;
  history: PgHistory<Task>;
  approvals: PgApprovals<Approval>;
  events: PgEvents<Event>;
  outcomes: PgOutcomes<Outcome>;
  deliveries: PgDeliveries<Delivery>;
  escalations: PgEscalations;
}

export interface OpenPostgresOptions extends PgPoolOptions {
  /** Injected time, ms (the ledger's UTC day). */
  now?: () => number;
}

/** Opens the pool (one round trip proves it) and the table stores over it. Does not migrate. */
export async function openPostgres<Task = unknown, Approval = unknown, Event = unknown, Outcome = unknown, Delivery = unknown>(
  url: string,
  options: OpenPostgresOptions = {},
): Promise<PostgresStores<Task, Approval, Event, Outcome, Delivery>> {
  const { now, ...pool } = options;
  const store = await openPgStore(url, pool);
  return {
    store,
    ledger: new PgLedger(store, now),
    history: new PgHistory<Task>(store),
    approvals: new PgApprovals<Approval>(store),
    events: new PgEvents<Event>(store),
    outcomes: new PgOutcomes<Outcome>(store),
    deliveries: new PgDeliveries<Delivery>(store),
    escalations: new PgEscalations(store),
  };
}

// Applies the pending migrations, each in its own transaction holding one advisory lock, so two
// supervisors (or a supervisor and `agentry db migrate`) starting at once apply each migration
// exactly once: the second waits, then finds it recorded. A database migrated by a newer build
// is refused, never touched: this build cannot know what the newer schema means.
import { StoreError } from '../../core/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import type { Migration } from './migrations.js';
import type { PgStore, Queryable } from './pool.js';

/** pg_advisory_xact_lock key of the migrations ('agentry' in ASCII). */
const MIGRATION_LOCK = '27416758083416697';

const VERSION_TABLE_SQL = `CREATE TABLE IF NOT EXISTS agentry_schema (
  version     integer PRIMARY KEY,
  name        text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
)`;

interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

export interface SchemaStatus {
  /** The highest applied version; 0 when the database has no agentry schema. */
  version: number;
  /** The version this build knows. */
  latest: number;
  applied: AppliedMigration[];
  pending: { version: number; name: string }[];
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: { version: number; name: string }[];
}

/** Where the database stands, read without creating or locking anything. */
export async function schemaStatus(store: PgStore): Promise<SchemaStatus> {
  let applied: AppliedMigration[];
  try {
    applied = await readApplied(store.pool);
  } catch (err) {
    throw store.storeError(err, 'cannot read the schema version');
  }
  const version = Math.max(0, ...applied.map((a) => a.version));
  return { version, latest: SCHEMA_VERSION, applied, pending: MIGRATIONS.filter((m) => m.version > version).map(({ version: v, name }) => ({ version: v, name })) };
}

/** Brings the schema to this build's version (or refuses a newer one with STORE_VERSION). */
export async function migrate(store: PgStore): Promise<MigrateResult> {
  const done: MigrateResult['applied'] = [];
  let from: number | undefined;
  for (;;) {
    const step = await store
      .transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
        await client.query(VERSION_TABLE_SQL);
        const current = await currentVersion(client);
        from ??= current;
        refuseNewer(current, store.where);
        const next = MIGRATIONS.find((m) => m.version === current + 1);
        if (next) await apply(client, next);
        return next;
      })
      .catch((err: unknown) => {
        throw store.storeError(err, 'cannot migrate the schema');
      });
    if (!step) break;
    done.push({ version: step.version, name: step.name });
  }
  return { from: from ?? 0, to: (from ?? 0) + done.length, applied: done };
}

/** For the store's users: refuses to run on a schema other than this build's (older or newer). */
export async function assertSchemaCurrent(store: PgStore): Promise<void> {
  const { version, latest } = await schemaStatus(store);
  refuseNewer(version, store.where);
  if (version < latest) {
    throw new StoreError('STORE_VERSION', `${store.where}: the schema is at version ${version}, this agentry needs ${latest}: run \`agentry db migrate\``, {
      details: { store: store.where, found: version, expected: latest },
    });
  }
}

function refuseNewer(version: number, where: string): void {
  if (version <= SCHEMA_VERSION) return;
  throw new StoreError('STORE_VERSION', `${where}: the schema is at version ${version}, newer than this agentry knows (1..${SCHEMA_VERSION}): upgrade agentry before using this database`, {
    details: { store: where, found: version, known: SCHEMA_VERSION },
  });
}

async function apply(client: Queryable, m: Migration): Promise<void> {
  await client.query(m.sql);
  await client.query('INSERT INTO agentry_schema (version, name) VALUES ($1, $2)', [m.version, m.name]);
}

async function currentVersion(q: Queryable): Promise<number> {
  const r = await q.query<{ v: number | null }>('SELECT max(version) AS v FROM agentry_schema');
  return r.rows[0]?.v ?? 0;
}

async function readApplied(q: Queryable): Promise<AppliedMigration[]> {
  const exists = await q.query<{ t: string | null }>("SELECT to_regclass('agentry_schema')::text AS t");
  if ((exists.rows[0]?.t ?? null) === null) return [];
  const r = await q.query<{ version: number; name: string; applied_at: Date }>('SELECT version, name, applied_at FROM agentry_schema ORDER BY version');
  return r.rows.map((row) => ({ version: row.version, name: row.name, appliedAt: row.applied_at.toISOString() }));
}

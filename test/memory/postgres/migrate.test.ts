// The versioned schema on a real Postgres: applied once even when two supervisors migrate at
// the same moment, refused when a newer build migrated the database, and a pool whose errors
// name the store without its password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../core/errors.js';
import { assertSchemaCurrent, migrate, MIGRATIONS, openPgStore, redact, schemaStatus, SCHEMA_VERSION } from '../../../memory/postgres/index.js';
import type { PgStore } from '../../../memory/postgres/index.js';
import { startPostgres } from '../../support/postgres.js';
import type { TestPostgres } from '../../support/postgres.js';
import { untilValue } from '../../support/until.js';

let server: TestPostgres;
const opened: PgStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  for (const s of opened) await s.close();
  await server.stop();
});

async function open(db: string): Promise<PgStore> {
  const url = await server.createDatabase(db);
  const s = await openPgStore(url);
  opened.push(s);
  return s;
}

describe('memory/postgres migrations', () => {
  it('brings an empty database to this build, then has nothing left to do', async () => {
    const s = await open('mig_fresh');
    const before = await schemaStatus(s);
    expect(before).toEqual({ version: 0, latest: SCHEMA_VERSION, applied: [], pending: MIGRATIONS.map(({ version, name }) => ({ version, name })) });
    await expect(assertSchemaCurrent(s)).rejects.toMatchObject({ code: 'STORE_VERSION', message: expect.stringContaining('run `agentry db migrate`') });
    const first = await migrate(s);
    expect(first).toEqual({ from: 0, to: SCHEMA_VERSION, applied: MIGRATIONS.map(({ version, name }) => ({ version, name })) });
    const after = await schemaStatus(s);
    expect(after.version).toBe(SCHEMA_VERSION);
    expect(after.pending).toEqual([]);
    expect(after.applied.map((a) => a.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(s)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
    await assertSchemaCurrent(s);
    const tables = await s.pool.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.rows.map((r) => r.t)).toEqual([
      'agentry_approvals',
      'agentry_budget_days',
      'agentry_budget_reservations',
      'agentry_deliveries',
      'agentry_domains',
      'agentry_events',
      'agentry_model_calls',
      'agentry_outcomes',
      'agentry_schema',
      'agentry_sla_breaches',
      'agentry_supervisors',
      'agentry_tasks',
    ]);
  });

  it('applies each migration once when two supervisors migrate at the same time', async () => {
    const a = await open('mig_race');
    const b = await openPgStore(server.url('mig_race'));
    opened.push(b);
    const results = await Promise.all([migrate(a), migrate(b), migrate(a), migrate(b)]);
    expect(results.flatMap((r) => r.applied.map((m) => m.version)).sort((x, y) => x - y)).toEqual(MIGRATIONS.map((m) => m.version));
    const rows = await a.pool.query<{ version: number }>('SELECT version FROM agentry_schema ORDER BY version');
    expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('refuses a database migrated by a newer build, naming both versions, and changes nothing', async () => {
    const s = await open('mig_newer');
    await migrate(s);
    await s.pool.query("INSERT INTO agentry_schema (version, name) VALUES (999, 'from the future')");
    const err = await migrate(s).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'STORE_VERSION', details: { found: 999, known: SCHEMA_VERSION } });
    expect((err as Error).message).toContain(`version 999, newer than this agentry knows (1..${SCHEMA_VERSION})`);
    await expect(assertSchemaCurrent(s)).rejects.toMatchObject({ code: 'STORE_VERSION' });
    const status = await schemaStatus(s);
    expect(status.version).toBe(999);
    expect(status.pending).toEqual([]);
  });
});

describe('memory/postgres pool', () => {
  it('names an unreachable store by host and database, never its password', async () => {
    const closed = await new Promise<number>((resolve) => {
      // a port that was just free: nothing listens there
      void import('node:net').then(({ createServer }) => {
        const srv = createServer().listen(0, '127.0.0.1', () => {
          const addr = srv.address();
          srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 1));
        });
      });
    });
    const err = await openPgStore(`postgres://agentry:hunter2secret@127.0.0.1:${closed}/prod`, { connectTimeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { store: `postgres 127.0.0.1:${closed}/prod`, outage: true } });
    expect((err as Error).message).toMatch(new RegExp(`^postgres 127\\.0\\.0\\.1:${closed}/prod: cannot connect: `));
    expect(JSON.stringify(err)).not.toContain('hunter2secret');
    expect((err as Error).message).not.toContain('hunter2secret');
  });

  it('reports a missing database with the server code and no URL', async () => {
    const err = await openPgStore(server.url('no_such_db').replace('postgres@', 'postgres:pa55word@')).catch((e: unknown) => e);
    // Refused, not unreachable: trying again later would meet the same answer.
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { pgCode: '3D000', outage: false } });
    expect((err as Error).message).toContain('database "no_such_db" does not exist');
    expect((err as Error).message).not.toContain('pa55word');
  });

  it('calls a query cut off by the server going away an outage', async () => {
    const killer = await open('pool_cut');
    const victim = await openPgStore(server.url('pool_cut'), { applicationName: 'agentry-victim' });
    try {
      const cut = victim.pool.query('SELECT pg_sleep(30)').catch((e: unknown) => victim.storeError(e, 'cannot wait'));
      await untilValue(async () => ((await killer.pool.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'agentry-victim' AND state = 'active'")).rowCount === 1 ? true : undefined), 'the victim query running');
      await killer.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agentry-victim'");
      expect(await cut).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { pgCode: '57P01', outage: true } });
    } finally {
      await victim.close();
    }
  });

  it('rolls a transaction back when its function throws', async () => {
    const s = await open('pool_tx');
    await s.pool.query('CREATE TABLE t (x int)');
    await expect(
      s.transaction(async (c) => {
        await c.query('INSERT INTO t VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await s.transaction((c) => c.query('INSERT INTO t VALUES (2)'));
    const rows = await s.pool.query<{ x: number }>('SELECT x FROM t');
    expect(rows.rows).toEqual([{ x: 2 }]);
    // the pool is still whole: a client was not leaked by the rollback
    expect(s.pool.totalCount).toBeLessThanOrEqual(s.pool.options.max ?? 10);
  });
});

describe('redact', () => {
  it('masks the password of the URL, raw and decoded, and any URL or keyword password', () => {
    const url = 'postgres://app:p%40ss%2Fw0rd@db:5432/x';
    expect(redact('failed for postgres://app:p%40ss%2Fw0rd@db:5432/x', url)).toBe('failed for postgres://app:***@db:5432/x');
    expect(redact('the secret p@ss/w0rd leaked', url)).toBe('the secret *** leaked');
    expect(redact('postgresql://u:other@h/db and password=abc host=h')).toBe('postgresql://u:***@h/db and password=*** host=h');
    expect(redact('nothing to hide', url)).toBe('nothing to hide');
  });
});

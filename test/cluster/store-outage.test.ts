// A Postgres outage seen by one supervisor process: while its last read of the store failed, a
// new task or event is refused at once with STORE_UNAVAILABLE (nothing accepted, so trying again
// is safe) instead of hanging on a server that may not come back soon; once the store answers
// again, new work is taken and runs. The outage is real: the database stops taking connections
// and every connection to it is cut.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfflineModel } from '../../agents/offline/index.js';
import { createRootLogger } from '../../core/logger.js';
import { resolveConfig } from '../../config/load.js';
import { ClusterSupervisor } from '../../machines/cluster/cluster-supervisor.js';
import { migrate, openPgStore } from '../../memory/postgres/index.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';
import { until } from '../support/until.js';

const DB = 'cluster_outage';
let server: TestPostgres;
let admin: pg.Pool;
let sup: ClusterSupervisor;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  const url = await server.createDatabase(DB);
  const store = await openPgStore(url);
  await migrate(store);
  await store.close();
  admin = new pg.Pool({ connectionString: server.url('postgres'), max: 1 });
  dir = mkdtempSync(join(tmpdir(), 'agentry-outage-'));
  const config = resolveConfig({ version: 1, mode: 'full', store: { kind: 'postgres', url, executorId: 'outage-a', pollMs: 20 }, learning: { enabled: false } });
  sup = await ClusterSupervisor.start({ url, config, model: createOfflineModel({ simulateCost: false }), logger: createRootLogger({ level: 'silent' }), projectDir: dir, env: {}, applicationVersion: 'test' });
}, 120_000);

afterAll(async () => {
  await admin?.query(`ALTER DATABASE ${DB} ALLOW_CONNECTIONS true`).catch(() => undefined);
  await sup?.stop();
  await admin?.end();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const brief = (goal: string) => ({ workflow: 'content', input: { goal, channel: 'blog' } });

describe('a Postgres outage', () => {
  it('refuses new work at once while the store is down, naming it, and takes work again once it is back', async () => {
    await admin.query(`ALTER DATABASE ${DB} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [DB]);
    await until(() => sup.status().health.store === 'unavailable', 'the supervisor to see the store down', 30_000);

    const refusal = { code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/^postgres 127\.0\.0\.1:\d+\/cluster_outage did not answer the last read: nothing was accepted/) };
    await expect(sup.createTask(brief('while down'))).rejects.toMatchObject(refusal);
    await expect(sup.emitEvent({ id: 'down-1', type: 'competitor.rank_drop', data: { magnitude: 90 } })).rejects.toMatchObject(refusal);

    await admin.query(`ALTER DATABASE ${DB} ALLOW_CONNECTIONS true`);
    await until(() => sup.status().health.store === 'ok', 'the supervisor to see the store back', 60_000);
    const task = await sup.createTask(brief('after the outage'));
    await until(() => sup.getTask(task.id)?.status === 'completed', 'the task taken after the outage to complete', 60_000);
    expect((await sup.findTask(task.id))?.status).toBe('completed');
  }, 180_000);
});

// agentry db init | migrate | status against a real Postgres: the schema created once, the
// states status reports, the codes and exit codes of what goes wrong, and the password of the
// URL in no output at all.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../memory/postgres/index.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';
import { parseJson, tempProject } from './harness.js';
import type { Project } from './harness.js';

const SECRET = 'sekr3t-pw';
let server: TestPostgres;
let p: Project;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server.stop());
beforeEach(() => {
  p = tempProject();
});
afterEach(() => p.remove());

/** A fresh database's URL with a password (the test server trusts loopback, so any will do). */
async function database(name: string): Promise<string> {
  return (await server.createDatabase(name)).replace('postgres@', `postgres:${SECRET}@`);
}

function configure(store: Record<string, string>): void {
  writeFileSync(join(p.dir, 'agentry.config.json'), JSON.stringify({ version: 1, store }));
}

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await p.run(argv, { env });
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  return r;
}

describe('agentry db', () => {
  it('reports an empty database, refuses to migrate it, initializes it once', async () => {
    const url = await database('cli_fresh');
    configure({ kind: 'postgres', url });
    const where = `postgres 127.0.0.1:${server.port}/cli_fresh`;
    const empty = await run(['db', 'status']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe(`store    ${where}\nschema   none (run \`agentry db init\`); this agentry: ${SCHEMA_VERSION}\npending  1 tables, 2 cluster, 3 escalation, 4 policy, 5 heal-outcomes\n`);
    const refused = await run(['db', 'migrate']);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining(`${where} has no agentry schema`) });
    expect(refused.stderr).toContain('agentry db init');
    const init = await run(['db', 'init', '--json']);
    expect(init.code).toBe(0);
    expect(parseJson(init.stdout)).toEqual({ store: where, from: 0, to: SCHEMA_VERSION, applied: [{ version: 1, name: 'tables' }, { version: 2, name: 'cluster' }, { version: 3, name: 'escalation' }, { version: 4, name: 'policy' }, { version: 5, name: 'heal-outcomes' }] });
    const again = await run(['db', 'init']);
    expect(again.stdout).toBe(`${where}: already initialized at schema version ${SCHEMA_VERSION}; nothing to do\n`);
    expect((await run(['db', 'migrate'])).stdout).toBe(`${where}: schema version ${SCHEMA_VERSION} is current; nothing to migrate\n`);
    const status = await run(['db', 'status', '--json']);
    expect(parseJson(status.stdout)).toMatchObject({ store: where, state: 'current', version: SCHEMA_VERSION, latest: SCHEMA_VERSION, pending: [], applied: [{ version: 1, name: 'tables', appliedAt: expect.any(String) }, { version: 2, name: 'cluster', appliedAt: expect.any(String) }, { version: 3, name: 'escalation', appliedAt: expect.any(String) }, { version: 4, name: 'policy', appliedAt: expect.any(String) }, { version: 5, name: 'heal-outcomes', appliedAt: expect.any(String) }] });
  });

  it('refuses a schema newer than this build with STORE_VERSION, exit 1', async () => {
    const url = await database('cli_newer');
    configure({ kind: 'postgres', url });
    await run(['db', 'init']);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query("INSERT INTO agentry_schema (version, name) VALUES (999, 'later')");
    await c.end();
    const status = await run(['db', 'status', '--json']);
    expect(status.code).toBe(1);
    expect(parseJson(status.stdout)).toMatchObject({ error: { code: 'STORE_VERSION', message: expect.stringContaining(`version 999, newer than this agentry knows (1..${SCHEMA_VERSION})`) } });
    const migrate = await run(['db', 'migrate']);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain('newer than this agentry knows');
  });

  it('takes AGENTRY_DATABASE_URL, and with store.kind still embedded says it is not in use yet', async () => {
    const url = await database('cli_env');
    const r = await run(['db', 'init'], { AGENTRY_DATABASE_URL: url });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`note: store.kind is "embedded": the supervisor uses postgres 127.0.0.1:${server.port}/cli_env only once store.kind is "postgres"\n`);
    configure({ kind: 'postgres' });
    const status = await run(['db', 'status'], { AGENTRY_DATABASE_URL: url });
    expect(status).toMatchObject({ code: 0, stderr: '', stdout: expect.stringContaining('up to date') });
  });

  it('without any database URL exits 2 naming what to set', async () => {
    const embedded = await run(['db', 'status']);
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toContain('neither store.url nor AGENTRY_DATABASE_URL is set');
    configure({ kind: 'postgres' });
    const postgres = await run(['db', 'init', '--json']);
    expect(postgres.code).toBe(2);
    expect(parseJson(postgres.stdout)).toMatchObject({ error: { code: 'INVALID_CONFIG', message: expect.stringContaining('store.url') } });
  });

  it('names an unreachable database by host and database only, STORE_UNAVAILABLE, exit 1', async () => {
    configure({ kind: 'postgres', url: `postgres://agentry:${SECRET}@127.0.0.1:${server.port}/no_such_db` });
    const r = await run(['db', 'status', '--json']);
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout)).toMatchObject({ error: { code: 'STORE_UNAVAILABLE', message: expect.stringMatching(new RegExp(`^postgres 127\\.0\\.0\\.1:${server.port}/no_such_db: cannot connect: `)) } });
  });
});

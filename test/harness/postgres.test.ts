// test/support/postgres.ts itself (tested outside test/support/, which ships in the package):
// a real server on loopback, a database per caller, and nothing left behind after stop.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';

describe('test/support/postgres', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server.stop());

  it('creates separate databases on a loopback server with trust auth', async () => {
    const a = await server.createDatabase('harness_a');
    const b = await server.createDatabase('harness_b');
    expect(a).toBe(`postgres://postgres@127.0.0.1:${server.port}/harness_a`);
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    try {
      await client.query('CREATE TABLE only_in_a (x int)');
      const listen = await client.query<{ listen_addresses: string }>('SHOW listen_addresses');
      expect(listen.rows[0]?.listen_addresses).toBe('127.0.0.1');
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: b });
    await other.connect();
    try {
      const seen = await other.query("SELECT 1 FROM pg_tables WHERE tablename = 'only_in_a'");
      expect(seen.rowCount).toBe(0);
    } finally {
      await other.end();
    }
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await expect(server.createDatabase('x; DROP')).rejects.toThrow(/database name/);
  });

  it('stops the server and removes its folder', async () => {
    const other = await startPostgres();
    const url = await other.createDatabase('gone');
    const dataDir = await dataDirectory(url);
    expect(existsSync(dataDir)).toBe(true);
    await other.stop();
    await other.stop();
    expect(existsSync(dataDir)).toBe(false);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});

async function dataDirectory(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ data_directory: string }>('SHOW data_directory');
    return r.rows[0]?.data_directory ?? '';
  } finally {
    await client.end();
  }
}

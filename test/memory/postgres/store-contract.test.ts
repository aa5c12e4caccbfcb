// The store contract against Postgres: one server for this file, a fresh database per test.
import { afterAll, beforeAll } from 'vitest';
import { migrate, openPostgres } from '../../../memory/postgres/index.js';
import type { PostgresStores } from '../../../memory/postgres/index.js';
import type { TaskView } from '../../../machines/contract.js';
import { startPostgres } from '../../support/postgres.js';
import type { TestPostgres } from '../../support/postgres.js';
import { CONTRACT_T0, storeContract } from '../store-contract.js';

let server: TestPostgres;
const opened: PostgresStores[] = [];
let n = 0;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  for (const pg of opened) await pg.store.close();
  await server.stop();
});

storeContract('postgres', async () => {
  let now = CONTRACT_T0;
  const pg = await openPostgres<TaskView>(await server.createDatabase(`contract_${++n}`), { now: () => now, max: 2 });
  opened.push(pg);
  await migrate(pg.store);
  return {
    history: pg.history,
    ledger: pg.ledger,
    setNow: (ms) => {
      now = ms;
    },
  };
});

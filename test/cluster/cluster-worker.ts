// A supervisor's cluster executor as a child process, for the recovery tests (run compiled, as
// dist/test/cluster/cluster-worker.js). Configured by environment:
//   AGENTRY_CLUSTER_URL       the Postgres
//   AGENTRY_CLUSTER_EXECUTOR  this executor's id
//   AGENTRY_CLUSTER_HANG      a step part (e.g. `cultural`) whose model call is sent and never answered
//   AGENTRY_CLUSTER_START     task ids (comma-separated) to start here at once
//   AGENTRY_CLUSTER_ADOPT     a dead executor's id whose workflows this one adopts
//   AGENTRY_CLUSTER_DAILY_USD the daily spend limit (risk.dailySpendLimitUsd)
//   AGENTRY_CLUSTER_CALL_USD  every model call's worst case and actual cost (instead of the offline model's)
// It prints one line a fact: `ready`, `hung <step key>`, `adopted <n>`; it ends on SIGTERM.
import pg from 'pg';
import type { StructuredCallRequest, StructuredCallResult, StructuredModel } from '../../agents/client/types.js';
import { createOfflineModel } from '../../agents/offline/index.js';
import { resolveConfig } from '../../config/load.js';
import { launchCluster } from '../../machines/cluster/executor.js';
import { queueLimits } from '../../machines/cluster/queues.js';
import { openPgStore, PgLedger } from '../../memory/postgres/index.js';
import { contentTask, testServices } from './fixtures.js';

const env = (name: string): string | undefined => process.env[name] || undefined;
const url = env('AGENTRY_CLUSTER_URL');
const executorId = env('AGENTRY_CLUSTER_EXECUTOR');
if (!url || !executorId) throw new Error('AGENTRY_CLUSTER_URL and AGENTRY_CLUSTER_EXECUTOR are required');
const hang = env('AGENTRY_CLUSTER_HANG');

const say = (line: string): void => void process.stdout.write(`${line}\n`);

const callUsd = env('AGENTRY_CLUSTER_CALL_USD');

/** The offline model, except that a call for the hung part is sent and never answered, and a fixed cost when one is set. */
function testModel(inner: StructuredModel): StructuredModel {
  return {
    offline: inner.offline,
    worstCaseCost: (req) => (callUsd === undefined ? inner.worstCaseCost(req) : Number(callUsd)),
    async call<T>(req: StructuredCallRequest): Promise<StructuredCallResult<T>> {
      if (hang !== undefined && req.stepKey.includes(`:${hang}:`)) {
        say(`hung ${req.stepKey}`);
        return new Promise(() => undefined);
      }
      const out = await inner.call<T>(req);
      return callUsd === undefined ? out : { ...out, costUsd: Number(callUsd) };
    },
  };
}

const db = new pg.Pool({ connectionString: url, max: 2 });
const daily = env('AGENTRY_CLUSTER_DAILY_USD');
const config = resolveConfig({ version: 1, ...(daily === undefined ? {} : { risk: { dailySpendLimitUsd: Number(daily) } }) });
const store = await openPgStore(url, { max: 4 });
const services = testServices({
  config: () => config,
  ledger: new PgLedger(store),
  model: testModel(createOfflineModel({ simulateCost: false })),
  // each delivery counted in Postgres, so the test sees duplicates across processes
  onExecute: async (input) => {
    await db.query('INSERT INTO test_executions (task_id, executor) VALUES ($1, $2)', [input.taskId, executorId]);
  },
});
const cluster = await launchCluster({ url, executorId, applicationVersion: 'test', limits: queueLimits(config, { pollingIntervalMs: 20 }), logLevel: 'error' }, services);
say('ready');
for (const id of (env('AGENTRY_CLUSTER_START') ?? '').split(',').filter((s) => s !== '')) await cluster.start(contentTask(id));
const dead = env('AGENTRY_CLUSTER_ADOPT');
if (dead) say(`adopted ${(await cluster.adopt(dead)).length}`);

process.once('SIGTERM', () => {
  void cluster
    .shutdown()
    .then(() => db.end())
    .then(() => store.close())
    .then(() => process.exit(0));
});

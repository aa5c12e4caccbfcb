// A task is admitted to the day's budget before its first call: the ledger holds what its first
// pass (its author steps and its tier's reviews) could cost at worst, and each of its calls draws
// on that hold first. Without it, many tasks started at once each spend part of the budget and
// none has enough left to finish; with it, a task starts only when the day has room for all of
// it. A task that cannot fit while other tasks hold the room waits for them (a durable sleep); one
// that cannot fit in what is left of the day at all fails with BUDGET_EXCEEDED before spending
// anything. Calls past the first pass (revisions, retries) are checked against the budget as
// always: the hold is an expectation, the limits stay hard.
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentKind, StructuredModel } from '../../agents/client/types.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { LedgerStore } from '../../memory/store.js';
import { gateAgent } from '../gate/task-gate.js';
import { formatUsd, toMicros, toUsd } from '../ledger/money.js';
import { initialContext, reviewPlan } from '../task/context.js';
import type { TaskRecord } from '../task/context.js';
import { callRequestOf } from './call-request.js';

/** The id of a task's admission hold in the ledger. */
export const admissionId = (taskId: string): string => `admit:${taskId}`;

/** Between attempts of a waiting task: doubling from the first, up to the last. */
const WAIT_MS = { first: 100, most: 2_000 };

export type Admission = { ok: true } | { ok: false; reason: string };

interface AdmissionDeps {
  config(): ResolvedConfig;
  model: StructuredModel;
  ledger: LedgerStore;
}

/**
 * The worst case of the task's first pass, in micro-dollars, at most its per-task cap. Every call
 * is estimated with the task's input: reviewers read the draft instead, but the answer (maxTokens
 * at the output price) is most of a worst case.
 */
function firstPassMicros(config: ResolvedConfig, model: StructuredModel, record: TaskRecord): number {
  const plan = reviewPlan(initialContext(record));
  const reviewers = [...plan.parallel, ...plan.after].map((kind): AgentKind => (kind === 'coordinator' ? 'coordinator' : 'reviewer'));
  const agents = [...record.definition.steps.map((s) => s.agent), ...reviewers];
  const usd = agents.reduce((sum, agent, i) => sum + model.worstCaseCost(callRequestOf(config, { agent, key: `${record.id}:estimate:${i}`, input: record.input })), 0);
  return Math.min(toMicros(usd), toMicros(config.risk.perTaskCapUsd));
}

/**
 * Holds the task's first pass, waiting while other tasks hold the room; each attempt is a recorded
 * step. The estimate is the first attempt's, so every attempt (and a re-run of one after a crash)
 * asks for the same hold whatever the config says by then.
 */
export async function admit(deps: AdmissionDeps, record: TaskRecord): Promise<Admission> {
  let estimateMicros: number | undefined;
  for (let attempt = 0; ; attempt++) {
    const known = estimateMicros;
    const tried = await DBOS.runStep(() => tryAdmit(deps, record, known), { name: 'budget.admit' });
    if (tried.outcome !== 'wait') return tried.outcome;
    estimateMicros = tried.estimateMicros;
    await DBOS.sleep(Math.min(WAIT_MS.first * 2 ** attempt, WAIT_MS.most));
  }
}

async function tryAdmit(deps: AdmissionDeps, record: TaskRecord, known: number | undefined): Promise<{ estimateMicros: number; outcome: Admission | 'wait' }> {
  const config = deps.config();
  const estimateMicros = known ?? firstPassMicros(config, deps.model, record);
  const limits = { dailyMicros: toMicros(config.risk.dailySpendLimitUsd), perTaskMicros: toMicros(config.risk.perTaskCapUsd) };
  const held = await deps.ledger.reserve({ reservationId: admissionId(record.id), taskId: record.id, agent: gateAgent(record), estimateMicros }, limits);
  if (held.ok) return { estimateMicros, outcome: { ok: true } };
  const { spentMicros } = await deps.ledger.view();
  // Room other tasks hold comes back as they settle; spend does not, until the next UTC day.
  if (held.limit === 'daily' && spentMicros + estimateMicros <= limits.dailyMicros) return { estimateMicros, outcome: 'wait' };
  const what = held.limit === 'daily' ? `with ${formatUsd(toUsd(spentMicros))} spent today that is over the daily spend limit of ${formatUsd(config.risk.dailySpendLimitUsd)}` : `that is over its per-task cap of ${formatUsd(config.risk.perTaskCapUsd)}`;
  return { estimateMicros, outcome: { ok: false, reason: `the task's first pass could cost up to ${formatUsd(toUsd(estimateMicros))}; ${what}` } };
}

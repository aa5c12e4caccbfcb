// Aggregates: what the rules need from outcomes that left the window, summed per
// (agent, workflow, contentType, model). Folding is exact for every rule but the review tier,
// which needs order and keeps its own runs (review-runs.ts).
import type { OutcomeAggregate, OutcomeRecord } from '../../schemas/generated/types.js';
import { bucketOf, zeros } from './buckets.js';
import { isApproved, qualityLabel } from './classify.js';

function emptyAggregate(o: Pick<OutcomeRecord, 'agent' | 'workflow' | 'model'>, contentType: string | null): OutcomeAggregate {
  return {
    agent: o.agent,
    workflow: o.workflow,
    contentType,
    model: o.model,
    n: 0,
    approved: 0,
    rejected: 0,
    failed: 0,
    autoApproved: 0,
    wrongAuto: 0,
    humanApproved: 0,
    humanRejected: 0,
    costUsd: 0,
    latencyMs: 0,
    tokensIn: 0,
    tokensOut: 0,
    histKnown: zeros(),
    histBad: zeros(),
    histAuto: zeros(),
    histWrong: zeros(),
  };
}

function sameKey(a: OutcomeAggregate, o: OutcomeRecord): boolean {
  return a.agent === o.agent && a.workflow === o.workflow && a.contentType === (o.contentType ?? null) && a.model === o.model;
}

/** Adds `o` to its aggregate in `list`, creating it when missing. */
export function foldInto(list: OutcomeAggregate[], o: OutcomeRecord): void {
  let agg = list.find((a) => sameKey(a, o));
  if (!agg) {
    agg = emptyAggregate(o, o.contentType ?? null);
    list.push(agg);
  }
  foldOutcome(agg, o);
}

function foldOutcome(agg: OutcomeAggregate, o: OutcomeRecord): void {
  agg.n += 1;
  if (isApproved(o)) agg.approved += 1;
  if (o.finalStatus === 'rejected') agg.rejected += 1;
  if (o.finalStatus === 'failed') agg.failed += 1;
  if (o.humanDecision === 'approved') agg.humanApproved += 1;
  if (o.humanDecision === 'rejected') agg.humanRejected += 1;
  agg.costUsd += o.costUsd;
  agg.latencyMs += o.latencyMs;
  agg.tokensIn += o.tokens.input + o.tokens.cacheRead + o.tokens.cacheWrite;
  agg.tokensOut += o.tokens.output;
  const b = bucketOf(o.confidence);
  const label = qualityLabel(o);
  if (label !== 'unknown') agg.histKnown[b] = (agg.histKnown[b] ?? 0) + 1;
  if (label === 'bad') agg.histBad[b] = (agg.histBad[b] ?? 0) + 1;
  if (o.gate === 'auto') {
    agg.autoApproved += 1;
    agg.histAuto[b] = (agg.histAuto[b] ?? 0) + 1;
    if (o.wrong === true) {
      agg.wrongAuto += 1;
      agg.histWrong[b] = (agg.histWrong[b] ?? 0) + 1;
    }
  }
}

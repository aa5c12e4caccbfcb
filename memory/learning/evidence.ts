// The rules' view of all outcomes: the aggregates of records that left the window plus the
// window folded on the fly, so a record counts once whether or not it has left the window.
import type { LearningState, OutcomeAggregate } from '../../schemas/generated/types.js';
import { foldInto } from './aggregate.js';

export function allAggregates(state: Readonly<LearningState>): OutcomeAggregate[] {
  const list = state.aggregates.map((a) => structuredClone(a));
  for (const o of state.window) foldInto(list, o);
  return list;
}

export interface AggregateFilter {
  agent?: string;
  workflow?: string;
  contentType?: string;
  model?: string;
}

export function matching(list: readonly OutcomeAggregate[], f: AggregateFilter): OutcomeAggregate[] {
  return list.filter(
    (a) =>
      (f.agent === undefined || a.agent === f.agent) &&
      (f.workflow === undefined || a.workflow === f.workflow) &&
      (f.contentType === undefined || a.contentType === f.contentType) &&
      (f.model === undefined || a.model === f.model),
  );
}

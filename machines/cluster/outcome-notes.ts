// What a cluster task's recorded activities tell its outcome draft: each model step that ended
// well (its agent, model, confidence, usage, cost and latency, a review's verdict) and the gate's
// decision, read from the outputs DBOS recorded, so a replay drafts the same outcome.
import { noteStep } from '../../memory/learning/index.js';
import type { OutcomeDraft } from '../../memory/learning/index.js';
import type { AgentStepOutput, GateOutput } from '../task/activities.js';
import { toReview } from '../task/reviews.js';
import type { Ended } from './drive.js';

export function noteEnded(draft: OutcomeDraft, { invocation, settled }: Ended): void {
  if (!settled.ok) return;
  if (invocation.src === 'gate') draft.gate = (settled.output as GateOutput).decision;
  if (invocation.src !== 'agentStep') return;
  const { input } = invocation;
  const out = settled.output as AgentStepOutput;
  const line = out.timeline;
  if (!line) return; // every cluster step has its timeline line (steps.ts stepOutput)
  noteStep(draft, {
    agent: input.agent,
    model: line.model,
    confidence: out.confidence,
    costUsd: out.costUsd,
    latencyMs: line.latencyMs,
    usage: out.usage,
    review: input.review ? { kind: input.review, verdict: toReview(input.review, out.output, 0).verdict } : null,
  });
}

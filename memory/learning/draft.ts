// One task's outcome record, assembled from what the task did: its author step (agent, model,
// confidence), what every model step used and cost, the review verdicts, the gate's decision and a
// person's decision. Every engine feeds it the same facts (the embedded learning service from its
// notes, the cluster from its recorded steps), so both record alike.
import type { OutcomeRecord } from '../../schemas/generated/types.js';

export interface OutcomeDraft {
  taskId: string;
  workflow: string;
  contentType: string;
  agent?: string;
  model?: string;
  confidence?: number;
  tokens: OutcomeRecord['tokens'];
  costUsd: number;
  latencyMs: number;
  reviewVerdicts: OutcomeRecord['reviewVerdicts'];
  gate?: OutcomeRecord['gate'];
  humanDecision?: OutcomeRecord['humanDecision'];
  humanEdited?: boolean;
}

/** One model step that ended well. */
export interface StepFacts {
  agent: string;
  model: string;
  confidence: number;
  costUsd: number;
  latencyMs: number;
  usage?: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number } | undefined;
  /** The review it was, with its verdict; null for an author (or fallback) step. */
  review: OutcomeRecord['reviewVerdicts'][number] | null;
}

export function newDraft(taskId: string, workflow: string, contentType: string): OutcomeDraft {
  return { taskId, workflow, contentType, reviewVerdicts: [], tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: 0, latencyMs: 0 };
}

export function noteStep(d: OutcomeDraft, s: StepFacts): void {
  if (s.usage) {
    d.tokens.input += s.usage.inputTokens;
    d.tokens.output += s.usage.outputTokens;
    d.tokens.cacheRead += s.usage.cacheReadTokens;
    d.tokens.cacheWrite += s.usage.cacheWriteTokens;
  }
  d.costUsd += s.costUsd;
  d.latencyMs += s.latencyMs;
  if (s.review) {
    d.reviewVerdicts.push(s.review);
  } else if (d.agent === undefined || d.agent === s.agent) {
    // The first author is the one judged; a later agent (the coordinator's fallback) only adds its cost.
    d.agent = s.agent;
    d.model = s.model;
    d.confidence = s.confidence;
  }
}

/** An approval decided: a person's decision labels the outcome (approved = good, rejected = bad). */
export function noteDecision(d: OutcomeDraft, decision: { granted: boolean; byPerson: boolean; edited: boolean }): void {
  if (decision.byPerson) d.humanDecision = decision.granted ? 'approved' : 'rejected';
  if (decision.granted && decision.edited) d.humanEdited = true;
}

/** The record of a finished task (`at` in ms), or undefined when no author step ran. */
export function outcomeOf(d: OutcomeDraft, finalStatus: OutcomeRecord['finalStatus'], at: number): OutcomeRecord | undefined {
  if (d.agent === undefined || d.model === undefined || d.confidence === undefined) return undefined;
  const record: OutcomeRecord = {
    id: `${d.taskId}:outcome`,
    at: new Date(Number.isFinite(at) ? at : Date.now()).toISOString(),
    taskId: d.taskId,
    agent: d.agent,
    workflow: d.workflow,
    model: d.model,
    tokens: d.tokens,
    costUsd: d.costUsd,
    latencyMs: d.latencyMs,
    confidence: Math.min(1, Math.max(0, d.confidence)),
    reviewVerdicts: d.reviewVerdicts,
    gate: d.gate ?? 'blocked',
    humanDecision: d.humanDecision ?? 'none',
    finalStatus,
    // `wrong` is for auto-approved actions found wrong later; a person's decision labels the rest.
    wrong: null,
  };
  if (d.contentType) record.contentType = d.contentType;
  if (d.humanEdited === true) record.humanEdited = true;
  return record;
}

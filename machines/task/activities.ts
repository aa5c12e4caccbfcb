// The side effects a task may ask for. The machine only names them (placeholders below); the
// runtime provides the implementations, each memoized in the journal under its activity key,
// so a task replayed after a crash gets recorded results back instead of calling again.
import { fromPromise } from 'xstate';
import { notImplemented } from '../../core/errors.js';
import type { AgentKind, Usage } from '../../agents/client/types.js';
import type { StepView } from '../contract.js';
import type { ReviewKind, TaskPhase } from './context.js';

export interface AgentStepInput {
  taskId: string;
  key: string;
  phase: TaskPhase;
  /** The author step id, or the review kind. */
  part: string;
  agent: AgentKind;
  input: unknown;
  model?: string;
  review?: ReviewKind;
}
export interface AgentStepOutput {
  output: unknown;
  confidence: number;
  costUsd: number;
  /** The step's line of the task timeline (model, tokens, cost, latency). */
  timeline?: StepView;
  /** Every token the call used, cache reads and writes too (the cluster's outcome record). */
  usage?: Usage;
}

export interface GateInput {
  taskId: string;
  key: string;
  action: string;
  domain: string;
  confidence: number;
  forceApproval: boolean;
}
export interface GateOutput {
  decision: 'auto' | 'approval' | 'blocked';
  reasons: string[];
}

export interface ApprovalInput {
  taskId: string;
  key: string;
  action: string;
  reasons: string[];
  /** An escalated approval has no further fallback: its timeout rejects. */
  escalated: boolean;
}
export interface ApprovalOutput {
  status: 'granted' | 'rejected' | 'timed_out';
  fallback: 'coordinator' | 'reject' | 'escalate';
  note?: string;
  /** A person approved this edited output instead of the draft. */
  output?: Record<string, unknown>;
}

export interface HealInput {
  taskId: string;
  key: string;
  phase: TaskPhase;
  agent: AgentKind | null;
  error: { code: string; message: string };
  restarts: number[];
}
export interface HealOutput {
  action: 'retry' | 'fail';
  /** Clock time of the decision (recorded, so replay sees the same restart history). */
  at: number;
  model?: string;
  reason: string;
}

export interface ExecuteInput {
  taskId: string;
  key: string;
  action: string;
  outputs: Record<string, unknown>;
  by: 'auto' | 'person' | 'coordinator';
}

const placeholder = <I, O>(name: string) =>
  fromPromise<O, I>(() => Promise.reject(notImplemented(`task activity "${name}" (provide it with .provide())`)));

export const taskActivities = {
  agentStep: placeholder<AgentStepInput, AgentStepOutput>('agentStep'),
  gate: placeholder<GateInput, GateOutput>('gate'),
  approval: placeholder<ApprovalInput, ApprovalOutput>('approval'),
  heal: placeholder<HealInput, HealOutput>('heal'),
  execute: placeholder<ExecuteInput, null>('execute'),
};

// What a task is made of. A TaskRecord is fixed at creation (and journaled); the context adds
// what the task learns on its way. Everything here is plain JSON.
import type { AgentKind } from '../../agents/client/types.js';
import type { BrandProfile, Priority, ReviewTier, WorkflowConfig } from '../../schemas/generated/types.js';
import type { ReviewView } from '../contract.js';

type StepWorkflow = Required<Pick<WorkflowConfig, 'domain' | 'steps' | 'review' | 'gate'>> &
  Pick<WorkflowConfig, 'contentType' | 'description'>;
export type StepConfig = StepWorkflow['steps'][number];
export type ReviewKind = ReviewView['kind'];

export interface TaskRecord {
  id: string;
  workflow: string;
  /** The workflow as it was when the task was created: later config changes do not reshape it. */
  definition: StepWorkflow;
  priority: Priority;
  input: Record<string, unknown>;
  contentType: string;
  tier: ReviewTier;
  maxRounds: number;
  parentId?: string;
  /** Child task ids of a flow (a flow has no steps of its own). */
  children?: string[];
  /** What started it: an event id for routed events, a schedule id, … */
  origin?: string;
  dependsOn: string[];
  createdAt: number;
  /** The config's brand profile when the task was created: what a brief's missing fields default to. */
  brand?: BrandProfile;
  source: 'cli' | 'http' | 'schedule' | 'event' | 'flow' | 'hook' | 'demo' | 'retry';
  /** A re-run of a failed or rejected task: where it starts and what the first run had made. */
  retry?: RetrySeed;
}

export interface RetrySeed {
  of: string;
  phase: TaskPhase;
  round: number;
  stepIndex: number;
  outputs: Record<string, unknown>;
  reviews: ReviewView[];
  confidence: number;
  /** What the new run is told to fix (a rejection's issues and note). */
  feedback: ReviewView['issues'];
}

export type TaskPhase = 'authoring' | 'reviewing' | 'gating' | 'approval' | 'executing';

export interface TaskContext {
  record: TaskRecord;
  /** Revision round, from 1. */
  round: number;
  /** Index into definition.steps of the step being authored. */
  stepIndex: number;
  outputs: Record<string, unknown>;
  /** Confidence of the latest author output. */
  confidence: number;
  reviews: ReviewView[];
  /** Issues from the round that asked for a revision. */
  feedback: ReviewView['issues'];
  /** Attempts per phase, so a retried phase gets a fresh activity key and the others keep theirs. */
  attempts: Partial<Record<TaskPhase, number>>;
  /** Models chosen by healing, per agent. */
  modelOverride: Partial<Record<AgentKind, string>>;
  /** Clock times of heal-driven restarts, for the restart-intensity limit. */
  restarts: number[];
  failedPhase?: TaskPhase;
  error?: { code: string; message: string };
  endReason?: string;
  /** The error registry code a failed task ends with (the failed step's, e.g. BUDGET_EXCEEDED). */
  endCode?: string;
}

export function initialContext(record: TaskRecord): TaskContext {
  return {
    record,
    round: 1,
    stepIndex: 0,
    outputs: {},
    confidence: 0,
    reviews: [],
    feedback: [],
    attempts: {},
    modelOverride: {},
    restarts: [],
  };
}

/** The context a task starts with: fresh, or seeded from the run it retries. */
export function startContext(record: TaskRecord): TaskContext {
  const ctx = initialContext(record);
  const seed = record.retry;
  if (!seed) return ctx;
  return { ...ctx, round: seed.round, stepIndex: seed.stepIndex, outputs: seed.outputs, reviews: seed.reviews, confidence: seed.confidence, feedback: seed.feedback };
}

/** The deterministic key of an activity: taskId, round, phase and that phase's attempt. */
export function activityKey(ctx: TaskContext, phase: TaskPhase, part: string): string {
  return `${ctx.record.id}:r${ctx.round}:${phase}:${part}:a${ctx.attempts[phase] ?? 0}`;
}

export function currentStep(ctx: TaskContext): StepConfig {
  const step = ctx.record.definition.steps[ctx.stepIndex];
  if (!step) throw new Error(`task ${ctx.record.id}: no step ${ctx.stepIndex}`);
  return step;
}

/** Review kinds by tier (DESIGN §4); the workflow can narrow to coordinator-only or none. */
export function reviewPlan(ctx: TaskContext): { parallel: ReviewKind[]; after: ReviewKind[] } {
  const mode = ctx.record.definition.review;
  if (mode === 'none') return { parallel: [], after: [] };
  if (mode === 'coordinator') return { parallel: [], after: ['coordinator'] };
  switch (ctx.record.tier) {
    case 1:
      return { parallel: ['canon', 'cultural'], after: ['coordinator'] };
    case 2:
      return { parallel: [], after: ['cultural', 'coordinator'] };
    default:
      return { parallel: [], after: ['coordinator'] };
  }
}

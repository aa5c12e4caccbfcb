// A new task's record, as every engine makes it (the embedded task book, the cluster): its
// workflow frozen from the config, its content type and review tier decided, its first agent's
// input checked against that agent's contract before anything is acknowledged.
import { randomBytes } from 'node:crypto';
import { definitionOf } from '../../agents/definitions.js';
import { UserError } from '../../core/errors.js';
import type { ResolvedConfig } from '../../config/load.js';
import { checkTaskInput } from '../../config/task-input.js';
import { validate } from '../../schemas/registry.js';
import type { ReviewTier, WorkflowConfig } from '../../schemas/generated/types.js';
import type { CreateTaskRequest } from '../contract.js';
import { initialContext } from './context.js';
import type { TaskRecord } from './context.js';
import { authorInput, text } from './inputs.js';

let counter = 0;
/** Time-ordered, unique across restarts (and across supervisors: 16 random bits). */
export function newTaskId(now: number): string {
  counter = (counter + 1) % 0x10000;
  return `t_${now.toString(36)}${counter.toString(36).padStart(3, '0')}${randomBytes(2).toString('hex')}`;
}

/** The workflow a request names, or INVALID_INPUT listing the known ones. */
export function workflowOf(config: Pick<ResolvedConfig, 'workflows'>, name: string): WorkflowConfig {
  const { workflows } = config;
  const wf = Object.hasOwn(workflows, name) ? workflows[name] : undefined;
  if (!wf) throw new UserError('INVALID_INPUT', `unknown workflow "${name}"; known: ${Object.keys(workflows).join(', ')}`);
  return wf;
}

export interface NewRecord {
  id: string;
  source: TaskRecord['source'];
  now: number;
  /** The tier the learning store tuned for a content type (ignored when tiers are pinned). */
  learnedTier?: (contentType: string) => ReviewTier | undefined;
}

/** The record of a new task: its workflow frozen, its content type and review tier decided. */
export function recordFor(cfg: ResolvedConfig, req: CreateTaskRequest, wf: WorkflowConfig, made: NewRecord): TaskRecord {
  const contentType = text(req.input, 'contentType', wf.contentType ?? req.workflow);
  const learnedTier = cfg.learning.pin.reviewTiers ? undefined : made.learnedTier?.(contentType);
  const writes = wf.steps?.[0]?.agent === 'marketing';
  return {
    id: made.id,
    workflow: req.workflow,
    definition: { domain: wf.domain, steps: wf.steps ?? [], review: wf.review ?? 'tiered', gate: wf.gate ?? { action: 'none' } },
    priority: req.priority ?? 'P2',
    input: req.input,
    contentType,
    tier: cfg.reviews.tiers[contentType] ?? learnedTier ?? cfg.reviews.defaultTier,
    maxRounds: cfg.reviews.maxRevisionRounds,
    dependsOn: req.dependsOn ?? [],
    createdAt: made.now,
    ...(writes ? { brand: cfg.brand } : {}),
    source: made.source,
  };
}

/** The first agent's input, checked against its contract: a bad request is refused, not failed later. */
export function checkFirstInput(record: TaskRecord): void {
  if (record.definition.steps.length === 0) return;
  const call = authorInput(initialContext(record));
  validate(definitionOf(call.agent).inputSchema, call.input, 'INVALID_INPUT');
}

type FlowTask = NonNullable<WorkflowConfig['tasks']>[number];

/**
 * The child records of a flow: each a task of its own workflow, sharing the flow's input and
 * priority, its `dependsOn` naming its siblings by their new ids, each checked as a new task is.
 * `make` builds a record the caller's way (ids, source, learned tiers).
 */
export function flowChildren(cfg: ResolvedConfig, parent: TaskRecord, tasks: readonly FlowTask[], newId: () => string, make: (req: CreateTaskRequest, wf: WorkflowConfig, id: string) => TaskRecord): TaskRecord[] {
  const ids = new Map(tasks.map((t) => [t.id, newId()]));
  return tasks.map((t) => {
    const req: CreateTaskRequest = {
      workflow: t.workflow,
      input: { ...parent.input, ...t.input },
      priority: parent.priority,
      dependsOn: (t.dependsOn ?? []).map((d) => ids.get(d) ?? d),
    };
    const wf = workflowOf(cfg, t.workflow);
    if (!wf.steps) throw new UserError('INVALID_INPUT', `flow task workflow "${t.workflow}" has no steps`);
    const child: TaskRecord = { ...make(req, wf, ids.get(t.id) ?? t.id), parentId: parent.id };
    // The flow's input is shared: each child checks the fields its workflow reads.
    checkTaskInput(`${parent.workflow} (task ${t.id}, workflow ${t.workflow})`, wf, req.input, true);
    checkFirstInput(child);
    return child;
  });
}

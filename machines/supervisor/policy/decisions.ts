// A person's decision on an action approval (CLI, HTTP, MCP, console): checked against the
// approval's state, journaled before the waiting task hears it, announced as an event.
import { definitionOf } from '../../../agents/definitions.js';
import type { Clock } from '../../../core/clock.js';
import { UserError } from '../../../core/errors.js';
import type { ResolvedConfig } from '../../../config/load.js';
import { validate } from '../../../schemas/registry.js';
import type { AgentKind } from '../../../agents/client/types.js';
import type { ApprovalView, DecideApprovalRequest } from '../../contract.js';
import { createEvent } from '../../events.js';
import type { SupervisorEvent } from '../../events.js';
import type { TaskRecord } from '../../task/context.js';
import type { JournalSink } from '../durable/records.js';
import type { EventLog } from '../read-models/event-log.js';
import type { Approvals } from './approvals.js';

export interface DecisionDeps {
  clock: Clock;
  config(): ResolvedConfig;
  journal: JournalSink;
  events: EventLog;
  approvals: Approvals;
  /** The approval, live or from history. */
  findApproval(id: string): Promise<ApprovalView | undefined>;
  record(taskId: string): TaskRecord;
}

export class ApprovalDecisions {
  private readonly deciding = new Set<string>();

  constructor(private readonly deps: DecisionDeps) {}

  async decide(id: string, status: 'granted' | 'rejected', req: DecideApprovalRequest): Promise<ApprovalView> {
    const { approvals, clock, events } = this.deps;
    const { note } = req;
    const view = await this.deps.findApproval(id);
    if (!view) throw new UserError('NOT_FOUND', `no approval ${id}; list them with \`agentry approvals\``);
    if (view.status !== 'pending') throw new UserError('CONFLICT', alreadyDecided(view), { details: { id, status: view.status } });
    const edited = req.output === undefined ? undefined : this.checkEdit(view.taskId, req.output);
    // One decision per approval: a second one arriving while the first is being journaled is a
    // conflict, so the journal never holds two decisions that replay could order differently.
    if (this.deciding.has(id)) throw new UserError('CONFLICT', `approval ${id} is being decided`);
    this.deciding.add(id);
    const at = clock.now();
    let decided: ApprovalView;
    const decision = { status, by: 'person' as const, at, ...(note === undefined ? {} : { note }), ...(req.by === undefined ? {} : { decider: req.by }), ...(edited === undefined ? {} : { edited }) };
    try {
      await this.deps.journal.append({ t: 'decision', approvalId: id, ...decision });
      decided = approvals.decide(id, decision);
    } finally {
      this.deciding.delete(id);
    }
    events.emit(decisionTold(view, status, req, edited !== undefined, this.deps.config().mode, at), `${id}:decided`);
    return decided;
  }

  private checkEdit(taskId: string, output: Record<string, unknown>): EditedOutput {
    return checkedEdit(taskId, this.deps.record(taskId).definition.steps, output);
  }
}

export interface EditedOutput {
  step: string;
  output: Record<string, unknown>;
}

/** An edited output must pass the output schema of the agent that wrote the draft (the workflow's last step). */
export function checkedEdit(taskId: string, steps: readonly { id: string; agent: AgentKind }[] | undefined, output: Record<string, unknown>): EditedOutput {
  const step = steps?.at(-1);
  if (!step) throw new UserError('INVALID_INPUT', `output: task ${taskId} has no author step whose output could be edited`);
  validate(definitionOf(step.agent).outputSchema, output, 'INVALID_INPUT');
  return { step: step.id, output };
}

/** `approval.granted` or `approval.rejected`, as a person's decision is told on either store. */
export function decisionTold(view: ApprovalView, status: 'granted' | 'rejected', req: DecideApprovalRequest, edited: boolean, mode: string, at: number): SupervisorEvent {
  const policy = `${mode} mode; decided by a person before the ${view.fallback} fallback`;
  const payload = { taskId: view.taskId, approvalId: view.id, by: 'person' as const, policy, ...(req.note === undefined ? {} : { note: req.note }), ...(req.by === undefined ? {} : { decider: req.by }), ...(edited ? { edited: true } : {}) };
  return status === 'granted' ? createEvent('approval.granted', payload, at) : createEvent('approval.rejected', payload, at);
}

/** Why a decision on an approval decided already is a conflict: who decided it, when, and how. */
export function alreadyDecided(a: ApprovalView): string {
  const who = a.decidedBy === undefined ? '' : ` by ${a.decider ?? a.decidedBy}`;
  const when = a.decidedAt === undefined ? '' : ` at ${a.decidedAt}`;
  const status = a.status === 'timed_out' ? 'timed out' : a.status;
  return `approval ${a.id} is already ${status}${who}${when}${a.note === undefined ? '' : ` (note: ${a.note})`}`;
}

// The services the task activities may use. Each activity's logic factory takes only the Pick<Runtime, …> it uses (its *Deps type), so what a step touches is in its signature.
import type { AgentKind, StructuredCallRequest, StructuredCallResult, StructuredModel } from '../../../agents/client/types.js';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { Priority } from '../../../schemas/generated/types.js';
import type { ResolvedConfig } from '../../../config/load.js';
import type { Deliveries } from '../../deliveries/deliveries.js';
import type { BudgetLedger } from '../../ledger.js';
import type { TaskRecord } from '../../task/context.js';
import type { Approvals } from '../policy/approvals.js';
import type { EventLog } from '../read-models/event-log.js';
import type { JournalSink } from '../durable/records.js';
import type { ActivityJournal } from '../durable/activity-journal.js';
import type { SlaWatcher } from '../policy/sla.js';
import type { TaskViews } from '../tasks/views.js';

/** Values the learning store tuned; undefined means "use the config". */
export interface Learned {
  confidenceThreshold(agent: AgentKind, taskType: string): number | undefined;
  model(agent: AgentKind): string | undefined;
  severityThreshold(): number | undefined;
}

export interface AgentControl {
  dispatch(agent: AgentKind, requestId: string, request: Omit<StructuredCallRequest, 'signal'>, priority: Priority): Promise<StructuredCallResult>;
  breakerOpen(agent: AgentKind): boolean;
  pause(agent: AgentKind, minutes: number): void;
  setModel(agent: AgentKind, model: string): void;
}

export interface Runtime {
  clock: Clock;
  logger: Logger;
  config(): ResolvedConfig;
  memo: ActivityJournal;
  journal: JournalSink;
  ledger: BudgetLedger;
  model: StructuredModel;
  agents: AgentControl;
  events: EventLog;
  approvals: Approvals;
  sla: SlaWatcher;
  views: TaskViews;
  deliveries: Deliveries;
  learned: Learned;
  pausedDomains: ReadonlySet<string>;
  record(taskId: string): TaskRecord;
  /** Journals a domain pause so it survives a restart. */
  pauseDomain(domain: string, reason: string): void;
  /** Feeds the learning store. */
  recordOutcome(taskId: string, event: 'step' | 'gate' | 'final' | 'heal', data: Record<string, unknown>): void;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

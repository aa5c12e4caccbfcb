// A task's SLA on the cluster: a workflow beside the task that waits, durably, for the task to end
// until the deadline its priority gives it (sla.priorityHours, from its creation). A deadline that
// passes escalates in three tiers spaced by sla.escalationMinutes: the coordinator, a person, then
// the task's domain is paused (the embedded engine's tiers, policy/sla.ts). The wait is a DBOS
// message awaited with a deadline, so it survives restarts and is adopted with its supervisor's
// other work; the task's end is the message that stops it.
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { ResolvedConfig } from '../../config/load.js';
import type { EscalationTier, SlaBreach } from '../supervisor/policy/sla.js';
import type { TaskRecord } from '../task/context.js';

const SLA_WORKFLOW = 'agentry.sla';
export const slaWorkflowId = (taskId: string): string => `sla:${taskId}`;
const ENDED_TOPIC = 'task.ended';

/** A task's SLA: whose, in which domain, until when (epoch ms). */
export interface SlaInput {
  taskId: string;
  domain: string;
  deadline: number;
}

export interface SlaServices {
  config(): ResolvedConfig;
  /** A tier was reached: events, the shared breach row, and at tier 3 the domain's pause. */
  slaBreached?(breach: SlaBreach): Promise<void>;
}

export function slaOf(config: ResolvedConfig, record: TaskRecord): SlaInput {
  return { taskId: record.id, domain: record.definition.domain, deadline: record.createdAt + config.sla.priorityHours[record.priority] * 3_600_000 };
}

/**
 * Waits, durably, for what `until` waits for until `deadline`; each time the wait runs out first,
 * escalates one tier (1, 2, 3, spaced by sla.escalationMinutes as configured when each tier is
 * reached: a reload applies to the next one). What arrived, or null when tier 3 passed too.
 */
export async function escalating<T>(services: SlaServices, deadline: number, until: (at: number) => Promise<T | null>, breach: (tier: EscalationTier) => SlaBreach): Promise<T | null> {
  let at = deadline;
  for (const tier of [1, 2, 3] as const) {
    const arrived = await until(at);
    if (arrived !== null) return arrived;
    const escalationMs = await DBOS.runStep(
      async () => {
        await services.slaBreached?.(breach(tier));
        return services.config().sla.escalationMinutes * 60_000;
      },
      { name: 'sla.breach' },
    );
    at += escalationMs;
  }
  return null;
}

export function registerSlaWorkflow(services: SlaServices, opts: { pollingIntervalMs: number }): (input: SlaInput) => Promise<void> {
  const ended = (at: number): Promise<unknown> => DBOS.recv<unknown>(ENDED_TOPIC, { deadlineEpochMS: at, pollingIntervalMs: opts.pollingIntervalMs });
  return DBOS.registerWorkflow(
    async (input: SlaInput) => {
      await escalating(services, input.deadline, ended, (tier) => ({ ...input, scope: 'task', tier, key: `${input.taskId}:task` }));
    },
    { name: SLA_WORKFLOW },
  );
}

/** From the task's workflow, at its end: its SLA stops waiting. */
export function endSla(taskId: string): Promise<void> {
  return DBOS.send(slaWorkflowId(taskId), 'ended', ENDED_TOPIC);
}

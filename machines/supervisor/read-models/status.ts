// The `agentry status` dashboard as data: mode, health, agents, queue, approvals, SLA breaches,
// spend against the limit, the last actions and the day's figures.
import { AGENT_KINDS } from '../../../agents/client/types.js';
import type { AgentView, ConfigState, StatusView } from '../../contract.js';
import { busyMs, utilization } from '../../agent/stats.js';
import type { AgentHandles } from '../agents.js';
import type { DayStats } from './day-stats.js';
import type { DamagedFile } from '../../../memory/damaged-file.js';
import type { Runtime } from '../activities/runtime.js';
import { iso } from '../activities/runtime.js';
import { droppedLogLines } from '../../../core/logger.js';

function logDropped(): { logDropped?: number } {
  const n = droppedLogLines();
  return n > 0 ? { logDropped: n } : {};
}

export interface StatusSources {
  rt: Runtime;
  agents: AgentHandles;
  day: DayStats;
  startedAt: number;
  offline: boolean;
  /** Why no model can answer, when none can. */
  modelUnavailable?: string;
  draining: boolean;
  storeOk: boolean;
  recovering: number;
  damaged: readonly DamagedFile[];
  configState?: ConfigState;
}

export const ACTION_TYPES = new Set(['action.executed', 'delivery.succeeded', 'delivery.failed', 'task.completed', 'task.rejected', 'task.failed', 'approval.granted', 'approval.rejected', 'heal.applied', 'escalation.raised', 'mode.changed']);

export function buildStatus(s: StatusSources): StatusView {
  const { rt } = s;
  const now = rt.clock.now();
  const cfg = rt.config();
  const agents: AgentView[] = AGENT_KINDS.map((kind) => {
    const ctx = s.agents.context(kind);
    const paused = s.agents.paused(kind);
    return {
      kind,
      model: s.offline ? 'offline' : s.modelUnavailable !== undefined ? 'none' : (ctx.model ?? rt.learned.model(kind) ?? cfg.models.byAgent[kind] ?? cfg.models.default),
      state: paused ? 'paused' : ctx.inFlight.length > 0 ? 'busy' : 'idle',
      breaker: ctx.breaker.status,
      inFlight: ctx.inFlight.length,
      queued: ctx.mailbox.length,
      calls: ctx.stats.calls,
      failures: ctx.stats.failures,
      utilization: utilization(ctx.stats, now),
      busyMs: busyMs(ctx.stats, now),
    };
  });
  // Waiting for a person is not waiting in the queue: counted apart.
  const queue = { P0: 0, P1: 0, P2: 0, P3: 0 };
  let awaitingApproval = 0;
  for (const v of rt.views.active()) {
    if (v.status === 'awaiting_approval') awaitingApproval += 1;
    else queue[v.priority] += 1;
  }
  const spend = rt.ledger.view();
  return {
    mode: cfg.mode,
    ...(s.configState && { config: { rejected: s.configState.rejected, restartPending: [...s.configState.restartPending] } }),
    health: { pid: process.pid, uptimeSec: Math.round((now - s.startedAt) / 1000), offline: s.offline, model: s.offline ? 'offline' : s.modelUnavailable === undefined ? 'claude' : 'none', ...(s.modelUnavailable !== undefined && { modelUnavailable: s.modelUnavailable }), draining: s.draining, store: s.storeOk ? 'ok' : 'unavailable', recovering: s.recovering, ...(s.damaged.length > 0 ? { damaged: s.damaged.map((d) => ({ ...d })) } : {}), ...logDropped() },
    agents,
    queue,
    awaitingApproval,
    approvals: rt.approvals.list('pending'),
    slaBreaches: rt.sla.breaches().map((b) => ({ taskId: b.taskId, scope: b.scope, deadline: iso(b.deadline), tier: b.tier })),
    pausedDomains: [...rt.pausedDomains],
    spend: { day: spend.day, spentUsd: spend.spentUsd, reservedUsd: spend.reservedUsd, limitUsd: spend.limitUsd, ...(s.offline ? { simulated: true } : {}) },
    lastActions: rt.events.recent().filter((e) => ACTION_TYPES.has(e.event.type)).slice(-10).map((e) => e.event),
    today: s.day.today(now),
    deliveries: { ...s.day.deliveries(now), ...rt.deliveries.open() },
  };
}

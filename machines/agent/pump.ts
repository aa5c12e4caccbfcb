// Which queued runs start now, and reconfiguration: pure functions of the agent's context.
import type { AgentContext } from './context.js';
import type { AgentEvent } from './events.js';
import type { InFlightRun, QueuedRun } from './mailbox.js';
import { runIdOf } from './mailbox.js';
import type { RunInput } from '../run.js';
import { recordStart } from './stats.js';

interface Start {
  requestId: string;
  runId: string;
  input: RunInput;
}

/**
 * Takes runs off the head of the mailbox while the agent is under its concurrency limit and
 * `acquire` grants a global token. `acquire` is only called when a run could otherwise start,
 * so a refusal means "waiting for a token", never "nothing to do".
 */
export function startable(ctx: AgentContext, now: number, acquire: () => boolean) {
  const mailbox: QueuedRun[] = [...ctx.mailbox];
  const inFlight: InFlightRun[] = [...ctx.inFlight];
  let stats = ctx.stats;
  const starts: Start[] = [];
  while (inFlight.length < ctx.concurrency && mailbox.length > 0 && acquire()) {
    const next = mailbox.shift();
    if (!next) break;
    const runId = runIdOf(next.requestId);
    stats = recordStart(stats, now, inFlight.length);
    inFlight.push({ requestId: next.requestId, runId, startedAt: now, stepKey: next.request.stepKey });
    starts.push({ requestId: next.requestId, runId, input: ctx.model === null ? next.request : { ...next.request, model: ctx.model } });
  }
  return { starts, patch: { mailbox, inFlight, stats } };
}

export function configure(ctx: AgentContext, event: AgentEvent): Partial<AgentContext> {
  if (event.type !== 'agent.configure') return {};
  const patch: Partial<AgentContext> = {};
  if (event.concurrency !== undefined) patch.concurrency = event.concurrency;
  if (event.mailbox !== undefined) patch.mailboxCapacity = event.mailbox;
  if (event.model !== undefined) patch.model = event.model;
  if (event.breaker) patch.breakerConfig = { ...ctx.breakerConfig, ...event.breaker };
  return patch;
}

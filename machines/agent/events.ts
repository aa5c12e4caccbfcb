// Events in and out of an agent actor: one discriminated union each, with factories
// (STYLE practice 2). `agent.breaker` and `agent.failed` are emitted in the journal's shape
// (schemas/events.schema.json), so the supervisor can append them as they come.
import type { ErrorActorEvent } from 'xstate';
import type { StructuredCallResult } from '../../agents/client/types.js';
import type { ErrorCode, ErrorDetails } from '../../core/errors.js';
import type { Priority } from '../../schemas/generated/types.js';
import type { EventOf } from '../events.js';
import type { BreakerConfig } from './breaker.js';
import type { RunInput, RunSettled } from '../run.js';

export type { Priority };

export interface RunRequestEvent {
  type: 'agent.run';
  requestId: string;
  request: RunInput;
  priority: Priority;
}

export interface ConfigureEvent {
  type: 'agent.configure';
  concurrency?: number;
  mailbox?: number;
  /** Overrides `request.model` for runs started from now on (e.g. a healer's model switch). */
  model?: string | null;
  breaker?: Partial<BreakerConfig>;
}

export type AgentEvent =
  | RunRequestEvent
  | { type: 'agent.cancel'; requestId: string }
  | { type: 'agent.pause' }
  | { type: 'agent.resume' }
  | ConfigureEvent
  /** A global in-flight token may be free, or the actor was restored: try to start runs. */
  | { type: 'agent.poke' }
  | RunSettled
  /** The in-flight watcher failed (its onError). */
  | ErrorActorEvent;

export interface ReplyError {
  code: ErrorCode;
  message: string;
  retryable?: boolean;
  details: ErrorDetails;
}

export type AgentResult =
  | { type: 'agent.result'; requestId: string; ok: true; result: StructuredCallResult }
  | { type: 'agent.result'; requestId: string; ok: false; error: ReplyError };

export type AgentEmitted = AgentResult | EventOf<'agent.breaker'> | EventOf<'agent.failed'>;

export function createRunEvent(
  requestId: string,
  request: RunInput,
  opts: { priority?: Priority } = {},
): RunRequestEvent {
  return { type: 'agent.run', requestId, request, priority: opts.priority ?? 'P2' };
}

export const createCancelEvent = (requestId: string): AgentEvent => ({ type: 'agent.cancel', requestId });
export const createPauseEvent = (): AgentEvent => ({ type: 'agent.pause' });
export const createResumeEvent = (): AgentEvent => ({ type: 'agent.resume' });
export const createConfigureEvent = (patch: Omit<ConfigureEvent, 'type'>): ConfigureEvent => ({ type: 'agent.configure', ...patch });

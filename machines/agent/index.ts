// The agent actors' public surface (named re-exports only).
export { createAgentMachine } from './agent-machine.js';
export type { AgentDeps, AgentMachine } from './agent-machine.js';
export { admits, DEFAULT_BREAKER_CONFIG, initialBreaker, recentErrorRate, stepBreaker } from './breaker.js';
export type { Breaker, BreakerConfig, BreakerInput, BreakerStatus } from './breaker.js';
export { DEFAULT_CONCURRENCY, DEFAULT_MAILBOX } from './context.js';
export type { AgentContext, AgentInput } from './context.js';
export {
  createCancelEvent, createConfigureEvent, createPauseEvent, createPokeEvent, createResumeEvent, createRunEvent,
} from './events.js';
export type { AgentEmitted, AgentEvent, AgentResult, ConfigureEvent, Priority, ReplyError, RunRequestEvent } from './events.js';
export { createInFlightLimit } from './in-flight.js';
export type { InFlightLimit } from './in-flight.js';
export { createReplyBook, toReplyError } from './replies.js';
export type { ReplyBook } from './replies.js';
export { utilization } from './stats.js';
export type { AgentStats } from './stats.js';
export { submit } from './submit.js';
export type { AgentRef } from './submit.js';

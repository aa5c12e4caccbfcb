// A promise bridge for promise-shaped callers (e.g. a task's `agentStep` activity): send one
// `agent.run` and settle with its `agent.result`. It listens to the emitted result rather than
// a replyTo ref, so it also works after the agent was restored from a snapshot.
import type { ActorRefFrom } from 'xstate';
import type { AgentMachine } from './agent-machine.js';
import { createCancelEvent, createRunEvent } from './events.js';
import type { AgentResult, Priority } from './events.js';
import type { RunInput } from '../run.js';

export type AgentRef = ActorRefFrom<AgentMachine>;

/** Resolves with the result (ok or not; it never rejects). Aborting `signal` cancels the run. */
export function submit(
  agent: AgentRef,
  run: { requestId: string; request: RunInput; priority?: Priority },
  signal?: AbortSignal,
): Promise<AgentResult> {
  return new Promise((resolve) => {
    const sub = agent.on('agent.result', (e) => {
      if (e.requestId !== run.requestId) return;
      sub.unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(e);
    });
    const onAbort = (): void => agent.send(createCancelEvent(run.requestId));
    signal?.addEventListener('abort', onAbort, { once: true });
    agent.send(createRunEvent(run.requestId, run.request, run.priority ? { priority: run.priority } : {}));
    if (signal?.aborted) onAbort();
  });
}

// The root of the actor system: the five agent actors, spawned at start, and one task actor per
// active task, spawned and stopped by event.
import { setup, spawnChild, stopChild } from 'xstate';
import type { AnyActorLogic } from 'xstate';
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind } from '../../agents/client/types.js';
import type { AgentMachine } from '../agent/agent-machine.js';
import type { AgentInput } from '../agent/context.js';
import type { TaskRecord } from '../task/context.js';

export type RootEvent = { type: 'task.spawn'; record: TaskRecord } | { type: 'task.stop'; taskId: string };

export function createRootMachine(agent: AgentMachine, task: AnyActorLogic, agentInput: (kind: AgentKind) => AgentInput) {
  return setup({
    types: { events: {} as RootEvent },
    actors: { agent, task },
  }).createMachine({
    id: 'supervisor',
    entry: AGENT_KINDS.map((kind) => spawnChild('agent', { id: kind, systemId: `agent.${kind}`, input: agentInput(kind) })),
    on: {
      'task.spawn': {
        actions: spawnChild('task', { id: ({ event }) => spawned(event).id, input: ({ event }) => spawned(event) }),
      },
      'task.stop': { actions: stopChild(({ event }) => event.taskId) },
    },
  });
}

function spawned(event: RootEvent): TaskRecord {
  if (event.type !== 'task.spawn') throw new Error(`unexpected ${event.type}`);
  return event.record;
}

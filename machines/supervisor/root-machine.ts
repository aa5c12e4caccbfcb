// The root of the actor system: the five agent actors, spawned at start and living as long as
// the supervisor. Task actors are owned by the task book (tasks/task-book.ts): as root children every
// spawn would copy all of them.
import { setup, spawnChild } from 'xstate';
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind } from '../../agents/client/types.js';
import type { AgentMachine } from '../agent/agent-machine.js';
import type { AgentInput } from '../agent/context.js';

export function createRootMachine(agent: AgentMachine, agentInput: (kind: AgentKind) => AgentInput) {
  return setup({
    actors: { agent },
  }).createMachine({
    id: 'supervisor',
    entry: AGENT_KINDS.map((kind) => spawnChild('agent', { id: kind, systemId: `agent.${kind}`, input: agentInput(kind) })),
  });
}

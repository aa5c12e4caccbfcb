// Subagent runs seen through hooks: SubagentStart opens a run keyed by agent_id; SubagentStop or
// PostToolUse on the Agent tool closes it, whichever comes first (both fire for one run), so each
// run is recorded once. Bounded: the oldest entries go first.

export interface SubagentRun {
  readonly sessionId: string;
  readonly agentType: string;
  readonly ok: boolean;
  readonly agentId?: string;
  readonly durationMs?: number;
}

interface Open {
  readonly at: number;
  readonly agentType: string;
}

const LIMIT = 1000;

export class SubagentRuns {
  private readonly open = new Map<string, Open>();
  private readonly closed = new Set<string>();
  private readonly failed = new Map<string, number>();

  start(agentId: string, agentType: string, at: number): void {
    bounded(this.open).set(agentId, { at, agentType });
  }

  /** The run to record, or undefined when this agent's run was already recorded. */
  finish(run: { sessionId: string; agentId?: string; agentType?: string; ok: boolean; at: number; durationMs?: number }): SubagentRun | undefined {
    const id = run.agentId;
    if (id !== undefined && id !== '' && this.closed.has(id)) return undefined;
    const opened = id === undefined ? undefined : this.open.get(id);
    if (id !== undefined && id !== '') {
      this.open.delete(id);
      bounded(this.closed).add(id);
    }
    if (!run.ok) bounded(this.failed).set(run.sessionId, (this.failed.get(run.sessionId) ?? 0) + 1);
    const agentType = nonEmpty(run.agentType) ?? opened?.agentType ?? 'unknown';
    const durationMs = run.durationMs ?? (opened === undefined ? undefined : Math.max(0, run.at - opened.at));
    return {
      sessionId: run.sessionId,
      agentType,
      ok: run.ok,
      ...(id === undefined || id === '' ? {} : { agentId: id }),
      ...(durationMs === undefined ? {} : { durationMs }),
    };
  }

  /** Failed subagent runs in the session, which is then forgotten. */
  endSession(sessionId: string): number {
    const failed = this.failed.get(sessionId) ?? 0;
    this.failed.delete(sessionId);
    return failed;
  }
}

function bounded<T extends Map<string, unknown> | Set<string>>(collection: T): T {
  if (collection.size >= LIMIT) {
    const first = collection.keys().next();
    if (first.done !== true) collection.delete(first.value);
  }
  return collection;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

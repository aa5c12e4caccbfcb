// Subagent runs seen through hooks: SubagentStart opens a run keyed by agent_id; SubagentStop or
// PostToolUse on the Agent tool closes it, whichever comes first (both fire for one run), so each
// run is counted once. What either of the two carries is kept: the last message's length from
// SubagentStop, the resolved model, usage and duration from the Agent tool's result. Recent runs
// per subagent type feed the next-subagent suggestion. Bounded: the oldest entries go first.

export interface SubagentDetails {
  readonly agentId?: string;
  readonly durationMs?: number;
  /** Characters of the subagent's last message (SubagentStop). */
  readonly lastMessageChars?: number;
  /** The model the Agent tool resolved (its PostToolUse result). */
  readonly model?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
}

export interface SubagentRun extends SubagentDetails {
  readonly sessionId: string;
  readonly agentType: string;
  readonly ok: boolean;
}

export interface Finished {
  readonly run: SubagentRun;
  /** False when the run was closed before: its details add to the record, it is not counted again. */
  readonly first: boolean;
}

/** What recent runs of one subagent type looked like. */
export interface RecentRuns {
  readonly runs: number;
  readonly medianDurationMs?: number;
  /** The model most of them ran on. */
  readonly model?: string;
}

interface Open {
  readonly at: number;
  readonly agentType: string;
}

const LIMIT = 1000;
const RECENT_PER_TYPE = 20;

export class SubagentRuns {
  private readonly open = new Map<string, Open>();
  private readonly closed = new Map<string, SubagentRun>();
  private readonly failed = new Map<string, number>();
  private readonly recentByType = new Map<string, SubagentRun[]>();

  start(agentId: string, agentType: string, at: number): void {
    bounded(this.open).set(agentId, { at, agentType });
  }

  finish(run: { sessionId: string; agentType?: string; ok: boolean; at: number } & SubagentDetails): Finished {
    const id = run.agentId === '' ? undefined : run.agentId;
    const before = id === undefined ? undefined : this.closed.get(id);
    if (before !== undefined) return { run: this.addDetails(before, run), first: false };
    const opened = id === undefined ? undefined : this.open.get(id);
    if (id !== undefined) this.open.delete(id);
    if (!run.ok) bounded(this.failed).set(run.sessionId, (this.failed.get(run.sessionId) ?? 0) + 1);
    const agentType = nonEmpty(run.agentType) ?? opened?.agentType ?? 'unknown';
    const durationMs = run.durationMs ?? (opened === undefined ? undefined : Math.max(0, run.at - opened.at));
    const { at: _at, agentType: _type, agentId: _id, ...rest } = run;
    const recorded: SubagentRun = {
      ...defined(rest),
      sessionId: run.sessionId,
      ok: run.ok,
      agentType,
      ...(id === undefined ? {} : { agentId: id }),
      ...(durationMs === undefined ? {} : { durationMs }),
    };
    if (id !== undefined) bounded(this.closed).set(id, recorded);
    if (recorded.ok) this.addRecent(recorded);
    return { run: recorded, first: true };
  }

  /** Recent successful runs of `agentType`: how many, their median duration and usual model. */
  recent(agentType: string): RecentRuns {
    const list = this.recentByType.get(agentType) ?? [];
    const durations = list.flatMap((r) => (r.durationMs === undefined ? [] : [r.durationMs])).sort((a, b) => a - b);
    const models = new Map<string, number>();
    for (const r of list) if (r.model !== undefined) models.set(r.model, (models.get(r.model) ?? 0) + 1);
    const model = [...models.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    return {
      runs: list.length,
      ...(durations.length === 0 ? {} : { medianDurationMs: durations[Math.floor((durations.length - 1) / 2)] ?? 0 }),
      ...(model === undefined ? {} : { model }),
    };
  }

  /** Failed subagent runs in the session, which is then forgotten. */
  endSession(sessionId: string): number {
    const failed = this.failed.get(sessionId) ?? 0;
    this.failed.delete(sessionId);
    return failed;
  }

  /** The second of SubagentStop / the Agent result: its details join the run already recorded. */
  private addDetails(before: SubagentRun, run: SubagentDetails & { at: number; agentType?: string; ok: boolean; sessionId: string }): SubagentRun {
    const { at: _at, agentType: _type, ok: _ok, sessionId: _session, ...details } = run;
    const merged: SubagentRun = { ...before, ...defined(details) };
    this.closed.set(before.agentId ?? '', merged);
    this.replaceRecent(before, merged);
    return merged;
  }

  private addRecent(run: SubagentRun): void {
    const list = this.recentByType.get(run.agentType) ?? [];
    list.push(run);
    if (list.length > RECENT_PER_TYPE) list.shift();
    bounded(this.recentByType).set(run.agentType, list);
  }

  private replaceRecent(before: SubagentRun, after: SubagentRun): void {
    const list = this.recentByType.get(before.agentType);
    const i = list?.indexOf(before) ?? -1;
    if (list !== undefined && i >= 0) list[i] = after;
  }
}

function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function bounded<T extends Map<string, unknown>>(collection: T): T {
  if (collection.size >= LIMIT) {
    const first = collection.keys().next();
    if (first.done !== true) collection.delete(first.value);
  }
  return collection;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

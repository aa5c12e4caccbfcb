// Subagent sequences from Claude Code sessions. Runs accumulate per open session; when the
// session ends, its consecutive pairs are counted into transitions (bounded) and the sequence
// joins the recent ended ones.
import type { SubagentSessions, SubagentTransition } from '../../schemas/generated/types.js';

const SESSION_LIMITS = {
  /** Open sessions kept; the oldest is dropped (never ended) past it. */
  open: 100,
  /** Runs kept per session; the earliest are dropped past it. */
  sequence: 200,
  /** Ended sequences kept for inspection. */
  ended: 100,
  /** Distinct (from, to) pairs kept; the least seen are dropped past it. */
  transitions: 1000,
} as const;

export function emptySessions(): SubagentSessions {
  return { open: [], ended: [], transitions: [] };
}

/** The schema's bounds on ids and agent types (learning-state.schema.json). */
const MAX_SESSION_ID = 200;
const MAX_AGENT_TYPE = 100;

/** A session id the state can hold: 1 to 200 characters; anything else belongs to no session. */
function isSessionId(sessionId: string): boolean {
  return sessionId.length > 0 && sessionId.length <= MAX_SESSION_ID;
}

const agentTypeOf = (agentType: string): string => (agentType === '' ? 'unknown' : agentType.slice(0, MAX_AGENT_TYPE));

/**
 * A run that failed is counted but left out of the sequence: it did not move the work on. A run
 * without a usable session id is not recorded here: an empty id in the state would fail its
 * schema on the next read.
 */
export function noteRun(s: SubagentSessions, sessionId: string, rawAgentType: string, ok: boolean): void {
  if (!isSessionId(sessionId)) return;
  const agentType = agentTypeOf(rawAgentType);
  let open = s.open.find((o) => o.sessionId === sessionId);
  if (!open) {
    open = { sessionId, sequence: [], failedRuns: 0 };
    s.open.push(open);
    if (s.open.length > SESSION_LIMITS.open) s.open.shift();
  }
  if (!ok) {
    open.failedRuns += 1;
    return;
  }
  open.sequence.push(agentType);
  if (open.sequence.length > SESSION_LIMITS.sequence) open.sequence.shift();
}

/** Ends `sessionId`; unknown sessions are ignored (they ran no subagent). */
export function noteEnd(s: SubagentSessions, sessionId: string, endedWell: boolean): void {
  if (!isSessionId(sessionId)) return;
  const index = s.open.findIndex((o) => o.sessionId === sessionId);
  if (index < 0) return;
  const [open] = s.open.splice(index, 1);
  if (!open) return;
  const seq = open.sequence;
  for (let i = 1; i < seq.length; i++) countPair(s.transitions, seq[i - 1] ?? '', seq[i] ?? '', endedWell);
  s.ended.push({ sessionId, sequence: seq, endedWell });
  if (s.ended.length > SESSION_LIMITS.ended) s.ended.shift();
  if (s.transitions.length > SESSION_LIMITS.transitions) {
    s.transitions.sort((a, b) => b.total - a.total);
    s.transitions.length = SESSION_LIMITS.transitions;
  }
}

function countPair(list: SubagentTransition[], from: string, to: string, endedWell: boolean): void {
  let t = list.find((x) => x.from === from && x.to === to);
  if (!t) {
    t = { from, to, total: 0, endedWell: 0 };
    list.push(t);
  }
  t.total += 1;
  if (endedWell) t.endedWell += 1;
}

// The supervisor's side of Claude Code hooks (DESIGN §7): the same protocol answers as the local
// fallback, plus what only the supervisor knows (live mode, approvals, spend, the learning store).
// Every call is recorded as a `hook.received` event. Pass it as `Supervisor.start({ hookHandler })`.

import type { EventOf } from '../events.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { HookResult } from '../contract.js';
import { type HookAnswer, answerInvalidInput, context, silent } from '../../hooks/answers.js';
import { isHookEvent } from '../../hooks/events.js';
import { type JsonObject, isObject, ownObject, ownString, own } from '../../hooks/own.js';
import { answerPreToolUse, evaluatePreToolUse } from '../../hooks/policy/pre-tool-use.js';
import { loadBashParser } from '../../hooks/policy/shell/parser.js';
import { type HookInput, parseHookInput } from '../../hooks/protocol.js';
import { statusContext } from './status-context.js';
import { type Finished, type RecentRuns, type SubagentDetails, type SubagentRun, SubagentRuns } from './subagent-runs.js';

/** What the handler uses of the supervisor; `hasSeen`/`remember` keep one record per call id. */
export interface HookSupervisor {
  readonly config: Supervisor['config'];
  status(): ReturnType<Supervisor['status']>;
  /** Logs, timestamps and `hook.received` events. */
  readonly rt: Pick<Supervisor['rt'], 'logger' | 'clock'> & { readonly events: Pick<Supervisor['rt']['events'], 'emit'> };
  hasSeen(id: string): boolean;
  remember(id: string): Promise<void>;
}

/** How a call reached the handler: live (HTTP) unless `spooled`, with the spool line's id and time. */
interface HookMeta {
  readonly spooled?: boolean;
  /** The call's idempotency key (`hook:<call id>`), live or spooled alike. */
  readonly id?: string;
  /** ms since the epoch the event happened (the spool time). */
  readonly at?: number;
  /** The PreToolUse decision the local policy enforced. */
  readonly decision?: string;
}

export type HookHandler = (event: string, payload: unknown, sup: HookSupervisor, meta?: HookMeta) => Promise<HookResult>;

export interface ToolFailure {
  readonly sessionId: string;
  readonly toolName: string;
  /** First line of the error (often `Exit code N`). */
  readonly error: string;
  readonly agentType?: string;
  readonly durationMs?: number;
}

/** What the handler tells the learning store (LearningService fits). */
export interface SubagentLearning {
  recordSubagentRun(sessionId: string, agentType: string, ok: boolean): void;
  endSession(sessionId: string, endedWell: boolean): void;
}

export interface HookHandlerDeps {
  /** The learning store's next-subagent suggestion after `agentType`, with its evidence count. */
  readonly nextSubagent?: (agentType: string) => { agentType: string; count: number } | null;
  /** Subagent runs and session ends; a session ends well when none of its subagent runs failed. */
  readonly learning?: SubagentLearning;
  /** Tool failures for the healer (a user interrupt is not one). */
  readonly onToolFailure?: (failure: ToolFailure) => void;
}

const SUBAGENT_TOOLS = new Set(['Agent', 'Task']);

interface Call {
  readonly input: HookInput;
  readonly sup: HookSupervisor;
  readonly meta: HookMeta;
  /** ms since the epoch the event happened. */
  readonly at: number;
  readonly live: boolean;
  /** Runs a dependency; a failing one is logged, never the hook's failure. */
  readonly safely: (what: string, fn: () => void) => void;
}

interface Outcome {
  readonly answer: HookAnswer;
  readonly decision?: string;
  /** A subagent run this call closed or added to, kept in its hook.received record. */
  readonly subagent?: SubagentRun;
}

export function createHookHandler(deps: HookHandlerDeps = {}): HookHandler {
  const runs = new SubagentRuns();
  return async (event, payload, sup, meta = {}) => {
    // Loaded on the first Bash call (~30 ms once), not at start: a supervisor restarted often
    // should not compile it each time. A failed load leaves Bash calls to `ask`.
    if (event === 'PreToolUse' && meta.spooled !== true && isBashCall(payload)) {
      await loadBashParser().catch((err: unknown) => sup.rt.logger.error({ err }, 'the bash parser did not load; Bash calls are asked about'));
    }
    if (!isHookEvent(event)) return Promise.resolve(silent(`agentry hook: ${event.slice(0, 64)} is not an event agentry handles`));
    const parsed = parseHookInput(payload === undefined ? '' : JSON.stringify(payload), event);
    if (!parsed.ok) return Promise.resolve(answerInvalidInput(event, parsed.reason));
    const call: Call = {
      input: parsed.input,
      sup,
      meta,
      at: meta.at ?? sup.rt.clock.now(),
      live: meta.spooled !== true,
      safely: (what, fn) => {
        try {
          fn();
        } catch (err) {
          sup.rt.logger.warn({ err, hook: event }, `hook ${what} failed`);
        }
      },
    };
    // A call already recorded (it came live and through the spool, in either order) is answered
    // the same way but recorded, counted and learnt from only once.
    // Live, the answer does not wait for the key's journal write; spooled, the ingest deletes the
    // spool after this resolves, so the key is durable first.
    let remembered: Promise<void> = Promise.resolve();
    if (meta.id !== undefined) {
      if (sup.hasSeen(meta.id)) return Promise.resolve(answerAgain(call));
      remembered = sup.remember(meta.id);
      if (call.live) remembered = remembered.catch((err: unknown) => sup.rt.logger.warn({ err, hook: event, id: meta.id }, 'hook call id not journaled'));
    }
    const outcome = respond(call, deps, runs);
    sup.rt.events.emit(received(call, outcome.decision, outcome.subagent), meta.id);
    return call.live ? Promise.resolve(outcome.answer) : remembered.then(() => outcome.answer);
  };
}

function isBashCall(payload: unknown): boolean {
  return isObject(payload) && own(payload, 'tool_name') === 'Bash';
}

/** The answer to a call seen before: the policy and context again, no record and no side effect. */
function answerAgain(call: Call): HookAnswer {
  if (!call.live) return silent();
  const event = call.input.hook_event_name;
  if (event === 'PreToolUse') return preToolUse(call).answer;
  if (event === 'SessionStart' || event === 'UserPromptSubmit') return context(event, statusContext(call.sup.status(), call.at));
  return silent();
}

function respond(call: Call, deps: HookHandlerDeps, runs: SubagentRuns): Outcome {
  const { input } = call;
  switch (input.hook_event_name) {
    case 'PreToolUse':
      return preToolUse(call);
    case 'SessionStart':
    case 'UserPromptSubmit':
      return { answer: call.live ? context(input.hook_event_name, statusContext(call.sup.status(), call.at)) : silent() };
    case 'SubagentStart':
      if (input.agent_id !== undefined) runs.start(input.agent_id, input.agent_type ?? '', call.at);
      return { answer: silent() };
    case 'SubagentStop': {
      // Never a block or context here: either would keep the subagent running (reference §4).
      const chars = lastMessageChars(input.raw);
      const finished = runs.finish({
        sessionId: input.session_id,
        ok: true,
        at: call.at,
        ...opt('agentId', input.agent_id),
        ...opt('agentType', input.agent_type),
        ...(chars === undefined ? {} : { lastMessageChars: chars }),
      });
      return { answer: silent(), subagent: noteRun(call, deps, finished) };
    }
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return toolResult(call, deps, runs);
    case 'SessionEnd': {
      // A payload without a session id ends nothing: there is no session to learn from.
      if (input.session_id === '') return { answer: silent() };
      const failed = runs.endSession(input.session_id);
      call.safely('endSession', () => deps.learning?.endSession(input.session_id, failed === 0));
      return { answer: silent() };
    }
    default:
      // Stop and Notification: recorded only.
      return { answer: silent() };
  }
}

/** Live: the policy with the supervisor's mode. Spooled: the decision the local policy enforced. */
function preToolUse(call: Call): Outcome {
  if (!call.live) return { answer: silent(), ...opt('decision', call.meta.decision) };
  const verdict = evaluatePreToolUse(call.input, { mode: call.sup.config.mode });
  return { answer: answerPreToolUse(verdict), decision: verdict.decision };
}

function toolResult(call: Call, deps: HookHandlerDeps, runs: SubagentRuns): Outcome {
  const { input } = call;
  const tool = input.tool_name ?? '';
  if (input.hook_event_name === 'PostToolUseFailure' && own(input.raw, 'is_interrupt') !== true) {
    const failure = toolFailure(input, tool);
    call.safely('onToolFailure', () => deps.onToolFailure?.(failure));
  }
  if (!SUBAGENT_TOOLS.has(tool)) return { answer: silent() };
  const agentType = ownString(input.tool_input ?? {}, 'subagent_type') ?? 'general-purpose';
  const status = ownString(ownObject(input.raw, 'tool_response') ?? {}, 'status');
  // A background subagent is still running: its SubagentStop will close the run.
  if (status === 'async_launched') return { answer: silent() };
  const ok = input.hook_event_name === 'PostToolUse' && (status === undefined || status === 'completed');
  const subagent = noteRun(call, deps, subagentFinished(input, runs, call.at, agentType, ok));
  if (!call.live || !ok) return { answer: silent(), subagent };
  let next: { agentType: string; count: number } | null = null;
  call.safely('nextSubagent', () => {
    next = deps.nextSubagent?.(agentType) ?? null;
  });
  return { answer: suggestion(next, agentType, next === null ? undefined : runs.recent((next as { agentType: string }).agentType)), subagent };
}

/** Counts a run once, in the learning store; returns it for the record either way. */
function noteRun(call: Call, deps: HookHandlerDeps, finished: Finished): SubagentRun {
  const { run } = finished;
  // A run without a session id is recorded (hook.received) but joins no session sequence.
  if (finished.first && run.sessionId !== '') call.safely('recordSubagentRun', () => deps.learning?.recordSubagentRun(run.sessionId, run.agentType, run.ok));
  return run;
}

/** Live: the message's length; spooled: the length the spool line kept instead of the text. */
function lastMessageChars(raw: JsonObject): number | undefined {
  const message = own(raw, 'last_assistant_message');
  if (typeof message === 'string') return message.length;
  return finite(own(raw, 'last_assistant_message_chars'));
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function toolFailure(input: HookInput, tool: string): ToolFailure {
  const duration = own(input.raw, 'duration_ms');
  return {
    sessionId: input.session_id,
    toolName: tool,
    error: ((ownString(input.raw, 'error') ?? '').split('\n', 1)[0] ?? '').slice(0, 500),
    ...opt('agentType', input.agent_type),
    ...(typeof duration === 'number' && Number.isFinite(duration) ? { durationMs: duration } : {}),
  };
}

/** The Agent tool's result closes the run, unless SubagentStop closed it first; its model and usage are kept. */
function subagentFinished(input: HookInput, runs: SubagentRuns, at: number, agentType: string, ok: boolean): Finished {
  const response = ownObject(input.raw, 'tool_response') ?? {};
  const usage = ownObject(response, 'usage') ?? {};
  const numbers: Record<string, number> = {};
  for (const [key, value] of [
    ['durationMs', own(response, 'totalDurationMs')],
    ['totalTokens', own(response, 'totalTokens')],
    ['inputTokens', own(usage, 'input_tokens')],
    ['outputTokens', own(usage, 'output_tokens')],
  ] as const) {
    const n = finite(value);
    if (n !== undefined) numbers[key] = n;
  }
  return runs.finish({
    sessionId: input.session_id,
    agentType,
    ok,
    at,
    ...opt('agentId', ownString(response, 'agentId')),
    ...opt('model', ownString(response, 'resolvedModel')?.slice(0, 100)),
    ...(numbers as Pick<SubagentDetails, 'durationMs' | 'totalTokens' | 'inputTokens' | 'outputTokens'>),
  });
}

function suggestion(next: { agentType: string; count: number } | null, after: string, recent: RecentRuns | undefined): HookAnswer {
  if (next === null) return silent();
  const runs = next.count === 1 ? '1 run' : `${next.count} runs`;
  return context('PostToolUse', `Past sessions that went well usually ran ${next.agentType} after ${after} (${runs}).${typical(next.agentType, recent)}`);
}

/** What recent runs of the suggested subagent cost, when this supervisor has seen some. */
function typical(agentType: string, recent: RecentRuns | undefined): string {
  if (recent === undefined || recent.runs === 0) return '';
  const parts = [
    recent.medianDurationMs === undefined ? undefined : `took about ${age(recent.medianDurationMs)}`,
    recent.model === undefined ? undefined : `ran on ${recent.model}`,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? '' : ` Its recent runs (${recent.runs}) ${parts.join(' and ')}.`;
}

function age(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  return `${Math.round(ms / 60_000)} min`;
}

function received(call: Call, decision: string | undefined, subagent: SubagentRun | undefined): EventOf<'hook.received'> {
  const { input } = call;
  return {
    type: 'hook.received',
    at: new Date(call.at).toISOString(),
    hookEvent: input.hook_event_name,
    sessionId: input.session_id,
    ...opt('toolName', input.tool_name),
    ...opt('agentType', input.agent_type),
    ...opt('decision', decision),
    ...(call.live ? {} : { spooled: true }),
    ...(subagent === undefined ? {} : { subagent: subagentRecord(subagent) }),
  };
}

function subagentRecord(run: SubagentRun): NonNullable<EventOf<'hook.received'>['subagent']> {
  const { sessionId: _s, ...rest } = run;
  return rest;
}

// Keys are literals, so spreading cannot set a prototype.
function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: string });
}

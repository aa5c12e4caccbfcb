// Shared rig of the supervisor scenarios: a temp state dir, XState's SimulatedClock, and the fake
// Messages API on loopback driven by the real SDK. The fake answers each request with the
// responder of the agent it is meant for, told apart by the output schema named in the system
// prompt. No test sleeps a fixed time: `settle` yields to real I/O until a condition holds
// (bounded, with the recent events in its error), and simulated time only moves in `advance`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createAnthropicModel } from '../../../agents/client/anthropic.js';
import { AGENT_KINDS } from '../../../agents/client/types.js';
import { RESPONDERS } from '../../../agents/offline/responders.js';
import type { AgentKind } from '../../../agents/client/types.js';
import { resolveConfig } from '../../../config/load.js';
import type { SalesInput } from '../../../schemas/generated/types.js';
import type { EventOf, EventType } from '../../../machines/events.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { TERMINAL_STATUSES } from '../../../server/contract.js';
import type { ApprovalView, TaskStatus, TaskView } from '../../../server/contract.js';
import { createFakeAnthropic } from '../../support/fake-anthropic.js';
import type { FakeAnthropic, FakeReply, FakeRequest } from '../../support/fake-anthropic.js';
import { coordinate, draft, heal, review } from './replies.js';
import { TestClock } from './test-clock.js';

/** Monday 2026-03-02 09:00 UTC: the simulated clock starts here. */
const T0 = Date.parse('2026-03-02T09:00:00Z');
export const MINUTE = 60_000;

/** One request to the fake, decoded: which agent, its input (from the <input> tags), model, round. */
export interface AgentCall {
  agent: AgentKind;
  input: Record<string, unknown>;
  model: string;
  /** 0 for the first ask; 1.. for repair rounds. */
  round: number;
  stepKey: string;
}

export type Responder = (call: AgentCall) => FakeReply | Promise<FakeReply>;

export interface HarnessOptions {
  /** Raw config merged (deeply) over `{ version: 1, mode: 'full', risk: { randomReviewPercent: 0 } }`. */
  config?: Record<string, unknown>;
  responders?: Partial<Record<AgentKind, Responder>>;
  /** The supervisor's environment (webhook secrets). */
  env?: Record<string, string>;
}

const FINAL_EVENTS = new Set<string>(['task.completed', 'task.rejected', 'task.failed']);

/** Requests the fake can take in one scenario; more fails loudly as "no scripted step left". */
const MAX_REQUESTS = 300;

const DEFAULT_RESPONDERS: Record<AgentKind, Responder> = {
  marketing: () => draft(),
  // Sales answers depend on the task (qualify or propose): the offline model's answer is valid for both.
  sales: (call) => ({ json: RESPONDERS.sales(call.input as unknown as SalesInput, 0.9) }),
  reviewer: () => review('approve'),
  coordinator: () => coordinate('approve'),
  healer: () => heal('retry', 0.8),
};

export class Harness {
  private constructor(
    readonly sup: Supervisor,
    readonly clock: TestClock,
    readonly fake: FakeAnthropic,
    /** Every request the fake took, decoded, in arrival order. */
    readonly calls: readonly AgentCall[],
    /** The answer of each agent; a scenario may swap one at any time. */
    readonly responders: Record<AgentKind, Responder>,
    private readonly stateDir: string,
    private readonly closeServer: () => Promise<void>,
  ) {}

  static async start(opts: HarnessOptions = {}): Promise<Harness> {
    const responders = { ...DEFAULT_RESPONDERS, ...opts.responders };
    const calls: AgentCall[] = [];
    const fake = createFakeAnthropic();
    fake.script(...Array.from({ length: MAX_REQUESTS }, () => ({ respond: (req: FakeRequest) => route(req, calls, responders) })));
    const server = await fake.start();
    const clock = new TestClock();
    clock.set(T0);
    const stateDir = await mkdtemp(join(tmpdir(), 'agentry-scenario-'));
    const config = resolveConfig(merge({ version: 1, mode: 'full', risk: { randomReviewPercent: 0 } }, opts.config ?? {}));
    const model = createAnthropicModel({ baseURL: server.url, apiKey: 'test-key', maxRetries: 0, repairAttempts: 1 });
    try {
      const sup = await Supervisor.start({ stateDir, config, model, clock, env: opts.env ?? {} });
      return new Harness(sup, clock, fake, calls, responders, stateDir, () => server.close());
    } catch (err) {
      await server.close();
      await rm(stateDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Calls of one agent (or all), in arrival order. */
  callsOf(agent?: AgentKind, taskId?: string): AgentCall[] {
    return this.calls.filter((c) => (agent === undefined || c.agent === agent) && (taskId === undefined || c.stepKey.startsWith(`${taskId}:`)));
  }

  events<T extends EventType>(type: T, taskId?: string): EventOf<T>[] {
    return this.sup
      .events()
      .map((e) => e.event)
      .filter((e): e is EventOf<T> => e.type === type && (taskId === undefined || (e as { taskId?: string }).taskId === taskId));
  }

  eventTypes(taskId?: string): string[] {
    return this.sup
      .events()
      .map((e) => e.event)
      .filter((e) => taskId === undefined || (e as { taskId?: string }).taskId === taskId)
      .map((e) => e.type);
  }

  /**
   * Yields to real I/O (HTTP, fsync) until `check` returns a truthy value, then returns it.
   * Timers already due on the simulated clock fire on the way; time itself does not move.
   */
  async settle<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    const started = performance.now();
    for (let turn = 0; ; turn++) {
      this.clock.increment(0);
      const value = check();
      if (value) return value;
      if (performance.now() - started > timeoutMs) {
        throw new Error(`settle: timed out after ${timeoutMs} ms waiting for ${what}; events: ${this.eventTypes().slice(-25).join(' ')}`);
      }
      // A few bare turns of the event loop catch in-process work; then 1 ms waits, so a test
      // waiting on an fsync does not spin a core the other test files need.
      await new Promise((resolve) => (turn < 20 ? setImmediate(resolve) : setTimeout(resolve, 1)));
    }
  }

  /** Moves simulated time on by `ms` (due timers fire), then lets the work they started run. */
  async advance(ms: number): Promise<void> {
    this.clock.increment(ms);
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Waits for the task's final event (journaled, so the outcome is durable) and returns its view. */
  final(taskId: string): Promise<TaskView> {
    return this.settle(() => {
      const done = this.sup.events().some((e) => FINAL_EVENTS.has(e.event.type) && (e.event as { taskId?: string }).taskId === taskId);
      const view = this.sup.getTask(taskId);
      return done && view && TERMINAL_STATUSES.includes(view.status) ? view : undefined;
    }, `task ${taskId} to finish`);
  }

  /** Waits for a pending approval of the task (the gate asked a person) and returns it. */
  pendingApproval(taskId: string): Promise<ApprovalView> {
    return this.settle(() => this.sup.listApprovals({ status: 'pending' }).find((a): a is ApprovalView => a.kind === 'action' && a.taskId === taskId), `a pending approval of ${taskId}`);
  }

  status(taskId: string): TaskStatus | undefined {
    return this.sup.getTask(taskId)?.status;
  }

  /** Stops the supervisor (hanging calls are aborted), closes the fake and removes the state dir. */
  async close(): Promise<void> {
    await this.sup.stop('test done');
    await this.closeServer();
    await rm(this.stateDir, { recursive: true, force: true });
    if (this.fake.unexpected.length > 0) throw new Error(`fake-anthropic: ${this.fake.unexpected.join('; ')}`);
  }
}

/**
 * For a test file: `const start = scenarios();` then `const h = await start(opts)` in a test.
 * Every harness opened in a test is closed after it, hanging requests included.
 */
export function scenarios(): (opts?: HarnessOptions) => Promise<Harness> {
  const open: Harness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });
  return async (opts) => {
    const h = await Harness.start(opts);
    open.push(h);
    return h;
  };
}

async function route(req: FakeRequest, calls: AgentCall[], responders: Record<AgentKind, Responder>): Promise<FakeReply> {
  const call = decode(req);
  calls.push(call);
  return responders[call.agent](call);
}

/** Which agent a request is for (its output schema, named in the system prompt), and its input. */
export function decode(req: FakeRequest): AgentCall {
  const system = JSON.stringify(req.body['system'] ?? '');
  const agent = AGENT_KINDS.find((k) => system.includes(`JSON Schema (${k}.output)`));
  if (!agent) throw new Error('request names no known output schema');
  const messages = req.body['messages'] as readonly { role: string; content: unknown }[];
  const first = messages[0]?.content;
  const text = typeof first === 'string' ? first : '';
  const match = /<input>\n([\s\S]*)\n<\/input>/.exec(text);
  if (!match?.[1]) throw new Error(`${agent} request has no <input> block`);
  return {
    agent,
    input: JSON.parse(match[1]) as Record<string, unknown>,
    model: String(req.body['model']),
    round: (messages.length - 1) / 2,
    stepKey: req.headers['x-agentry-step'] ?? '',
  };
}

/** A promise with its resolver, for holding a request until the test lets it go. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  const box: { resolve?: (value: T) => void } = {};
  const promise = new Promise<T>((resolve) => {
    box.resolve = resolve;
  });
  return { promise, resolve: (value) => box.resolve?.(value) };
}

/** Strings in code-unit order (to compare results whose order is not part of the contract). */
export function sorted(values: readonly unknown[]): string[] {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Never answers: the request hangs until the supervisor stops and aborts it. */
export const hang: Responder = () => new Promise<FakeReply>(() => undefined);

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? merge(b, v) : v;
  }
  return out;
}

// Shared rig of the supervisor scenarios: a temp state dir, XState's SimulatedClock, and the fake
// Messages API on loopback driven by the real SDK. The fake answers each request with the
// responder of the agent it is meant for, told apart by the output schema named in the system
// prompt. Waiting never sleeps: `settle` yields to real I/O until a condition holds (bounded),
// and simulated time only moves when a test calls `advance`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock } from 'xstate';
import { createAnthropicModel } from '../../../agents/client/anthropic.js';
import { AGENT_KINDS } from '../../../agents/client/types.js';
import type { AgentKind } from '../../../agents/client/types.js';
import { resolveConfig } from '../../../machines/config/load.js';
import type { EventOf, EventType } from '../../../machines/events.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { TERMINAL_STATUSES } from '../../../server/contract.js';
import type { ApprovalView, TaskView } from '../../../server/contract.js';
import { createFakeAnthropic } from '../../support/fake-anthropic.js';
import type { FakeAnthropic, FakeReply, FakeRequest } from '../../support/fake-anthropic.js';
import { coordinate, draft, heal, review } from './replies.js';

/** Monday 2026-03-02 09:00 UTC: the simulated clock starts here. */
export const T0 = Date.parse('2026-03-02T09:00:00Z');
export const MINUTE = 60_000;

/** XState's SimulatedClock that also tells which timers are armed, so a test can wait for one. */
export class TestClock extends SimulatedClock {
  private readonly armed = new Map<number, number>();

  override setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = super.setTimeout(() => {
      this.armed.delete(id);
      fn();
    }, timeout);
    this.armed.set(id, this.now() + timeout);
    return id;
  }

  override clearTimeout(id: number): void {
    this.armed.delete(id);
    super.clearTimeout(id);
  }

  /** Whether a timer is armed to fire at exactly `at`. */
  armedAt(at: number): boolean {
    return [...this.armed.values()].includes(at);
  }
}

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
}

const FINAL_EVENTS = new Set<string>(['task.completed', 'task.rejected', 'task.failed']);

/** Requests the fake can take in one scenario; more fails loudly as "no scripted step left". */
const MAX_REQUESTS = 300;

const DEFAULT_RESPONDERS: Record<AgentKind, Responder> = {
  marketing: () => draft(),
  sales: () => ({ status: 400 }),
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
    const sup = await Supervisor.start({ stateDir, config, model, clock });
    return new Harness(sup, clock, fake, calls, responders, stateDir, () => server.close());
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
  async settle<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 5_000): Promise<T> {
    const started = performance.now();
    for (;;) {
      this.clock.increment(0);
      const value = check();
      if (value) return value;
      if (performance.now() - started > timeoutMs) {
        throw new Error(`settle: timed out after ${timeoutMs} ms waiting for ${what}; events: ${this.eventTypes().slice(-25).join(' ')}`);
      }
      await new Promise((resolve) => setImmediate(resolve));
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
    return this.settle(() => this.sup.listApprovals({ status: 'pending' }).find((a) => a.taskId === taskId), `a pending approval of ${taskId}`);
  }

  status(taskId: string): string | undefined {
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
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
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

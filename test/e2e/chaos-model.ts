// The chaos run's model: the fake Messages API (test/support/fake-anthropic.ts) answering every
// agent with a schema-valid answer built by the offline responders from the request's <input>,
// after a seeded random latency so that kills land mid-request. Every 200 is billed the same
// fixed usage, so one request costs exactly UNIT_MICROS and spend can be compared to the micro.
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind } from '../../agents/client/types.js';
import { RESPONDERS } from '../../agents/offline/responders.js';
import { fnv1a } from '../../agents/offline/seed.js';
import { createFakeAnthropic } from '../support/fake-anthropic.js';
import type { FakeAnthropic, FakeReply, FakeRequest } from '../support/fake-anthropic.js';

/** The model id of the chaos config, priced in USD per million tokens (see chaosPrices). */
export const CHAOS_MODEL = 'chaos-fake-1';
/** Usage of every answered request: 400 in × $1 + 120 out × $5 per million = $0.001. */
const USAGE = Object.freeze({ input_tokens: 400, output_tokens: 120, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
export const UNIT_MICROS = 1_000;
export const CHAOS_PRICES = { [CHAOS_MODEL]: { input: 1, output: 5, cacheWrite: 1, cacheRead: 1 } };

/**
 * What happens to a task (review tier 2: author, cultural reviewer, coordinator), decided by its
 * id alone so that a re-run after a kill gets the same answer: approve (completed); the reviewer
 * (revise) or the coordinator (rework) asks for one revision, then all approve (completed); the
 * coordinator rejects (rejected); or a 400 on the author step (failed: MODEL_BAD_REQUEST is not healed).
 */
export type Fate = 'approve' | 'revise' | 'rework' | 'reject' | 'fail';

export function fateOf(seed: number, taskId: string): Fate {
  const h = fnv1a(`${seed}:${taskId}`) % 100;
  return h < 4 ? 'fail' : h < 10 ? 'reject' : h < 15 ? 'revise' : h < 20 ? 'rework' : 'approve';
}

export const OUTCOME_OF: Readonly<Record<Fate, 'completed' | 'rejected' | 'failed'>> = {
  approve: 'completed',
  revise: 'completed',
  rework: 'completed',
  reject: 'rejected',
  fail: 'failed',
};

export interface ChaosModel {
  fake: FakeAnthropic;
  /** 200 answers sent per x-agentry-step key (billed by the "API", received or not). */
  billedCount: (key: string) => number;
}

/** A seeded PRNG (mulberry32): the same seed gives the same schedule of latencies and kills. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function between(rand: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + rand() * (hi - lo);
}

export function createChaosModel(opts: { seed: number; latencyMs: readonly [number, number]; maxRequests: number }): ChaosModel {
  const rand = prng(opts.seed ^ 0x5eed);
  const fake = createFakeAnthropic();
  const respond = async (req: FakeRequest): Promise<FakeReply> => {
    await new Promise((r) => setTimeout(r, between(rand, opts.latencyMs)));
    return answer(opts.seed, req);
  };
  // The fake is strict (an unscripted request fails loudly): script more than the run can use.
  fake.script(...Array.from({ length: opts.maxRequests }, () => ({ respond })));
  return {
    fake,
    billedCount: (key) => (fake.billed.get(key)?.input_tokens ?? 0) / USAGE.input_tokens,
  };
}

function answer(seed: number, req: FakeRequest): FakeReply {
  const key = req.headers['x-agentry-step'] ?? '';
  const fate = fateOf(seed, key.split(':')[0] ?? '');
  const round = Number(/:r(\d+):/.exec(key)?.[1] ?? '1');
  const { agent, input } = decode(req);
  if (agent === 'marketing' && fate === 'fail') return { status: 400 };
  if (agent === 'coordinator') {
    const decision = fate === 'reject' ? 'reject' : fate === 'rework' && round === 1 ? 'revise' : 'approve';
    return { json: { decision, reasons: [`chaos fate: ${fate}`], followUps: ['none'], confidence: 0.9, rationale: 'Decided by the chaos seed.' }, usage: USAGE };
  }
  const output = (RESPONDERS[agent] as (input: unknown, confidence: number) => object)(input, 0.9);
  if (agent !== 'reviewer') return { json: output, usage: USAGE };
  const revise = fate === 'revise' && round === 1;
  const issues = revise ? [{ severity: 'high', quote: 'Chaos', fix: 'Say what the reader gets, plainly.' }] : [];
  return { json: { ...output, verdict: revise ? 'revise' : 'approve', score: revise ? 5 : 8, issues }, usage: USAGE };
}

/** Which agent a request is for (its output schema, named in the system prompt) and its input. */
function decode(req: FakeRequest): { agent: AgentKind; input: unknown } {
  const system = JSON.stringify(req.body['system'] ?? '');
  const agent = AGENT_KINDS.find((k) => system.includes(`JSON Schema (${k}.output)`));
  if (agent === undefined) throw new Error('the request names no known output schema');
  const messages = req.body['messages'] as readonly { content: unknown }[];
  const first = messages[0]?.content;
  const match = /<input>\n([\s\S]*)\n<\/input>/.exec(typeof first === 'string' ? first : '');
  if (match?.[1] === undefined) throw new Error(`${agent} request has no <input> block`);
  return { agent, input: JSON.parse(match[1]) as unknown };
}

import { describe, expect, it, onTestFinished } from 'vitest';
import type { AnthropicModelOptions } from '../../../agents/client/anthropic.js';
import { canonicalJson } from '../../../agents/client/canonical.js';
import { estimateInputTokens, estimateTokens, REPAIR_MESSAGE_TOKENS } from '../../../agents/client/estimate.js';
import { DEFAULT_PRICES } from '../../../agents/client/prices.js';
import type { FakeStep } from '../../support/fake-anthropic.js';
import { PROBE_ANSWER, probeRequest, startProbeRig } from '../../support/probe-model.js';

async function rig(steps: FakeStep[], opts: Omit<AnthropicModelOptions, 'baseURL' | 'apiKey'> = {}) {
  const r = await startProbeRig(steps, opts);
  onTestFinished(() => r.close());
  return r;
}

// The bytes of `"system":[…]` exactly as the SDK put them on the wire.
function rawSystem(raw: string): string {
  return raw.slice(raw.indexOf('"system":'), raw.indexOf(',"messages":'));
}

describe('cost and usage', () => {
  it('sums usage over every round and prices it with the table (sonnet-4-6: 3/15/3.75/0.3)', async () => {
    const { fake, model } = await rig([
      { json: { answer: 7 }, usage: { input_tokens: 1000, output_tokens: 200, cache_creation_input_tokens: 4000, cache_read_input_tokens: 0 } },
      { json: PROBE_ANSWER, usage: { input_tokens: 1100, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 4000 } },
    ]);
    const res = await model.call(probeRequest());
    expect(res.usage).toEqual({ inputTokens: 2100, outputTokens: 300, cacheWriteTokens: 4000, cacheReadTokens: 4000 });
    // (2100×3 + 300×15 + 4000×3.75 + 4000×0.3) / 1e6 = 27000 / 1e6
    expect(res.costUsd).toBe(0.027);
    const billed = fake.billed.get('task-1:probe:0');
    expect(billed).toEqual({ input_tokens: 2100, output_tokens: 300, cache_creation_input_tokens: 4000, cache_read_input_tokens: 4000 });
    fake.assertComplete();
  });

  it('merges configured prices over the defaults', async () => {
    const usage = { input_tokens: 1_000_000, output_tokens: 1_000_000, cache_creation_input_tokens: 1_000_000, cache_read_input_tokens: 1_000_000 };
    const { fake, model } = await rig([{ json: PROBE_ANSWER, usage }, { json: PROBE_ANSWER, usage }], {
      prices: { 'claude-custom-1': { input: 1, output: 2, cacheWrite: 3, cacheRead: 4 }, 'claude-haiku-4-5': { input: 10, output: 10, cacheWrite: 10, cacheRead: 10 } },
    });
    expect((await model.call(probeRequest({ model: 'claude-custom-1' }))).costUsd).toBe(10);
    expect((await model.call(probeRequest({ model: 'claude-haiku-4-5' }))).costUsd).toBe(40);
    fake.assertComplete();
  });

  it('keeps the cached prefix byte-identical across calls with different inputs', async () => {
    const { fake, model } = await rig([{ json: PROBE_ANSWER }, { json: PROBE_ANSWER }, { json: PROBE_ANSWER }]);
    const first = await model.call(probeRequest({ input: { question: 'a?' } }));
    const second = await model.call(probeRequest({ input: { question: 'b, with more words?' }, stepKey: 'task-2:probe:0' }));
    const [a, b] = fake.calls;
    expect(rawSystem(a!.raw)).not.toBe('');
    expect(rawSystem(b!.raw)).toBe(rawSystem(a!.raw));
    expect(JSON.stringify(b!.body['output_config'])).toBe(JSON.stringify(a!.body['output_config']));
    expect(a!.raw).not.toBe(b!.raw);
    // The fake caches by exact prefix: the first call writes, the second reads.
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(second.usage).toMatchObject({ cacheWriteTokens: 0, cacheReadTokens: first.usage.cacheWriteTokens });
    // A different role prompt is a different prefix.
    const third = await model.call(probeRequest({ system: 'Another role.' }));
    expect(third.usage.cacheWriteTokens).toBeGreaterThan(0);
    fake.assertComplete();
  });

  it('serialises JSON with sorted keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('worstCaseCost', () => {
  it('prices every round at maxTokens, with the conversation growing on each repair', async () => {
    const { fake, model } = await rig([]);
    const req = probeRequest({ maxTokens: 1000 });
    const base = estimateInputTokens(req);
    const p = DEFAULT_PRICES['claude-sonnet-4-6']!;
    let expected = 0;
    for (const k of [0, 1, 2]) expected += (base + k * (1000 + REPAIR_MESSAGE_TOKENS)) * p.cacheWrite + 1000 * p.output;
    expect(model.worstCaseCost(req)).toBeCloseTo(expected / 1e6, 12);
    // Never below the simple bound: (1 + repairs) × (input at list price + maxTokens output).
    expect(model.worstCaseCost(req)).toBeGreaterThan((3 * (base * p.input + 1000 * p.output)) / 1e6);
    fake.assertComplete();
  });

  it('is no smaller than the cost of the worst call the fake can bill', async () => {
    const req = probeRequest({ maxTokens: 500 });
    const tokens = estimateInputTokens(req);
    const usage = { input_tokens: 0, output_tokens: 500, cache_creation_input_tokens: tokens, cache_read_input_tokens: 0 };
    const { fake, model } = await rig([{ text: 'no', usage }, { text: 'no', usage }, { json: PROBE_ANSWER, usage }]);
    const res = await model.call(req);
    expect(res.repairs).toBe(2);
    expect(res.costUsd).toBeLessThanOrEqual(model.worstCaseCost(req));
    fake.assertComplete();
  });

  it('estimates tokens deterministically from UTF-8 bytes', () => {
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('abcd')).toBe(2);
    expect(estimateTokens('é')).toBe(1);
    expect(estimateInputTokens(probeRequest())).toBe(estimateInputTokens(probeRequest()));
    expect(estimateInputTokens(probeRequest(), 'tool')).toBeGreaterThan(estimateInputTokens(probeRequest()));
  });
});

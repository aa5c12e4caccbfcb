import { describe, expect, it, onTestFinished } from 'vitest';
import { ModelCallError } from '../../../core/errors.js';
import { createAnthropicModel } from '../../../agents/client/anthropic.js';
import type { AnthropicModelOptions } from '../../../agents/client/anthropic.js';
import type { FakeStep } from '../../support/fake-anthropic.js';
import { PROBE_ANSWER, probeRequest, startProbeRig } from '../../support/probe-model.js';

async function rig(steps: FakeStep[], opts: Omit<AnthropicModelOptions, 'baseURL' | 'apiKey'> = {}) {
  const r = await startProbeRig(steps, opts);
  onTestFinished(() => r.close());
  return r;
}

async function failure(p: Promise<unknown>): Promise<ModelCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelCallError);
  return err as ModelCallError;
}

// Tiny retry-after values keep the SDK's real backoff out of the test's wall time.
describe('SDK retries are counted in attempts', () => {
  it('retries 429 (honouring retry-after) and 529, then succeeds', async () => {
    const { fake, model } = await rig([{ status: 429, retryAfter: 0.01 }, { status: 529, retryAfter: 0.01 }, { json: PROBE_ANSWER }]);
    const res = await model.call(probeRequest());
    expect(res).toMatchObject({ output: PROBE_ANSWER, attempts: 3, repairs: 0 });
    // Every attempt is the same request: retries resend the same body and step header.
    expect(new Set(fake.calls.map((c) => c.raw)).size).toBe(1);
    expect(fake.calls.map((c) => c.headers['x-stainless-retry-count'])).toEqual(['0', '1', '2']);
    fake.assertComplete();
  });

  it('gives up after maxRetries with MODEL_RATE_LIMITED (retryable), keeping status and request id', async () => {
    const steps: FakeStep[] = [0, 1, 2].map(() => ({ status: 429, retryAfter: 0.01 }));
    const { fake, model } = await rig(steps);
    const err = await failure(model.call(probeRequest()));
    expect(err).toMatchObject({ code: 'MODEL_RATE_LIMITED', retryable: true, status: 429 });
    expect(err.details).toMatchObject({ status: 429, requestId: 'req_fake_3', attempts: 3, costUsd: 0, stepKey: 'task-1:probe:0' });
    fake.assertComplete();
  });

  it('classifies exhausted 529 as MODEL_OVERLOADED', async () => {
    const { fake, model } = await rig([{ status: 529, retryAfter: 0.01 }], { maxRetries: 0 });
    const err = await failure(model.call(probeRequest()));
    expect(err).toMatchObject({ code: 'MODEL_OVERLOADED', retryable: true, status: 529, details: { apiErrorType: 'overloaded_error' } });
    fake.assertComplete();
  });

  it.each([
    [400, 'MODEL_BAD_REQUEST'],
    [401, 'MODEL_AUTH'],
  ] as const)('does not retry %i (%s)', async (status, code) => {
    const { fake, model } = await rig([{ status }]);
    const err = await failure(model.call(probeRequest()));
    expect(err).toMatchObject({ code, retryable: false, status, details: { attempts: 1 } });
    expect(fake.calls).toHaveLength(1);
    fake.assertComplete();
  });
});

describe('timeouts and cancellation', () => {
  it('times out a hanging request as MODEL_TIMEOUT', async () => {
    const { fake, model } = await rig([{ hang: true }], { maxRetries: 0 });
    const started = Date.now();
    const err = await failure(model.call(probeRequest({ timeoutMs: 200 })));
    expect(err).toMatchObject({ code: 'MODEL_TIMEOUT', retryable: true, status: null, details: { attempts: 1 } });
    expect(Date.now() - started).toBeLessThan(3_000);
    fake.assertComplete();
  });

  it('aborts through the caller signal as MODEL_ABORTED', async () => {
    const { fake, model } = await rig([{ hang: true }]);
    const controller = new AbortController();
    const pending = model.call(probeRequest({ signal: controller.signal, timeoutMs: 10_000 }));
    await waitFor(() => fake.calls.length === 1);
    controller.abort();
    const err = await failure(pending);
    expect(err).toMatchObject({ code: 'MODEL_ABORTED', retryable: false, details: { attempts: 1 } });
    fake.assertComplete();
  });

  it('an already-aborted signal sends nothing', async () => {
    const { fake, model } = await rig([]);
    const err = await failure(model.call(probeRequest({ signal: AbortSignal.abort() })));
    expect(err.code).toBe('MODEL_ABORTED');
    expect(fake.calls).toHaveLength(0);
    fake.assertComplete();
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe('the whole-call deadline', () => {
  it('turns a long retry-after wait into MODEL_TIMEOUT instead of holding the step', async () => {
    // Deadline = timeoutMs × (1 + maxRetries) × (1 + repairAttempts) = 100 × 3 × 1 = 300 ms.
    const { fake, model } = await rig([{ status: 429, retryAfter: 60 }], { repairAttempts: 0 });
    const started = Date.now();
    const err = await failure(model.call(probeRequest({ timeoutMs: 100 })));
    expect(err).toMatchObject({ code: 'MODEL_TIMEOUT', details: { attempts: 1 } });
    expect(Date.now() - started).toBeLessThan(3_000);
    fake.assertComplete();
  });
});

describe('missing credentials', () => {
  it('is MODEL_UNAVAILABLE, not a bug, and sends nothing', async () => {
    const { fake } = await rig([]);
    const saved = { key: process.env['ANTHROPIC_API_KEY'], token: process.env['ANTHROPIC_AUTH_TOKEN'] };
    delete process.env['ANTHROPIC_API_KEY'];
    delete process.env['ANTHROPIC_AUTH_TOKEN'];
    onTestFinished(() => {
      if (saved.key !== undefined) process.env['ANTHROPIC_API_KEY'] = saved.key;
      if (saved.token !== undefined) process.env['ANTHROPIC_AUTH_TOKEN'] = saved.token;
    });
    const model = createAnthropicModel({ baseURL: 'http://127.0.0.1:9' });
    const err = await failure(model.call(probeRequest()));
    expect(err).toMatchObject({ code: 'MODEL_UNAVAILABLE', retryable: false, details: { attempts: 0 } });
    fake.assertComplete();
  });
});

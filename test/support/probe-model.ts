// A model client wired to a fresh fake Anthropic server, with the probe schemas: the smallest
// end-to-end rig for model-client tests (no vitest import, so it can ship under ./testing).
import { createAnthropicModel } from '../../agents/client/anthropic.js';
import type { AnthropicModelOptions } from '../../agents/client/anthropic.js';
import type { StructuredCallRequest, StructuredModel } from '../../agents/client/types.js';
import { createFakeAnthropic } from './fake-anthropic.js';
import type { FakeAnthropic, FakeStep } from './fake-anthropic.js';

export const PROBE_ANSWER = Object.freeze({ answer: '42', confidence: 0.9, rationale: 'Six times seven is forty-two.' });

export function probeRequest(overrides: Partial<StructuredCallRequest> = {}): StructuredCallRequest {
  return {
    agent: 'reviewer',
    stepKey: 'task-1:probe:0',
    model: 'claude-sonnet-4-6',
    system: 'You answer short questions precisely.',
    inputSchema: 'probe.input',
    outputSchema: 'probe.output',
    input: { question: 'What is 6 x 7?' },
    maxTokens: 1024,
    timeoutMs: 5_000,
    ...overrides,
  };
}

export interface ProbeRig {
  fake: FakeAnthropic;
  model: StructuredModel;
  close(): Promise<void>;
}

/** Starts a fake scripted with `steps` and a client pointed at it (maxRetries 2 unless overridden). */
export async function startProbeRig(steps: FakeStep[], opts: Omit<AnthropicModelOptions, 'baseURL' | 'apiKey'> = {}): Promise<ProbeRig> {
  const fake = createFakeAnthropic(steps);
  const server = await fake.start();
  const model = createAnthropicModel({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 2, ...opts });
  return { fake, model, close: () => server.close() };
}

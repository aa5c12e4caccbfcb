import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createFakeAnthropic } from '../../support/fake-anthropic.js';
import type { FakeStep } from '../../support/fake-anthropic.js';

async function sdk(steps: FakeStep[]) {
  const fake = createFakeAnthropic(steps);
  const server = await fake.start();
  onTestFinished(() => server.close());
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 2, logLevel: 'off' });
  const ask = () => client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
  return { fake, ask };
}

describe('fake Anthropic server (strict, scripted)', () => {
  it('fails loudly on an extra request: HTTP 500 without retries, and assertComplete throws', async () => {
    const { fake, ask } = await sdk([{ text: 'one' }]);
    await ask();
    await expect(ask()).rejects.toMatchObject({ status: 500 });
    expect(fake.calls).toHaveLength(2);
    expect(fake.unexpected).toEqual(['request #2: no scripted step left']);
    expect(() => fake.assertComplete()).toThrow(/no scripted step left/);
  });

  it('assertComplete throws on unused steps', async () => {
    const { fake, ask } = await sdk([{ text: 'one' }, { text: 'two' }]);
    await ask();
    expect(() => fake.assertComplete()).toThrow(/1 scripted step\(s\) never used/);
  });

  it('records frozen calls, runs responders, and bills only answered 200s', async () => {
    const { fake, ask } = await sdk([{ status: 400 }, { respond: (req) => ({ text: `model was ${String(req.body['model'])}` }) }]);
    await expect(ask()).rejects.toMatchObject({ status: 400 });
    const msg = await ask();
    expect(msg.content).toEqual([{ type: 'text', text: 'model was claude-haiku-4-5' }]);
    expect(msg.usage).toMatchObject({ input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(Object.isFrozen(fake.calls[0])).toBe(true);
    expect(Object.isFrozen(fake.calls[0]!.body['messages'])).toBe(true);
    expect(fake.calls[0]!.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect([...fake.billed]).toEqual([['(none)', { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }]]);
    fake.assertComplete();
  });
});

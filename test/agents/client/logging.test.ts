import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PROBE_ANSWER, probeRequest, startProbeRig } from '../../support/probe-model.js';

function sink(level: string) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

const SECRET_QUESTION = 'what is the launch code?';

describe('model client logging', () => {
  it.each([
    ['info', false],
    ['debug', true],
  ] as const)('at %s, prompts and outputs logged: %s; the key never', async (level, promptsLogged) => {
    const { logger, lines } = sink(level);
    const r = await startProbeRig([{ text: 'not json' }, { json: PROBE_ANSWER }], { logger });
    onTestFinished(() => r.close());
    await r.model.call(probeRequest({ input: { question: SECRET_QUESTION } }));
    const all = lines.join('\n');
    expect(all.includes(SECRET_QUESTION)).toBe(promptsLogged);
    expect(all.includes(PROBE_ANSWER.rationale)).toBe(promptsLogged);
    expect(all).not.toContain('sk-ant-test');
    const done = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'model call done');
    expect(done).toMatchObject({ stepKey: 'task-1:probe:0', repairs: 1, attempts: 2 });
    r.fake.assertComplete();
  });
});

describe('model client failure logging', () => {
  it('at info, a failed call logs its code and cost but not the rejected output', async () => {
    const { logger, lines } = sink('info');
    const leaked = 'THE-LEAKED-ANSWER';
    const bad = { answer: leaked, confidence: 9, rationale: 'r' };
    const r = await startProbeRig([{ json: bad }], { logger, repairAttempts: 0 });
    onTestFinished(() => r.close());
    await expect(r.model.call(probeRequest())).rejects.toMatchObject({ code: 'INVALID_OUTPUT' });
    const all = lines.join('\n');
    expect(all).not.toContain(leaked);
    const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l['msg']).startsWith('model call failed'));
    expect(failed).toMatchObject({ code: 'INVALID_OUTPUT', attempts: 1, stepKey: 'task-1:probe:0' });
    // What was invalid, without quoting the output.
    expect(failed?.['issues']).toEqual([expect.stringMatching(/^confidence: expected /)]);
    expect(failed?.['msg']).toBe('model call failed: INVALID_OUTPUT (1 schema issue)');
    r.fake.assertComplete();
  });
});

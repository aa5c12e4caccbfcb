// pino done the pino way: NDJSON lines, secrets redacted, errors under `err`, children bound.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRootLogger } from '../../core/logger.js';

function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('redacts keys, tokens and authorization headers', () => {
    const s = sink();
    const log = createRootLogger({ destination: s.stream, level: 'info' });
    log.info({ apiKey: 'sk-ant-api03-secret', req: { headers: { authorization: 'Bearer abc', 'x-api-key': 'k' } }, client: { token: 't' } }, 'calling');
    const [line] = s.lines();
    expect(line).toMatchObject({
      msg: 'calling',
      svc: 'agentry',
      apiKey: '[REDACTED]',
      req: { headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]' } },
      client: { token: '[REDACTED]' },
    });
    expect(JSON.stringify(line)).not.toContain('sk-ant-api03-secret');
  });

  it('binds a child to its actor id and logs errors under err', () => {
    const s = sink();
    const child = createRootLogger({ destination: s.stream }).child({ actorId: 'marketing' });
    child.error({ err: new Error('boom') }, 'actor failed');
    const [line] = s.lines();
    expect(line).toMatchObject({ actorId: 'marketing', msg: 'actor failed', err: { message: 'boom', type: 'Error' } });
  });

  it('keeps prompts out of info-level output', () => {
    const s = sink();
    const log = createRootLogger({ destination: s.stream, level: 'info' });
    log.debug({ prompt: 'You are the marketing agent…' }, 'request');
    log.info('ready');
    expect(s.lines().map((l) => l['msg'])).toEqual(['ready']);
  });
});

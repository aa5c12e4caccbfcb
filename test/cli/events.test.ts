import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../machines/events.js';
import { parseJson, runningProject } from './harness.js';
import type { Capture, Running } from './harness.js';
import { until } from '../support/until.js';


describe('agentry events / event emit / learn', () => {
  let p: Running;
  beforeEach(async () => {
    p = await runningProject();
  });
  afterEach(() => p.close());

  it('events --json prints the recent events as one JSON array, honouring --after and --limit', async () => {
    const r = await p.run(['events', '--json', '--after', '1', '--limit', '10']);
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout)).toEqual([{ seq: 2, event: expect.objectContaining({ type: 'task.created', taskId: 't-1' }) }]);
    expect(p.fake.callsOf('events')[0]?.args).toEqual([{ after: 1, limit: 10 }]);
  });

  it('events prints one aligned row per event', async () => {
    const r = await p.run(['events']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SEQ +TIME +TYPE +TASK +DETAILS$/m);
    expect(r.stdout).toMatch(/^ {2}2 +\d\d:\d\d:\d\d +task\.created +t-1 +workflow=content priority=P2 source=cli$/m);
  });

  it('events --follow --json streams NDJSON, one line per new event, until interrupted (exit 0)', async () => {
    const controller = new AbortController();
    let out: Capture | undefined;
    const done = p.run(['events', '--follow', '--json'], { signal: controller.signal, onStdout: (c) => (out = c) });
    await until(() => p.fake.listenerCount() > 0, 'the stream to subscribe');
    p.fake.publish(createEvent('task.blocked', { taskId: 't-1', waitingFor: [] }, Date.parse('2026-01-05T09:10:00Z')));
    p.fake.publish(createEvent('task.blocked', { taskId: 't-2', waitingFor: [] }, Date.parse('2026-01-05T09:11:00Z')));
    await until(() => (out?.text.split('\n').length ?? 0) > 2, 'two lines');
    controller.abort();
    const r = await done;
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => parseJson(l));
    expect(lines).toEqual([
      { seq: 3, event: { type: 'task.blocked', at: '2026-01-05T09:10:00.000Z', taskId: 't-1', waitingFor: [] } },
      { seq: 4, event: { type: 'task.blocked', at: '2026-01-05T09:11:00.000Z', taskId: 't-2', waitingFor: [] } },
    ]);
  });

  it('events --follow prints human lines', async () => {
    const controller = new AbortController();
    let out: Capture | undefined;
    const done = p.run(['events', '--follow'], { signal: controller.signal, onStdout: (c) => (out = c) });
    await until(() => p.fake.listenerCount() > 0, 'the stream to subscribe');
    p.fake.publish(createEvent('task.blocked', { taskId: 't-1', waitingFor: [] }, Date.parse('2026-01-05T09:10:00Z')));
    await until(() => out?.text.includes('\n') === true, 'a line');
    controller.abort();
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#3 {2}\d\d:\d\d:\d\d {2}task\.blocked {2}t-1\n$/);
  });

  it('event emit posts the type, data and id, and a repeated id is reported as a duplicate', async () => {
    const first = await p.run(['event', 'emit', 'competitor.rank_drop', '--data', '{"keyword":"tea","drop":4}', '--id', 'gh-1']);
    expect(first).toEqual({ code: 0, stdout: 'event gh-1 (competitor.rank_drop) recorded\n', stderr: '' });
    const again = await p.run(['event', 'emit', 'competitor.rank_drop', '--data', '{"keyword":"tea","drop":4}', '--id', 'gh-1', '--json']);
    expect(parseJson(again.stdout)).toEqual({ eventId: 'gh-1', duplicate: true, outcome: 'recorded', taskIds: [] });
    expect(p.fake.callsOf('emitEvent')[0]?.args).toEqual([{ type: 'competitor.rank_drop', data: { keyword: 'tea', drop: 4 }, id: 'gh-1' }]);
  });

  it('event emit with --data that is not an object exits 2', async () => {
    const r = await p.run(['event', 'emit', 'keyword.spike', '--data', '[1,2]']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'agentry: --data must be a JSON object, got an array\n' });
  });

  it('learn hides n=0 rows unless --all, gives the full rule with --verbose, and the exact report with --json', async () => {
    const human = await p.run(['learn']);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(
      [
        '  KEY                                    VALUE   N  SOURCE · RULE',
        '  confidenceThreshold:marketing/content  0.8    12  learned · lowest safe threshold',
        '',
        '1 value with no evidence yet (n=0) not shown; --all shows them',
        '',
      ].join('\n'),
    );
    expect((await p.run(['learn', '--all'])).stdout).toContain('  model:marketing                        claude-sonnet-5-5   0  config · too little evidence\n');
    const verbose = (await p.run(['learn', '--verbose'])).stdout;
    expect(verbose).toContain('      evidence: n=12 wrongRate=4%\n      rule: lowest threshold under 5% wrong approvals\n');
    const json = await p.run(['learn', '--json']);
    expect((parseJson(json.stdout) as { values: { evidence: { wrongRate: number } }[] }).values[0]?.evidence.wrongRate).toBe(0.04);
  });
});

describe('agentry events --follow when the supervisor stops', () => {
  it('exits 1 with one line: the stream ended', async () => {
    const p = await runningProject();
    const done = p.run(['events', '--follow']);
    await until(() => p.fake.listenerCount() > 0, 'the stream to subscribe');
    await p.close();
    const r = await done;
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'agentry: the event stream ended: the supervisor stopped\n' });
  });
});

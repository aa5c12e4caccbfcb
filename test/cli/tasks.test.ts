import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page, TaskView } from '../../server/contract.js';
import { parseJson, runningProject } from './harness.js';
import type { Running } from './harness.js';

describe('agentry task create / task show / tasks', () => {
  let p: Running;
  beforeEach(async () => {
    p = await runningProject();
  });
  afterEach(() => p.close());

  it('task create posts the workflow, input, priority and dependencies and prints the new task, recorded as source cli', async () => {
    const r = await p.run(['task', 'create', '--workflow', 'lead', '--input', '{"company":"Acme"}', '--priority', 'P1', '--depends-on', 't-1, t-3']);
    expect(r).toEqual({ code: 0, stdout: 'created task t-4 (lead, P1, pending, waits for t-1, t-3)\n', stderr: '' });
    expect(p.fake.callsOf('createTask')[0]?.args).toEqual([{ workflow: 'lead', input: { company: 'Acme' }, priority: 'P1', dependsOn: ['t-1', 't-3'] }, 'cli']);
  });

  it('task create --idempotency-key sends the key with the request', async () => {
    const r = await p.run(['task', 'create', '--workflow', 'lead', '--input', '{"company":"Acme"}', '--idempotency-key', 'crm-lead-991']);
    expect(r.code).toBe(0);
    expect(p.fake.callsOf('createTask')[0]?.args).toEqual([{ workflow: 'lead', input: { company: 'Acme' }, idempotencyKey: 'crm-lead-991' }, 'cli']);
  });

  it('task create --json prints the created task view', async () => {
    const r = await p.run(['task', 'create', '--workflow', 'content', '--input', '{"topic":"x"}', '--json']);
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout)).toMatchObject({ id: 't-4', workflow: 'content', status: 'pending', input: { topic: 'x' } });
  });

  it('task create with bad --input JSON exits 2 with one line and an example, without calling the server', async () => {
    const r = await p.run(['task', 'create', '--workflow', 'content', '--input', '{topic: x}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^agentry: --input is not valid JSON \(.+\) \(pass an object, e\.g\. --input '\{"topic":"launch"\}'\)\n$/);
    expect(p.fake.callsOf('createTask')).toHaveLength(0);
  });

  it('a schema error from the server exits 2 with the issue line', async () => {
    const r = await p.run(['task', 'create', '--workflow', 'content', '--input', '{}', '--priority', 'P9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('agentry: api.create-task failed validation:\n  priority: expected one of "P0", "P1", "P2", "P3", got "P9"\n');
  });

  it('the schema error with --json carries the code and the issues', async () => {
    const r = await p.run(['task', 'create', '--workflow', 'content', '--input', '{}', '--priority', 'P9', '--json']);
    expect(r.code).toBe(2);
    expect(parseJson(r.stdout)).toEqual({
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('priority'), issues: ['priority: expected one of "P0", "P1", "P2", "P3", got "P9"'] },
    });
  });

  it('task create without --workflow is a usage error (exit 2) with the usage line', async () => {
    const r = await p.run(['task', 'create', '--input', '{}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('agentry: --workflow is required\nusage: agentry task create --workflow W --input JSON [--priority P] [--depends-on ID,...] [--idempotency-key KEY] [--wait]\n');
  });

  it('tasks lists every task as a table with a parent column, and passes the filters to the server', async () => {
    const all = await p.run(['tasks']);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^ID +WORKFLOW +STATUS +PRIO +PARENT +STEP +COST +UPDATED$/);
    expect(all.stdout).toMatch(/^t-2 +content +awaiting_approval +P2 +- +- +\$0\.00 +12m ago$/m);
    const some = await p.run(['tasks', '--status', 'completed', '--limit', '5', '--json']);
    expect((parseJson(some.stdout) as Page<TaskView>).items.map((t) => t.id)).toEqual(['t-3']);
    expect(p.fake.callsOf('queryTasks').at(-1)?.args).toEqual([{ status: 'completed', limit: 5 }]);
    await p.run(['tasks', '--workflow', 'content', '--since', '2026-01-01', '--search', 'launch', '--parent', 't-1', '--after', 'c1']);
    expect(p.fake.callsOf('queryTasks').at(-1)?.args).toEqual([{ workflow: 'content', since: '2026-01-01', search: 'launch', parentId: 't-1', after: 'c1' }]);
  });

  it('tasks says how to get the next page', async () => {
    const r = await p.run(['tasks', '--limit', '2']);
    expect(r.stdout).toMatch(/\nmore: agentry tasks --after 2\n$/);
  });

  it('task cancel and task retry say what happened', async () => {
    expect(await p.run(['task', 'cancel', 't-2', '--reason', 'wrong brief'])).toEqual({ code: 0, stdout: 'cancelled task t-2 (content)\n', stderr: '' });
    expect(p.fake.callsOf('cancelTask')[0]?.args).toEqual(['t-2', { reason: 'wrong brief' }]);
    const again = await p.run(['task', 'cancel', 't-2']);
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'agentry: task t-2 is already cancelled\n' });
    expect((await p.run(['task', 'retry', 't-2'])).stdout).toBe('retrying t-2 as task t-4 (content, pending)\n');
  });

  it('task show --raw prints the JSON', async () => {
    const r = await p.run(['task', 'show', 't-2', '--raw']);
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout)).toMatchObject({ id: 't-2', status: 'awaiting_approval' });
  });

  it('tasks --limit 0 is refused before any call (exit 2)', async () => {
    const r = await p.run(['tasks', '--limit', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--limit must be an integer ≥ 1, got "0"');
  });

  it('task show prints the task with its approval', async () => {
    const r = await p.run(['task', 'show', 't-2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^task t-2\n/);
    expect(r.stdout).toMatch(/^Decision\n {2}a-1 publish: pending\n {4}deadline .* \(due in 48m\), then the reject fallback$/m);
  });

  it('task show of an unknown id exits 1 with "no task …"', async () => {
    const r = await p.run(['task', 'show', 't-99']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'agentry: no task "t-99"\n' });
  });
});

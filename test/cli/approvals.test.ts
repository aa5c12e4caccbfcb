import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalView, Page } from '../../server/contract.js';
import { parseJson, runningProject } from './harness.js';
import type { Running } from './harness.js';

describe('agentry approvals / approve / reject', () => {
  let p: Running;
  beforeEach(async () => {
    p = await runningProject();
  });
  afterEach(() => p.close());

  it('approvals lists them with age and time to deadline; --status filters on the server', async () => {
    const r = await p.run(['approvals']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^a-1 +t-2 +publish +pending +12m ago +due in 48m +- +semi-auto/m);
    const pending = await p.run(['approvals', '--status', 'pending', '--json']);
    expect((parseJson(pending.stdout) as Page<ApprovalView>).items.map((a) => a.id)).toEqual(['a-1']);
    expect(p.fake.callsOf('queryApprovals').at(-1)?.args).toEqual([{ status: 'pending' }]);
  });

  it('approve grants with the note and says so', async () => {
    const r = await p.run(['approve', 'a-1', '--note', 'looks right']);
    expect(r).toEqual({ code: 0, stdout: 'approved a-1 (publish of task t-2): looks right\n', stderr: '' });
    expect(p.fake.callsOf('approve')[0]?.args).toEqual(['a-1', { note: 'looks right' }]);
  });

  it('reject --json returns the decided approval', async () => {
    const r = await p.run(['reject', 'a-1', '--note', 'off-brand', '--json']);
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout)).toMatchObject({ id: 'a-1', status: 'rejected', note: 'off-brand', decidedBy: 'person' });
  });

  it('reject without --note is a usage error (exit 2) and nothing is sent', async () => {
    const r = await p.run(['reject', 'a-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('agentry: --note is required\nusage: agentry reject ID --note TEXT\n');
    expect(p.fake.callsOf('reject')).toHaveLength(0);
  });

  it('deciding twice is a conflict: exit 1 with the server message', async () => {
    await p.run(['approve', 'a-1']);
    const r = await p.run(['approve', 'a-1']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'agentry: approval a-1 is already granted\n' });
  });

  it('approve without an id is a usage error', async () => {
    const r = await p.run(['approve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('agentry: a required argument is missing\nusage: agentry approve ID [--note TEXT] [--edit FILE] [--always]\n');
  });
});

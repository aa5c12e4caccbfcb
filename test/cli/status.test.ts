import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusView } from '../../server/contract.js';
import { parseJson, runningProject, tempProject } from './harness.js';
import type { Running } from './harness.js';

describe('agentry status', () => {
  let p: Running;
  beforeEach(async () => {
    p = await runningProject();
  });
  afterEach(() => p.close());

  it('prints the dashboard: header, queue, pending approvals with age and deadline, spend, today, last actions', async () => {
    const r = await p.run(['status']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('agentry — mode semi · pid 4242 · up 1m · model: OFFLINE');
    expect(lines[1]).toBe('Health  store ok · config ok · model offline');
    expect(r.stdout).toContain('Queue  P0 0 · P1 0 · P2 1 · P3 0  (1 in progress) · 1 awaiting approval');
    expect(r.stdout).toMatch(/^ {2}a-1 +t-2 +publish +12m ago +due in 48m +reject +semi-auto: confidence 0\.62 < 0\.8$/m);
    expect(r.stdout).toContain('Spend today  $0.12 of $5.00 (2%)  [');
    expect(r.stdout).toMatch(/tasks completed +1\n +mean review time +— \(no reviews yet\)\n +needed a person +— \(no gated actions yet\)/);
    expect(r.stdout).toMatch(/^ {2}12m ago +task\.created +t-1 +workflow=content priority=P2 source=cli$/m);
    expect(r.stdout).toContain('SLA breaches: none');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('--json prints the status view as one JSON document', async () => {
    const r = await p.run(['status', '--json']);
    expect(r.code).toBe(0);
    const view = parseJson(r.stdout) as StatusView;
    expect(view.mode).toBe('semi');
    expect(view.approvals.map((a) => a.id)).toEqual(['a-1']);
    expect(view.spend.limitUsd).toBe(5);
  });
});

describe('agentry status without a supervisor', () => {
  it('exits 1 with one line saying it is not running and how to start it', async () => {
    const p = tempProject();
    try {
      const r = await p.run(['status']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^agentry: agentry is not running .*start it with `agentry start`\n$/);
    } finally {
      p.remove();
    }
  });

  it('with --json the error is a JSON document on stdout and the exit code is still 1', async () => {
    const p = tempProject();
    try {
      const r = await p.run(['status', '--json']);
      expect(r.code).toBe(1);
      expect(parseJson(r.stdout)).toEqual({ error: { code: 'NOT_RUNNING', message: expect.stringContaining('agentry start') } });
      expect(r.stderr).toBe('');
    } finally {
      p.remove();
    }
  });
});

describe('agentry status colours', () => {
  it('colours a terminal, and never with NO_COLOR', async () => {
    const p = await runningProject();
    try {
      const tty = await p.run(['status'], { onStdout: (out) => (out.isTTY = true) });
      expect(tty.stdout).toContain('\u001b[1magentry\u001b[22m');
      const plain = await p.run(['status'], { env: { NO_COLOR: '1' }, onStdout: (out) => (out.isTTY = true) });
      expect(plain.stdout).not.toContain('\u001b[');
    } finally {
      await p.close();
    }
  });
});

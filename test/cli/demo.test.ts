// `agentry demo` (issue 6): a whole offline day ends with exit 0, the dashboard and the learning
// report, and says plainly that the model is offline and how to use Claude.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/demo.js';

const cwd = mkdtempSync(join(tmpdir(), 'agentry-demo-cwd-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('agentry demo', () => {
  it('runs the offline day and ends with the dashboard and the learning report', async () => {
    const lines: string[] = [];
    // A latency above the demo's review SLA (30 ms), so the breach happens as it does in `npm run demo`.
    const code = await runDemo({ cwd, json: false, latencyMs: 40, out: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^agentry demo — the model is OFFLINE/);
    expect(text).toContain('set ANTHROPIC_API_KEY');
    for (const happening of ['dependency.resolved', 'event.ignored', 'heal.applied', 'mode.changed', 'approval.timed_out', 'approval.granted', 'sla.exceeded', 'delivery.succeeded']) {
      expect(text).toContain(happening);
    }
    expect(text).toMatch(/The dashboard \(agentry status\):\n\nagentry — mode manual · pid \d+ · up \d+s · model: OFFLINE/);
    expect(text).toContain('What the learning store tuned (agentry learn):');
    // The offline model's simulated cost passes half the daily limit: the 50 % alert, shown as simulated.
    expect(text).toMatch(/budget\.threshold .*percent=50/);
    expect(text).not.toMatch(/budget\.blocked|percent=100/);
    expect(text).toMatch(/Spend today \(simulated cost: offline model\) {2}\$0\.\d+ of \$0\.24 \(\d+%\)/);
    expect(lines.at(-1)).toMatch(/OFFLINE throughout/);
    // The approved pieces are left behind as real files.
    const files = lines.filter((l) => l.startsWith('  outputs/')).map((l) => join(cwd, l.trim()));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) expect(existsSync(f) && readFileSync(f, 'utf8')).toMatch(/^---\ntask: "t_/);
  });
});

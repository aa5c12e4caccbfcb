import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Check } from '../../cli/commands/doctor-checks.js';
import { parseJson, runningProject, tempProject } from './harness.js';

const byName = (checks: Check[]): Record<string, Check> => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('agentry doctor', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('--json gives {ok, checks: [{name, ok, essential, message, hint?}]}; ok and exit 0 when the essentials pass', async () => {
    const p = await runningProject();
    cleanups.push(() => p.close());
    const r = await p.run(['doctor', '--json']);
    expect(r.code).toBe(0);
    const doc = parseJson(r.stdout) as { ok: boolean; checks: Check[] };
    expect(doc.ok).toBe(true);
    const checks = doc.checks;
    expect(checks.map((c) => [c.name, c.ok, c.essential])).toEqual([
      ['node', true, true],
      ['config', true, true],
      ['state', true, true],
      ['supervisor', true, true],
      ['api-key', true, false],
      ['hooks', false, false],
      ['learning', true, false],
    ]);
    // A passing check has no hint; a failing one says what to do.
    expect(checks.map((c) => Object.keys(c).sort().join(' '))).toEqual([
      ...Array<string>(5).fill('essential message name ok'),
      'essential hint message name ok',
      'essential message name ok',
    ]);
    const c = byName(checks);
    expect(c['supervisor']).toMatchObject({ ok: true, essential: true, message: expect.stringContaining('pid 4242') });
    expect(c['api-key']).toMatchObject({ ok: true, message: 'no ANTHROPIC_API_KEY: the supervisor runs the offline model' });
    expect(c['hooks']).toEqual({ name: 'hooks', ok: false, essential: false, message: 'no agentry hooks in Claude Code settings', hint: 'run `agentry hooks install`' });
  });

  it('finds installed hooks and a key, and never prints the key', async () => {
    const p = await runningProject();
    cleanups.push(() => p.close());
    await p.run(['hooks', 'install', '--scope', 'local']);
    const r = await p.run(['doctor'], { env: { ANTHROPIC_API_KEY: 'sk-ant-secret' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ hooks: hooks installed: local (12 handlers)\n');
    expect(r.stdout).toContain('✓ api-key: ANTHROPIC_API_KEY is set\n');
    expect(r.stdout).not.toContain('sk-ant-secret');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('all essential checks pass');
  });

  it('warns when the http hooks’ token variable is not set where it runs', async () => {
    const p = tempProject();
    cleanups.push(() => p.remove());
    writeFileSync(join(p.dir, 'agentry.config.json'), JSON.stringify({ version: 1, server: { tcp: { enabled: true, port: 4141 } } }));
    await p.run(['hooks', 'install', '--scope', 'local', '--transport', 'http']);
    const without = byName((parseJson((await p.run(['doctor', '--json'])).stdout) as { checks: Check[] }).checks)['hooks'];
    expect(without).toMatchObject({ ok: false, essential: false });
    expect(without?.message).toContain('the http hooks send $AGENTRY_TOKEN, which is not set here, so they would get 401');
    expect(without?.hint).toContain('export AGENTRY_TOKEN="$(cat ');
    const withToken = byName((parseJson((await p.run(['doctor', '--json'], { env: { AGENTRY_TOKEN: 't0k' } })).stdout) as { checks: Check[] }).checks)['hooks'];
    expect(withToken).toMatchObject({ ok: true, message: 'hooks installed: local (11 handlers)' });
  });

  it('exits 1 when the supervisor is not reachable, with the fix', async () => {
    const p = tempProject();
    cleanups.push(() => p.remove());
    const r = await p.run(['doctor']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ supervisor: no supervisor answers on .*\n {4}→ start it with `agentry start`$/m);
    expect(r.stdout).toMatch(/^! api-key: ANTHROPIC_API_KEY is not set: agentry start would refuse model work \(MODEL_UNAVAILABLE\)$/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 essential check failed');
  });

  it('flags a state folder others can read, and an invalid config, as essential failures', async () => {
    const p = tempProject();
    cleanups.push(() => p.remove());
    mkdirSync(join(p.dir, '.agentry'));
    chmodSync(join(p.dir, '.agentry'), 0o755);
    writeFileSync(join(p.dir, 'agentry.config.json'), '{"version": 1, "mode": "turbo"}');
    const r = await p.run(['doctor', '--json']);
    expect(r.code).toBe(1);
    const doc = parseJson(r.stdout) as { ok: boolean; checks: Check[] };
    expect(doc.ok).toBe(false);
    const c = byName(doc.checks);
    expect(c['state']).toMatchObject({ ok: false, essential: true, hint: `chmod 700 ${join(p.dir, '.agentry')}` });
    expect(c['config']).toMatchObject({ ok: false, essential: true, hint: 'run `agentry config validate` to see every issue' });
  });
});

// hooks/client.ts with injected stdio and real temp folders: the supervisor first, then the
// spool and the local policy when it cannot answer.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TRIED_ENV, runHook } from '../../hooks/client.js';
import { MAX_INPUT_BYTES } from '../../hooks/protocol.js';
import { parseSpoolLine } from '../../hooks/spool.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { startApiServer } from '../../server/http-server.js';
import type { ApiServer } from '../../server/http-server.js';
import { createFakeSupervisor } from '../support/fake-supervisor.js';
import type { FakeSupervisor } from '../support/fake-supervisor.js';
import { GHP, type TempProject, hookPayload, memoryIo, oneJson, plainWrite, secretWrite, tempProject } from './client-rig.js';

const NOW = Date.parse('2026-03-02T09:00:00Z');

let p: TempProject;
let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  p.remove();
});

async function run(event: string, stdin: string | Buffer, env: Record<string, string | undefined> = {}) {
  const m = memoryIo(stdin, p.project, env);
  const code = await runHook(event, m.io, { now: () => NOW, timeoutMs: 2000 });
  return { code, stdout: m.stdout(), stderr: m.stderr(), json: oneJson(m.stdout()) };
}

function specific(json: Record<string, unknown> | null): Record<string, unknown> {
  return (json?.['hookSpecificOutput'] ?? {}) as Record<string, unknown>;
}

async function startFake(): Promise<FakeSupervisor> {
  const fake = createFakeSupervisor();
  server = await startApiServer(fake, { stateDir: p.state, deliveryStore: createMemoryDeliveryStore() });
  return fake;
}

describe('hook client, supervisor down', () => {
  it('denies a Write holding a GitHub token, naming rule and line, and spools the event first (fsync’d, 0600)', async () => {
    p = tempProject();
    const r = await run('PreToolUse', secretWrite(p.project));

    expect(r.code).toBe(0);
    expect(specific(r.json)).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'deny' });
    expect(specific(r.json)['permissionDecisionReason']).toContain('line 2 contains a GitHub personal access token (rule github-pat)');
    expect(r.stdout).not.toContain(GHP);
    const lines = p.spoolLines();
    expect(lines).toHaveLength(1);
    expect(parseSpoolLine(lines[0] ?? '')).toMatchObject({ v: 1, event: 'PreToolUse', at: new Date(NOW).toISOString(), decision: 'deny', payload: { tool_name: 'Write', session_id: 'sess-1' } });
    expect(lines[0]).not.toContain(GHP);
    expect(statSync(p.spoolFile).mode & 0o777).toBe(0o600);
    expect(statSync(p.state).mode & 0o777).toBe(0o700);
  });

  it('appends one line per call, with distinct ids', async () => {
    p = tempProject();
    await run('PreToolUse', plainWrite(p.project));
    await run('Notification', hookPayload('Notification', p.project, { message: 'hi', notification_type: 'idle_prompt' }));
    const entries = p.spoolLines().map((l) => parseSpoolLine(l));
    expect(entries.map((e) => e?.event)).toEqual(['PreToolUse', 'Notification']);
    expect(new Set(entries.map((e) => e?.id)).size).toBe(2);
  });

  it.each([
    ['no config file', undefined, ''],
    ['semi', '{"version":1,"mode":"semi"}', ''],
    ['full', '{"version":1,"mode":"full"}', ''],
    ['manual', '{"version":1,"mode":"manual"}', 'ask'],
    ['a broken config (fail-safe: manual)', '{"mode":', 'ask'],
    ['an unknown mode (fail-safe: manual)', '{"version":1,"mode":"yolo"}', 'ask'],
  ])('gates a plain Write with %s', async (_name, config, decision) => {
    p = tempProject();
    mkdirSync(p.project, { recursive: true });
    if (config !== undefined) writeFileSync(join(p.project, 'agentry.config.json'), config);
    const r = await run('PreToolUse', plainWrite(p.project));
    expect(r.code).toBe(0);
    expect(specific(r.json)['permissionDecision'] ?? '').toBe(decision);
    expect(p.spoolLines()).toHaveLength(1);
  });

  it('says at session start that the supervisor is unreachable, with the local mode', async () => {
    p = tempProject();
    const r = await run('SessionStart', hookPayload('SessionStart', p.project, { source: 'startup' }));
    expect(specific(r.json)).toEqual({
      hookEventName: 'SessionStart',
      additionalContext: 'agentry: the supervisor is not reachable; hook events are spooled and policy is enforced locally (mode semi).',
    });
  });

  it.each(['PostToolUse', 'SubagentStop', 'Stop', 'SessionEnd', 'Notification'])('spools %s silently', async (event) => {
    p = tempProject();
    const r = await run(event, hookPayload(event, p.project, { stop_hook_active: false }));
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(p.spoolLines()).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"session_id":', 'stdin is not valid JSON'],
    ['an array', '[1,2]', 'stdin is not a JSON object'],
    ['the wrong event', hookPayload('Stop', '/x'), 'hook_event_name is Stop, expected PreToolUse'],
    ['empty', '', 'stdin is not valid JSON'],
  ])('answers stdin that is %s with the protocol answer, and spools nothing', async (_name, stdin, reason) => {
    p = tempProject();
    const r = await run('PreToolUse', stdin);
    expect(r.code).toBe(0);
    expect(specific(r.json)).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'ask' });
    expect(r.stderr).toContain(reason);
    expect(p.spoolLines()).toEqual([]);
    const silentEvent = await run('Stop', stdin);
    expect([silentEvent.code, silentEvent.stdout]).toEqual([0, '']);
  });

  it('refuses stdin over 5 MB unread', async () => {
    p = tempProject();
    const r = await run('PreToolUse', Buffer.alloc(MAX_INPUT_BYTES + 1, 0x20));
    expect(specific(r.json)).toMatchObject({ permissionDecision: 'ask' });
    expect(r.stderr).toContain('larger than');
    expect(p.spoolLines()).toEqual([]);
  });

  it('does nothing for an event agentry does not handle', async () => {
    p = tempProject();
    const r = await run('PreCompact', hookPayload('PreCompact', p.project));
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toContain('not an event agentry handles');
    expect(p.spoolLines()).toEqual([]);
  });

  it('still enforces the gate when the spool cannot be written', async () => {
    p = tempProject();
    mkdirSync(p.state, { recursive: true });
    mkdirSync(p.spoolFile); // a folder where the spool file should be
    const r = await run('PreToolUse', secretWrite(p.project));
    expect(specific(r.json)['permissionDecision']).toBe('deny');
    expect(r.stderr).toContain('could not be spooled');
    expect(r.stderr).not.toMatch(/\n./);
  });

  it('follows AGENTRY_HOME to the state folder', async () => {
    p = tempProject();
    const home = join(p.project, 'elsewhere');
    await run('Stop', hookPayload('Stop', p.project), { AGENTRY_HOME: home });
    expect(p.spoolLines()).toEqual([]);
    expect(statSync(join(home, 'hooks.spool.ndjson')).isFile()).toBe(true);
  });
});

describe('hook client, supervisor up', () => {
  it('prints the supervisor’s answer verbatim and spools nothing', async () => {
    p = tempProject();
    const fake = await startFake();
    const answer = JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: 'from the supervisor' } });
    fake.scriptHook({ exitCode: 0, stdout: answer, stderr: '' });
    const payload = plainWrite(p.project);

    const r = await run('PreToolUse', payload);

    expect([r.code, r.stdout]).toEqual([0, answer]);
    expect(fake.callsOf('hook')).toEqual([{ method: 'hook', args: ['PreToolUse', JSON.parse(payload)] }]);
    expect(p.spoolLines()).toEqual([]);
    fake.assertComplete();
  });

  it('prints an empty answer as nothing', async () => {
    p = tempProject();
    const fake = await startFake();
    fake.scriptHook({ exitCode: 0, stdout: '', stderr: '' });
    const r = await run('Stop', hookPayload('Stop', p.project));
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(p.spoolLines()).toEqual([]);
  });

  it('falls back to the spool and the local policy when the supervisor fails', async () => {
    p = tempProject();
    const fake = await startFake();
    fake.failNext('hook', new Error('boom'));
    const r = await run('PreToolUse', secretWrite(p.project));
    expect(fake.callsOf('hook')).toHaveLength(1);
    expect(specific(r.json)['permissionDecision']).toBe('deny');
    expect(p.spoolLines()).toHaveLength(1);
  });

  it('falls back when the supervisor’s body is not one JSON object', async () => {
    p = tempProject();
    const fake = await startFake();
    fake.scriptHook({ exitCode: 0, stdout: '{"a":1}{"b":2}', stderr: '' });
    const r = await run('Stop', hookPayload('Stop', p.project));
    expect(r.stdout).toBe('');
    expect(p.spoolLines()).toHaveLength(1);
  });

  it('does not ask the supervisor again after the shell script tried it', async () => {
    p = tempProject();
    const fake = await startFake();
    const r = await run('PreToolUse', secretWrite(p.project), { [TRIED_ENV]: '1' });
    expect(fake.callsOf('hook')).toEqual([]);
    expect(specific(r.json)['permissionDecision']).toBe('deny');
  });

  it('finds a relocated socket through agentry.sock.path', async () => {
    p = tempProject();
    const fake = createFakeSupervisor();
    const socketPath = join(p.project, 'alt.sock');
    server = await startApiServer(fake, { stateDir: p.state, socketPath, deliveryStore: createMemoryDeliveryStore() });
    writeFileSync(join(p.state, 'agentry.sock.path'), `${socketPath}\n`);
    chmodSync(join(p.state, 'agentry.sock.path'), 0o600);
    fake.scriptHook({ exitCode: 0, stdout: '', stderr: '' });
    await run('Stop', hookPayload('Stop', p.project));
    expect(fake.callsOf('hook')).toHaveLength(1);
    expect(p.spoolLines()).toEqual([]);
  });
});

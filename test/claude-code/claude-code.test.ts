// agentry as the real client sees it (issue 13): the pinned Claude Code CLI, headless, with the
// hooks `agentry hooks install` wrote, against a scripted streaming model on loopback. Every case
// runs with the supervisor up, down and hung (SIGSTOP), through both hook forms (`agentry hook`
// from PATH, and the shipped script by its path: curl, else the bundled Node fallback), and ends
// by counting what agentry recorded: nothing twice. Run with `npm run test:claude-code` (installs
// the CLI first).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyApprovalView, Page } from '../../server/contract.js';
import { runChild, waitFor } from '../e2e/hooks-harness.js';
import { BIN } from '../support/daemon.js';
import { HOOK_FORMS, type HookForm, type Mode, MODES, type Rig, createRig, hookCounts } from './support/rig.js';

const AWS_KEY = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'secrets', 'planted', 'dotenv.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('AWS_'))
  .join('\n');

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function open(mode: Mode, form: HookForm, config: Record<string, unknown> = {}): Promise<Rig> {
  rig = await createRig(mode, config, form);
  return rig;
}

const done = { text: 'done' };

/** The text the model got back for its tool call: the next main request's messages. */
function afterTool(r: Rig): string {
  const main = r.model.requests.filter((q) => !q.subagent);
  const next = main[1];
  if (next === undefined) throw new Error('the model was not asked again after its tool call');
  return r.model.textOf(next);
}

function expectScriptPlayed(r: Rig): void {
  expect(r.model.unexpected).toEqual([]);
  expect(r.model.leftover()).toBe(0);
}

/** Every hook call Claude Code made is recorded exactly once: `expected` names the counts. */
function expectRecordedOnce(counts: Record<string, number>, expected: Record<string, number>): void {
  for (const [event, n] of Object.entries(expected)) expect({ event, n: counts[event] ?? 0 }).toEqual({ event, n });
}

/** While Claude Code waits: the permission approval shows up, and a person approves it with the CLI. */
async function approveFromCli(x: Rig): Promise<void> {
  const client = x.daemon?.client;
  if (!client) throw new Error('no supervisor');
  const pending = await waitFor('the permission approval', async () => {
    const page = await client.get<Page<AnyApprovalView>>('/v1/approvals?status=pending');
    return page.items.find((a) => a.kind === 'permission');
  }, 30_000);
  expect(pending).toMatchObject({ kind: 'permission', action: 'Bash', permission: { summary: 'touch approved.txt' } });
  const approved = await runChild(process.execPath, [BIN, 'approve', pending.id], { cwd: x.dir });
  expect(approved.code).toBe(0);
}

const RIGS = HOOK_FORMS.flatMap((form) => MODES.map((mode) => [mode, form] as const));

describe.each(RIGS)('Claude Code with the supervisor %s, hooks run as %s', (mode, form) => {
  it('a Write carrying a secret is blocked, and the model is told why', async () => {
    const r = await open(mode, form);
    const target = join(r.dir, 'config.ts');
    const run = await r.run('write the config', [{ tool: 'Write', input: { file_path: target, content: `${AWS_KEY}\n` } }, done], { allowedTools: ['Write'] });
    expect(run.result.is_error).toBe(false);
    expect(existsSync(target)).toBe(false);
    expect(run.result.permission_denials?.map((d) => d.tool_name)).toEqual(['Write']);
    expect(afterTool(r)).toMatch(/aws/i);
    expectScriptPlayed(r);
    expectRecordedOnce(hookCounts(await r.settle()), { SessionStart: 1, UserPromptSubmit: 1, PreToolUse: 1, Stop: 1, SessionEnd: 1 });
  });

  it('`bash -c` writing .env is blocked, and the model is told why', async () => {
    const r = await open(mode, form);
    const run = await r.run('set the env', [{ tool: 'Bash', input: { command: 'bash -c "echo TOKEN=x > .env"', description: 'write the env file' } }, done], { allowedTools: ['Bash'] });
    expect(existsSync(join(r.dir, '.env'))).toBe(false);
    expect(run.result.permission_denials?.map((d) => d.tool_name)).toEqual(['Bash']);
    expect(afterTool(r)).toContain('.env');
    expectScriptPlayed(r);
    expectRecordedOnce(hookCounts(await r.settle()), { SessionStart: 1, UserPromptSubmit: 1, PreToolUse: 1, Stop: 1, SessionEnd: 1 });
  });

  it('an ordinary Write goes through', async () => {
    const r = await open(mode, form);
    const target = join(r.dir, 'notes.md');
    const run = await r.run('write notes', [{ tool: 'Write', input: { file_path: target, content: 'hello from the fake model\n' } }, done], { allowedTools: ['Write'] });
    expect(run.result.permission_denials).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('hello from the fake model\n');
    expectScriptPlayed(r);
    // PostToolUse for an ordinary tool is async: `claude -p` cancels it when the run ends.
    expectRecordedOnce(hookCounts(await r.settle()), { SessionStart: 1, UserPromptSubmit: 1, PreToolUse: 1, Stop: 1, SessionEnd: 1 });
  });

  it("SessionStart's context is in the model's first request", async () => {
    const r = await open(mode, form);
    await r.run('hello', [done]);
    const first = r.model.requests[0];
    if (first === undefined) throw new Error('no model request');
    const text = r.model.textOf(first);
    expect(text).toContain('SessionStart hook additional context');
    expect(text).toContain(mode === 'up' ? 'agentry: mode semi' : 'agentry: the supervisor is not reachable');
    expectScriptPlayed(r);
    expectRecordedOnce(hookCounts(await r.settle()), { SessionStart: 1, UserPromptSubmit: 1, Stop: 1, SessionEnd: 1 });
  });

  it('a subagent run is recorded once: SubagentStart, SubagentStop, and the Stop', async () => {
    const r = await open(mode, form);
    const agent = { description: 'look around', prompt: 'SUBAGENT: list nothing, just answer', subagent_type: 'general-purpose', run_in_background: false };
    await r.run('delegate', [{ tool: 'Agent', input: agent }, done], { subagent: [{ text: 'sub done' }], allowedTools: ['Agent'] });
    expect(r.model.requests.filter((q) => q.subagent)).toHaveLength(1);
    expectScriptPlayed(r);
    expectRecordedOnce(hookCounts(await r.settle()), { SubagentStart: 1, SubagentStop: 1, Stop: 1, SessionEnd: 1 });
  });

  it.runIf(mode === 'up')('a permission prompt is approved from the CLI while Claude Code waits', async () => {
    const r = await open(mode, form, { permissions: { timeoutSeconds: 60 } });
    const run = await r.run('touch it', [{ tool: 'Bash', input: { command: 'touch approved.txt', description: 'create a file' } }, done], { during: approveFromCli });
    expect(existsSync(join(r.dir, 'approved.txt'))).toBe(true);
    expect(run.result.permission_denials).toEqual([]);
    expectScriptPlayed(r);
    const events = await r.settle();
    expect(events.filter((e) => e.event.type === 'permission.granted')).toHaveLength(1);
  });

  it.runIf(mode !== 'up')('a permission prompt no one can approve is denied, with the reason', async () => {
    const r = await open(mode, form);
    const run = await r.run('touch it', [{ tool: 'Bash', input: { command: 'touch approved.txt', description: 'create a file' } }, done]);
    expect(existsSync(join(r.dir, 'approved.txt'))).toBe(false);
    expect(run.result.permission_denials?.map((d) => d.tool_name)).toEqual(['Bash']);
    expect(afterTool(r)).toContain(mode === 'down' ? 'supervisor is not running' : 'did not acknowledge');
    expectScriptPlayed(r);
    await r.settle();
  });

  it.runIf(mode === 'up')('a permission prompt no one answers is denied at its deadline', async () => {
    const r = await open(mode, form, { permissions: { timeoutSeconds: 2 } });
    const run = await r.run('touch it', [{ tool: 'Bash', input: { command: 'touch late.txt', description: 'create a file' } }, done]);
    expect(existsSync(join(r.dir, 'late.txt'))).toBe(false);
    expect(run.result.permission_denials?.map((d) => d.tool_name)).toEqual(['Bash']);
    expect(afterTool(r)).toContain('within 2 s');
    expectScriptPlayed(r);
    const events = await r.settle();
    expect(events.filter((e) => e.event.type === 'permission.timed_out')).toHaveLength(1);
  });
});

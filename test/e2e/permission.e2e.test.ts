// The PermissionRequest hook end to end, with real child processes: the command `agentry hooks
// install` wrote waits for a person, who decides with `agentry approve|reject` while it waits;
// unanswered, the deadline denies; with the supervisor stopped or hung (SIGSTOP) it fails closed.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyApprovalView, Page } from '../../server/contract.js';
import { type Daemon, startDaemon } from '../support/daemon.js';
import { type Project, type Run, assertHooksBuilt, cli, installedHandlers, runHook, tempProject, waitFor } from './hooks-harness.js';

let project: Project;
let daemon: Daemon | undefined;
let command: string;

const payload = (cmd: string): string =>
  JSON.stringify({
    session_id: 'S-perm',
    transcript_path: 'T',
    cwd: project.dir,
    permission_mode: 'default',
    hook_event_name: 'PermissionRequest',
    tool_name: 'Bash',
    tool_input: { command: cmd, description: 'e2e' },
    permission_suggestions: [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: cmd }], behavior: 'allow', destination: 'localSettings' }],
  });

type Decision = { behavior?: string; message?: string; updatedPermissions?: unknown[] };
function decisionOf(run: Run): Decision {
  expect(run.code).toBe(0);
  const out = JSON.parse(run.stdout) as { hookSpecificOutput?: { hookEventName?: string; decision?: Decision } };
  expect(out.hookSpecificOutput?.hookEventName).toBe('PermissionRequest');
  return out.hookSpecificOutput?.decision ?? {};
}

async function pendingFor(cmd: string): Promise<AnyApprovalView> {
  const client = daemon?.client;
  if (!client) throw new Error('no supervisor');
  return waitFor(`a pending permission approval for ${cmd}`, async () => {
    const list = (await client.get<Page<AnyApprovalView>>('/v1/approvals?status=pending')).items;
    return list.find((a) => a.kind === 'permission' && a.permission.summary === cmd);
  });
}

beforeAll(async () => {
  assertHooksBuilt();
  project = tempProject();
  writeFileSync(join(project.dir, 'agentry.config.json'), `${JSON.stringify({ version: 1, mode: 'semi', permissions: { timeoutSeconds: 2, offerRuleAfter: 1 } })}\n`);
  const installed = await cli(project, ['hooks', 'install', '--scope', 'local']);
  if (installed.code !== 0) throw new Error(`hooks install failed: ${installed.stderr}`);
  const handler = installedHandlers(project.settingsFile).find((h) => h.event === 'PermissionRequest');
  if (!handler) throw new Error('hooks install wrote no PermissionRequest handler');
  command = handler.command;
  daemon = await startDaemon({ projectDir: project.dir, args: ['--offline'] });
});

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGCONT');
  await daemon?.stop();
  rmSync(project.dir, { recursive: true, force: true });
});

describe('PermissionRequest through the installed command', () => {
  it('waits while a person approves with the CLI, then allows', async () => {
    const hook = runHook(project, command, payload('npm publish'));
    const approval = await pendingFor('npm publish');
    const approved = await cli(project, ['approve', approval.id, '--note', 'release']);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`approved ${approval.id} (Claude Code Bash: npm publish)`);
    expect(decisionOf(await hook)).toEqual({ behavior: 'allow' });
  });

  it('the second identical request offers the rule; --always passes it back as updatedPermissions', async () => {
    const hook = runHook(project, command, payload('npm publish'));
    const approval = await pendingFor('npm publish');
    expect(approval.kind === 'permission' && approval.permission.offer?.rule).toBe('allow Bash(npm publish) (localSettings)');
    expect((await cli(project, ['approve', approval.id, '--always'])).code).toBe(0);
    expect(decisionOf(await hook)).toEqual({
      behavior: 'allow',
      updatedPermissions: [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm publish' }], behavior: 'allow', destination: 'localSettings' }],
    });
  });

  it('a rejection is a deny with the note', async () => {
    const hook = runHook(project, command, payload('git push --force'));
    const approval = await pendingFor('git push --force');
    expect((await cli(project, ['reject', approval.id, '--note', 'never force-push main'])).code).toBe(0);
    const decision = decisionOf(await hook);
    expect(decision.behavior).toBe('deny');
    expect(decision.message).toContain('never force-push main');
  });

  it('unanswered, the deadline (permissions.timeoutSeconds) denies', async () => {
    const run = await runHook(project, command, payload('make deploy'));
    const decision = decisionOf(run);
    expect(decision.behavior).toBe('deny');
    expect(decision.message).toContain('within 2 s');
    const events = await daemon?.client.get<{ event: { type: string } }[]>('/v1/events');
    expect(events?.filter((e) => e.event.type === 'permission.timed_out')).toHaveLength(1);
  });

  it('with the supervisor hung (SIGSTOP), denies once it does not acknowledge', async () => {
    const child = daemon?.child;
    if (!child) throw new Error('no supervisor');
    child.kill('SIGSTOP');
    try {
      const decision = decisionOf(await runHook(project, command, payload('rm -rf dist')));
      expect(decision.behavior).toBe('deny');
      expect(decision.message).toContain('did not acknowledge');
    } finally {
      child.kill('SIGCONT');
    }
  });

  it('with the supervisor stopped, denies with the reason (fail closed)', async () => {
    expect(await daemon?.stop()).toBe(0);
    daemon = undefined;
    const decision = decisionOf(await runHook(project, command, payload('rm -rf dist')));
    expect(decision.behavior).toBe('deny');
    expect(decision.message).toContain('not running');
  });
});

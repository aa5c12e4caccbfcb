// Derived state never blocks a start (issue 9): hook payloads without a session id, delivered
// live and through the spool, then a stop and a start that comes up; and a learning.json that
// fails its schema, moved aside, rebuilt from its outcome records, and reported by status and
// doctor. Real child processes throughout: the supervisor, the hook command, the CLI.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../cli/commands/doctor-checks.js';
import { check } from '../../schemas/registry.js';
import type { StatusView } from '../../server/contract.js';
import { REPO, type Daemon, startDaemon } from '../support/daemon.js';
import { type Project, assertHooksBuilt, cli, hookEvents, runChild, spoolPending, tempProject, waitFor } from './hooks-harness.js';

const HOOK = join(REPO, 'hooks', 'agentry-hook.sh');
const FIXTURES = fileURLToPath(new URL('../fixtures/memory/learning/', import.meta.url));

/** The payloads of the report: a session end and a subagent stop, neither with a session id. */
const SESSIONLESS = [
  { event: 'SubagentStop', payload: { hook_event_name: 'SubagentStop', cwd: '.', agent_id: 'a-1', agent_type: 'Explore' } },
  { event: 'SessionEnd', payload: { hook_event_name: 'SessionEnd', cwd: '.' } },
  // One run with a session, so the learning file is written and read back on the next start.
  { event: 'SubagentStop', payload: { hook_event_name: 'SubagentStop', session_id: 'S-1', cwd: '.', agent_id: 'a-2', agent_type: 'Plan' } },
] as const;

let project: Project;
let daemon: Daemon | undefined;

beforeAll(() => assertHooksBuilt());

afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  rmSync(project.dir, { recursive: true, force: true });
});

async function start(): Promise<Daemon> {
  daemon = await startDaemon({ projectDir: project.dir, args: ['--offline'] });
  return daemon;
}

async function stop(): Promise<void> {
  expect(await daemon?.stop()).toBe(0);
  daemon = undefined;
}

async function deliverSessionless(): Promise<void> {
  for (const { event, payload } of SESSIONLESS) {
    const run = await runChild('sh', [HOOK, event], { cwd: project.dir, stdin: JSON.stringify(payload) });
    expect(run.code).toBe(0);
  }
}

function learningFile(): string {
  return join(project.stateDir, 'learning.json');
}

function damagedCopies(): string[] {
  return readdirSync(project.stateDir).filter((n) => n.startsWith('learning.json.damaged-'));
}

describe('derived state never blocks a start', () => {
  it('hook payloads without a session id, live: recorded, and the next start comes up', async () => {
    project = tempProject();
    const d = await start();
    await deliverSessionless();
    await waitFor('every hook record', async () => ((await hookEvents(d.client)).length >= SESSIONLESS.length ? true : undefined));
    await stop();
    const learned = JSON.parse(readFileSync(learningFile(), 'utf8')) as { sessions: { open: { sessionId: string }[] } };
    expect(check('learning-state', learned)).toEqual([]);
    expect(learned.sessions.open.map((o) => o.sessionId)).toEqual(['S-1']);
    await start();
    expect(damagedCopies()).toEqual([]);
  });

  it('hook payloads without a session id, spooled while down: ingested at start, and the start after comes up', async () => {
    project = tempProject();
    await start();
    await stop();
    await deliverSessionless();
    expect(spoolPending(project)).toBe(true);
    const d = await start();
    await waitFor('the spool ingested', () => Promise.resolve(spoolPending(project) ? undefined : true));
    expect((await hookEvents(d.client)).filter((e) => e.event.spooled === true)).toHaveLength(SESSIONLESS.length);
    await stop();
    await start();
    expect(damagedCopies()).toEqual([]);
  });

  it('a learning.json failing its schema is moved aside, rebuilt from its outcome records, and reported by status and doctor', async () => {
    project = tempProject();
    await start();
    await stop();
    const good = JSON.parse(readFileSync(join(FIXTURES, 'v2.json'), 'utf8')) as { window: unknown[]; sessions: { ended: unknown[] } };
    expect(good.window.length).toBeGreaterThan(0);
    good.sessions.ended.push({ sessionId: '', sequence: [], endedWell: true });
    writeFileSync(learningFile(), JSON.stringify(good));
    const d = await start();
    const [copy] = damagedCopies();
    expect(copy).toBeDefined();
    expect(readFileSync(join(project.stateDir, copy ?? ''), 'utf8')).toBe(JSON.stringify(good));
    const rebuilt = JSON.parse(readFileSync(learningFile(), 'utf8')) as { window: unknown[] };
    expect(check('learning-state', rebuilt)).toEqual([]);
    expect(rebuilt.window).toEqual(good.window);
    const damaged = (await d.client.get<StatusView>('/v1/status')).health.damaged;
    expect(damaged).toEqual([{ file: learningFile(), movedTo: join(project.stateDir, copy ?? ''), error: expect.stringContaining('sessions.ended') as unknown, at: expect.any(String) as unknown }]);
    const log = readFileSync(join(project.stateDir, 'logs', 'agentry.ndjson'), 'utf8');
    expect(log).toContain('learning.json failed its check');
    const status = await cli(project, ['status']);
    expect(status.stdout).toContain(`damaged at start: ${learningFile()}`);
    const doctor = await cli(project, ['doctor', '--json']);
    const learning = (JSON.parse(doctor.stdout) as { checks: Check[] }).checks.find((c) => c.name === 'learning');
    expect(learning).toMatchObject({ ok: false, essential: false, message: expect.stringContaining(copy ?? '') as unknown });
    expect(existsSync(learningFile())).toBe(true);
  });
});

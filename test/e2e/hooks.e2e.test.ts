// The Claude Code hooks end to end, with real child processes: `agentry hooks install` writes the
// settings, and every payload of the fixture corpus goes through the command line it installed
// (sh -c '<command>', payload on stdin), first with the supervisor running, then stopped (local
// policy and spool), then started again (spool ingested once, never twice), and finally with the
// mode switched to manual through the CLI. The steps run in order and share one project.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_EVENTS } from '../../hooks/events.js';
import { parseSpoolLine } from '../../hooks/spool.js';
import type { StatusView } from '../../server/contract.js';
import { type Daemon, startDaemon } from '../support/daemon.js';
import { expectWellFormed } from '../hooks/well-formed.js';
import {
  type CorpusPayload,
  type HookReceived,
  type InstalledHandler,
  type Project,
  type Run,
  type SecretWrite,
  answerOf,
  assertHooksBuilt,
  cli,
  commandsFor,
  corpus,
  hookEvents,
  hookLeftovers,
  installedHandlers,
  runHook,
  secretWrite,
  spoolPending,
  tally,
  tempProject,
  waitFor,
} from './hooks-harness.js';

interface Delivered {
  payload: CorpusPayload;
  run: Run;
}

let project: Project;
let daemon: Daemon | undefined;
let handlers: InstalledHandler[];
let payloads: CorpusPayload[];
let secret: SecretWrite;
let clean: CorpusPayload;
let sessionStart: CorpusPayload;

beforeAll(() => {
  assertHooksBuilt();
  project = tempProject();
  payloads = corpus(project.dir);
  secret = secretWrite(project.dir);
  clean = byName('PreToolUse.write.json');
  sessionStart = byName('SessionStart.json');
});

afterAll(async () => {
  await daemon?.stop();
  rmSync(project.dir, { recursive: true, force: true });
});

function byName(name: string): CorpusPayload {
  const found = payloads.find((p) => p.name === name);
  if (found === undefined) throw new Error(`test/fixtures/hooks/${name} is missing`);
  return found;
}

async function start(): Promise<Daemon> {
  daemon = await startDaemon({ projectDir: project.dir, args: ['--offline'] });
  return daemon;
}

async function stop(): Promise<number | null> {
  const code = await daemon?.stop();
  daemon = undefined;
  return code ?? null;
}

/** Runs each payload through the one installed command Claude Code would pick for it, in order. */
async function deliver(list: readonly CorpusPayload[]): Promise<Delivered[]> {
  const out: Delivered[] = [];
  for (const payload of list) {
    const commands = commandsFor(handlers, payload);
    if (commands.length !== 1) throw new Error(`${payload.name}: ${commands.length} installed agentry commands match, expected exactly 1`);
    out.push({ payload, run: await runHook(project, commands[0] ?? '', payload.text) });
  }
  return out;
}

async function deliverOne(payload: CorpusPayload): Promise<Run> {
  const [d] = await deliver([payload]);
  if (d === undefined) throw new Error(`${payload.name} was not delivered`);
  return d.run;
}

function resultOf(delivered: readonly Delivered[], payload: CorpusPayload): Run {
  const found = delivered.find((d) => d.payload === payload);
  if (found === undefined) throw new Error(`${payload.name} was not delivered`);
  return found.run;
}

function specific(run: Run): Record<string, unknown> {
  return answerOf(run.stdout).hookSpecificOutput ?? {};
}

/** The PreToolUse decision a hook answered ('none' for silence), '' for other events. */
function answeredDecision(d: Delivered): string {
  if (d.payload.event !== 'PreToolUse') return '';
  return d.run.stdout === '' ? 'none' : String(specific(d.run)['permissionDecision']);
}

function expectProtocol(delivered: readonly Delivered[]): void {
  expect(delivered.map((d) => [d.payload.name, d.run.code])).toEqual(delivered.map((d) => [d.payload.name, 0]));
  for (const d of delivered) {
    // at most one line of stderr (debug log only on exit 0), stdout '' or one JSON object for this event
    expectWellFormed({ exitCode: 0, stdout: d.run.stdout, stderr: d.run.stderr.replace(/\n$/, '') }, d.payload.event);
  }
}

function expectSecretDenied(run: Run): void {
  expect(specific(run)).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'deny' });
  expect(specific(run)['permissionDecisionReason']).toContain(`line ${secret.line} `);
  expect(specific(run)['permissionDecisionReason']).toContain(`(rule ${secret.rule})`);
  expect(run.stdout).not.toContain(secret.fragment);
}

function keyed(events: readonly HookReceived[]): string[] {
  return events.map((e) => `${e.event.hookEvent}|${e.event.at}|${e.event.decision ?? ''}`).sort();
}

describe('hooks end to end (real supervisor, installed command, child processes)', () => {
  let recordedLive: HookReceived[];
  let spoolLines: string[];
  let recordedAfterIngest: HookReceived[];

  it('hooks install run twice changes nothing the second time and keeps the user’s hook', async () => {
    const first = await cli(project, ['hooks', 'install', '--scope', 'local']);
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^installed agentry hooks in .*added 12 handlers/) });
    const bytes = readFileSync(project.settingsFile);
    const stat = statSync(project.settingsFile);

    const second = await cli(project, ['hooks', 'install', '--scope', 'local']);
    expect(second).toMatchObject({ code: 0, stdout: expect.stringMatching(/already installed .*nothing changed/) });
    expect(readFileSync(project.settingsFile).equals(bytes)).toBe(true);
    // not even rewritten: the installer writes by rename, which would change the inode
    expect(statSync(project.settingsFile)).toMatchObject({ ino: stat.ino, mtimeMs: stat.mtimeMs });

    const settings = JSON.parse(bytes.toString('utf8')) as { permissions: unknown; hooks: Record<string, unknown[]> };
    expect(settings.permissions).toEqual({ allow: ['Bash(npm test)'] });
    expect(settings.hooks['PreToolUse']).toContainEqual({ matcher: 'Bash', hooks: [project.userHook] });
    handlers = installedHandlers(project.settingsFile);
    // PermissionRequest too: it waits for a person (test/e2e/permission.e2e.test.ts).
    expect([...new Set(handlers.map((h) => h.event))].sort()).toEqual([...HOOK_EVENTS, 'PermissionRequest'].sort());
    // PreToolUse fails closed: a command that cannot run at all becomes a block (exit 2).
    for (const h of handlers) expect(h.command).toMatch(new RegExp(`agentry-hook\\.sh ${h.event}${h.event === 'PreToolUse' ? ' \\|\\| \\{ .*exit 2; \\}' : ''}$`));
  });

  it('the corpus covers every handled event, and each payload matches exactly one installed command', () => {
    expect([...new Set(payloads.map((p) => p.event))].sort()).toEqual([...HOOK_EVENTS].sort());
    expect([...payloads, secret.payload].map((p) => [p.name, commandsFor(handlers, p).length])).toEqual(
      [...payloads, secret.payload].map((p) => [p.name, 1]),
    );
  });

  it('supervisor running: protocol answers, secret denied, clean Write let through, every call recorded', async () => {
    const d = await start();
    const live = await deliver([...payloads, secret.payload]);

    expectProtocol(live);
    // the curl fast path is silent: nothing for the debug log
    expect(live.map((x) => [x.payload.name, x.run.stderr])).toEqual(live.map((x) => [x.payload.name, '']));
    expectSecretDenied(resultOf(live, secret.payload));
    expect(resultOf(live, clean).stdout).toBe('');
    expect(specific(resultOf(live, sessionStart))).toMatchObject({ hookEventName: 'SessionStart', additionalContext: expect.stringContaining('agentry: mode semi;') });

    recordedLive = await hookEvents(d.client);
    const expected = live.map((x) => ({ event: x.payload.event, decision: answeredDecision(x) }));
    expect(tally(recordedLive.map((e) => ({ event: e.event.hookEvent, decision: e.event.decision ?? '' })))).toEqual(tally(expected));
    expect(recordedLive.filter((e) => e.event.spooled === true)).toEqual([]);
    // answered by the supervisor, so nothing fell back to the spool
    expect(existsSync(project.spoolFile)).toBe(false);
    expect(hookLeftovers(project.stateDir)).toEqual([]);
  });

  it('supervisor stopped: the gate still denies, and each call is spooled once, without the secret', async () => {
    expect(await stop()).toBe(0);
    const spooled = await deliver([...payloads, secret.payload]);

    expectProtocol(spooled);
    expectSecretDenied(resultOf(spooled, secret.payload));
    expect(resultOf(spooled, clean).stdout).toBe('');
    expect(specific(resultOf(spooled, sessionStart))['additionalContext']).toMatch(/not reachable.*\(mode semi\)/);

    spoolLines = readFileSync(project.spoolFile, 'utf8').split('\n').filter((l) => l !== '');
    expect(spoolLines).toHaveLength(spooled.length);
    const entries = spoolLines.map((l) => parseSpoolLine(l));
    expect(entries.map((e) => e?.v)).toEqual(spoolLines.map(() => 1));
    expect(new Set(entries.map((e) => e?.id)).size).toBe(spoolLines.length);
    expect(tally(entries.map((e) => ({ event: e?.event ?? '?', decision: e?.decision ?? '' })))).toEqual(
      tally(spooled.map((x) => ({ event: x.payload.event, decision: answeredDecision(x) }))),
    );
    expect(readFileSync(project.spoolFile, 'utf8')).not.toContain(secret.fragment);
    expect(hookLeftovers(project.stateDir)).toEqual([]);
  });

  it('supervisor started again: the spool is ingested exactly once per line, live records untouched', async () => {
    const d = await start();
    // The spool is ingested once the socket listens; its file goes only when every line is handled.
    await waitFor('the spool to be ingested and removed', () => Promise.resolve(spoolPending(project) ? undefined : true));
    const recorded = await hookEvents(d.client);
    const fromSpool = recorded.filter((e) => e.event.spooled === true);
    const expected = spoolLines.map((l) => {
      const e = parseSpoolLine(l);
      return `${e?.event}|${e?.at}|${e?.decision ?? ''}`;
    });
    expect(keyed(fromSpool)).toEqual(expected.sort());
    expect(recorded.filter((e) => e.event.spooled !== true)).toEqual(recordedLive);
    recordedAfterIngest = recorded;
  });

  it('stopped and started once more: nothing is ingested or recorded twice', async () => {
    expect(await stop()).toBe(0);
    const d = await start();
    expect(await hookEvents(d.client)).toEqual(recordedAfterIngest);
  });

  it('mode manual set through the CLI reaches the running supervisor, which then asks for a clean Write', async () => {
    const d = daemon ?? (await start());
    const set = await cli(project, ['mode', 'manual']);
    expect(set).toMatchObject({ code: 0, stdout: expect.stringMatching(/^mode set to manual \(was semi\)/) });
    await waitFor('GET /v1/status to show mode manual', async () => ((await d.client.get<StatusView>('/v1/status')).mode === 'manual' ? true : undefined));

    const asked = await deliverOne(clean);
    expect(asked.code).toBe(0);
    expect(specific(asked)).toMatchObject({
      hookEventName: 'PreToolUse',
      permissionDecision: 'ask',
      permissionDecisionReason: expect.stringContaining('manual mode'),
    });
    const last = (await hookEvents(d.client)).at(-1);
    expect(last?.event).toMatchObject({ hookEvent: 'PreToolUse', decision: 'ask' });
    expect(last?.event.spooled).toBeUndefined();
  });

  it('supervisor stopped in manual mode: the local policy asks too', async () => {
    expect(await stop()).toBe(0);
    const asked = await deliverOne(clean);
    expect(asked.code).toBe(0);
    expect(specific(asked)).toMatchObject({ permissionDecision: 'ask', permissionDecisionReason: expect.stringContaining('manual mode') });
    expect(readFileSync(project.spoolFile, 'utf8').trim().split('\n').map((l) => parseSpoolLine(l)?.decision)).toEqual(['ask']);
  });
});

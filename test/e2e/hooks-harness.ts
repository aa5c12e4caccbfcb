// End-to-end rig for the Claude Code hooks: a temporary project, the CLI and the installed hook
// command run as real child processes, the fixture corpus placed inside the project, and the
// supervisor's recorded hook events. Requires `npm run build` (npm test builds before vitest).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type HookEvent, isHookEvent } from '../../hooks/events.js';
import type { EventOf, SupervisorEvent } from '../../machines/events.js';
import type { ApiClient } from '../../server/index.js';
import { BIN, REPO, assertBuilt } from '../support/daemon.js';
import { untilValue } from '../support/until.js';

const CLIENT_JS = join(REPO, 'dist', 'hooks', 'client.js');
const CORPUS = join(REPO, 'test', 'fixtures', 'hooks');
const PLANTED = join(REPO, 'test', 'fixtures', 'secrets', 'planted');
/** The project folder the corpus payloads were written for. */
const FIXTURE_PROJECT = '/home/dev/proj';
const CHILD_TIMEOUT_MS = 15_000;

/** Both entry points the hook command can end in must be built. */
export function assertHooksBuilt(): void {
  assertBuilt();
  if (!existsSync(CLIENT_JS)) throw new Error(`${CLIENT_JS} is missing: run \`npm run build\` first (npm test does)`);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Project {
  dir: string;
  stateDir: string;
  settingsFile: string;
  spoolFile: string;
  /** The user's own hook, which `hooks install` must keep. */
  userHook: { type: 'command'; command: string };
}

/** A temp project in semi mode whose .claude/settings.local.json already holds a hook of the user's. */
export function tempProject(): Project {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-e2e-hooks-'));
  mkdirSync(join(dir, 'home'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'agentry.config.json'), '{"version":1,"mode":"semi"}\n');
  const userHook = { type: 'command' as const, command: 'echo "user lint hook" >&2' };
  // Local scope: its handlers name this checkout's hook script by absolute path (project scope,
  // shared, would run `agentry` from PATH, since agentry is not installed inside the temp project).
  const settingsFile = join(dir, '.claude', 'settings.local.json');
  mkdirSync(dirname(settingsFile));
  writeFileSync(settingsFile, `${JSON.stringify({ permissions: { allow: ['Bash(npm test)'] }, hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [userHook] }] } }, null, 2)}\n`);
  const stateDir = join(dir, '.agentry');
  return { dir, stateDir, settingsFile, spoolFile: join(stateDir, 'hooks.spool.ndjson'), userHook };
}

/**
 * What a Claude Code session in `dir` gives a hook: CLAUDE_PROJECT_DIR and no agentry overrides
 * from the environment running the tests. HOME moves into the project, node stays on PATH.
 */
export function childEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(?:VITEST|AGENTRY_|CLAUDE_)/.test(key)) env[key] = value;
  }
  env['HOME'] = join(dir, 'home');
  env['PATH'] = `${dirname(process.execPath)}:${env['PATH'] ?? '/usr/bin:/bin'}`;
  env['CLAUDE_PROJECT_DIR'] = dir;
  return env;
}

/** Runs a child to completion with `stdin` piped in; killed (and reported) after a bounded wait. */
export function runChild(file: string, args: readonly string[], opts: { cwd: string; stdin?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: childEnv(opts.cwd), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not finish within ${CHILD_TIMEOUT_MS} ms; stderr so far:\n${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // a hook may answer before reading all of stdin
    child.stdin.end(opts.stdin ?? '');
  });
}

/** `node dist/cli/bin.js …` in the project. */
export function cli(project: Project, args: readonly string[]): Promise<Run> {
  return runChild(process.execPath, [BIN, ...args], { cwd: project.dir });
}

export interface InstalledHandler {
  event: string;
  matcher: string | undefined;
  command: string;
}

/** The agentry command handlers in the settings file, exactly as written there. */
export function installedHandlers(settingsFile: string): InstalledHandler[] {
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as { hooks?: Record<string, { matcher?: string; hooks?: { type?: string; command?: string }[] }[]> };
  return Object.entries(settings.hooks ?? {}).flatMap(([event, groups]) =>
    groups.flatMap((group) =>
      (group.hooks ?? [])
        .filter((h) => h.type === 'command' && typeof h.command === 'string' && h.command.includes('agentry-hook'))
        .map((h) => ({ event, matcher: group.matcher, command: h.command ?? '' })),
    ),
  );
}

const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure']);

/** Claude Code's matcher rules (reference §2.3): all, an exact list, or an unanchored RegExp. */
function matcherFires(matcher: string | undefined, value: string): boolean {
  if (matcher === undefined || matcher === '' || matcher === '*') return true;
  if (/^[A-Za-z0-9_\- ,|]+$/.test(matcher)) return matcher.split(/[|,]/).some((m) => m.trim() === value);
  return new RegExp(matcher).test(value);
}

/** The installed command lines Claude Code would run for this payload (tool events by tool_name). */
export function commandsFor(handlers: readonly InstalledHandler[], payload: CorpusPayload): string[] {
  return handlers
    .filter((h) => h.event === payload.event && (!TOOL_EVENTS.has(payload.event) || matcherFires(h.matcher, payload.toolName ?? '')))
    .map((h) => h.command);
}

/** Runs one installed command line the way Claude Code does: a shell, the payload on stdin. */
export function runHook(project: Project, command: string, payload: string): Promise<Run> {
  return runChild('sh', ['-c', command], { cwd: project.dir, stdin: payload });
}

export interface CorpusPayload {
  /** The fixture file name. */
  name: string;
  event: HookEvent;
  toolName: string | undefined;
  /** The payload as Claude Code would send it, with its paths inside the project. */
  text: string;
}

/** Every fixture of test/fixtures/hooks, moved into `dir` (cwd and file paths). */
export function corpus(dir: string): CorpusPayload[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(CORPUS, name), 'utf8').replaceAll(FIXTURE_PROJECT, dir);
      const parsed = JSON.parse(text) as { hook_event_name?: unknown; tool_name?: unknown };
      if (!isHookEvent(parsed.hook_event_name)) throw new Error(`${name}: hook_event_name ${String(parsed.hook_event_name)} is not an event agentry handles`);
      return { name, event: parsed.hook_event_name, toolName: typeof parsed.tool_name === 'string' ? parsed.tool_name : undefined, text: JSON.stringify(parsed) };
    });
}

export interface SecretWrite {
  payload: CorpusPayload;
  /** The first finding the scanner must name. */
  rule: string;
  line: number;
  /** A fragment of the planted secret that must never be echoed or spooled. */
  fragment: string;
}

/** A Write of the planted .env fixture (FAKE credentials) into the project. */
export function secretWrite(dir: string): SecretWrite {
  const content = readFileSync(join(PLANTED, 'dotenv.txt'), 'utf8');
  const expected = JSON.parse(readFileSync(join(PLANTED, 'expected.json'), 'utf8')) as Record<string, { rule: string; line: number }[]>;
  const first = expected['dotenv.txt']?.[0];
  if (first === undefined) throw new Error('test/fixtures/secrets/planted/expected.json lists nothing for dotenv.txt');
  const secretLine = content.split('\n')[first.line - 1] ?? '';
  const payload = {
    session_id: 'S-secret',
    transcript_path: 'T',
    cwd: dir,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Write',
    tool_input: { file_path: join(dir, 'src', 'settings.env'), content },
    tool_use_id: 'toolu_e2e_secret',
  };
  return {
    payload: { name: 'secret-write', event: 'PreToolUse', toolName: 'Write', text: JSON.stringify(payload) },
    ...first,
    fragment: secretLine.slice(secretLine.indexOf('=') + 1, secretLine.indexOf('=') + 13),
  };
}

/** stdout parsed as the single JSON object it must be. */
export function answerOf(stdout: string): { hookSpecificOutput?: Record<string, unknown> } {
  return JSON.parse(stdout) as { hookSpecificOutput?: Record<string, unknown> };
}

export type HookReceived = { seq: number; event: EventOf<'hook.received'> };

export async function hookEvents(client: ApiClient): Promise<HookReceived[]> {
  const all = await client.get<{ seq: number; event: SupervisorEvent }[]>('/v1/events');
  return all.filter((e): e is HookReceived => e.event.type === 'hook.received');
}

/** Sorted `event|decision` keys: a multiset to compare deliveries with records. */
export function tally(items: readonly { event: string; decision?: string | undefined }[]): string[] {
  return items.map((i) => `${i.event}|${i.decision ?? ''}`).sort();
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs` naming `what`. */
export function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  return untilValue(probe, what, timeoutMs);
}

/** The spool, or a claimed part of it, is still on disk (not yet fully ingested). */
export function spoolPending(project: Project): boolean {
  return existsSync(project.spoolFile) || readdirSync(project.stateDir).some((n) => n.startsWith('hooks.spool.ndjson.ingesting-'));
}

/** Files the hook script leaves behind in the state folder (its temp files must be gone). */
export function hookLeftovers(stateDir: string): string[] {
  return existsSync(stateDir) ? readdirSync(stateDir).filter((n) => n.startsWith('.hook-')) : [];
}

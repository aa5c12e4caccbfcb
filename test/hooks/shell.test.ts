// hooks/agentry-hook.sh in real child processes (sh = dash here): curl to the supervisor's socket
// when it listens, the built Node client (dist/hooks/fallback/client.js, bundled) when it does not. Needs
// `npm run build` (npm test builds before vitest).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSpoolLine } from '../../hooks/spool.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { startApiServer } from '../../server/http-server.js';
import type { ApiServer } from '../../server/http-server.js';
import { createFakeSupervisor } from '../support/fake-supervisor.js';
import { GHP, type TempProject, hookPayload, oneJson, plainWrite, secretWrite, tempProject } from './client-rig.js';

const ROOT = join(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'hooks/agentry-hook.sh');
const CLIENT = join(ROOT, 'dist/hooks/fallback/client.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> | null;
}

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let p: TempProject;
let tmp = '';
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  if (!existsSync(CLIENT)) throw new Error(`${CLIENT} is missing: run \`npm run build\` before these tests (npm test does)`);
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  p.remove();
  rmSync(tmp, { recursive: true, force: true });
});

function setup(): void {
  p = tempProject();
  mkdirSync(p.state, { recursive: true, mode: 0o700 });
  tmp = mkdtempSync(join(tmpdir(), 'agentry-sh-tmp-'));
}

function runScript(event: string, stdin: string, opts: { env?: Record<string, string>; script?: string; cwd?: string } = {}): Promise<Ran> {
  const env: Record<string, string | undefined> = { ...process.env, TMPDIR: tmp, CLAUDE_PROJECT_DIR: p.project, ...opts.env };
  delete env['AGENTRY_HOME'];
  delete env['AGENTRY_HOOK_SUPERVISOR_TRIED'];
  if (opts.env?.['AGENTRY_HOME'] !== undefined) env['AGENTRY_HOME'] = opts.env['AGENTRY_HOME'];
  if (opts.env?.['CLAUDE_PROJECT_DIR'] === '') delete env['CLAUDE_PROJECT_DIR'];
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [opts.script ?? SCRIPT, event], { env, cwd: opts.cwd ?? p.project, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      resolve({ code, stdout, stderr: Buffer.concat(err).toString('utf8'), json: oneJson(stdout) });
    });
    child.stdin.end(stdin);
  });
}

/** A bare HTTP server on the socket that records each request and answers `status` + `body`. */
async function rawServer(socketPath: string, status: number, body: string): Promise<Seen[]> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return seen;
}

async function apiServer(): Promise<ReturnType<typeof createFakeSupervisor>> {
  const fake = createFakeSupervisor();
  const server: ApiServer = await startApiServer(fake, { stateDir: p.state, deliveryStore: createMemoryDeliveryStore() });
  closers.push(() => server.close());
  return fake;
}

function decisionOf(r: Ran): unknown {
  return (r.json?.['hookSpecificOutput'] as Record<string, unknown> | undefined)?.['permissionDecision'];
}

const DENY_FROM_SERVER = JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'from the socket' } });

describe('agentry-hook.sh with the supervisor listening', () => {
  it('posts stdin with curl and prints the answer as is', async () => {
    setup();
    const seen = await rawServer(join(p.state, 'agentry.sock'), 200, DENY_FROM_SERVER);
    const payload = plainWrite(p.project);

    const r = await runScript('PreToolUse', payload);

    expect([r.code, r.stdout]).toEqual([0, DENY_FROM_SERVER]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ url: '/v1/hooks/PreToolUse', body: payload, headers: { 'content-type': 'application/json' } });
    expect(seen[0]?.headers['user-agent']).toMatch(/^curl\//);
    expect(p.spoolLines()).toEqual([]);
  });

  it('goes through the real API server to the supervisor', async () => {
    setup();
    const fake = await apiServer();
    fake.scriptHook({ exitCode: 0, stdout: DENY_FROM_SERVER, stderr: '' });
    const r = await runScript('PreToolUse', plainWrite(p.project));
    expect([r.code, r.stdout]).toEqual([0, DENY_FROM_SERVER]);
    expect(fake.callsOf('hook').map((c) => c.args[0])).toEqual(['PreToolUse']);
    fake.assertComplete();
  });

  it('prints nothing for an empty answer', async () => {
    setup();
    await rawServer(join(p.state, 'agentry.sock'), 200, '');
    const r = await runScript('Stop', hookPayload('Stop', p.project));
    expect([r.code, r.stdout]).toEqual([0, '']);
  });

  it('finds a relocated socket through agentry.sock.path', async () => {
    setup();
    const socketPath = join(tmp, 'relocated.sock');
    const seen = await rawServer(socketPath, 200, '');
    writeFileSync(join(p.state, 'agentry.sock.path'), `${socketPath}\n`);
    await runScript('Notification', hookPayload('Notification', p.project));
    expect(seen.map((s) => s.url)).toEqual(['/v1/hooks/Notification']);
  });

  it('never puts a malformed event name into the URL', async () => {
    setup();
    const seen = await rawServer(join(p.state, 'agentry.sock'), 200, DENY_FROM_SERVER);
    const r = await runScript('Stop/../../v1/tasks', hookPayload('Stop', p.project));
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toContain('not an event agentry handles');
    expect(seen).toEqual([]);
  });

  it('falls back to the Node client on a non-200, which does not ask the supervisor again', async () => {
    setup();
    const seen = await rawServer(join(p.state, 'agentry.sock'), 503, '{"error":{"code":"DRAINING"}}');
    const r = await runScript('PreToolUse', secretWrite(p.project));
    expect(r.code).toBe(0);
    expect(decisionOf(r)).toBe('deny');
    expect(seen).toHaveLength(1);
    expect(p.spoolLines()).toHaveLength(1);
  });

  it('gives each call one id: sent with the live request and written in the spool line of its fallback', async () => {
    setup();
    const seen = await rawServer(join(p.state, 'agentry.sock'), 503, '{"error":{"code":"DRAINING"}}');
    await runScript('Stop', hookPayload('Stop', p.project));
    await runScript('Stop', hookPayload('Stop', p.project));
    const ids = seen.map((s) => s.headers['x-agentry-hook-id']);
    expect(ids[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(ids[1]).not.toBe(ids[0]);
    expect(p.spoolLines().map((l) => parseSpoolLine(l)?.id)).toEqual(ids.map((id) => `hook:${String(id)}`));
  });

  it('does not print a 200 answer cut off mid-body, and falls back instead', async () => {
    setup();
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"hookSpecificOutput":{');
        setImmediate(() => res.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(join(p.state, 'agentry.sock'), resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const r = await runScript('PreToolUse', secretWrite(p.project));
    expect([r.code, decisionOf(r)]).toEqual([0, 'deny']);
    expect(p.spoolLines()).toHaveLength(1);
  });

  it('sends MBs of Write content to the supervisor: its hook route takes what the hook client takes (5 MB)', async () => {
    setup();
    const fake = await apiServer();
    const big = hookPayload('PreToolUse', p.project, {
      tool_name: 'Write',
      tool_input: { file_path: join(p.project, 'big.ts'), content: `${'// filler line\n'.repeat(150_000)}const t = '${GHP}';\n` },
    });
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    fake.scriptHook({ exitCode: 0, stdout: DENY_FROM_SERVER, stderr: '' });
    const r = await runScript('PreToolUse', big);
    expect([r.code, r.stdout]).toEqual([0, DENY_FROM_SERVER]);
    expect(fake.callsOf('hook')).toHaveLength(1);
    expect(p.spoolLines()).toEqual([]);
  });
});

describe('agentry-hook.sh with the supervisor stopped', () => {
  it('spools the event and enforces the gate through dist/hooks/fallback/client.js', async () => {
    setup();
    const r = await runScript('PreToolUse', secretWrite(p.project));
    expect(r.code).toBe(0);
    expect(decisionOf(r)).toBe('deny');
    expect(r.stdout).not.toContain(GHP);
    const lines = p.spoolLines();
    expect(lines.map((l) => parseSpoolLine(l)?.decision)).toEqual(['deny']);
  });

  it.each([
    ['SessionStart', 'context'],
    ['PostToolUse', ''],
    ['Stop', ''],
  ])('answers %s with one JSON object or nothing', async (event, kind) => {
    setup();
    const r = await runScript(event, hookPayload(event, p.project, { stop_hook_active: false }));
    expect(r.code).toBe(0);
    expect(r.json === null ? '' : 'context').toBe(kind);
    expect(p.spoolLines()).toHaveLength(1);
  });

  it('asks for a tool call it cannot read, and spools nothing', async () => {
    setup();
    const r = await runScript('PreToolUse', 'not json');
    expect([r.code, decisionOf(r)]).toEqual([0, 'ask']);
    expect(p.spoolLines()).toEqual([]);
  });

  it('uses $PWD when CLAUDE_PROJECT_DIR is not set', async () => {
    setup();
    mkdirSync(p.project, { recursive: true });
    await runScript('Stop', hookPayload('Stop', p.project), { env: { CLAUDE_PROJECT_DIR: '' }, cwd: p.project });
    expect(p.spoolLines()).toHaveLength(1);
  });

  it('follows AGENTRY_HOME', async () => {
    setup();
    const home = join(tmp, 'home-state');
    await runScript('Stop', hookPayload('Stop', p.project), { env: { AGENTRY_HOME: home } });
    expect(p.spoolLines()).toEqual([]);
    expect(readdirSync(home)).toContain('hooks.spool.ndjson');
  });

  it('asks for a tool call when the Node client is missing too, and stays silent otherwise', async () => {
    setup();
    const lone = join(tmp, 'lone');
    mkdirSync(join(lone, 'hooks'), { recursive: true });
    copyFileSync(SCRIPT, join(lone, 'hooks/agentry-hook.sh'));
    const pre = await runScript('PreToolUse', plainWrite(p.project), { script: join(lone, 'hooks/agentry-hook.sh') });
    const stop = await runScript('Stop', hookPayload('Stop', p.project), { script: join(lone, 'hooks/agentry-hook.sh') });
    expect([pre.code, decisionOf(pre)]).toEqual([0, 'ask']);
    expect(pre.stderr).toContain('npm run build');
    expect([stop.code, stop.stdout]).toEqual([0, '']);
  });

  it('leaves no temp file behind', async () => {
    setup();
    await runScript('PreToolUse', secretWrite(p.project));
    await runScript('Stop', hookPayload('Stop', p.project), { env: { AGENTRY_HOME: join(tmp, 'absent', 'x') } });
    expect(readdirSync(p.state).filter((n) => n.startsWith('.hook-'))).toEqual([]);
    expect(readdirSync(tmp).filter((n) => n.startsWith('.hook-'))).toEqual([]);
  });
});

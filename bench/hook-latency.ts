// Hook latency: the wall time Claude Code waits for one PreToolUse command hook (a clean Write),
// measured as it runs it: `sh -c '<installed command>'` with the payload on stdin. Against, in
// the same run, `node -e 0` (what any Node hook pays) and curl to a closed Unix socket (the floor
// of the fast path's curl spawn). The supervisor is warm (started with --offline) for the fast
// path and the CLI path, then stopped for the Node fallback. Goal: the command hook under 0.3× of
// `node -e 0`. With the supervisor stopped, the Bash call's Node client also runs alone, bundled
// (what the script runs) against its ~25 tsc modules, in the same rounds.
// Run: node dist/bench/hook-latency.js [--n=50] [--warmup=5]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { SupervisorEvent } from '../machines/events.js';
import { createApiClient } from '../server/index.js';
import { type BenchRow, fmt, isMain, printResult, times, withTempDir } from './harness.js';

const GOAL_RATIO = 0.3;

interface Options {
  n: number;
  warmup: number;
}

interface Probe {
  key: string;
  label: string;
  file: string;
  args: string[];
  input?: string;
  /** Checks one run's outcome; a wrong answer means the figure measures the wrong thing. */
  check: (status: number | null, stdout: string) => string | undefined;
}

interface Stats {
  medianMs: number;
  p90Ms: number;
  minMs: number;
  samples: number;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { n: 50, warmup: 5 };
  for (const arg of argv) {
    const [, name, value] = /^--(n|warmup)=(\d+)$/.exec(arg) ?? [];
    if (name === 'n' || name === 'warmup') opts[name] = Number(value);
  }
  return opts;
}

/** The package root: this file runs as bench/x.ts or dist/bench/x.js. */
function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
    dir = up;
  }
  return dir;
}

/** A hook's environment in a Claude Code session: CLAUDE_PROJECT_DIR, no agentry overrides. */
function hookEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(?:AGENTRY_|CLAUDE_)/.test(key)) env[key] = value;
  env['HOME'] = join(dir, 'home');
  env['PATH'] = `${dirname(process.execPath)}:${env['PATH'] ?? '/usr/bin:/bin'}`;
  env['CLAUDE_PROJECT_DIR'] = dir;
  return env;
}

function timeOnce(probe: Probe, env: Record<string, string>, cwd: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(probe.file, probe.args, { cwd, env, input: probe.input ?? '', encoding: 'utf8', timeout: 15_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error !== undefined) throw new Error(`${probe.label}: ${r.error.message}`);
  const wrong = probe.check(r.status, r.stdout);
  if (wrong !== undefined) throw new Error(`${probe.label}: ${wrong} (exit ${r.status}, stdout ${JSON.stringify(r.stdout.slice(0, 200))}, stderr ${JSON.stringify(r.stderr.slice(0, 200))})`);
  return ms;
}

/** Warm-ups, then `n` rounds; each round runs every probe once, so drift hits all alike. */
function measure(probes: readonly Probe[], opts: Options, env: Record<string, string>, cwd: string): Map<string, number[]> {
  const samples = new Map<string, number[]>(probes.map((p) => [p.key, []]));
  for (let i = 0; i < opts.warmup; i++) for (const p of probes) timeOnce(p, env, cwd);
  for (let i = 0; i < opts.n; i++) for (const p of probes) samples.get(p.key)?.push(timeOnce(p, env, cwd));
  return samples;
}

function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  const p90 = s[Math.max(0, Math.ceil(0.9 * s.length) - 1)] ?? 0;
  return { medianMs: round(median), p90Ms: round(p90), minMs: round(s[0] ?? 0), samples: s.length };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

const exitsSilently = (status: number | null, stdout: string): string | undefined =>
  status === 0 && stdout === '' ? undefined : 'expected exit 0 and no output (a clean Write in semi mode has no deny and no ask)';

/** Runs `agentry hooks install` and returns the PreToolUse command line it wrote. */
function installedCommand(bin: string, dir: string, env: Record<string, string>): string {
  const r = spawnSync(process.execPath, [bin, 'hooks', 'install', '--scope', 'local'], { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`agentry hooks install failed (exit ${r.status}): ${r.stderr}`);
  const settings = JSON.parse(readFileSync(join(dir, '.claude', 'settings.local.json'), 'utf8')) as { hooks?: Record<string, { hooks?: { command?: string }[] }[]> };
  const command = settings.hooks?.['PreToolUse']?.flatMap((g) => g.hooks ?? []).find((h) => h.command?.includes('agentry-hook') === true)?.command;
  if (command === undefined) throw new Error('hooks install wrote no agentry PreToolUse command');
  return command;
}

interface Supervisor {
  child: ChildProcess;
  stop(): Promise<number | null>;
}

async function startSupervisor(bin: string, dir: string, env: Record<string, string>): Promise<Supervisor> {
  const child = spawn(process.execPath, [bin, 'start', '--offline'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const client = createApiClient({ stateDir: join(dir, '.agentry') });
  const deadline = Date.now() + 15_000;
  while (!out.includes('agentry started') || !(await client.isReachable(200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the supervisor did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function hookCalls(dir: string): Promise<number> {
  const events = await createApiClient({ stateDir: join(dir, '.agentry') }).get<{ event: SupervisorEvent }[]>('/v1/events');
  return events.filter((e) => e.event.type === 'hook.received').length;
}

function spoolLines(dir: string): number {
  const file = join(dir, '.agentry', 'hooks.spool.ndjson');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length : 0;
}

function hasCurl(): boolean {
  return spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
}

interface Figures {
  node: Stats;
  curlClosed: Stats | null;
  commandHook: Stats | null;
  nodeFallback: Stats;
  /** A Bash call: the Node fallback loads the shell parser (WebAssembly) for it. */
  bashFallback: Stats;
  /** The Bash call's client alone (no sh): the bundle the script runs, and the tsc modules it is built from. */
  bashBundle: Stats;
  bashModules: Stats;
  cliHook: Stats;
}

/** The Node fallback's budget for a Bash call, parser load included (issue 13). */
const FALLBACK_BUDGET_MS = 250;

async function run(opts: Options, dir: string, curl: boolean): Promise<Figures> {
  const { bin, clients } = builtFiles(repoRoot());
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'agentry.config.json'), '{"version":1,"mode":"semi"}\n');
  const env = hookEnv(dir);
  const command = installedCommand(bin, dir, env);
  const payload = JSON.stringify({
    session_id: 'bench',
    transcript_path: 'T',
    cwd: dir,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Write',
    tool_input: { file_path: join(dir, 'src', 'a.ts'), content: 'export const a = 1;\n' },
    tool_use_id: 'toolu_bench',
  });
  const node: Probe = { key: 'node', label: 'node -e 0', file: process.execPath, args: ['-e', '0'], check: (s) => (s === 0 ? undefined : 'expected exit 0') };
  const curlClosed: Probe = {
    key: 'curlClosed',
    label: 'curl to a closed socket',
    file: 'curl',
    args: ['-sS', '--unix-socket', join(dir, 'closed.sock'), 'http://localhost/'],
    check: (s) => (s === 7 ? undefined : 'expected exit 7 (could not connect)'),
  };
  const hook: Probe = { key: 'hook', label: 'command hook', file: 'sh', args: ['-c', command], input: payload, check: exitsSilently };
  const cliHook: Probe = { key: 'cli', label: 'agentry hook', file: process.execPath, args: [bin, 'hook', 'PreToolUse'], input: payload, check: exitsSilently };

  const sup = await startSupervisor(bin, dir, env);
  let warm: Map<string, number[]>;
  try {
    warm = measure(curl ? [node, curlClosed, hook, cliHook] : [node, cliHook], opts, env, dir);
    // Every call was answered live: recorded by the supervisor, nothing spooled.
    const calls = await hookCalls(dir);
    const want = (curl ? 2 : 1) * (opts.warmup + opts.n);
    if (calls !== want || spoolLines(dir) !== 0) throw new Error(`warm phase: the supervisor recorded ${calls} hook calls (want ${want}) and ${spoolLines(dir)} were spooled (want 0)`);
  } finally {
    const code = await sup.stop();
    if (code !== 0) console.error(`warning: the supervisor exited with ${code} on SIGTERM`);
  }
  const cold = measureFallback(hook, node, payload, clients, opts, env, dir);
  return {
    node: stats([...(warm.get('node') ?? []), ...(cold.get('node') ?? [])]),
    curlClosed: curl ? stats(warm.get('curlClosed') ?? []) : null,
    commandHook: curl ? stats(warm.get('hook') ?? []) : null,
    nodeFallback: stats(cold.get('fallback') ?? []),
    bashFallback: stats(cold.get('bashFallback') ?? []),
    bashBundle: stats(cold.get('bashBundle') ?? []),
    bashModules: stats(cold.get('bashModules') ?? []),
    cliHook: stats(warm.get('cli') ?? []),
  };
}

/** The Node client as the script runs it (bundled) and as tsc emits it (modules). */
interface Clients {
  bundle: string;
  modules: string;
}

/** The CLI and both forms of the Node client, as `npm run build` leaves them. */
function builtFiles(root: string): { bin: string; clients: Clients } {
  const bin = join(root, 'dist', 'cli', 'bin.js');
  const clients = { bundle: join(root, 'dist', 'hooks', 'fallback', 'client.js'), modules: join(root, 'dist', 'hooks', 'client.js') };
  for (const f of [bin, clients.bundle, clients.modules]) if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
  return { bin, clients };
}

/** The supervisor stopped: a clean Write and a clean Bash call (which loads the shell parser). */
function measureFallback(hook: Probe, node: Probe, payload: string, clients: Clients, opts: Options, env: Record<string, string>, dir: string): Map<string, number[]> {
  const fallbackProbe: Probe = { ...hook, key: 'fallback', label: 'node fallback' };
  const bashPayload = JSON.stringify({ ...(JSON.parse(payload) as object), tool_name: 'Bash', tool_input: { command: 'cd src && npm test > out.log 2>&1 | tail -5' } });
  const bashProbe: Probe = { ...hook, key: 'bashFallback', label: 'node fallback, Bash', input: bashPayload };
  const client = (key: string, file: string): Probe => ({ key, label: key, file: process.execPath, args: [file, 'PreToolUse'], input: bashPayload, check: exitsSilently });
  const probes = [node, fallbackProbe, bashProbe, client('bashBundle', clients.bundle), client('bashModules', clients.modules)];
  const cold = measure(probes, opts, env, dir);
  const want = (probes.length - 1) * (opts.warmup + opts.n);
  if (spoolLines(dir) !== want) throw new Error(`fallback phase: ${spoolLines(dir)} spool lines, want ${want}`);
  return cold;
}

function table(f: Figures): string[] {
  const rows: [string, Stats | null][] = [
    ['(a) node -e 0 (baseline)', f.node],
    ['(b) curl to a closed Unix socket', f.curlClosed],
    ['(c) command hook, supervisor warm', f.commandHook],
    ['(d) command hook, Node fallback', f.nodeFallback],
    ['(d2) Node fallback, Bash (parser)', f.bashFallback],
    ['(e) node dist/cli/bin.js hook', f.cliHook],
    ['(f) Bash client alone, bundled', f.bashBundle],
    ['(g) Bash client alone, tsc modules', f.bashModules],
  ];
  const head = `${'path'.padEnd(36)}${'median ms'.padStart(11)}${'p90 ms'.padStart(9)}${'min ms'.padStart(9)}${'× node'.padStart(9)}`;
  return [
    head,
    '-'.repeat(head.length),
    ...rows.map(([name, s]) =>
      s === null
        ? `${name.padEnd(36)}${'skipped: curl is not installed'.padStart(38)}`
        : `${name.padEnd(36)}${fmt(s.medianMs, 2).padStart(11)}${fmt(s.p90Ms, 2).padStart(9)}${fmt(s.minMs, 2).padStart(9)}${times(s.medianMs / f.node.medianMs).padStart(9)}`,
    ),
  ];
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const opts = parseArgs(argv);
  const curl = hasCurl();
  const nproc = availableParallelism();
  console.log(`hook-latency: ${opts.warmup} warm-ups, then ${opts.n} rounds; PreToolUse clean Write; nproc ${nproc}, node ${process.version}`);
  if (!curl) console.log('curl is not installed: the command hook has no fast path here, so (b) and (c) are skipped');
  const f = await withTempDir('hook-latency', (dir) => run(opts, dir, curl));
  for (const line of table(f)) console.log(line);
  const ratio = f.commandHook === null ? null : f.commandHook.medianMs / f.node.medianMs;
  const met = ratio === null ? null : ratio < GOAL_RATIO;
  const verdict = ratio === null ? 'not measured (no curl)' : `${met === true ? 'met' : 'NOT met'}: ${times(ratio)} of node -e 0`;
  console.log(`goal: command hook (c) under ${GOAL_RATIO}× of node -e 0 — ${verdict}`);
  console.log(`goal: Node fallback for a Bash call (d2) under ${FALLBACK_BUDGET_MS} ms — ${f.bashFallback.medianMs < FALLBACK_BUDGET_MS ? 'met' : 'NOT met'}: ${fmt(f.bashFallback.medianMs, 2)} ms`);
  const ratioOf = (s: Stats | null): number | null => (s === null ? null : Math.round((s.medianMs / f.node.medianMs) * 1000) / 1000);
  const row = (metric: string, s: Stats | null, goal = '', ok: boolean | null = null): BenchRow => ({
    metric,
    baseline: `${fmt(f.node.medianMs, 2)} ms`,
    figure: s === null ? 'skipped (no curl)' : `${fmt(s.medianMs, 2)} ms (p90 ${fmt(s.p90Ms, 2)})`,
    ratio: s === null ? '' : times(s.medianMs / f.node.medianMs),
    goal,
    met: ok,
  });
  const data = { options: opts, nproc, nodeVersion: process.version, curl, ...f };
  printResult({
    bench: 'hook-latency',
    rows: [
      row('command hook, supervisor warm, vs node -e 0', f.commandHook, `< ${GOAL_RATIO}×`, met),
      row('curl to a closed socket vs node -e 0', f.curlClosed),
      row('command hook, Node fallback, vs node -e 0', f.nodeFallback),
      row('Node fallback for a Bash call (shell parser loaded)', f.bashFallback, `< ${FALLBACK_BUDGET_MS} ms`, f.bashFallback.medianMs < FALLBACK_BUDGET_MS),
      row('agentry hook (CLI), supervisor warm, vs node -e 0', f.cliHook),
      {
        metric: 'Node client alone for a Bash call, bundled vs its tsc modules',
        baseline: `${fmt(f.bashModules.medianMs, 2)} ms`,
        figure: `${fmt(f.bashBundle.medianMs, 2)} ms (p90 ${fmt(f.bashBundle.p90Ms, 2)})`,
        ratio: times(f.bashBundle.medianMs / f.bashModules.medianMs),
        goal: '',
        met: null,
      },
    ],
    data,
  });
  const ratios = { curlClosed: ratioOf(f.curlClosed), commandHook: ratioOf(f.commandHook), nodeFallback: ratioOf(f.nodeFallback), cliHook: ratioOf(f.cliHook) };
  console.log(JSON.stringify({ bench: 'hook-latency', ...data, ratioToNode: ratios, goal: { commandHookUnder: GOAL_RATIO, met } }));
}

if (isMain(import.meta.url)) await main();

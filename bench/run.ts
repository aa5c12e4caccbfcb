// `npm run bench`: every bench in its own process (so peak RSS is per bench), one result line
// collected from each, then one summary table. The peers (LangGraph.js, Mastra) run only when
// `npm run bench:peers` installed them. Options: --only=orchestration,recovery,… and --no-peers.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, fmt, isMain } from './harness.js';
import type { BenchResult, BenchRow } from './harness.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = resolve(HERE, '../..');
const PEERS = join(ROOT, 'bench', 'peers');
const TIMEOUT_MS = 30 * 60_000;

interface Child {
  code: number | null;
  lines: string[];
  result: BenchResult | null;
}

/** Runs `node <args>`, echoing its output indented, and picks out the result line. */
function runNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let result: BenchResult | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    const read = (stream: NodeJS.ReadableStream, prefix: string): void => {
      createInterface({ input: stream }).on('line', (line) => {
        if (line.startsWith(RESULT_PREFIX)) {
          result = JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult;
          return;
        }
        lines.push(line);
        console.log(`${prefix}${line}`);
      });
    };
    read(child.stdout, '  | ');
    read(child.stderr, '  ! ');
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, lines, result });
    });
  });
}

function failedRow(bench: string, child: Child): BenchResult {
  return { bench, rows: [{ metric: `exited with code ${child.code ?? 'null (killed)'}`, baseline: '', figure: '', ratio: '', goal: '', met: false }], data: {} };
}

// ---- peers --------------------------------------------------------------------------------------------

interface PeerLine {
  bench: string;
  sequentialPerSec: number;
  concurrentPerSec: number;
  peakRssMb: number;
}

async function runPeers(notes: string[]): Promise<PeerLine[]> {
  if (!existsSync(join(PEERS, 'node_modules'))) {
    notes.push('peers skipped: LangGraph.js and Mastra are not installed; run `npm run bench:peers` once, then `npm run bench`');
    console.log(`\n== peers: skipped (not installed; run \`npm run bench:peers\` first)`);
    return [];
  }
  const out: PeerLine[] = [];
  for (const script of ['langgraph.mjs', 'mastra.mjs']) {
    console.log(`\n== peer ${script}`);
    const child = await runNode([join(PEERS, script)], { ...process.env, MASTRA_TELEMETRY_DISABLED: '1' });
    const line = child.lines.findLast((l) => l.startsWith('{') && l.includes('"bench"'));
    if (child.code === 0 && line) out.push(JSON.parse(line) as PeerLine);
    else notes.push(`peer ${script} failed (exit ${child.code ?? 'killed'}); its ratios are left out`);
  }
  return out;
}

// ---- learning-sim and hook-latency (their own output formats) ------------------------------------------

const pct = (s: string | undefined): number => Number.parseFloat(s ?? '');

/** Reads the learning-sim table: phases `before …` and `after warm-up …`, and `target met: yes|no`. */
function learningRows(child: Child): BenchResult {
  const cells = (start: string): string[] => (child.lines.find((l) => l.startsWith(start)) ?? '').trim().split(/\s{2,}/);
  const before = cells('before');
  const after = cells('after warm-up');
  const target = cells('target');
  const met = child.lines.some((l) => l.startsWith('target met: yes'));
  const ratio = pct(after[3]) / pct(before[3]);
  const rows: BenchRow[] = [
    {
      metric: 'needed a person (after vs before learning)',
      baseline: before[3] ?? '?',
      figure: after[3] ?? '?',
      ratio: Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '',
      goal: target[1] ?? '',
      met: met ? true : pct(after[3]) <= pct(target[1]?.replace('<= ', '')),
    },
    { metric: 'wrongly auto-approved (after vs before)', baseline: before[4] ?? '?', figure: after[4] ?? '?', ratio: '', goal: target[2] ?? '', met: pct(after[4]) <= pct(target[2]?.replace('<= ', '')) },
  ];
  const sweep = /seeds (\S+) \(after warm-up\): target met in (\d+)\/(\d+)/.exec(child.lines.find((l) => l.startsWith('seeds ')) ?? '');
  // The sweep shows the spread over seeds; the simulation sets no goal for it.
  if (sweep) rows.push({ metric: `seeds ${sweep[1]}: runs meeting the target`, baseline: '', figure: `${sweep[2]}/${sweep[3]}`, ratio: '', goal: '', met: null });
  return { bench: 'learning-sim', rows, data: { targetMet: met } };
}

async function runLearningSim(): Promise<BenchResult> {
  console.log('\n== learning-sim');
  const child = await runNode([join(HERE, 'learning-sim.js')]);
  return child.code === 0 ? learningRows(child) : failedRow('learning-sim', child);
}

async function runHookLatency(notes: string[]): Promise<BenchResult | null> {
  const script = join(HERE, 'hook-latency.js');
  if (!existsSync(script)) {
    notes.push('hook-latency skipped: dist/bench/hook-latency.js does not exist yet (the daemon issue adds it)');
    return null;
  }
  console.log('\n== hook-latency');
  const child = await runNode([script]);
  if (child.result) return child.result;
  if (child.code !== 0) return failedRow('hook-latency', child);
  return { bench: 'hook-latency', rows: [{ metric: 'printed no result line; see its output above', baseline: '', figure: '', ratio: '', goal: '', met: null }], data: {} };
}

// ---- our benches --------------------------------------------------------------------------------------

async function runOwn(name: string, args: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<BenchResult> {
  console.log(`\n== ${name}`);
  const child = await runNode([...nodeFlags, join(HERE, `${name}.js`), ...args]);
  return child.result && child.code === 0 ? child.result : failedRow(name, child);
}

// ---- the table ----------------------------------------------------------------------------------------

function machineFacts(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  return `node ${process.version}, ${availableParallelism()} cores (nproc), ${cpu}, ${fmt(totalmem() / 2 ** 30, 1)} GB RAM, load ${load}, ${process.platform}/${process.arch}, ${new Date().toISOString()}`;
}

export function formatTable(results: readonly BenchResult[]): string {
  const head = ['bench', 'metric', 'baseline', 'figure', 'ratio', 'goal', 'met?'];
  const body = results.flatMap((r) => r.rows.map((row) => [r.bench, row.metric, row.baseline, row.figure, row.ratio, row.goal, row.met === null ? '' : row.met ? 'yes' : 'NO']));
  const rows = [head, ...body];
  const widths = head.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const wanted = (name: string): boolean => only === undefined || only.includes(name);
  const started = performance.now();
  const notes: string[] = [];
  const results: BenchResult[] = [];
  console.log(`agentry benchmarks — ${machineFacts()}`);
  const scratch = await mkdtemp(join(tmpdir(), 'agentry-bench-run-'));
  try {
    if (wanted('orchestration')) {
      const peers = argv.includes('--no-peers') ? [] : await runPeers(notes);
      const peersFile = join(scratch, 'peers.json');
      await writeFile(peersFile, JSON.stringify(peers));
      results.push(await runOwn('orchestration', [`--peers=${peersFile}`]));
    }
    if (wanted('store-cost')) results.push(await runOwn('store-cost'));
    if (wanted('recovery')) results.push(await runOwn('recovery'));
    if (wanted('cluster')) results.push(await runOwn('cluster'));
    if (wanted('history')) results.push(await runOwn('history'));
    if (wanted('memory')) results.push(await runOwn('memory', [], ['--expose-gc']));
    if (wanted('learning-sim')) results.push(await runLearningSim());
    if (wanted('hook-latency')) {
      const hook = await runHookLatency(notes);
      if (hook) results.push(hook);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  console.log(`\n== summary (${machineFacts()}; ${fmt((performance.now() - started) / 1000)} s)\n`);
  console.log(formatTable(results));
  for (const note of notes) console.log(`note: ${note}`);
  const missed = results.flatMap((r) => r.rows.filter((row) => row.met === false).map((row) => `${r.bench}: ${row.metric}`));
  console.log(missed.length === 0 ? '\nall goals met' : `\n${missed.length} goal(s) not met`);
}

if (isMain(import.meta.url)) await main();

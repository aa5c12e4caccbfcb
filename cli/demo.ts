// `agentry demo`: a realistic day on the offline model in a temporary .agentry/, printed as it
// happens — a launch campaign with dependencies, a lead, events under and over threshold, a
// failure the healer fixes, a mode switch through the config file and an approval that times
// out into its fallback — ending with the status dashboard and the learning report.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { StructuredModel } from '../agents/client/types.js';
import { createOfflineModel } from '../agents/offline/index.js';
import { ModelCallError } from '../core/errors.js';
import { agentryPaths } from '../core/paths.js';
import type { SupervisorEvent } from '../machines/events.js';
import { boot } from './boot.js';
import type { Booted } from './boot.js';
import { eventLine } from './format/event.js';
import { learnLines } from './format/learn.js';
import { statusLines } from './format/status.js';
import { DEMO_BRIEF, DEMO_DAILY_LIMIT_USD, DEMO_LEAD, demoConfig } from './demo-data.js';
import { money } from './format/table.js';

export interface DemoOptions {
  cwd: string;
  json: boolean;
  /** Output sink (tests capture it). */
  out?: (line: string) => void;
  /** Where the approved pieces are written (default: ./outputs, left behind after the run). */
  outputsDir?: string;
  /** Offline model latency per call, so the day is watchable. */
  latencyMs?: number;
}

/** The offline model, except that the first proposal attempt fails as overloaded: the healer's job. */
function flakyOnce(model: StructuredModel): StructuredModel {
  let failed = false;
  return {
    offline: true,
    worstCaseCost: (req) => model.worstCaseCost(req),
    call(req) {
      const input = req.input as { task?: string };
      if (!failed && req.agent === 'sales' && input.task === 'propose') {
        failed = true;
        return Promise.reject(new ModelCallError('MODEL_OVERLOADED', 'the model API answered 529 overloaded (injected by the demo)', { retryable: true, status: 529 }));
      }
      return model.call(req);
    },
  };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** The files the run's deliveries wrote. */
function delivered(seen: readonly { event: SupervisorEvent }[]): string[] {
  return seen.flatMap(({ event: e }) => (e.type === 'delivery.succeeded' && e.sinkType === 'file' ? [e.target] : []));
}

export async function runDemo(opts: DemoOptions): Promise<number> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const project = await mkdtemp(join(tmpdir(), 'agentry-demo-'));
  const outputsDir = resolve(opts.cwd, opts.outputsDir ?? 'outputs');
  const paths = agentryPaths(project, { AGENTRY_HOME: join(project, '.agentry') });
  const say = (text: string): void => {
    if (!opts.json) out(text);
  };
  say('agentry demo — the model is OFFLINE: a deterministic stand-in answers every agent; no API is called and nothing is billed.');
  say(`Costs below are a SIMULATED COST: what the configured model would bill for the offline text, against a ${money(DEMO_DAILY_LIMIT_USD)} daily limit.`);
  say('To run against Claude: set ANTHROPIC_API_KEY and run `agentry start` (see README).');
  say(`State for this run: ${paths.stateDir} (deleted at the end)\n`);
  await writeFile(paths.configFile, JSON.stringify(demoConfig('full', outputsDir), null, 2));
  let booted: Booted | undefined;
  const seen: { seq: number; event: SupervisorEvent }[] = [];
  try {
    booted = await boot({ paths, env: {}, offline: true, model: flakyOnce(createOfflineModel({ latencyMs: opts.latencyMs ?? 120 })) });
    const sup = booted.supervisor;
    const unsubscribe = sup.subscribe((seq, event) => {
      seen.push({ seq, event });
      say(`  ${eventLine({ seq, event })}`);
    });
    say('1. A product launch: the announcement first, then a thread, a page and an email that depend on it.');
    const launch = await sup.createTask({ workflow: 'product-launch', input: DEMO_BRIEF }, 'cli');
    say('2. A lead to qualify and propose to (its first proposal attempt will fail).');
    const lead = await sup.createTask({ workflow: 'lead', input: DEMO_LEAD, priority: 'P1' }, 'cli');
    say('3. Two competitor rank drops: one under the threshold, one over it.');
    await sup.emitEvent({ type: 'competitor.rank_drop', data: { competitor: 'Acme', keyword: 'ai dashboards', magnitude: 12 }, id: 'demo-drop-1' });
    await sup.emitEvent({ type: 'competitor.rank_drop', data: { competitor: 'Acme', keyword: 'ai dashboards', magnitude: 80 }, id: 'demo-drop-2' });
    await until(() => [launch.id, lead.id].every((id) => ['completed', 'rejected', 'failed'].includes(sup.getTask(id)?.status ?? '')), 30_000);

    say('4. The mode switches to manual through agentry.config.json; the next piece waits for a person.');
    await writeFile(paths.configFile, JSON.stringify(demoConfig('manual', outputsDir), null, 2));
    await booted.reloadConfig();
    const post = await sup.createTask({ workflow: 'social', input: { ...DEMO_BRIEF, channel: 'social_post', contentType: 'social-post' } }, 'cli');
    say(`   Nobody answers; after ${demoConfig('manual').approvals.timeoutMinutes * 60} s the coordinator decides (the fallback).`);
    await until(() => ['completed', 'rejected', 'failed'].includes(sup.getTask(post.id)?.status ?? ''), 30_000);
    await until(() => sup.listTasks().every((t) => ['completed', 'rejected', 'failed'].includes(t.status)), 30_000);

    unsubscribe();
    const status = sup.status();
    const learn = sup.learn();
    if (opts.json) {
      out(JSON.stringify({ offline: true, events: seen, status, learn }));
    } else {
      say('\nThe dashboard (agentry status):\n');
      for (const line of statusLines(status, Date.now(), false)) say(line);
      const files = delivered(seen);
      say(`\nWhat was delivered (${files.length} files, left in ${relative(opts.cwd, outputsDir) || '.'}/ after this run):\n`);
      for (const f of files) say(`  ${relative(opts.cwd, f)}`);
      say('\nWhat the learning store tuned (agentry learn):\n');
      for (const line of learnLines(learn)) say(line);
      say('\nThe model was OFFLINE throughout. Set ANTHROPIC_API_KEY and run `agentry start` to use Claude.');
    }
    return status.agents.length === 5 ? 0 : 1;
  } finally {
    await booted?.close('demo finished');
    await rm(project, { recursive: true, force: true });
  }
}

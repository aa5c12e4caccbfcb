// One project for a real Claude Code run: a temp folder with agentry.config.json, agentry's hooks
// installed by `agentry hooks install` (the real CLI), a scratch HOME, the fake model, and the
// supervisor in one of three states: up, down (never started until the run is over) or hung
// (SIGSTOP for the whole run). The hooks run in one of the two forms `hooks install` writes:
// `agentry hook <Event>` from PATH (the shared project settings when agentry is not installed in
// the project), or the shipped hooks/agentry-hook.sh by its path (`--scope local`, and the project
// settings of a project that has agentry in node_modules): curl to the socket, else the bundled
// Node fallback. Afterwards `settle()` brings the supervisor up and lets it ingest
// whatever was spooled, so every mode ends with the same question: what did agentry record?
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookScriptPath } from '../../../cli/commands/hook-settings.js';
import type { SupervisorEvent } from '../../../machines/events.js';
import { BIN, type Daemon, assertBuilt, startDaemon } from '../../support/daemon.js';
import { waitFor } from '../../e2e/hooks-harness.js';
import { type ClaudeRun, runClaude } from './claude.js';
import { type FakeModel, type Turn, startFakeModel } from './fake-model.js';

export type Mode = 'up' | 'down' | 'hung';
export const MODES: readonly Mode[] = ['up', 'down', 'hung'];
export type HookForm = 'agentry' | 'script';
export const HOOK_FORMS: readonly HookForm[] = ['agentry', 'script'];

export interface Rig {
  readonly dir: string;
  readonly mode: Mode;
  readonly model: FakeModel;
  daemon: Daemon | undefined;
  /** Plays `main` (and `subagent`) turns through `claude -p`, in the rig's supervisor state. */
  run(prompt: string, main: Turn[], opts?: { subagent?: Turn[]; allowedTools?: string[]; during?: (rig: Rig) => Promise<void> }): Promise<ClaudeRun>;
  /** The supervisor up and every spooled event ingested; then its events. */
  settle(): Promise<{ seq: number; event: SupervisorEvent }[]>;
  close(): Promise<void>;
}

export async function createRig(mode: Mode, config: Record<string, unknown> = {}, form: HookForm = 'agentry'): Promise<Rig> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'agentry-claude-code-'));
  const home = join(dir, '.home');
  mkdirSync(home);
  // agentry is not installed inside the project, so its shared settings run `agentry` from PATH.
  const binDir = join(dir, '.bin');
  mkdirSync(binDir);
  writeFileSync(join(binDir, 'agentry'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(join(binDir, 'agentry'), 0o755);
  writeFileSync(join(dir, 'agentry.config.json'), `${JSON.stringify({ version: 1, mode: 'semi', ...config })}\n`);
  const scope = form === 'script' ? ['--scope', 'local'] : [];
  const installed = spawnSync(process.execPath, [BIN, 'hooks', 'install', ...scope, '--json'], { cwd: dir, env: cleanEnv(dir), encoding: 'utf8' });
  if (installed.status !== 0) throw new Error(`agentry hooks install failed: ${installed.stderr}`);
  if (form === 'script') expectScriptCommands(JSON.parse(installed.stdout) as { path: string });
  const model = await startFakeModel();
  const start = (): Promise<Daemon> => startDaemon({ projectDir: dir, args: ['--offline'] });

  const rig: Rig = {
    dir,
    mode,
    model,
    daemon: mode === 'down' ? undefined : await start(),
    async run(prompt, main, opts = {}) {
      model.script(main, opts.subagent);
      if (mode === 'hung') rig.daemon?.child.kill('SIGSTOP');
      try {
        const running = runClaude({ cwd: dir, home, binDir, modelUrl: model.url, prompt, ...(opts.allowedTools ? { allowedTools: opts.allowedTools } : {}) });
        if (opts.during) await opts.during(rig);
        return await running;
      } finally {
        if (mode === 'hung') rig.daemon?.child.kill('SIGCONT');
      }
    },
    async settle() {
      // Down: the first start ingests the spool. Hung: a restart ingests what the hooks spooled
      // while the supervisor did not answer (it may also have recorded the calls it took late).
      if (rig.daemon && mode === 'hung') {
        await rig.daemon.stop();
        rig.daemon = undefined;
      }
      rig.daemon ??= await start();
      // The spool is ingested just after the socket answers: wait until none of it is left.
      const state = join(dir, '.agentry');
      await waitFor('the hook spool to be ingested', () => Promise.resolve(readdirSync(state).some((n) => n.startsWith('hooks.spool.ndjson')) ? undefined : true));
      return rig.daemon.client.get<{ seq: number; event: SupervisorEvent }[]>('/v1/events?limit=1000');
    },
    async close() {
      if (rig.daemon?.child.exitCode === null) rig.daemon.child.kill('SIGCONT');
      await rig.daemon?.stop();
      await model.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** hook.received records by Claude Code event name. */
export function hookCounts(events: readonly { event: SupervisorEvent }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { event } of events) if (event.type === 'hook.received') counts[event.hookEvent] = (counts[event.hookEvent] ?? 0) + 1;
  return counts;
}

/** Every command handler `hooks install --scope local` wrote runs the shipped script by its absolute path. */
function expectScriptCommands(installed: { path: string }): void {
  const script = hookScriptPath();
  const settings = JSON.parse(readFileSync(installed.path, 'utf8')) as { hooks: Record<string, { hooks: { command?: string }[] }[]> };
  const commands = Object.values(settings.hooks).flatMap((groups) => groups.flatMap((g) => g.hooks.map((h) => h.command ?? '')));
  const other = commands.filter((c) => !c.includes(script));
  if (commands.length === 0 || other.length > 0) throw new Error(`expected every hook to run ${script}; got ${JSON.stringify(commands)}`);
}

function cleanEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(?:VITEST|AGENTRY_|CLAUDE_)/.test(k)) env[k] = v;
  env['HOME'] = join(dir, '.home');
  return env;
}

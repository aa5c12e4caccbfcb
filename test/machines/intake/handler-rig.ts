// A real supervisor (offline model, temp state folder) with the hook handler wired in, for the
// handler and spool ingestion tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOfflineModel } from '../../../agents/offline/index.js';
import { resolveConfig } from '../../../config/load.js';
import type { EventOf } from '../../../machines/events.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { type HookHandler, type HookHandlerDeps, createHookHandler } from '../../../machines/intake/handler.js';

export interface Rig {
  readonly sup: Supervisor;
  readonly handler: HookHandler;
  readonly stateDir: string;
  received(): EventOf<'hook.received'>[];
  /** Stops the supervisor (the folder stays, for a restart). */
  stop(): Promise<void>;
  remove(): Promise<void>;
}

export async function startRig(mode: 'manual' | 'semi' | 'full', deps: HookHandlerDeps = {}, stateDir?: string): Promise<Rig> {
  const dir = stateDir ?? (await mkdtemp(join(tmpdir(), 'agentry-hh-')));
  const handler = createHookHandler(deps);
  const sup = await Supervisor.start({ stateDir: dir, config: resolveConfig({ version: 1, mode }), model: createOfflineModel(), hookHandler: handler });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await sup.stop();
  };
  return {
    sup,
    handler,
    stateDir: dir,
    received: () => sup.events().flatMap((e) => (e.event.type === 'hook.received' ? [e.event] : [])),
    stop,
    remove: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Yields to real I/O until `check` holds (bounded; no fixed sleeps). */
export { until } from '../../support/until.js';

export { BRIEF } from '../supervisor/replies.js';

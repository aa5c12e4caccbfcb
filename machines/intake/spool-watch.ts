// While the supervisor runs: ingests the hook spool whenever it appears (DESIGN §1). Hook calls
// spool while the supervisor is unreachable or too slow (a hung supervisor that wakes up again is
// still running), so waiting for the next start would leave their events unrecorded for hours.
// Triggered by a watch on the state folder and by `kick()` (the boot calls it after each live
// hook call, in case the platform's watch misses an event). One ingest runs at a time; a trigger
// during one runs another after it.

import { type FSWatcher, existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { HookHandler } from './handler.js';
import { type IngestCounts, type IngestSupervisor, ingestSpool } from './spool-ingest.js';

export interface SpoolWatch {
  /** Ingests the spool if there is one (now, or after the ingest under way). */
  kick(): void;
  /** Resolves when no ingest is running or queued. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function watchSpool(spoolFile: string, sup: IngestSupervisor, handler: HookHandler): SpoolWatch {
  const name = basename(spoolFile);
  const state: { running: Promise<void> | undefined; again: boolean; closed: boolean } = { running: undefined, again: false, closed: false };

  const ingestOnce = async (): Promise<void> => {
    try {
      const counts: IngestCounts = await ingestSpool(spoolFile, sup, handler);
      if (counts.lines > 0) sup.rt.logger.info(counts, 'hook spool ingested');
    } catch (err) {
      sup.rt.logger.error({ err, spoolFile }, 'hook spool not ingested; it is kept for the next try');
    }
  };

  const run = async (): Promise<void> => {
    await ingestOnce();
    // A trigger that came during the ingest: the spool may have a fresh line.
    while (state.again && !state.closed) {
      state.again = false;
      await ingestOnce();
    }
  };

  const kick = (): void => {
    if (state.closed) return;
    if (state.running !== undefined) {
      state.again = true;
      return;
    }
    if (!existsSync(spoolFile)) return;
    state.running = run().finally(() => {
      state.running = undefined;
    });
  };

  const settled = async (): Promise<void> => {
    for (let current = state.running; current !== undefined; current = state.running) await current;
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(spoolFile), { persistent: false }, (_type, file) => {
      if (file === null || file === name) kick();
    });
    watcher.on('error', (err) => sup.rt.logger.warn({ err }, 'hook spool watch failed; the spool is ingested after live hook calls'));
  } catch (err) {
    sup.rt.logger.warn({ err }, 'hook spool cannot be watched; it is ingested after live hook calls');
  }

  return {
    kick,
    idle: settled,
    close: async () => {
      state.closed = true;
      watcher?.close();
      await settled();
    },
  };
}

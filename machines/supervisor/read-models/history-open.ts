// Opening the history index and applying the retention setting. Both are derived-state chores:
// a failure is logged and the supervisor goes on (the archive itself is never touched by a
// failed index; retention only ever deletes whole archive days past the setting).
import { dayOf } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { HistoryIndex } from '../../../memory/history-index.js';

const DAY_MS = 24 * 3600 * 1000;

export async function openHistory(index: HistoryIndex, retentionDays: number | null | undefined, now: number, logger: Logger): Promise<void> {
  try {
    const opened = await index.open();
    if (opened.rebuilt && opened.entries > 0) logger.warn({ entries: opened.entries }, 'history index missing or damaged: rebuilt from the archive');
  } catch (err) {
    logger.error({ err }, 'history index could not be opened; finished tasks are not listed until the next start');
    return;
  }
  await pruneHistory(index, retentionDays, now, logger);
}

/** Deletes archive days older than `retentionDays` (null or undefined keeps everything). */
export async function pruneHistory(index: HistoryIndex, retentionDays: number | null | undefined, now: number, logger: Logger): Promise<void> {
  try {
    if (retentionDays === null || retentionDays === undefined) {
      await index.catchUp();
      return;
    }
    await index.catchUp();
    const removed = await index.pruneBefore(dayOf(now - retentionDays * DAY_MS));
    if (removed.length > 0) logger.info({ removed, retentionDays }, 'archive days past the retention setting deleted');
  } catch (err) {
    logger.error({ err }, 'history index not brought up to date');
  }
}

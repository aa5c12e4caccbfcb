// `agentry repair --truncate-at LINE`: the repair path for a journal damaged in the middle. It
// keeps the lines before LINE, preserves the whole damaged file next to it as evidence, and
// writes the kept prefix durably. Run only while no supervisor holds the store (it takes the lock).
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { writeFileDurable } from './durable-file.js';
import { JOURNAL_FILE } from './journal.js';
import { acquireLock } from './lock.js';

export interface RepairResult {
  journal: string;
  /** The damaged file, kept as it was. */
  backup: string;
  keptLines: number;
  droppedLines: number;
}

export async function repairJournal(stateDir: string, truncateAtLine: number, now: Date = new Date()): Promise<RepairResult> {
  if (!Number.isSafeInteger(truncateAtLine) || truncateAtLine < 1) {
    throw new UserError('USAGE', `--truncate-at must be a line number ≥ 1, got ${truncateAtLine}`);
  }
  const lock = await acquireLock(stateDir);
  try {
    const journal = join(stateDir, JOURNAL_FILE);
    const text = await readFile(journal, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new UserError('NOT_FOUND', `no journal at ${journal}: nothing to repair`);
      throw err;
    });
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (truncateAtLine > lines.length) {
      throw new UserError('USAGE', `${journal} has ${lines.length} lines; --truncate-at ${truncateAtLine} would keep everything`);
    }
    const backup = `${journal}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
    await copyFile(journal, backup);
    const kept = lines.slice(0, truncateAtLine - 1);
    await writeFileDurable(journal, kept.length === 0 ? '' : `${kept.join('\n')}\n`);
    return { journal, backup, keptLines: kept.length, droppedLines: lines.length - kept.length };
  } finally {
    await lock.release();
  }
}

// agentry repair --truncate-at LINE: cuts a journal damaged in the middle back to its intact
// prefix (the start-up error names the line). The damaged file is kept beside it.
import { repairJournal } from '../../memory/repair.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

export async function repair(opts: CommandContext & { truncateAt: number }): Promise<void> {
  const r = await repairJournal(opts.paths.stateDir, opts.truncateAt);
  output(opts, r, () => [
    `repaired ${r.journal}: kept ${r.keptLines} lines, dropped ${r.droppedLines} from line ${opts.truncateAt} on`,
    `  the damaged file is kept as ${r.backup}`,
    '  on the next start, tasks resume from their last recorded step; steps whose records were dropped run again',
  ]);
}

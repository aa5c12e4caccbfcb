// Fast preloading of a state folder: run one task through a real supervisor, keep the journal
// records it wrote, and write copies of them under new task ids. The copies have exactly the
// shapes the supervisor writes, so recovery and store benches replay genuine records.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_FILE, openJournal } from '../memory/journal.js';
import { scanJournal } from '../memory/journal-format.js';
import type { JournalRecord } from '../machines/supervisor/durable/records.js';
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { OutcomeWaiter, tick, withTempDir } from './harness.js';
import { BRIEF, benchConfig } from './orchestration.js';
import { createSilentModel, createStubModel } from './stub-model.js';

export interface TaskTemplate {
  taskId: string;
  records: JournalRecord[];
}

function belongsTo(r: JournalRecord, taskId: string): boolean {
  if (r.t === 'task') return r.record.id === taskId;
  if (r.t === 'event') return 'taskId' in r.event && r.event.taskId === taskId;
  return 'taskId' in r && r.taskId === taskId;
}

/**
 * The records of one content task: `completed` runs it to the end with the stub model; `active`
 * leaves it waiting for a model that never answers (its author step's intent is journaled).
 */
export async function captureTemplate(kind: 'completed' | 'active'): Promise<TaskTemplate> {
  return withTempDir('template', async (stateDir) => {
    const model = kind === 'completed' ? createStubModel() : createSilentModel();
    const sup = await Supervisor.start({ stateDir, config: benchConfig('full'), model });
    const waiter = new OutcomeWaiter(sup);
    try {
      const view = await sup.createTask({ workflow: 'content', input: { ...BRIEF } }, 'cli');
      if (kind === 'completed') await waiter.wait(view.id);
      else for (let i = 0; i < 200 && model.counters.calls === 0; i++) await tick(5);
      await tick(20); // the last events' group commit
      const scan = scanJournal(await readFile(join(stateDir, JOURNAL_FILE)));
      const records = scan.entries.map((e) => e.record as JournalRecord).filter((r) => belongsTo(r, view.id));
      return { taskId: view.id, records };
    } finally {
      waiter.close();
      await sup.stop();
    }
  });
}

/** Copies of a template under fresh task ids; event records get consecutive seqs from `seq`. */
export class Cloner {
  private readonly json: string;
  private readonly taskId: string;
  private readonly prefix: string;
  private seq: number;
  private n = 0;

  /** `prefix` keeps the ids of different clone sets apart (t_<prefix><n>); `pick` filters the records. */
  constructor(template: TaskTemplate, prefix: string, opts: { firstSeq?: number; pick?: (r: JournalRecord) => boolean } = {}) {
    const pick = opts.pick ?? (() => true);
    this.json = JSON.stringify(template.records.filter(pick));
    this.taskId = template.taskId;
    this.prefix = prefix;
    this.seq = opts.firstSeq ?? 1;
  }

  get nextSeq(): number {
    return this.seq;
  }

  clone(): JournalRecord[] {
    const id = `t_${this.prefix}${(this.n++).toString(36).padStart(6, '0')}`;
    const records = JSON.parse(this.json.replaceAll(this.taskId, id)) as JournalRecord[];
    for (const r of records) if (r.t === 'event') r.seq = this.seq++;
    return records;
  }
}

/** Appends `records` to the journal in `dir` through the real writer, in large group commits. */
export async function writeJournal(dir: string, records: Iterable<JournalRecord>, batch = 5000): Promise<number> {
  const { journal } = await openJournal(dir);
  let pending: Promise<void>[] = [];
  let count = 0;
  for (const r of records) {
    pending.push(journal.append(r));
    count++;
    if (pending.length >= batch) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await journal.close();
  return count;
}

// The learning store of one supervisor of a cluster. Outcomes are rows every supervisor shares
// (agentry_outcomes): finished tasks' outcome records and applied remedies' heal records. Each
// keeps its own LearningStore in memory, fed from them: the newest `learning.window` of each kind
// at its start, then every row written after (followed beside the live state), so each tunes its
// gate, tiers, models and healer (severity threshold, remedy per failure kind) from all of them. The rows are the truth; the store is derived, so
// a row that fails its schema is skipped and logged, and nothing here stops a start.
import type { Logger } from '../../core/logger.js';
import type { ResolvedConfig } from '../../config/load.js';
import { LearnedValues, LearningStore, validHeal } from '../../memory/learning/index.js';
import type { PgOutcomeRow, PgOutcomes } from '../../memory/postgres/outcomes.js';
import { formatIssue } from '../../core/errors.js';
import { check } from '../../schemas/registry.js';
import type { HealRecord, OutcomeRecord } from '../../schemas/generated/types.js';

/**
 * Re-read behind the newest outcome seen: its time is the writer's clock, and a row stamped
 * earlier may commit later (or come from a peer whose clock is a little behind).
 */
const MARGIN_MS = 5000;
const PAGE = 500;

export interface ClusterLearningDeps {
  outcomes: PgOutcomes;
  config: () => ResolvedConfig;
  logger: Logger;
}

export class ClusterLearning extends LearnedValues {
  private readonly store: LearningStore;
  /** Ids read within the margin, with their times: skipped when the margin is read again. */
  private readonly seen = new Map<string, number>();
  private newestAt = 0;
  private loaded = false;

  constructor(private readonly d: ClusterLearningDeps) {
    const store = LearningStore.forConfig(d.config());
    super(() => store.state, d.config);
    this.store = store;
  }

  /** Loads the newest outcomes the first time, then reads the rows written since. */
  async follow(): Promise<void> {
    if (!this.loaded) {
      const window = this.d.config().learning.window;
      const [outcomes, heals] = await Promise.all([this.d.outcomes.newest(window, 'outcome'), this.d.outcomes.newest(window, 'heal')]);
      // In the order they happened, as a follower reads them (the severity threshold replays heals in order).
      for (const row of [...outcomes, ...heals].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) this.take(row);
      this.loaded = true;
    }
    let from = { at: this.newestAt - MARGIN_MS, id: '' };
    for (;;) {
      const rows = await this.d.outcomes.after(from, { limit: PAGE, skip: [...this.seen.keys()] });
      for (const row of rows) this.take(row);
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) break;
      from = { at: last.at, id: last.id };
    }
    for (const [id, at] of this.seen) if (at < this.newestAt - MARGIN_MS) this.seen.delete(id);
  }

  /** A finished task's outcome: written once for the cluster (by its id), learned from here at once. */
  async record(outcome: OutcomeRecord): Promise<void> {
    if (!this.d.config().learning.enabled) return;
    // Ours, so a failure is a bug: logged, and the task it describes still ends as it did.
    const issue = check('outcome', outcome)[0];
    if (issue) {
      this.d.logger.error({ taskId: outcome.taskId, issue: formatIssue(issue) }, 'outcome record failed its schema: not recorded');
      return;
    }
    const row = { id: outcome.id, at: Date.parse(outcome.at), record: outcome, kind: 'outcome' as const };
    if (await this.d.outcomes.record({ ...row, taskId: outcome.taskId, agent: outcome.agent, workflow: outcome.workflow })) this.take(row);
  }

  /** An applied remedy and how it ended (`id`: the heal step's, so a replay writes nothing more), learned from here at once. */
  async recordHeal(id: string, at: number, of: { taskId: string; agent: string; workflow: string }, heal: HealRecord): Promise<void> {
    if (!this.d.config().learning.enabled) return;
    if (!validHeal(heal)) {
      this.d.logger.error({ taskId: of.taskId, heal }, 'heal record failed its schema: not recorded');
      return;
    }
    const row = { id, at, record: heal, kind: 'heal' as const };
    if (await this.d.outcomes.record({ ...row, ...of })) this.take(row);
  }

  private take(row: PgOutcomeRow<unknown>): void {
    if (this.seen.has(row.id)) return;
    this.seen.set(row.id, row.at);
    this.newestAt = Math.max(this.newestAt, row.at);
    if (row.kind === 'heal') {
      if (validHeal(row.record)) this.store.recordHeal(row.record);
      else this.d.logger.warn({ id: row.id }, 'heal row failed its schema: skipped');
      return;
    }
    if (row.kind !== 'outcome') {
      this.d.logger.warn({ id: row.id, kind: row.kind }, 'learning row of an unknown kind: skipped');
      return;
    }
    const issue = check('outcome', row.record)[0];
    if (issue) {
      this.d.logger.warn({ id: row.id, issue: formatIssue(issue) }, 'outcome row failed its schema: skipped');
      return;
    }
    this.store.record(row.record as OutcomeRecord);
  }
}

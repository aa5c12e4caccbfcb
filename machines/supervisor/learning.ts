// The supervisor's link to the learning store: assembles one outcome record per finished task
// from the step, gate and decision notes it receives, persists the store (lowdb, durable
// adapter) and answers the tuned values the supervisor reads.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Low } from 'lowdb';
import { AgentryError, SchemaValidationError, formatIssue } from '../../core/errors.js';
import { moveAside } from '../../memory/damaged-file.js';
import type { DamagedFile } from '../../memory/damaged-file.js';
import { openJsonStore } from '../../memory/json-store.js';
import {
  CURRENT_SCHEMA_VERSION,
  LEARNING_MIGRATIONS,
  LearnedValues,
  LearningStore,
  emptyLearningState,
  healRecordOf,
  newDraft,
  nextSubagent,
  noteDecision,
  noteStep,
  outcomeOf,
  parseLearningState,
  salvageLearningState,
} from '../../memory/learning/index.js';
import type { OutcomeDraft, StepFacts } from '../../memory/learning/index.js';
import type { LearningState, OutcomeRecord } from '../../schemas/generated/types.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { SupervisorEvent } from '../events.js';
import type { Learned } from './activities/runtime.js';

export interface OpenOptions {
  /** Where a damaged file is reported. */
  readonly logger?: { warn(obj: Record<string, unknown>, msg: string): void };
  /** ms since the epoch, for the moved-aside name. */
  readonly now?: () => number;
}

function firstError(err: AgentryError): string {
  const issue = err instanceof SchemaValidationError ? err.issues[0] : undefined;
  return issue === undefined ? err.message : `${err instanceof SchemaValidationError ? `${err.schema}: ` : ''}${formatIssue(issue)}`;
}

export class LearningService extends LearnedValues implements Learned {
  private readonly drafts = new Map<string, OutcomeDraft>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  /** Set when the file was damaged at open: moved aside and rebuilt (shown by status). */
  damaged: DamagedFile | undefined;

  private constructor(
    private readonly store: LearningStore,
    private readonly db: Low<LearningState>,
    private readonly config: () => ResolvedConfig,
  ) {
    super(() => store.state, config);
  }

  /**
   * Opens `<stateDir>/learning.json`. A file that fails its schema (or is not JSON) never blocks a
   * start: it is moved aside as `learning.json.damaged-<time>`, logged with the first error, and
   * the state is rebuilt from its outcome and heal records that are still valid. A newer schema
   * version or an unreadable file still refuses (upgrading, or fixing permissions, is the remedy).
   */
  static async open(stateDir: string, config: () => ResolvedConfig, opts: OpenOptions = {}): Promise<LearningService> {
    const path = join(stateDir, 'learning.json');
    const limits = { window: config().learning.window };
    const options = { version: CURRENT_SCHEMA_VERSION, migrations: LEARNING_MIGRATIONS, validate: parseLearningState };
    try {
      const db = await openJsonStore<LearningState>(path, emptyLearningState(), options);
      return new LearningService(LearningStore.fromJSON(db.data, limits), db, config);
    } catch (err) {
      if (!(err instanceof AgentryError) || err.code !== 'STORE_CORRUPT') throw err;
      const at = new Date(opts.now?.() ?? Date.now());
      const raw = await readFile(path, 'utf8').then((t) => JSON.parse(t) as unknown).catch(() => undefined);
      const movedTo = await moveAside(path, at);
      const salvaged = salvageLearningState(raw, limits);
      const damage: DamagedFile = { file: path, movedTo, error: firstError(err), at: at.toISOString() };
      opts.logger?.warn({ ...damage, rebuiltOutcomes: salvaged.outcomes, rebuiltHeals: salvaged.heals }, 'learning.json failed its check: moved aside and rebuilt from its outcome records');
      const db = await openJsonStore<LearningState>(path, emptyLearningState(), options);
      const service = new LearningService(new LearningStore(limits, salvaged.state), db, config);
      service.damaged = damage;
      service.dirty = true;
      await service.flush();
      return service;
    }
  }

  // ---- what the supervisor reads besides the tuned values (LearnedValues) --------------------

  nextSubagent(agentType: string): { agentType: string; count: number } | null {
    const t = nextSubagent(this.store.state, this.config(), agentType);
    return t.value === null ? null : { agentType: t.value, count: t.evidence.n };
  }

  // ---- what the supervisor tells it ------------------------------------------------------------

  note(taskId: string, workflow: string, contentType: string, kind: 'step' | 'gate' | 'final' | 'heal', data: Record<string, unknown>): void {
    if (!this.config().learning.enabled) return;
    const d = this.draft(taskId, workflow, contentType);
    if (kind === 'step') this.noteStep(d, data);
    else if (kind === 'gate') d.gate = data['decision'] as OutcomeRecord['gate'];
    else if (kind === 'heal' && typeof data['kind'] === 'string') {
      this.store.recordHeal(healRecordOf({ kind: data['kind'], remedy: String(data['remedy']), severity: Number(data['severity']), action: String(data['action']) }));
      this.dirty = true;
    } else if (kind === 'final') this.finish(taskId, d, data['outcome'] as OutcomeRecord['finalStatus'], Number(data['at']));
  }

  /** Person decisions label outcomes: approved = good, rejected = bad. */
  onEvent(event: SupervisorEvent): void {
    if (event.type !== 'approval.granted' && event.type !== 'approval.rejected') return;
    const d = this.drafts.get(event.taskId);
    if (d) noteDecision(d, { granted: event.type === 'approval.granted', byPerson: event.by === 'person', edited: event.type === 'approval.granted' && event.edited === true });
  }

  recordSubagentRun(sessionId: string, agentType: string, ok: boolean): void {
    this.store.recordSubagentRun(sessionId, agentType, ok);
    this.dirty = true;
  }

  endSession(sessionId: string, endedWell: boolean): void {
    this.store.endSession(sessionId, endedWell);
    this.dirty = true;
  }

  /** Writes the store if it changed; writes are serialised so the file always holds a whole state. */
  flush(): Promise<void> {
    if (!this.dirty) return this.writing;
    this.dirty = false;
    this.writing = this.writing.then(async () => {
      this.db.data = this.store.toJSON();
      await this.db.write();
    });
    return this.writing;
  }

  private draft(taskId: string, workflow: string, contentType: string): OutcomeDraft {
    let d = this.drafts.get(taskId);
    if (!d) {
      d = newDraft(taskId, workflow, contentType);
      this.drafts.set(taskId, d);
    }
    return d;
  }

  private noteStep(d: OutcomeDraft, data: Record<string, unknown>): void {
    const review = data['review'] as NonNullable<StepFacts['review']>['kind'] | null;
    noteStep(d, {
      agent: String(data['agent']),
      model: String(data['model']),
      confidence: Number(data['confidence']),
      costUsd: Number(data['costUsd'] ?? 0),
      latencyMs: Number(data['latencyMs'] ?? 0),
      usage: data['usage'] as StepFacts['usage'],
      review: review ? { kind: review, verdict: data['verdict'] as NonNullable<StepFacts['review']>['verdict'] } : null,
    });
  }

  private finish(taskId: string, d: OutcomeDraft, finalStatus: OutcomeRecord['finalStatus'], at: number): void {
    this.drafts.delete(taskId);
    const record = outcomeOf(d, finalStatus, at);
    if (!record) return; // no author step ran
    this.store.record(record);
    this.dirty = true;
  }
}

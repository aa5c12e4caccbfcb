// The supervisor's link to the learning store: assembles one outcome record per finished task
// from the step, gate and decision notes it receives, persists the store (lowdb, durable
// adapter) and answers the tuned values the supervisor reads.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Low } from 'lowdb';
import type { AgentKind } from '../../agents/client/types.js';
import { AgentryError, SchemaValidationError, formatIssue } from '../../core/errors.js';
import { moveAside } from '../../memory/damaged-file.js';
import type { DamagedFile } from '../../memory/damaged-file.js';
import { openJsonStore } from '../../memory/json-store.js';
import {
  CURRENT_SCHEMA_VERSION,
  LEARNING_MIGRATIONS,
  LearningStore,
  confidenceThreshold,
  emptyLearningState,
  formatLearnReport,
  learnReport,
  modelTier,
  nextSubagent,
  parseLearningState,
  reviewTier,
  salvageLearningState,
  severityThreshold,
} from '../../memory/learning/index.js';
import type { LearnEntry } from '../../memory/learning/index.js';
import type { LearningState, OutcomeRecord, ReviewTier } from '../../schemas/generated/types.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { SupervisorEvent } from '../events.js';
import type { Learned } from './activities/runtime.js';

type Draft = Partial<Omit<OutcomeRecord, 'reviewVerdicts' | 'tokens'>> & {
  reviewVerdicts: OutcomeRecord['reviewVerdicts'];
  tokens: OutcomeRecord['tokens'];
};

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

const LEARNED = <T>(t: { value: T; source: string }): T | undefined => (t.source === 'learned' ? t.value : undefined);

export class LearningService implements Learned {
  private readonly drafts = new Map<string, Draft>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  /** Set when the file was damaged at open: moved aside and rebuilt (shown by status). */
  damaged: DamagedFile | undefined;

  private constructor(
    private readonly store: LearningStore,
    private readonly db: Low<LearningState>,
    private readonly config: () => ResolvedConfig,
  ) {}

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

  // ---- Learned: what the supervisor reads ----------------------------------------------------

  confidenceThreshold(agent: AgentKind, taskType: string): number | undefined {
    return LEARNED(confidenceThreshold(this.store.state, this.config(), agent, taskType));
  }

  model(agent: AgentKind): string | undefined {
    return LEARNED(modelTier(this.store.state, this.config(), agent));
  }

  severityThreshold(): number | undefined {
    return LEARNED(severityThreshold(this.store.state, this.config()));
  }

  tier(contentType: string): ReviewTier | undefined {
    return LEARNED(reviewTier(this.store.state, this.config(), contentType));
  }

  nextSubagent(agentType: string): { agentType: string; count: number } | null {
    const t = nextSubagent(this.store.state, this.config(), agentType);
    return t.value === null ? null : { agentType: t.value, count: t.evidence.n };
  }

  report(): { values: LearnEntry[]; text: string } {
    const values = learnReport(this.store.state, this.config());
    return { values, text: formatLearnReport(values) };
  }

  // ---- what the supervisor tells it ------------------------------------------------------------

  note(taskId: string, workflow: string, contentType: string, kind: 'step' | 'gate' | 'final' | 'heal', data: Record<string, unknown>): void {
    if (!this.config().learning.enabled) return;
    const d = this.draft(taskId, workflow, contentType);
    if (kind === 'step') this.noteStep(d, data);
    else if (kind === 'gate') d.gate = data['decision'] as OutcomeRecord['gate'];
    else if (kind === 'heal' && typeof data['kind'] === 'string') {
      const outcome = data['action'] === 'retry' ? 'success' : 'failure';
      this.store.recordHeal({ kind: data['kind'], remedy: String(data['remedy']), outcome, severity: Number(data['severity']) });
      this.dirty = true;
    } else if (kind === 'final') this.finish(taskId, d, data['outcome'] as OutcomeRecord['finalStatus'], Number(data['at']));
  }

  /** Person decisions label outcomes: approved = good, rejected = bad. */
  onEvent(event: SupervisorEvent): void {
    if (event.type !== 'approval.granted' && event.type !== 'approval.rejected') return;
    const d = this.drafts.get(event.taskId);
    if (d && event.by === 'person') d.humanDecision = event.type === 'approval.granted' ? 'approved' : 'rejected';
    if (d && event.type === 'approval.granted' && event.edited === true) d.humanEdited = true;
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

  private draft(taskId: string, workflow: string, contentType: string): Draft {
    let d = this.drafts.get(taskId);
    if (!d) {
      d = { taskId, workflow, contentType, reviewVerdicts: [], tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: 0, latencyMs: 0 };
      this.drafts.set(taskId, d);
    }
    return d;
  }

  private noteStep(d: Draft, data: Record<string, unknown>): void {
    const usage = data['usage'] as { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number } | undefined;
    if (usage) {
      d.tokens.input += usage.inputTokens;
      d.tokens.output += usage.outputTokens;
      d.tokens.cacheRead += usage.cacheReadTokens;
      d.tokens.cacheWrite += usage.cacheWriteTokens;
    }
    d.costUsd = (d.costUsd ?? 0) + Number(data['costUsd'] ?? 0);
    d.latencyMs = (d.latencyMs ?? 0) + Number(data['latencyMs'] ?? 0);
    const review = data['review'] as OutcomeRecord['reviewVerdicts'][number]['kind'] | null;
    if (review) {
      d.reviewVerdicts.push({ kind: review, verdict: data['verdict'] as 'approve' | 'revise' | 'reject' });
    } else if (d.agent === undefined || d.agent === data['agent']) {
      d.agent = String(data['agent']);
      d.model = String(data['model']);
      d.confidence = Number(data['confidence']);
    }
  }

  private finish(taskId: string, d: Draft, finalStatus: OutcomeRecord['finalStatus'], at: number): void {
    this.drafts.delete(taskId);
    if (d.agent === undefined || d.model === undefined || d.confidence === undefined) return; // no author step ran
    const record: OutcomeRecord = {
      id: `${taskId}:outcome`,
      at: new Date(Number.isFinite(at) ? at : Date.now()).toISOString(),
      taskId,
      agent: d.agent,
      workflow: d.workflow ?? 'unknown',
      model: d.model,
      tokens: d.tokens,
      costUsd: d.costUsd ?? 0,
      latencyMs: d.latencyMs ?? 0,
      confidence: Math.min(1, Math.max(0, d.confidence)),
      reviewVerdicts: d.reviewVerdicts,
      gate: d.gate ?? 'blocked',
      humanDecision: d.humanDecision ?? 'none',
      finalStatus,
      // `wrong` is for auto-approved actions found wrong later; a person's decision labels the rest.
      wrong: null,
    };
    if (d.contentType) record.contentType = d.contentType;
    if (d.humanEdited === true) record.humanEdited = true;
    this.store.record(record);
    this.dirty = true;
  }
}

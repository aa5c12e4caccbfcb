// Which supervisors of the cluster are alive. Each one beats a row in agentry_supervisors (the
// time is the database's, so clocks that disagree do not matter) and, on each beat, looks for a
// peer of its own version silent longer than the timeout: it locks that peer's row (SKIP LOCKED,
// so two live supervisors never adopt the same peer), adopts its unfinished workflows through
// DBOS's recovery API and marks it adopted, in that transaction. A clean stop sets the row stale
// at once, so its unfinished work moves to a peer without waiting for the timeout. The row also
// carries the supervisor's policy digest (policy-digest.ts); the join and each beat read the live
// peers' and tell which differ (policy-hold.ts holds automatic approvals while any does).
import type { Logger } from '../../core/logger.js';
import type { PgStore } from '../../memory/postgres/pool.js';
import { differences } from './policy-digest.js';
import type { PolicyDigest } from './policy-digest.js';
import type { DifferingPeer } from './policy-hold.js';

export interface PeersOptions {
  store: PgStore;
  executorId: string;
  applicationVersion: string;
  heartbeatMs: number;
  peerTimeoutMs: number;
  /** Takes over a dead peer's workflows; returns their ids. */
  adopt(deadExecutorId: string): Promise<string[]>;
  logger: Logger;
  /** Told after each adoption (an event, a log line). */
  onAdopted?(deadExecutorId: string, workflowIds: string[]): void;
  policy: PolicyDigest;
  /** Told the live peers that decide by another policy, after each read of them and each publish. */
  onDiffering(differing: DifferingPeer[]): void;
}

/** A live peer as its last beat showed it. */
interface Peer {
  executorId: string;
  policy: Partial<PolicyDigest>;
}

const NOW_MS = 'floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

export class Peers {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private policy: PolicyDigest;
  /** The live peers at the last beat. */
  private live: Peer[] = [];

  constructor(private readonly o: PeersOptions) {
    this.policy = o.policy;
  }

  /** Says this supervisor is alive (clearing an old adoption mark), then beats on a timer. */
  async join(): Promise<void> {
    await this.o.store.pool.query(
      `INSERT INTO agentry_supervisors (executor_id, application_version, started_at, seen_at, policy) VALUES ($1, $2, ${NOW_MS}, ${NOW_MS}, $3)
       ON CONFLICT (executor_id) DO UPDATE SET application_version = EXCLUDED.application_version, started_at = EXCLUDED.started_at, seen_at = EXCLUDED.seen_at, adopted_by = NULL, policy = EXCLUDED.policy`,
      [this.o.executorId, this.o.applicationVersion, JSON.stringify(this.policy)],
    );
    await this.readPeers();
    this.timer = setInterval(() => {
      this.beating ??= this.beat()
        .catch((err: unknown) => this.o.logger.warn({ err }, 'cluster heartbeat failed'))
        .finally(() => {
          this.beating = undefined;
        });
    }, this.o.heartbeatMs);
    this.timer.unref();
  }

  /** The policy this supervisor now runs: published with the next beat. */
  publish(policy: PolicyDigest): void {
    this.policy = policy;
    this.o.onDiffering(this.differing());
  }

  /** Live peers that decide a task's steps by another policy, and in which config sections. */
  private differing(): DifferingPeer[] {
    return this.live.flatMap((peer) => {
      const sections = differences(this.policy, peer.policy);
      return sections.length === 0 ? [] : [{ executorId: peer.executorId, mode: peer.policy.mode ?? null, sections }];
    });
  }

  /** One beat: alive (with its policy), the live peers read, then at most one silent peer adopted. */
  async beat(): Promise<void> {
    const { store, executorId } = this.o;
    await store.pool.query(`UPDATE agentry_supervisors SET seen_at = ${NOW_MS}, policy = $2 WHERE executor_id = $1`, [executorId, JSON.stringify(this.policy)]);
    await this.readPeers();
    await store.transaction(async (tx) => {
      const { rows } = await tx.query<{ executor_id: string }>(
        `SELECT executor_id FROM agentry_supervisors
         WHERE executor_id <> $1 AND application_version = $2 AND adopted_by IS NULL AND seen_at < ${NOW_MS} - $3
         ORDER BY seen_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [executorId, this.o.applicationVersion, this.o.peerTimeoutMs],
      );
      const dead = rows[0]?.executor_id;
      if (dead === undefined) return;
      const ids = await this.o.adopt(dead);
      await tx.query('UPDATE agentry_supervisors SET adopted_by = $2 WHERE executor_id = $1', [dead, executorId]);
      this.o.logger.warn({ peer: dead, workflows: ids.length }, 'adopted the unfinished work of a silent supervisor');
      this.o.onAdopted?.(dead, ids);
    });
  }

  /** The live peers and their policies, then which of them differ. */
  private async readPeers(): Promise<void> {
    const peers = await this.o.store.pool.query<{ executor_id: string; policy: Partial<PolicyDigest> }>(
      `SELECT executor_id, policy FROM agentry_supervisors WHERE executor_id <> $1 AND seen_at >= ${NOW_MS} - $2 ORDER BY executor_id`,
      [this.o.executorId, this.o.peerTimeoutMs],
    );
    this.live = peers.rows.map((r) => ({ executorId: r.executor_id, policy: r.policy }));
    this.o.onDiffering(this.differing());
  }

  /** Stops beating; the row goes stale now, so a peer adopts what this one leaves unfinished. */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    await this.o.store.pool.query('UPDATE agentry_supervisors SET seen_at = 0 WHERE executor_id = $1', [this.o.executorId]);
  }
}

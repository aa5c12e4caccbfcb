// The SupervisorApi of one supervisor of a cluster (store.kind "postgres"): the CLI, HTTP API,
// hooks, MCP server and console talk to it as to the embedded one. A task is accepted once DBOS
// holds its workflow (durable in Postgres) and runs on whichever supervisor's task queue takes it;
// views, approvals, events and spend are the shared tables, so any supervisor shows and decides
// any task. Each finished task's outcome is a shared row too, and every supervisor learns from all
// of them. A flow, or a task that waits for others, is a workflow that starts its tasks when they can run.
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import type { StructuredModel } from '../../agents/client/types.js';
import { systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { ModelCallError, PolicyError, StoreError, UserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ResolvedConfig } from '../../config/load.js';
import { assertSchemaCurrent, openPostgres } from '../../memory/postgres/index.js';
import type { PostgresStores } from '../../memory/postgres/index.js';
import type { PermissionAsk } from '../../hooks/permission-request.js';
import type { AnyApprovalStatus, AnyApprovalView, ApprovalQuery, ApprovalView, CancelTaskRequest, CreateTaskRequest, DecideApprovalRequest, DeliveryView, EmitEventRequest, EmitEventResult, HookResult, OpenedPermission, Page, StatusView, SupervisorApi, TaskQuery, TaskStatus, TaskView } from '../contract.js';
import { createEvent } from '../events.js';
import type { SupervisorEvent } from '../events.js';
import type { HookHandler } from '../intake/handler.js';
import { LiveConfig } from '../supervisor/live-config.js';
import { alreadyDecided, checkedEdit, decisionTold } from '../supervisor/policy/decisions.js';
import { assertDomain } from '../supervisor/policy/escalation.js';
import { Permissions } from '../supervisor/policy/permissions.js';
import { DayStats } from '../supervisor/read-models/day-stats.js';
import { ACTION_TYPES } from '../supervisor/read-models/status.js';
import { retryTask } from '../supervisor/tasks/retry.js';
import { isTerminal } from '../supervisor/tasks/views.js';
import type { ScheduleConfig, WorkflowConfig } from '../../schemas/generated/types.js';
import { Schedules } from '../supervisor/policy/schedules.js';
import type { RetrySeed, TaskRecord } from '../task/context.js';
import { KeyedCreates } from '../task/keyed-create.js';
import { workflowOf } from '../task/new-record.js';
import { ClusterAgents } from './agent-calls.js';
import { ClusterDeliveries } from './cluster-deliveries.js';
import { acceptEvent } from './cluster-intake.js';
import type { ClusterDelivery } from './cluster-deliveries.js';
import { ClusterEvents } from './cluster-events.js';
import { ClusterLearning } from './cluster-learning.js';
import { clusterServices } from './cluster-services.js';
import { launchCluster } from './executor.js';
import type { Cluster } from './executor.js';
import { LiveState } from './live-state.js';
import { Peers } from './peers.js';
import { policyDigest } from './policy-digest.js';
import { PolicyHold } from './policy-hold.js';
import { queueLimits } from './queues.js';
import { TaskPlanner } from './task-planner.js';
import { ClusterTaskViews } from './task-views.js';
import { scheduledWorkflowId } from './task-workflow.js';

export interface ClusterSupervisorOptions {
  url: string;
  config: ResolvedConfig;
  model: StructuredModel;
  logger: Logger;
  /** This project's folder: relative file sinks are under it; the default executor id names it. */
  projectDir: string;
  env: Record<string, string | undefined>;
  clock?: Clock;
  hookHandler?: HookHandler;
  /** Every supervisor of a cluster runs one version (DBOS recovers no workflow of another). */
  applicationVersion: string;
}

/** How often the live list, pending approvals and spend are re-read: what a person sees, not what the work waits on. */
const FOLLOW_MS = 250;

type Stores = PostgresStores<TaskView, ApprovalView, SupervisorEvent, unknown, ClusterDelivery>;

/** The default executor id: this host and project folder, stable across restarts. */
function defaultExecutorId(projectDir: string): string {
  return `${hostname()}:${createHash('sha256').update(projectDir).digest('hex').slice(0, 8)}`;
}

interface Parts {
  pg: Stores;
  cluster: Cluster;
  events: ClusterEvents;
  views: ClusterTaskViews;
  live: LiveState;
  learning: ClusterLearning;
  deliveries: ClusterDeliveries;
  peers: Peers;
  hold: PolicyHold;
  permissions: Permissions;
  day: DayStats;
  agents: ClusterAgents;
  planner: TaskPlanner;
  keyed: KeyedCreates;
  stopping: AbortController;
}

export class ClusterSupervisor implements SupervisorApi {
  private draining = false;
  private readonly seen = new Set<string>();
  private readonly startedAt: number;
  readonly executorId: string;
  private readonly liveConfig: LiveConfig;
  /** Every supervisor keeps every schedule's timers; each firing runs once (fire). */
  private readonly schedules: Schedules;
  /** What the hook handler logs, timestamps and emits through. */
  readonly rt: { logger: Logger; clock: Clock; events: ClusterEvents };

  private constructor(
    private readonly opts: ClusterSupervisorOptions & { clock: Clock },
    private readonly p: Parts,
    liveConfig: LiveConfig,
    executorId: string,
  ) {
    this.startedAt = opts.clock.now();
    this.liveConfig = liveConfig;
    this.executorId = executorId;
    this.rt = { logger: opts.logger, clock: opts.clock, events: p.events };
    this.schedules = new Schedules(opts.clock, (schedule, at) => void this.fire(schedule, at));
  }

  static async start(o: ClusterSupervisorOptions): Promise<ClusterSupervisor> {
    const opts = { ...o, clock: o.clock ?? systemClock };
    const { clock, logger } = opts;
    const settings = opts.config.store;
    const executorId = settings.executorId ?? defaultExecutorId(opts.projectDir);
    const pg: Stores = await openPostgres(opts.url, { applicationName: `agentry ${executorId}`, now: () => clock.now() });
    let cluster: Cluster | undefined;
    try {
      await assertSchemaCurrent(pg.store);
      const liveConfig = new LiveConfig(opts.config);
      const config = (): ResolvedConfig => liveConfig.current;
      const events = new ClusterEvents(pg.events, logger);
      const learning = new ClusterLearning({ outcomes: pg.outcomes, config, logger });
      // Derived state: tasks recovered at launch gate with what it learned, and a failure to read it stops nothing.
      await learning.follow().catch((err: unknown) => logger.warn({ err }, 'learning outcomes not read: config values apply until the next follow'));
      const views = new ClusterTaskViews({ history: pg.history, events, clock, simulated: opts.model.offline, outcomes: learning });
      const stopping = new AbortController();
      const deliveries = new ClusterDeliveries({ table: pg.deliveries, config, clock, projectDir: opts.projectDir, env: opts.env, events, signal: stopping.signal });
      const agents = new ClusterAgents(config, clock, (e) => events.emit(e));
      const hold = new PolicyHold();
      const services = clusterServices({ config, clock, model: opts.model, ledger: pg.ledger, views, approvals: pg.approvals, events, deliveries, escalations: pg.escalations, agents, learned: learning, hold });
      cluster = await launchCluster({ url: opts.url, executorId, applicationVersion: opts.applicationVersion, limits: queueLimits(opts.config, { pollingIntervalMs: settings.pollMs }), logLevel: 'error' }, services);
      const live = new LiveState({ history: pg.history, approvals: pg.approvals, ledger: pg.ledger, escalations: pg.escalations, events, learning, logger, now: () => clock.now() });
      const day = new DayStats(clock.now());
      events.subscribe((_seq, e) => day.add(e));
      await live.follow();
      live.start(FOLLOW_MS);
      const adopted = cluster;
      const peers = new Peers({
        store: pg.store,
        executorId,
        applicationVersion: opts.applicationVersion,
        heartbeatMs: settings.heartbeatMs,
        peerTimeoutMs: settings.peerTimeoutMs,
        adopt: (dead) => adopted.adopt(dead),
        logger,
        policy: policyDigest(opts.config),
        onDiffering: (differing) => hold.saw(differing),
      });
      await peers.join();
      const permissions = new Permissions(clock, () => config().permissions, events);
      await events.emitDurable(createEvent('supervisor.started', { pid: process.pid, recoveredTasks: 0, offline: opts.model.offline }, clock.now()));
      logger.info({ executorId, store: pg.store.where }, 'cluster supervisor started');
      const find = async (id: string): Promise<TaskView | undefined> => live.get(id) ?? (await pg.history.find(id));
      const planner = new TaskPlanner({ config, clock, active: () => live.active(), find, learnedTier: (contentType) => learning.tier(contentType) });
      const supervisor = new ClusterSupervisor(opts, { pg, cluster, events, views, live, learning, deliveries, peers, hold, permissions, day, agents, planner, keyed: new KeyedCreates(find), stopping }, liveConfig, executorId);
      supervisor.schedules.arm(config().schedules);
      return supervisor;
    } catch (err) {
      await cluster?.shutdown().catch(() => undefined);
      await pg.store.close();
      throw err;
    }
  }

  // ---- SupervisorApi -------------------------------------------------------------------------

  status(): StatusView {
    const { live, day, permissions, events } = this.p;
    const now = this.opts.clock.now();
    const cfg = this.config;
    const queue = { P0: 0, P1: 0, P2: 0, P3: 0 };
    let awaitingApproval = 0;
    for (const v of live.active()) {
      if (v.status === 'awaiting_approval') awaitingApproval += 1;
      else queue[v.priority] += 1;
    }
    const spend = live.spend();
    const offline = this.opts.model.offline;
    const unavailable = this.opts.model.unavailable;
    return {
      mode: cfg.mode,
      config: { rejected: this.liveConfig.state.rejected, restartPending: [...this.liveConfig.state.restartPending], peersDiffer: this.p.hold.current() },
      health: { pid: process.pid, uptimeSec: Math.round((now - this.startedAt) / 1000), offline, model: offline ? 'offline' : unavailable === undefined ? 'claude' : 'none', ...(unavailable !== undefined && { modelUnavailable: unavailable }), draining: this.draining, store: live.ok ? 'ok' : 'unavailable' },
      // Agents are not actors on the cluster: each row is the calls this supervisor sends.
      agents: this.p.agents.views((kind) => (offline ? 'offline' : unavailable !== undefined ? 'none' : (cfg.models.byAgent[kind] ?? cfg.models.default))),
      queue,
      awaitingApproval,
      approvals: [...permissions.list('pending'), ...live.pendingApprovals()],
      slaBreaches: live.slaBreaches().map((b) => ({ taskId: b.taskId, scope: b.scope, deadline: new Date(b.deadline).toISOString(), tier: b.tier })),
      pausedDomains: live.pausedDomains(),
      spend: { day: spend?.day ?? '', spentUsd: (spend?.spentMicros ?? 0) / 1e6, reservedUsd: (spend?.reservedMicros ?? 0) / 1e6, limitUsd: cfg.risk.dailySpendLimitUsd, ...(offline ? { simulated: true } : {}) },
      lastActions: events.recent().filter((e) => ACTION_TYPES.has(e.event.type)).slice(-10).map((e) => e.event),
      today: day.today(now),
    };
  }

  async createTask(req: CreateTaskRequest, source: 'cli' | 'http' | 'demo' = 'http'): Promise<TaskView> {
    return this.create(req, source);
  }

  getTask(id: string): TaskView | undefined {
    return this.p.live.get(id);
  }

  listTasks(filter?: { status?: TaskStatus; limit?: number }): TaskView[] {
    const all = this.p.live.list().filter((v) => filter?.status === undefined || v.status === filter.status);
    return filter?.limit === undefined ? all : all.slice(0, filter.limit);
  }

  queryTasks(q: TaskQuery): Promise<Page<TaskView>> {
    return this.p.pg.history.query(q);
  }

  findTask(id: string): Promise<TaskView | undefined> {
    return this.p.pg.history.find(id);
  }

  exportTasks(since: number, write: (task: TaskView) => void): Promise<number> {
    return this.p.pg.history.export(since, write);
  }

  listApprovals(filter?: { status?: AnyApprovalStatus }): AnyApprovalView[] {
    const status = filter?.status;
    const actions = status === undefined || status === 'pending' ? this.p.live.pendingApprovals() : [];
    const permissions = status === 'escalated' || status === 'withdrawn' ? [] : this.p.permissions.list(status);
    return [...permissions, ...actions];
  }

  async queryApprovals(q: ApprovalQuery): Promise<Page<AnyApprovalView>> {
    const page: Page<AnyApprovalView> = await this.p.pg.approvals.query(q);
    if (q.after !== undefined) return page;
    const wanted = q.status === 'escalated' || q.status === 'withdrawn' ? [] : this.p.permissions.list(q.status);
    return { ...page, items: [...wanted, ...page.items] };
  }

  approve(id: string, req: DecideApprovalRequest): Promise<AnyApprovalView> {
    const { permissions } = this.p;
    if (permissions.has(id)) {
      if (req.output !== undefined) return Promise.reject(new UserError('INVALID_INPUT', `approval ${id} is a permission prompt: it has no output to edit`));
      return permissions.decide(id, { status: 'granted', ...(req.note === undefined ? {} : { note: req.note }), ...(req.always === undefined ? {} : { always: req.always }) });
    }
    if (req.always === true) return Promise.reject(new UserError('INVALID_INPUT', `always: approval ${id} is not a Claude Code permission request`));
    return this.decide(id, 'granted', req);
  }

  async reject(id: string, req: DecideApprovalRequest): Promise<AnyApprovalView> {
    if (!req.note) throw new UserError('INVALID_INPUT', 'a rejection needs a note saying why (--note)');
    if (this.p.permissions.has(id)) return this.p.permissions.decide(id, { status: 'rejected', note: req.note });
    if (req.output !== undefined) throw new UserError('INVALID_INPUT', 'output: an edited output goes with approve, not reject');
    return this.decide(id, 'rejected', req);
  }

  async cancelTask(id: string, req: CancelTaskRequest): Promise<TaskView> {
    const { pg } = this.p;
    const view = (await pg.history.find(id)) ?? this.p.live.get(id);
    if (!view) throw new UserError('NOT_FOUND', `no task ${id}; list them with \`agentry tasks\``);
    if (isTerminal(view.status)) throw new UserError('CONFLICT', `task ${id} is already ${view.status}`);
    const open: TaskView[] = [];
    for (const childId of view.children ?? []) {
      const child = await pg.history.find(childId);
      if (child && !isTerminal(child.status)) open.push(child);
    }
    // A flow's open children go with it.
    await this.p.cluster.cancel([id, ...open.map((c) => c.id)]);
    for (const child of open) await this.cancelled(child, `its flow ${id} was cancelled`);
    return this.cancelled(view, req.reason ?? 'cancelled by a person');
  }

  /** A cancelled task's view, its pending approval withdrawn (no decision will come). */
  private async cancelled(view: TaskView, reason: string): Promise<TaskView> {
    const pending = view.approval?.status === 'pending' ? view.approval : undefined;
    const withdrawn = pending && (await this.p.pg.approvals.decide(pending.id, 'withdrawn', { ...pending, status: 'withdrawn', decidedAt: new Date(this.opts.clock.now()).toISOString() }));
    const shown = withdrawn ? { ...view, approval: withdrawn, approvals: (view.approvals ?? []).map((a) => (a.id === withdrawn.id ? withdrawn : a)) } : view;
    const cancelled = await this.p.views.cancelled(shown, reason);
    this.p.live.saw(cancelled);
    return cancelled;
  }

  async retryTask(id: string): Promise<TaskView> {
    this.assertAccepting();
    const { pg, events } = this.p;
    return retryTask(id, { config: () => this.config, clock: this.opts.clock, events, find: (taskId) => pg.history.find(taskId), create: (req, seed) => this.create(req, 'retry', seed) });
  }

  /** Lets a domain escalation paused act again, on every supervisor (their gates read the shared row). */
  async resumeDomain(name: string): Promise<{ domain: string; resumed: boolean }> {
    const { pg, events, live } = this.p;
    assertDomain(this.config, name, (await pg.escalations.paused()).includes(name));
    const now = this.opts.clock.now();
    const resumed = await pg.escalations.resume(name, now);
    if (resumed) await events.emitDurable(createEvent('domain.resumed', { domain: name }, now));
    await live.follow();
    return { domain: name, resumed };
  }

  requestPermission(ask: PermissionAsk): Promise<OpenedPermission> {
    this.assertAccepting();
    return this.p.permissions.open(ask);
  }

  cancelPermission(id: string, reason: string): void {
    this.p.permissions.cancel(id, reason);
  }

  endPermissions(reason: string): void {
    this.p.permissions.close(reason);
  }

  async emitEvent(req: EmitEventRequest): Promise<EmitEventResult> {
    this.assertAccepting();
    this.assertModel();
    this.assertStore();
    const { result, started } = await acceptEvent(req, {
      clock: this.opts.clock,
      config: () => this.config,
      cluster: this.p.cluster,
      plan: (routed) => this.p.planner.routed(routed),
      assertRoom: () => this.p.planner.assertRoom(),
    });
    for (const view of started) this.p.live.saw(view);
    return result;
  }

  /**
   * Keys this supervisor saw, a fast path only: nothing needs them cluster-wide. A webhook
   * delivery's duplicate is decided by emitEvent (its event's workflow id), and a hook call's
   * `hook.received` is appended under the call's key, so a call seen by two supervisors, or
   * spooled again after a restart, is recorded once.
   */
  hasSeen(id: string): boolean {
    return this.seen.has(id);
  }

  remember(id: string): Promise<void> {
    this.seen.add(id);
    return Promise.resolve();
  }

  events(opts?: { after?: number; limit?: number }): { seq: number; event: SupervisorEvent }[] {
    return this.p.events.recent(opts);
  }

  subscribe(listener: (seq: number, event: SupervisorEvent) => void): () => void {
    return this.p.events.subscribe(listener);
  }

  hook(event: string, payload: unknown, meta: { id?: string } = {}): Promise<HookResult> {
    const handler = this.opts.hookHandler;
    if (!handler) return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
    return handler(event, payload, this, meta);
  }

  async retryDeliveries(taskId: string): Promise<DeliveryView[]> {
    this.assertAccepting();
    const views = await this.p.deliveries.retry(taskId);
    const task = await this.p.pg.history.find(taskId);
    if (task) this.p.live.saw(task);
    return views;
  }

  learn(): unknown {
    return this.p.learning.report();
  }

  get config(): ResolvedConfig {
    return this.liveConfig.current;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** A validated config applies at once to what reads it on each call (mode, gate, routes, limits of new calls). */
  applyConfig(next: ResolvedConfig, paths: string[]): void {
    this.liveConfig.take(next, paths, this.p.events, this.opts.clock.now());
    this.schedules.arm(next.schedules);
    this.p.peers.publish(policyDigest(this.config));
  }

  rejectConfig(issues: string[], file?: string): void {
    this.liveConfig.reject(issues, this.opts.clock.now(), this.p.events, file);
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Tasks the model-call journal holds for this cluster, for tests and `doctor`. */
  modelCalls(prefix?: string): ReturnType<Cluster['modelCalls']> {
    return this.p.cluster.modelCalls(prefix);
  }

  /** Stops taking work; unfinished workflows stay in Postgres, where a peer (or the restart) resumes them. */
  async stop(reason = 'stopped'): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const { p } = this;
    await p.events.emitDurable(createEvent('supervisor.stopping', { reason }, this.opts.clock.now())).catch(() => undefined);
    this.schedules.close();
    p.permissions.close('the supervisor stopped');
    p.stopping.abort();
    await p.live.stop();
    await p.cluster.shutdown();
    await p.peers.leave().catch((err: unknown) => this.opts.logger.warn({ err }, 'cluster heartbeat row not released'));
    await p.pg.store.close();
  }

  // ---- the work ------------------------------------------------------------------------------

  private create(req: CreateTaskRequest, source: TaskRecord['source'], retry?: RetrySeed): Promise<TaskView> {
    return this.p.keyed.create(req, async (id) => {
      const { plan, status } = await this.planOf(req, source, id);
      if (retry !== undefined) plan.record.retry = retry;
      // Accepted once DBOS holds the workflow: from here a crash of any supervisor cannot lose it.
      await this.p.cluster.submit(plan, id !== undefined);
      const view = await this.p.views.accepted(plan.record, status);
      this.p.live.saw(view);
      return view;
    });
  }

  /**
   * A schedule's time came (on every supervisor at once): the task is made here and handed to the
   * firing's workflow, which DBOS runs once for the whole cluster. Called from a timer: nothing
   * may reject out of here.
   */
  private async fire(schedule: ScheduleConfig, at: number): Promise<void> {
    if (this.draining) return;
    try {
      const { plan } = await this.planOf({ workflow: schedule.workflow, input: schedule.input ?? {}, priority: schedule.priority ?? 'P2' }, 'schedule');
      plan.record.origin = scheduledWorkflowId(schedule.id, at);
      await this.p.cluster.schedule(plan, schedule.id, at);
    } catch (err) {
      this.opts.logger.error({ err, schedule: schedule.id }, 'scheduled task refused');
    }
  }

  /** A new task's plan, or the reason it is refused (draining, no model, full, an unknown dependency, bad input). */
  private planOf(req: CreateTaskRequest, source: TaskRecord['source'], id?: string): ReturnType<TaskPlanner['plan']> {
    this.assertAccepting();
    this.assertModel();
    this.assertStore();
    return this.p.planner.plan(req, source, id);
  }

  private async decide(id: string, status: 'granted' | 'rejected', req: DecideApprovalRequest): Promise<ApprovalView> {
    const { pg, cluster, events } = this.p;
    const row = await pg.approvals.get(id);
    if (!row) throw new UserError('NOT_FOUND', `no approval ${id}; list them with \`agentry approvals\``);
    const view = row.view;
    const edited = req.output === undefined ? undefined : checkedEdit(view.taskId, await this.stepsOf(view.taskId), req.output);
    const at = this.opts.clock.now();
    const said = { ...(req.note === undefined ? {} : { note: req.note }), ...(req.by === undefined ? {} : { decider: req.by }) };
    const decided: ApprovalView = { ...view, status, decidedBy: 'person', decidedAt: new Date(at).toISOString(), ...said, ...(edited === undefined ? {} : { edited }) };
    // The row first (one conditional UPDATE: the first decision wins, cluster-wide), then the
    // message to the waiting workflow, sent once by its key; a decision repeated after a failed
    // send sends it again, and the key keeps it one.
    const final = (await pg.approvals.decide(id, status, decided)) ?? (await this.sameDecision(id, status));
    await cluster.decide(view.taskId, id, { status, ...(said.note === undefined ? {} : { note: said.note }), ...(edited === undefined ? {} : { output: edited.output }) });
    await events.emitDurable(decisionTold(view, status, req, edited !== undefined, this.config.mode, at), `${id}:decided`);
    return final;
  }

  /** An approval someone decided first: the same decision by a person is this one repeated; any other is a conflict. */
  private async sameDecision(id: string, status: 'granted' | 'rejected'): Promise<ApprovalView> {
    const current = (await this.p.pg.approvals.get(id))?.view;
    if (current && current.status === status && current.decidedBy === 'person') return current;
    throw new UserError('CONFLICT', current ? alreadyDecided(current) : `approval ${id} is already decided`, { details: { id, status: current?.status ?? null } });
  }

  /** The steps of a task's workflow, whose last one's agent wrote the draft an edit replaces. */
  private async stepsOf(taskId: string): Promise<WorkflowConfig['steps']> {
    const task = await this.p.pg.history.find(taskId);
    return task ? workflowOf(this.config, task.workflow).steps : undefined;
  }

  private assertModel(): void {
    const why = this.opts.model.unavailable;
    if (why !== undefined) throw new ModelCallError('MODEL_UNAVAILABLE', why, { retryable: false });
  }

  /**
   * New work is refused at once while the last read of Postgres failed: it could not be made
   * durable, and DBOS would hold the request until the server is back, however long that is.
   */
  private assertStore(): void {
    if (!this.p.live.ok) throw new StoreError('STORE_UNAVAILABLE', `${this.p.pg.store.where} did not answer the last read: nothing was accepted; try again once \`agentry status\` shows the store ok`);
  }

  private assertAccepting(): void {
    if (this.draining) throw new PolicyError('DRAINING', 'the supervisor is shutting down and takes no new work');
  }
}

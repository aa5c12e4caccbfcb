// The composition root: opens the journal, replays it, starts the actor system and exposes the
// SupervisorApi. Every mutating call resolves only after what it accepted is durable.
import { createActor } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind, StructuredModel } from '../../agents/client/types.js';
import { dayOf, systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { ModelCallError, PolicyError, UserError } from '../../core/errors.js';
import { createRootLogger } from '../../core/logger.js';
import type { Logger } from '../../core/logger.js';
import type { FsOps } from '../../memory/fs-ops.js';
import { openJournal } from '../../memory/journal.js';
import type { Journal } from '../../memory/journal.js';
import type { PermissionAsk } from '../../hooks/permission-request.js';
import type { AnyApprovalStatus, AnyApprovalView, ApprovalQuery, ApprovalView, CancelTaskRequest, ConfigState, CreateTaskRequest, DecideApprovalRequest, DeliveryView, EmitEventRequest, EmitEventResult, FinalStatus, HookResult, OpenedPermission, Page, StatusView, SupervisorApi, TaskQuery, TaskStatus, TaskView } from '../contract.js';
import { HistoryIndex } from '../../memory/history-index.js';
import { definitionOf } from '../../agents/definitions.js';
import { validate } from '../../schemas/registry.js';
import { createAgentMachine } from '../agent/agent-machine.js';
import { createInFlightLimit } from '../agent/in-flight.js';
import type { InFlightLimit } from '../agent/in-flight.js';
import type { ResolvedConfig } from '../../config/load.js';
import { needsRestart } from '../../config/restart.js';
import { createEvent } from '../events.js';
import type { EventOf, SupervisorEvent } from '../events.js';
import { BudgetLedger } from '../ledger.js';
import { Deliveries } from '../deliveries/deliveries.js';
import { taskMachine } from '../task/task-machine.js';
import { agentStepLogic } from './activities/agent-step.js';
import { AgentHandles } from './agents.js';
import { approvalLogic } from './activities/approval-step.js';
import { Approvals } from './policy/approvals.js';
import { DayStats } from './read-models/day-stats.js';
import { EventLog } from './read-models/event-log.js';
import { executeLogic } from './activities/execute-step.js';
import { gateLogic } from './activities/gate-step.js';
import { healLogic } from './activities/heal-step.js';
import { Intake } from './policy/intake.js';
import type { Routed } from './policy/intake.js';
import { ActivityJournal } from './durable/activity-journal.js';
import type { JournalRecord, JournalSink } from './durable/records.js';
import { replayJournal } from './durable/recovery.js';
import { createRootMachine } from './root-machine.js';
import type { Learned, Runtime } from './activities/runtime.js';
import type { LearningService } from './learning.js';
import { Schedules } from './policy/schedules.js';
import { SlaWatcher } from './policy/sla.js';
import { buildStatus } from './read-models/status.js';
import { compactionRecords } from './durable/compaction.js';
import { createNotifier } from './notifier.js';
import { createInspector } from './inspect.js';
import type { Post } from './notifier.js';
import { TaskBook } from './tasks/task-book.js';
import { retrySeed } from './tasks/retry.js';
import { summarizeView, TaskHistory } from './read-models/history.js';
import { openHistory, pruneHistory } from './read-models/history-open.js';
import { newView, TaskViews } from './tasks/views.js';
import { Permissions } from './policy/permissions.js';

export interface SupervisorOptions {
  stateDir: string;
  config: ResolvedConfig;
  model: StructuredModel;
  clock?: Clock;
  logger?: Logger;
  /** Journal file operations (tests inject disk faults). */
  fs?: FsOps;
  /** The learning store; without it nothing is tuned and config values apply. */
  learning?: LearningService;
  /** Sends notify.webhookUrl messages (tests inject a recorder). */
  notifyPost?: Post;
  /** Relative file-sink folders are under it (default: the state folder, so a library user's files stay in it). */
  projectDir?: string;
  /** Where webhook secrets (deliveries.sinks.*.secretEnv) are read; default process.env. */
  env?: Record<string, string | undefined>;
  /** Answers Claude Code hook calls (hooks/ builds it). */
  hookHandler?: (event: string, payload: unknown, sup: Supervisor, meta?: { id?: string }) => Promise<HookResult>;
}

/** Journal records between compactions (about a minute of heavy load). */
const COMPACT_EVERY_APPENDS = 50_000;
const SEEN_TTL_MS = 3 * 24 * 3600 * 1000;

/** Names of the supervisor's own events: outside callers may not emit them. */
const RESERVED_EVENT_PREFIXES = ['task.', 'step.', 'review.', 'approval.', 'gate.', 'sla.', 'budget.', 'agent.', 'heal.', 'config.', 'mode.', 'supervisor.', 'hook.', 'schedule.', 'dependency.', 'escalation.', 'domain.', 'action.', 'event.', 'delivery.', 'permission.'];

const NO_LEARNING: Learned = { confidenceThreshold: () => undefined, model: () => undefined, severityThreshold: () => undefined };

export class Supervisor implements SupervisorApi {
  private draining = false;
  /** Resolves once every recovered task has been restarted. */
  recovered: Promise<number> = Promise.resolve(0);
  private readonly seen = new Map<string, number>();
  private readonly deciding = new Set<string>();
  private compactedAt = 0;
  /** The config file refused last, until a valid one is applied; settings awaiting a restart. */
  private readonly configState: ConfigState = { rejected: null, restartPending: [] };
  private compacting: Promise<void> | null = null;
  /** Claude Code permission prompts waiting for a person (set once the journal is replayed). */
  private permissions!: Permissions;

  private constructor(
    private readonly opts: SupervisorOptions,
    private readonly configBox: { current: ResolvedConfig },
    readonly rt: Runtime,
    private readonly journal: Journal,
    private readonly book: TaskBook,
    private readonly agentHandles: AgentHandles,
    private readonly root: AnyActorRef,
    private readonly inFlight: InFlightLimit,
    private readonly intake: Intake,
    private readonly schedules: Schedules,
    private readonly day: DayStats,
    private readonly startedAt: number,
    private readonly index: HistoryIndex,
    private readonly history: TaskHistory,
    /** Finished views not archived yet (the next compaction archives them). */
    private readonly finishedViews: TaskView[],
  ) {}

  static async start(opts: SupervisorOptions): Promise<Supervisor> {
    const clock = opts.clock ?? systemClock;
    const logger = opts.logger ?? createRootLogger({ level: 'silent' });
    const opened = await openJournal(opts.stateDir, { logger, timer: clock, ...(opts.fs ? { fs: opts.fs } : {}) });
    const journal = opened.journal;
    const sink: JournalSink = { append: (r: JournalRecord) => journal.append(r), write: (r: JournalRecord) => journal.write(r) };
    const configBox = { current: opts.config };
    const config = (): ResolvedConfig => configBox.current;
    const onError = (err: unknown): void => logger.error({ err }, 'supervisor error');
    const events = new EventLog(sink, onError);
    const day = new DayStats(clock.now());
    const notify = createNotifier(config, logger, opts.notifyPost);
    events.subscribe((_seq, e) => {
      day.add(e);
      opts.learning?.onEvent(e);
      notify(e);
    });
    const memo = new ActivityJournal(sink, () => clock.now(), onError);
    const ledger = new BudgetLedger({ clock, limits: config().risk, onEvent: (e) => events.emit(e, e.type === 'budget.threshold' ? `budget:${e.day}:${e.percent}` : undefined) });
    const approvals = new Approvals(clock);
    const views = new TaskViews(undefined, opts.model.offline);
    const deliveries = new Deliveries({
      journal: sink,
      clock,
      config,
      projectDir: opts.projectDir ?? opts.stateDir,
      env: opts.env ?? process.env,
      events,
      logger,
      onChange: (taskId, list) => views.update(taskId, { deliveries: list }, clock.now()),
    });
    const pausedDomains = new Set<string>();
    const inFlight = createInFlightLimit(config().limits.globalInFlight);
    // Every model request is journaled before it is sent: a crash after this point may have been
    // billed, so the step re-runs labelled as such. In the kernel is enough (a kill -9 keeps it);
    // a power loss can lose the label of a request sent since the last fsync (README).
    const journaled: StructuredModel = {
      offline: opts.model.offline,
      worstCaseCost: (req) => opts.model.worstCaseCost(req),
      async call(req) {
        const estimateUsd = opts.model.worstCaseCost(req);
        await sink.write({ t: 'call', key: req.stepKey, taskId: req.stepKey.split(':')[0] ?? '', at: clock.now(), model: req.model, estimateUsd });
        memo.noteCall(req.stepKey, estimateUsd);
        return opts.model.call(req);
      },
    };
    const agentMachine = createAgentMachine({ model: journaled, clock, inFlight });

    // Late-bound: the runtime's services need the task book and agents, built below.
    let book: TaskBook | undefined;
    let handles: AgentHandles | undefined;
    const sla = new SlaWatcher(clock, config().sla.escalationMinutes * 60_000, (b) => supervisorRef?.onBreach(b));
    const rt: Runtime = {
      clock,
      logger,
      config,
      memo,
      journal: sink,
      ledger,
      model: opts.model,
      get agents() {
        if (!handles) throw new Error('agents not started');
        return handles;
      },
      events,
      approvals,
      sla,
      views,
      deliveries,
      learned: opts.learning ?? NO_LEARNING,
      pausedDomains,
      record: (id) => (book as TaskBook).record(id),
      pauseDomain: (domain, reason) => supervisorRef?.pauseDomain(domain, reason),
      openIncident: (incident) => supervisorRef?.openIncident(incident),
      recordOutcome: (taskId, kind, data) => {
        const r = (book as TaskBook).records.get(taskId);
        if (r && opts.learning) opts.learning.note(taskId, r.workflow, r.contentType, kind, data);
      },
    };
    const provided = taskMachine.provide({
      actors: { agentStep: agentStepLogic(rt), gate: gateLogic(rt), approval: approvalLogic(rt), heal: healLogic(rt), execute: executeLogic(rt) },
    });
    const agentLimits = (kind: AgentKind) => config().agents[kind];
    const rootLogic = createRootMachine(agentMachine, (kind) => ({
      kind,
      concurrency: agentLimits(kind).concurrency,
      mailbox: agentLimits(kind).mailbox,
      breaker: agentLimits(kind).breaker,
    }));
    // Inspection costs every transition a little: on only when its debug lines would be written.
    const inspect = logger.isLevelEnabled('debug') ? createInspector(logger) : undefined;
    const root = createActor(rootLogic, { clock, systemId: 'supervisor', ...(inspect ? { inspect } : {}) });
    root.subscribe({ error: onError });
    root.start();
    const children = (): Record<string, AnyActorRef> => (root.getSnapshot() as { children: Record<string, AnyActorRef> }).children;
    handles = new AgentHandles(Object.fromEntries(AGENT_KINDS.map((k) => [k, children()[k] as AnyActorRef])) as Record<AgentKind, AnyActorRef>, clock, (kind, e) => {
      events.emit(e);
      supervisorRef?.watchAgent(kind, e);
    });

    let supervisorRef: Supervisor | undefined;
    book = new TaskBook({
      rt,
      createActor: (record) => createActor(provided, { input: record, clock, ...(inspect ? { inspect } : {}) }),
      learnedTier: (contentType) => opts.learning?.tier(contentType),
      onFinished: (record, outcome) => supervisorRef?.onTaskFinished(record.id, outcome),
      onCancel: (taskId) => {
        handles?.cancelTask(taskId);
        approvals.withdraw(taskId);
      },
    });
    const intake = new Intake({
      clock,
      config,
      events,
      journal: sink,
      start: (r) => (supervisorRef as Supervisor).startRouted(r),
      onError,
    });
    const schedules = new Schedules(clock, (s, at) => void supervisorRef?.fireSchedule(s.id, s.workflow, s.input ?? {}, s.priority ?? 'P2', at));
    // History loads behind the start: derived state, so a damaged or missing index is rebuilt
    // from the archive and never stops a start (queries wait for it).
    const index = new HistoryIndex(opts.stateDir, summarizeView);
    const historyReady = openHistory(index, config().history.retentionDays, clock.now(), logger);
    const unarchived: TaskView[] = [];
    const history = new TaskHistory(index, views, historyReady, () => unarchived);
    const sup = new Supervisor(opts, configBox, rt, journal, book, handles, root, inFlight, intake, schedules, day, clock.now(), index, history, unarchived);
    supervisorRef = sup;

    const replayed = replayJournal([...(opened.snapshot ? ((opened.snapshot.data as { records?: unknown[] }).records ?? []) : []), ...opened.records] as JournalRecord[], {
      book,
      memo,
      events,
      day,
      approvals,
      seen: sup.seen,
      pausedDomains,
      intake,
      ledger,
      deliveries,
      today: dayOf(clock.now()),
    });
    // Tasks that finished before the restart are still only in the journal: the next compaction
    // must archive them too, or it drops them (archiving is at-least-once; readers de-duplicate).
    // (The views keep only the latest 1,000 finished tasks, so older ones are rebuilt from records.)
    for (const [id, outcome] of book.outcomes) {
      const record = book.records.get(id);
      const view = views.get(id) ?? (record ? newView(record, outcome) : undefined);
      if (view) sup.finishedViews.push(view);
    }
    // Serving starts now; recovered tasks restart in batches behind it (status shows how many are left).
    // Views rebuilt from records lack their deliveries; cut-off deliveries of tasks that will not
    // run again (finished, or a retry) are sent again with their keys.
    for (const id of deliveries.taskIds()) views.update(id, { deliveries: deliveries.views(id) }, clock.now());
    deliveries.resumeOrphans((id) => book.records.has(id) && !book.outcomes.has(id));
    sup.recovered = book.resumeAll().catch((err: unknown) => {
      onError(err);
      return 0;
    });
    sup.permissions = new Permissions(clock, () => config().permissions, events);
    const resumed = book.recovered;
    schedules.arm(config().schedules);
    events.emit(createEvent('supervisor.started', { pid: process.pid, recoveredTasks: resumed, offline: opts.model.offline }, clock.now()));
    logger.info({ replayed, resumed }, 'supervisor started');
    return sup;
  }

  // ---- SupervisorApi -------------------------------------------------------------------------

  status(): StatusView {
    const view = buildStatus({ rt: this.rt, agents: this.agentHandles, day: this.day, startedAt: this.startedAt, offline: this.opts.model.offline, ...(this.opts.model.unavailable !== undefined && { modelUnavailable: this.opts.model.unavailable }), draining: this.draining, storeOk: this.journal.state !== 'failed', recovering: this.book.resuming, configState: this.configState, damaged: this.opts.learning?.damaged ? [this.opts.learning.damaged] : [] });
    view.approvals = [...this.permissions.list('pending'), ...view.approvals];
    return view;
  }

  async createTask(req: CreateTaskRequest, source: 'cli' | 'http' | 'demo' = 'http'): Promise<TaskView> {
    this.assertAccepting();
    this.assertModel();
    if (this.book.activeCount >= this.config.limits.maxActiveTasks) {
      throw new PolicyError('AGENT_BUSY', `${this.book.activeCount} tasks are active (limit ${this.config.limits.maxActiveTasks}); try again later`);
    }
    return this.book.create(req, source);
  }

  getTask(id: string): TaskView | undefined {
    return this.rt.views.get(id);
  }

  listTasks(filter?: { status?: TaskStatus; limit?: number }): TaskView[] {
    return this.rt.views.list(filter);
  }

  listApprovals(filter?: { status?: AnyApprovalStatus }): AnyApprovalView[] {
    const status = filter?.status;
    const actions = status === 'cancelled' ? [] : this.rt.approvals.list(status);
    const permissions = status === 'escalated' || status === 'withdrawn' ? [] : this.permissions.list(status);
    return [...permissions, ...actions];
  }

  queryTasks(q: TaskQuery): Promise<Page<TaskView>> {
    return this.history.tasks(q);
  }

  findTask(id: string): Promise<TaskView | undefined> {
    return this.history.find(id);
  }

  /** Action approvals from history, then Claude Code permission requests (kept in memory only). */
  async queryApprovals(q: ApprovalQuery): Promise<Page<AnyApprovalView>> {
    const page: Page<AnyApprovalView> = await this.history.approvals(q, this.rt.approvals.list());
    if (q.after !== undefined) return page;
    const wanted = q.status === 'escalated' || q.status === 'withdrawn' ? [] : this.permissions.list(q.status);
    return { ...page, items: [...wanted, ...page.items] };
  }

  exportTasks(since: number, write: (task: TaskView) => void): Promise<number> {
    return this.history.export(since, write);
  }

  approve(id: string, req: DecideApprovalRequest): Promise<AnyApprovalView> {
    if (this.permissions.has(id)) {
      // An edited output replaces a task's draft; a permission prompt has none (refused here, so every client hears it).
      if (req.output !== undefined) return Promise.reject(new UserError('INVALID_INPUT', `approval ${id} is a permission prompt: it has no output to edit`));
      return this.permissions.decide(id, { status: 'granted', ...(req.note === undefined ? {} : { note: req.note }), ...(req.always === undefined ? {} : { always: req.always }) });
    }
    if (req.always === true) return Promise.reject(new UserError('INVALID_INPUT', `always: approval ${id} is not a Claude Code permission request`));
    return this.decide(id, 'granted', req);
  }

  async reject(id: string, req: DecideApprovalRequest): Promise<AnyApprovalView> {
    if (!req.note) throw new UserError('INVALID_INPUT', 'a rejection needs a note saying why (--note)');
    if (this.permissions.has(id)) return this.permissions.decide(id, { status: 'rejected', note: req.note });
    if (req.output !== undefined) throw new UserError('INVALID_INPUT', 'output: an edited output goes with approve, not reject');
    return this.decide(id, 'rejected', req);
  }

  async cancelTask(id: string, req: CancelTaskRequest): Promise<TaskView> {
    if (!this.book.records.has(id)) {
      const archived = await this.history.find(id);
      if (archived) throw new UserError('CONFLICT', `task ${id} is already ${archived.status}`);
      throw new UserError('NOT_FOUND', `no task ${id}; list them with \`agentry tasks\``);
    }
    return this.book.cancel(id, req.reason ?? 'cancelled by a person');
  }

  async retryTask(id: string): Promise<TaskView> {
    this.assertAccepting();
    const task = await this.history.find(id);
    if (!task) throw new UserError('NOT_FOUND', `no task ${id}; list them with \`agentry tasks\``);
    const steps = (Object.hasOwn(this.config.workflows, task.workflow) ? this.config.workflows[task.workflow]?.steps : undefined) ?? [];
    const seed = retrySeed(task, steps.map((s) => s.id));
    const view = await this.book.create({ workflow: task.workflow, input: task.input as Record<string, unknown>, priority: task.priority }, 'retry', { retry: seed });
    this.rt.events.emit(createEvent('task.retried', { taskId: view.id, retryOf: id, fromPhase: seed.phase }, this.rt.clock.now()), `${view.id}:retried`);
    return view;
  }

  async resumeDomain(name: string): Promise<{ domain: string; resumed: boolean }> {
    const known = new Set(Object.values(this.config.workflows).flatMap((w) => (w ? [w.domain] : [])));
    if (!known.has(name) && !this.rt.pausedDomains.has(name)) {
      throw new UserError('NOT_FOUND', `no domain ${JSON.stringify(name)}; the workflows' domains are ${[...known].join(', ')}`);
    }
    if (!this.rt.pausedDomains.has(name)) return { domain: name, resumed: false };
    const now = this.rt.clock.now();
    await this.journal.append({ t: 'domain', domain: name, paused: false, at: now });
    this.rt.pausedDomains.delete(name);
    this.rt.events.emit(createEvent('domain.resumed', { domain: name }, now));
    return { domain: name, resumed: true };
  }

  requestPermission(ask: PermissionAsk): Promise<OpenedPermission> {
    this.assertAccepting();
    return this.permissions.open(ask);
  }

  cancelPermission(id: string, reason: string): void {
    this.permissions.cancel(id, reason);
  }

  /** Denies every waiting permission request now (before the API closes, so their hooks hear it). */
  endPermissions(reason: string): void {
    this.permissions.close(reason);
  }

  async emitEvent(req: EmitEventRequest): Promise<EmitEventResult> {
    this.assertAccepting();
    this.assertModel();
    if (RESERVED_EVENT_PREFIXES.some((p) => req.type.startsWith(p))) {
      throw new UserError('INVALID_INPUT', `type: "${req.type}" is reserved for the supervisor's own events; name business events like competitor.rank_drop or keyword.spike`);
    }
    const eventId = req.id ?? `ev_${this.rt.clock.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    if (this.seen.has(eventId)) return { eventId, duplicate: true, outcome: 'recorded', taskIds: [] };
    // The key becomes durable only after the routing it acknowledges (a kill in between must not
    // leave a "duplicate" with no task). Routed tasks and queued events carry `<eventId>#<rule>`,
    // so recovery marks their event seen; in memory it is seen at once, against concurrent repeats.
    // A routing that failed acknowledged nothing: forget the key, or the caller's retry of the
    // same id would be answered "duplicate" and the event silently lost.
    const at = this.rt.clock.now();
    this.seen.set(eventId, at);
    let result: EmitEventResult;
    try {
      result = await this.intake.route(eventId, req.type, req.data);
    } catch (err) {
      this.seen.delete(eventId);
      throw err;
    }
    await this.journal.append({ t: 'seen', id: eventId, at });
    return result;
  }

  /** Whether an idempotency key was already accepted (webhook deliveries, spooled hooks). */
  hasSeen(id: string): boolean {
    return this.seen.has(id);
  }

  async remember(id: string): Promise<void> {
    if (this.seen.has(id)) return;
    const at = this.rt.clock.now();
    this.seen.set(id, at);
    try {
      await this.journal.append({ t: 'seen', id, at });
    } catch (err) {
      this.seen.delete(id); // not durable, so not accepted: a retry must not count as a duplicate
      throw err;
    }
  }

  events(opts?: { after?: number; limit?: number }): { seq: number; event: SupervisorEvent }[] {
    return this.rt.events.recent(opts);
  }

  subscribe(listener: (seq: number, event: SupervisorEvent) => void): () => void {
    return this.rt.events.subscribe(listener);
  }

  hook(event: string, payload: unknown, meta: { id?: string } = {}): Promise<HookResult> {
    if (!this.opts.hookHandler) return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
    return this.opts.hookHandler(event, payload, this, meta);
  }

  retryDeliveries(taskId: string): Promise<DeliveryView[]> {
    this.assertAccepting();
    return this.rt.deliveries.retry(taskId);
  }

  learn(): unknown {
    return this.opts.learning?.report() ?? { values: [], text: 'learning is off: no learning store is open\n' };
  }

  get config(): ResolvedConfig {
    return this.configBox.current;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Applies a validated config at once (mode, thresholds, limits); every change is an event. */
  applyConfig(next: ResolvedConfig, paths: string[]): void {
    const prev = this.configBox.current;
    this.configBox.current = next;
    const rejected = this.configState.rejected;
    this.configState.rejected = null;
    const restartNeeded = needsRestart(paths);
    this.configState.restartPending = [...new Set([...this.configState.restartPending, ...restartNeeded])];
    this.rt.ledger.setLimits(next.risk);
    this.inFlight.setLimit(next.limits.globalInFlight);
    for (const kind of AGENT_KINDS) this.agentHandles.setLimits(kind, next.agents[kind]);
    this.rt.sla.setEscalationMinutes(next.sla.escalationMinutes);
    this.schedules.arm(next.schedules);
    const now = this.rt.clock.now();
    if (prev.mode !== next.mode) this.rt.events.emit(createEvent('mode.changed', { from: prev.mode, to: next.mode }, now));
    const extra = { ...(restartNeeded.length > 0 && { restartNeeded }), ...(rejected !== null && { fixes: rejected.at }) };
    this.rt.events.emit(createEvent('config.changed', { paths, mode: next.mode, ...extra }, now));
  }

  /** A config file that failed validation: recorded, and shown by status until a valid one applies. */
  rejectConfig(issues: string[], file?: string): void {
    const at = this.rt.clock.now();
    this.configState.rejected = { at: new Date(at).toISOString(), issues, ...(file !== undefined && { file }) };
    this.rt.events.emit(createEvent('config.rejected', { issues, ...(file !== undefined && { file }) }, at));
  }

  /** Stops taking work; in-flight model calls are cancelled and stay as intents for the restart. */
  async stop(reason = 'stopped'): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.book.stopAccepting();
    this.rt.events.emit(createEvent('supervisor.stopping', { reason }, this.rt.clock.now()));
    this.intake.close();
    this.schedules.close();
    this.rt.sla.close();
    this.rt.approvals.close();
    this.permissions.close('the supervisor stopped');
    this.agentHandles.close();
    this.book.stopAll();
    this.rt.deliveries.close();
    this.root.stop();
    await this.compacting;
    if (this.journal.state === 'ok') await this.compact();
    await this.opts.learning?.flush();
    await this.journal.close();
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get journalStats(): { appends: number; fsyncs: number; bytes: number } {
    return this.journal.stats;
  }

  // ---- internal callbacks ---------------------------------------------------------------------

  async startRouted(r: Routed): Promise<string> {
    const view = await this.book.create({ workflow: r.workflow, input: r.input, priority: r.priority }, 'event', { origin: r.eventId });
    return view.id;
  }

  async fireSchedule(id: string, workflow: string, input: Record<string, unknown>, priority: 'P0' | 'P1' | 'P2' | 'P3', at: number): Promise<void> {
    const key = `schedule:${id}:${at}`;
    if (this.draining || this.seen.has(key)) return;
    // Called fire-and-forget from a timer: nothing may reject out of here (a full disk would
    // otherwise be an unhandled rejection that kills the supervisor).
    try {
      await this.remember(key);
      this.rt.events.emit(createEvent('schedule.fired', { scheduleId: id, workflow }, this.rt.clock.now()), key);
      await this.book.create({ workflow, input, priority }, 'schedule', { origin: key });
    } catch (err) {
      this.rt.logger.error({ err, schedule: id }, 'scheduled task refused');
    }
  }

  onBreach(b: { key: string; taskId: string; domain: string; scope: string; deadline: number; tier: 1 | 2 | 3 }): void {
    const now = this.rt.clock.now();
    const to = b.tier === 1 ? 'coordinator' : b.tier === 2 ? 'person' : 'pause_domain';
    const scope = b.scope as 'canon' | 'cultural' | 'coordinator' | 'approval' | 'task';
    this.rt.events.emit(createEvent('sla.exceeded', { taskId: b.taskId, scope, deadline: new Date(b.deadline).toISOString(), tier: b.tier }, now), `${b.key}:sla:${b.tier}`);
    this.rt.events.emit(createEvent('escalation.raised', { taskId: b.taskId, domain: b.domain, to, reason: `${b.scope} SLA exceeded (tier ${b.tier})` }, now), `${b.key}:esc:${b.tier}`);
    if (b.tier === 3) this.pauseDomain(b.domain, `SLA escalation reached tier 3 on ${b.taskId}`);
  }

  pauseDomain(domain: string, reason: string): void {
    if (this.rt.pausedDomains.has(domain)) return;
    this.rt.pausedDomains.add(domain);
    const now = this.rt.clock.now();
    this.journal.append({ t: 'domain', domain, paused: true, at: now }).catch((err: unknown) => this.rt.logger.error({ err }, 'pause not journaled'));
    this.rt.events.emit(createEvent('domain.paused', { domain, reason }, now));
  }

  openIncident(incident: { kind: string; agent: AgentKind | null; message: string; key: string }): void {
    if (this.draining || this.seen.has(incident.key)) return;
    const input = { incident: { kind: incident.kind, agent: incident.agent, step: null, error: { code: incident.kind, message: incident.message }, recentHistory: [], remediesTried: [], errorRate: 0 } };
    void this.remember(incident.key)
      .then(() => this.book.create({ workflow: 'incident', input, priority: 'P1' }, 'event', { origin: incident.key }))
      .catch((err: unknown) => this.rt.logger.error({ err }, 'incident not opened'));
  }

  /**
   * Breaker openings become incidents for the healer, and so does an agent whose consecutive
   * failures reach `healing.predictiveErrorRate` of its breaker threshold: before it trips.
   */
  watchAgent(kind: AgentKind, e: EventOf<'agent.breaker'> | EventOf<'agent.failed'>): void {
    if (kind === 'healer') return; // the healer cannot heal itself; its failures fail the task
    const cfg = this.config;
    const window = Math.floor(this.rt.clock.now() / Math.max(1, cfg.agents[kind].breaker.cooldownMs));
    if (e.type === 'agent.breaker' && e.state === 'open') {
      this.openIncident({ kind: 'breaker_open', agent: kind, message: `${kind}'s breaker opened after repeated failures`, key: `incident:${kind}:breaker:${window}` });
      return;
    }
    if (e.type !== 'agent.failed') return;
    const breaker = this.agentHandles.context(kind).breaker;
    const warnAt = Math.max(1, Math.ceil(cfg.agents[kind].breaker.failureThreshold * cfg.healing.predictiveErrorRate));
    if (breaker.status === 'closed' && breaker.failures >= warnAt && breaker.failures < cfg.agents[kind].breaker.failureThreshold) {
      const message = `${kind} failed ${breaker.failures} times in a row (breaker opens at ${cfg.agents[kind].breaker.failureThreshold}); last: ${e.code}`;
      this.openIncident({ kind: 'predictive', agent: kind, message, key: `incident:${kind}:predictive:${window}` });
    }
  }

  onTaskFinished(taskId: string, outcome: FinalStatus): void {
    this.rt.memo.forget(taskId);
    this.rt.deliveries.taskFinished(taskId);
    this.rt.approvals.forgetTask(taskId);
    this.rt.ledger.forgetTask(taskId);
    // A cancel says nothing about the work's quality: it is no learning evidence.
    if (outcome !== 'cancelled') this.rt.recordOutcome(taskId, 'final', { outcome, at: this.rt.clock.now() });
    this.opts.learning?.flush().catch((err: unknown) => this.rt.logger.error({ err }, 'learning store not written'));
    const view = this.rt.views.get(taskId);
    if (view) this.finishedViews.push(view);
    if (this.journal.stats.appends - this.compactedAt >= COMPACT_EVERY_APPENDS) void this.compact();
  }

  /**
   * Moves finished tasks to the archive and rewrites the journal as a snapshot of the live state,
   * so the folder stays bounded and start-up replays only what is active.
   */
  compact(): Promise<void> {
    this.compacting ??= (async () => {
      try {
        // Taken off the list only once archived: a failed archive keeps them for the next try.
        const finished = this.finishedViews.slice();
        if (finished.length > 0) await this.journal.archive(dayOf(this.rt.clock.now()), finished);
        this.finishedViews.splice(0, finished.length);
        await pruneHistory(this.index, this.config.history.retentionDays, this.rt.clock.now(), this.rt.logger);
        // Tasks that finished meanwhile (or whose final record is still in flight) are in no
        // archive yet: the snapshot must keep them, or a crash before the next compaction loses them.
        const unarchived = new Set([...this.finishedViews.map((v) => v.id), ...this.book.finishing]);
        const now = this.rt.clock.now();
        for (const [id, at] of this.seen) if (now - at >= SEEN_TTL_MS) this.seen.delete(id);
        const records = compactionRecords({
          unarchived,
          book: this.book,
          memo: this.rt.memo,
          ledger: this.rt.ledger,
          intake: this.intake,
          deliveries: this.rt.deliveries,
          events: this.rt.events.retained(),
          seen: this.seen,
          pausedDomains: this.rt.pausedDomains,
          now: this.rt.clock.now(),
          seenTtlMs: SEEN_TTL_MS,
          view: (id) => this.rt.views.get(id),
        });
        await this.journal.compact({ records });
        this.compactedAt = this.journal.stats.appends;
        this.book.dropFinished(unarchived);
      } catch (err) {
        this.rt.logger.error({ err }, 'compaction failed; the journal keeps growing until the next try');
      } finally {
        this.compacting = null;
      }
    })();
    return this.compacting;
  }

  private async decide(id: string, status: 'granted' | 'rejected', req: DecideApprovalRequest): Promise<ApprovalView> {
    const { note } = req;
    const view = await this.history.findApproval(id, this.rt.approvals.get(id));
    if (!view) throw new UserError('NOT_FOUND', `no approval ${id}; list them with \`agentry approvals\``);
    if (view.status !== 'pending') throw new UserError('CONFLICT', alreadyDecided(view), { details: { id, status: view.status } });
    const edited = req.output === undefined ? undefined : this.checkEdit(view.taskId, req.output);
    // One decision per approval: a second one arriving while the first is being journaled is a
    // conflict, so the journal never holds two decisions that replay could order differently.
    if (this.deciding.has(id)) throw new UserError('CONFLICT', `approval ${id} is being decided`);
    this.deciding.add(id);
    const at = this.rt.clock.now();
    let decided: ApprovalView;
    const decision = { status, by: 'person' as const, at, ...(note === undefined ? {} : { note }), ...(req.by === undefined ? {} : { decider: req.by }), ...(edited === undefined ? {} : { edited }) };
    try {
      await this.journal.append({ t: 'decision', approvalId: id, ...decision });
      decided = this.rt.approvals.decide(id, decision);
    } finally {
      this.deciding.delete(id);
    }
    const policy = `${this.config.mode} mode; decided by a person before the ${view.fallback} fallback`;
    const payload = { taskId: view.taskId, approvalId: id, by: 'person' as const, policy, ...(note === undefined ? {} : { note }), ...(req.by === undefined ? {} : { decider: req.by }), ...(edited === undefined ? {} : { edited: true }) };
    this.rt.events.emit(status === 'granted' ? createEvent('approval.granted', payload, at) : createEvent('approval.rejected', payload, at), `${id}:decided`);
    return decided;
  }

  /** Without a model (no API key), work that needs one is refused now, not failed later. */
  private assertModel(): void {
    const why = this.opts.model.unavailable;
    if (why !== undefined) throw new ModelCallError('MODEL_UNAVAILABLE', why, { retryable: false });
  }

  /** An edited output must pass the output schema of the agent that wrote the draft. */
  private checkEdit(taskId: string, output: Record<string, unknown>): { step: string; output: Record<string, unknown> } {
    const step = this.book.record(taskId).definition.steps.at(-1);
    if (!step) throw new UserError('INVALID_INPUT', `output: task ${taskId} has no author step whose output could be edited`);
    validate(definitionOf(step.agent).outputSchema, output, 'INVALID_INPUT');
    return { step: step.id, output };
  }

  private assertAccepting(): void {
    if (this.draining) throw new PolicyError('DRAINING', 'the supervisor is shutting down and takes no new work');
  }
}

function alreadyDecided(a: ApprovalView): string {
  const who = a.decidedBy === undefined ? '' : ` by ${a.decider ?? a.decidedBy}`;
  const when = a.decidedAt === undefined ? '' : ` at ${a.decidedAt}`;
  const status = a.status === 'timed_out' ? 'timed out' : a.status;
  return `approval ${a.id} is already ${status}${who}${when}${a.note === undefined ? '' : ` (note: ${a.note})`}`;
}

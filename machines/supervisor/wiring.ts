// The composition root: builds the supervisor's parts in dependency order (each part gets only
// parts that already exist; nothing is bound late), replays the journal into them and starts
// the recovered tasks. Parts that others react to publish events (the EventLog, the task book's
// finished outcomes) and the owners subscribe here; nothing calls back up into the supervisor.
import { createActor } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind, StructuredModel } from '../../agents/client/types.js';
import { dayOf, systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { createRootLogger } from '../../core/logger.js';
import type { Logger } from '../../core/logger.js';
import type { FsOps } from '../../memory/fs-ops.js';
import { openJournal } from '../../memory/journal.js';
import type { Journal } from '../../memory/journal.js';
import { HistoryIndex } from '../../memory/history-index.js';
import type { ResolvedConfig } from '../../config/load.js';
import { createAgentMachine } from '../agent/agent-machine.js';
import { createInFlightLimit } from '../agent/in-flight.js';
import type { InFlightLimit } from '../agent/in-flight.js';
import type { FinalStatus, HookResult } from '../contract.js';
import { createEvent } from '../events.js';
import { BudgetLedger } from '../ledger.js';
import { Deliveries } from '../deliveries/deliveries.js';
import { KeyedCreates } from '../task/keyed-create.js';
import { taskMachine } from '../task/task-machine.js';
import type { TaskRecord } from '../task/context.js';
import { agentStepLogic } from './activities/agent-step.js';
import { approvalLogic } from './activities/approval-step.js';
import { executeLogic } from './activities/execute-step.js';
import { gateLogic } from './activities/gate-step.js';
import { healLogic } from './activities/heal-step.js';
import type { Learned, Runtime } from './activities/runtime.js';
import { AgentHandles } from './agents.js';
import { ActivityJournal } from './durable/activity-journal.js';
import { Compactor } from './durable/compactor.js';
import { Idempotency } from './durable/idempotency.js';
import type { JournalRecord, JournalSink } from './durable/records.js';
import { replayJournal } from './durable/recovery.js';
import { createInspector } from './inspect.js';
import type { LearningService } from './learning.js';
import { LiveConfig } from './live-config.js';
import { createNotifier } from './notifier.js';
import type { Post } from './notifier.js';
import { Approvals } from './policy/approvals.js';
import { ApprovalDecisions } from './policy/decisions.js';
import { Escalation } from './policy/escalation.js';
import { Incidents } from './policy/incidents.js';
import { Intake } from './policy/intake.js';
import { Permissions } from './policy/permissions.js';
import { scheduledTask, Schedules } from './policy/schedules.js';
import { SlaWatcher } from './policy/sla.js';
import { DayStats } from './read-models/day-stats.js';
import { EventLog } from './read-models/event-log.js';
import { openHistory } from './read-models/history-open.js';
import { summarizeView, TaskHistory } from './read-models/history.js';
import { createRootMachine } from './root-machine.js';
import { TaskBook } from './tasks/task-book.js';
import { TaskRegistry } from './tasks/registry.js';
import { newView, TaskViews } from './tasks/views.js';
import type { Supervisor } from './supervisor.js';

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

/** Every part of a running supervisor, as the facade (supervisor.ts) uses them. */
export interface Parts {
  opts: SupervisorOptions;
  rt: Runtime;
  journal: Journal;
  live: LiveConfig;
  idempotency: Idempotency;
  registry: TaskRegistry;
  book: TaskBook;
  agents: AgentHandles;
  root: AnyActorRef;
  inFlight: InFlightLimit;
  escalation: Escalation;
  intake: Intake;
  schedules: Schedules;
  permissions: Permissions;
  decisions: ApprovalDecisions;
  day: DayStats;
  history: TaskHistory;
  keyed: KeyedCreates;
  compactor: Compactor;
  startedAt: number;
  /** Resolves once every recovered task has been restarted, with their number. */
  recovered: Promise<number>;
}

const NO_LEARNING: Learned = { confidenceThreshold: () => undefined, model: () => undefined, severityThreshold: () => undefined };

export async function wire(opts: SupervisorOptions): Promise<Parts> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createRootLogger({ level: 'silent' });
  const onError = (err: unknown): void => logger.error({ err }, 'supervisor error');

  // The journal and what only writes to it.
  const opened = await openJournal(opts.stateDir, { logger, timer: clock, ...(opts.fs ? { fs: opts.fs } : {}) });
  const journal = opened.journal;
  const sink: JournalSink = { append: (r: JournalRecord) => journal.append(r), write: (r: JournalRecord) => journal.write(r) };
  const live = new LiveConfig(opts.config);
  const config = (): ResolvedConfig => live.current;
  const events = new EventLog(sink, onError);
  const day = new DayStats(clock.now());
  const notify = createNotifier(config, logger, opts.notifyPost);
  events.subscribe((_seq, e) => {
    day.add(e);
    opts.learning?.onEvent(e);
    notify(e);
  });
  const idempotency = new Idempotency(sink, clock);
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
  const registry = new TaskRegistry();
  const escalation = new Escalation({ clock, logger, config, journal: sink, events });
  const sla = new SlaWatcher(clock, config().sla.escalationMinutes * 60_000, (b) => escalation.onBreach(b));

  // The agents: the root actor and its five agent actors, before any task can dispatch to them.
  const inFlight = createInFlightLimit(config().limits.globalInFlight);
  const agentMachine = createAgentMachine({ model: journaledModel(opts.model, sink, memo, clock), clock, inFlight });
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
  const children = (root.getSnapshot() as { children: Record<string, AnyActorRef> }).children;
  const agents = new AgentHandles(Object.fromEntries(AGENT_KINDS.map((k) => [k, children[k] as AnyActorRef])) as Record<AgentKind, AnyActorRef>, clock, (_kind, e) => events.emit(e));

  // The tasks: the activities' runtime, the task machine with its activities, the task book.
  const rt: Runtime = {
    clock,
    logger,
    config,
    memo,
    journal: sink,
    ledger,
    model: opts.model,
    agents,
    events,
    approvals,
    sla,
    views,
    deliveries,
    learned: opts.learning ?? NO_LEARNING,
    pausedDomains: escalation.pausedDomains,
    record: (id) => registry.record(id),
    pauseDomain: (domain, reason) => escalation.pause(domain, reason),
    recordOutcome: (taskId, kind, data) => {
      const r = registry.records.get(taskId);
      if (r && opts.learning) opts.learning.note(taskId, r.workflow, r.contentType, kind, data);
    },
  };
  const provided = taskMachine.provide({
    actors: { agentStep: agentStepLogic(rt), gate: gateLogic(rt), approval: approvalLogic(rt), heal: healLogic(rt), execute: executeLogic(rt) },
  });
  const book = new TaskBook({
    rt,
    registry,
    createActor: (record) => createActor(provided, { input: record, clock, ...(inspect ? { inspect } : {}) }),
    learnedTier: (contentType) => opts.learning?.tier(contentType),
    onCancel: (taskId) => {
      agents.cancelTask(taskId);
      approvals.withdraw(taskId);
    },
  });

  // What starts tasks besides the API: incidents, routed events, schedules.
  const incidents = new Incidents({
    clock,
    logger,
    config,
    idempotency,
    breaker: (kind) => agents.context(kind).breaker,
    accepting: () => book.accepting,
    createTask: (req, origin) => book.create(req, 'event', { origin }),
  });
  events.subscribe((_seq, e) => incidents.onEvent(e));
  const intake = new Intake({
    clock,
    config,
    events,
    journal: sink,
    idempotency,
    start: async (r) => (await book.create({ workflow: r.workflow, input: r.input, priority: r.priority }, 'event', { origin: r.eventId })).id,
    onError,
  });
  const schedules = new Schedules(
    clock,
    scheduledTask({ clock, logger, events, idempotency, accepting: () => book.accepting, createTask: (req, origin) => book.create(req, 'schedule', { origin }) }),
  );

  // History loads behind the start: derived state, so a damaged or missing index is rebuilt
  // from the archive and never stops a start (queries wait for it).
  const index = new HistoryIndex(opts.stateDir, summarizeView);
  const historyReady = openHistory(index, config().history.retentionDays, clock.now(), logger);
  const compactor = new Compactor({ journal, clock, logger, config, index, book, memo, ledger, intake, deliveries, events, idempotency, escalation, views });
  const history = new TaskHistory(index, views, historyReady, () => compactor.unarchived);
  const keyed = new KeyedCreates((id) => history.find(id));
  book.onFinished((record, outcome) => taskFinished(record, outcome));
  const decisions = new ApprovalDecisions({ clock, config, journal: sink, events, approvals, findApproval: (id) => history.findApproval(id, approvals.get(id)), record: (id) => registry.record(id) });

  /** A finished task's state leaves every part; its view waits for the archive. */
  function taskFinished(record: TaskRecord, outcome: FinalStatus): void {
    memo.forget(record.id);
    deliveries.taskFinished(record.id);
    approvals.forgetTask(record.id);
    ledger.forgetTask(record.id);
    // A cancel says nothing about the work's quality: it is no learning evidence.
    if (outcome !== 'cancelled') rt.recordOutcome(record.id, 'final', { outcome, at: clock.now() });
    opts.learning?.flush().catch((err: unknown) => logger.error({ err }, 'learning store not written'));
    compactor.taskFinished(views.get(record.id));
  }

  const startedAt = clock.now();
  const replayed = replayJournal([...(opened.snapshot ? ((opened.snapshot.data as { records?: unknown[] }).records ?? []) : []), ...opened.records] as JournalRecord[], {
    book,
    memo,
    events,
    day,
    approvals,
    idempotency,
    escalation,
    intake,
    ledger,
    deliveries,
    today: dayOf(clock.now()),
  });
  // Tasks that finished before the restart are still only in the journal: the next compaction
  // must archive them too, or it drops them (archiving is at-least-once; readers de-duplicate).
  // (The views keep only the latest 1,000 finished tasks, so older ones are rebuilt from records.)
  for (const [id, outcome] of registry.outcomes) {
    const record = registry.records.get(id);
    const view = views.get(id) ?? (record ? newView(record, outcome) : undefined);
    if (view) compactor.keep(view);
  }
  // Serving starts now; recovered tasks restart in batches behind it (status shows how many are left).
  // Views rebuilt from records lack their deliveries; cut-off deliveries of tasks that will not
  // run again (finished, or a retry) are sent again with their keys.
  for (const id of deliveries.taskIds()) views.update(id, { deliveries: deliveries.views(id) }, clock.now());
  deliveries.resumeOrphans((id) => registry.records.has(id) && !registry.outcomes.has(id));
  const recovered = book.resumeAll().catch((err: unknown) => {
    onError(err);
    return 0;
  });
  // Grants survive a restart as long as their events are in the replayed ring: built after the replay.
  const permissions = new Permissions(clock, () => config().permissions, events);
  const resumed = book.recovered;
  schedules.arm(config().schedules);
  events.emit(createEvent('supervisor.started', { pid: process.pid, recoveredTasks: resumed, offline: opts.model.offline }, clock.now()));
  logger.info({ replayed, resumed }, 'supervisor started');
  return { opts, rt, journal, live, idempotency, registry, book, agents, root, inFlight, escalation, intake, schedules, permissions, decisions, day, history, keyed, compactor, startedAt, recovered };
}

/**
 * Every model request is journaled before it is sent: a crash after this point may have been
 * billed, so the step re-runs labelled as such. In the kernel is enough (a kill -9 keeps it);
 * a power loss can lose the label of a request sent since the last fsync (README).
 */
function journaledModel(model: StructuredModel, sink: JournalSink, memo: ActivityJournal, clock: Clock): StructuredModel {
  return {
    offline: model.offline,
    worstCaseCost: (req) => model.worstCaseCost(req),
    async call(req) {
      const estimateUsd = model.worstCaseCost(req);
      await sink.write({ t: 'call', key: req.stepKey, taskId: req.stepKey.split(':')[0] ?? '', at: clock.now(), model: req.model, estimateUsd });
      memo.noteCall(req.stepKey, estimateUsd);
      return model.call(req);
    },
  };
}

/** Stops every part, the reverse of the order they were built in; the journal closes last. */
export async function shutdown(p: Parts, reason: string): Promise<void> {
  const { rt } = p;
  p.book.stopAccepting();
  rt.events.emit(createEvent('supervisor.stopping', { reason }, rt.clock.now()));
  p.intake.close();
  p.schedules.close();
  rt.sla.close();
  rt.approvals.close();
  p.permissions.close('the supervisor stopped');
  p.agents.close();
  p.book.stopAll();
  rt.deliveries.close();
  p.root.stop();
  await p.compactor.inFlight;
  if (p.journal.state === 'ok') await p.compactor.compact();
  await p.opts.learning?.flush();
  await p.journal.close();
}

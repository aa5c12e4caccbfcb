// The SupervisorApi: each method checks what only the API checks (shutdown, model, limits) and
// delegates to the part that owns the behaviour; wiring.ts builds the parts. Every mutating call
// resolves only after what it accepted is durable.
import { ModelCallError, PolicyError, UserError } from '../../core/errors.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { PermissionAsk } from '../../hooks/permission-request.js';
import type { AnyApprovalStatus, AnyApprovalView, ApprovalQuery, CancelTaskRequest, CreateTaskRequest, DecideApprovalRequest, DeliveryView, EmitEventRequest, EmitEventResult, HookResult, OpenedPermission, Page, StatusView, SupervisorApi, TaskQuery, TaskStatus, TaskView } from '../contract.js';
import type { SupervisorEvent } from '../events.js';
import type { Runtime } from './activities/runtime.js';
import { buildStatus } from './read-models/status.js';
import { retryTask } from './tasks/retry.js';
import { shutdown, wire } from './wiring.js';
import type { Parts, SupervisorOptions } from './wiring.js';

export type { SupervisorOptions } from './wiring.js';

export class Supervisor implements SupervisorApi {
  private draining = false;
  /** Resolves once every recovered task has been restarted. */
  readonly recovered: Promise<number>;
  /** The services the activities use (the hook handler logs, timestamps and emits through it). */
  readonly rt: Runtime;

  private constructor(private readonly p: Parts) {
    this.recovered = p.recovered;
    this.rt = p.rt;
  }

  static async start(opts: SupervisorOptions): Promise<Supervisor> {
    return new Supervisor(await wire(opts));
  }

  // ---- SupervisorApi -------------------------------------------------------------------------

  status(): StatusView {
    const { p } = this;
    const { model, learning } = p.opts;
    const view = buildStatus({ rt: p.rt, agents: p.agents, day: p.day, startedAt: p.startedAt, offline: model.offline, ...(model.unavailable !== undefined && { modelUnavailable: model.unavailable }), draining: this.draining, storeOk: p.journal.state !== 'failed', recovering: p.book.resuming, configState: p.live.state, damaged: learning?.damaged ? [learning.damaged] : [] });
    view.approvals = [...p.permissions.list('pending'), ...view.approvals];
    return view;
  }

  async createTask(req: CreateTaskRequest, source: 'cli' | 'http' | 'demo' = 'http'): Promise<TaskView> {
    this.assertAccepting();
    this.assertModel();
    const { book } = this.p;
    // A repeated key answers its task even when the supervisor is full.
    return this.p.keyed.create(req, (id) => {
      if (book.activeCount >= this.config.limits.maxActiveTasks) {
        throw new PolicyError('AGENT_BUSY', `${book.activeCount} tasks are active (limit ${this.config.limits.maxActiveTasks}); try again later`);
      }
      return book.create(req, source, id === undefined ? {} : { id });
    });
  }

  getTask(id: string): TaskView | undefined {
    return this.p.rt.views.get(id);
  }

  listTasks(filter?: { status?: TaskStatus; limit?: number }): TaskView[] {
    return this.p.rt.views.list(filter);
  }

  listApprovals(filter?: { status?: AnyApprovalStatus }): AnyApprovalView[] {
    const status = filter?.status;
    const actions = status === 'cancelled' ? [] : this.p.rt.approvals.list(status);
    const permissions = status === 'escalated' || status === 'withdrawn' ? [] : this.p.permissions.list(status);
    return [...permissions, ...actions];
  }

  queryTasks(q: TaskQuery): Promise<Page<TaskView>> {
    return this.p.history.tasks(q);
  }

  findTask(id: string): Promise<TaskView | undefined> {
    return this.p.history.find(id);
  }

  /** Action approvals from history, then Claude Code permission requests (kept in memory only). */
  async queryApprovals(q: ApprovalQuery): Promise<Page<AnyApprovalView>> {
    const page: Page<AnyApprovalView> = await this.p.history.approvals(q, this.p.rt.approvals.list());
    if (q.after !== undefined) return page;
    const wanted = q.status === 'escalated' || q.status === 'withdrawn' ? [] : this.p.permissions.list(q.status);
    return { ...page, items: [...wanted, ...page.items] };
  }

  exportTasks(since: number, write: (task: TaskView) => void): Promise<number> {
    return this.p.history.export(since, write);
  }

  approve(id: string, req: DecideApprovalRequest): Promise<AnyApprovalView> {
    const { permissions } = this.p;
    if (permissions.has(id)) {
      // An edited output replaces a task's draft; a permission prompt has none (refused here, so every client hears it).
      if (req.output !== undefined) return Promise.reject(new UserError('INVALID_INPUT', `approval ${id} is a permission prompt: it has no output to edit`));
      return permissions.decide(id, { status: 'granted', ...(req.note === undefined ? {} : { note: req.note }), ...(req.always === undefined ? {} : { always: req.always }) });
    }
    if (req.always === true) return Promise.reject(new UserError('INVALID_INPUT', `always: approval ${id} is not a Claude Code permission request`));
    return this.p.decisions.decide(id, 'granted', req);
  }

  async reject(id: string, req: DecideApprovalRequest): Promise<AnyApprovalView> {
    if (!req.note) throw new UserError('INVALID_INPUT', 'a rejection needs a note saying why (--note)');
    if (this.p.permissions.has(id)) return this.p.permissions.decide(id, { status: 'rejected', note: req.note });
    if (req.output !== undefined) throw new UserError('INVALID_INPUT', 'output: an edited output goes with approve, not reject');
    return this.p.decisions.decide(id, 'rejected', req);
  }

  async cancelTask(id: string, req: CancelTaskRequest): Promise<TaskView> {
    if (!this.p.registry.records.has(id)) {
      const archived = await this.p.history.find(id);
      if (archived) throw new UserError('CONFLICT', `task ${id} is already ${archived.status}`);
      throw new UserError('NOT_FOUND', `no task ${id}; list them with \`agentry tasks\``);
    }
    return this.p.book.cancel(id, req.reason ?? 'cancelled by a person');
  }

  async retryTask(id: string): Promise<TaskView> {
    this.assertAccepting();
    const { book, history, rt } = this.p;
    return retryTask(id, { config: () => rt.config(), clock: rt.clock, events: rt.events, find: (taskId) => history.find(taskId), create: (req, seed) => book.create(req, 'retry', { retry: seed }) });
  }

  resumeDomain(name: string): Promise<{ domain: string; resumed: boolean }> {
    return this.p.escalation.resume(name);
  }

  requestPermission(ask: PermissionAsk): Promise<OpenedPermission> {
    this.assertAccepting();
    return this.p.permissions.open(ask);
  }

  cancelPermission(id: string, reason: string): void {
    this.p.permissions.cancel(id, reason);
  }

  /** Denies every waiting permission request now (before the API closes, so their hooks hear it). */
  endPermissions(reason: string): void {
    this.p.permissions.close(reason);
  }

  async emitEvent(req: EmitEventRequest): Promise<EmitEventResult> {
    this.assertAccepting();
    this.assertModel();
    return this.p.intake.accept(req);
  }

  /** Whether an idempotency key was already accepted (webhook deliveries, spooled hooks). */
  hasSeen(id: string): boolean {
    return this.p.idempotency.has(id);
  }

  remember(id: string): Promise<void> {
    return this.p.idempotency.remember(id);
  }

  events(opts?: { after?: number; limit?: number }): { seq: number; event: SupervisorEvent }[] {
    return this.p.rt.events.recent(opts);
  }

  subscribe(listener: (seq: number, event: SupervisorEvent) => void): () => void {
    return this.p.rt.events.subscribe(listener);
  }

  hook(event: string, payload: unknown, meta: { id?: string } = {}): Promise<HookResult> {
    const handler = this.p.opts.hookHandler;
    if (!handler) return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
    return handler(event, payload, this, meta);
  }

  retryDeliveries(taskId: string): Promise<DeliveryView[]> {
    this.assertAccepting();
    return this.p.rt.deliveries.retry(taskId);
  }

  learn(): unknown {
    return this.p.opts.learning?.report() ?? { values: [], text: 'learning is off: no learning store is open\n' };
  }

  get config(): ResolvedConfig {
    return this.p.live.current;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Applies a validated config at once (mode, thresholds, limits); every change is an event. */
  applyConfig(next: ResolvedConfig, paths: string[]): void {
    const { p } = this;
    p.live.apply(next, paths, { clock: p.rt.clock, events: p.rt.events, ledger: p.rt.ledger, inFlight: p.inFlight, agents: p.agents, sla: p.rt.sla, schedules: p.schedules });
  }

  /** A config file that failed validation: recorded, and shown by status until a valid one applies. */
  rejectConfig(issues: string[], file?: string): void {
    this.p.live.reject(issues, this.p.rt.clock.now(), this.p.rt.events, file);
  }

  /** Stops taking work; in-flight model calls are cancelled and stay as intents for the restart. */
  async stop(reason = 'stopped'): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    await shutdown(this.p, reason);
  }

  /**
   * Moves finished tasks to the archive and rewrites the journal as a snapshot of the live state,
   * so the folder stays bounded and start-up replays only what is active.
   */
  compact(): Promise<void> {
    return this.p.compactor.compact();
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get journalStats(): { appends: number; fsyncs: number; bytes: number } {
    return this.p.journal.stats;
  }

  /** Without a model (no API key), work that needs one is refused now, not failed later. */
  private assertModel(): void {
    const why = this.p.opts.model.unavailable;
    if (why !== undefined) throw new ModelCallError('MODEL_UNAVAILABLE', why, { retryable: false });
  }

  private assertAccepting(): void {
    if (this.draining) throw new PolicyError('DRAINING', 'the supervisor is shutting down and takes no new work');
  }
}

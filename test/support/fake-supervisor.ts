// A strict in-memory SupervisorApi for server and CLI tests (STYLE practice 6): a few seeded
// tasks and approvals, every call recorded, unknown ids and unscripted hooks fail loudly.
import { AgentryError, SystemError, UserError } from '../../core/errors.js';
import { createEvent } from '../../machines/events.js';
import type { SupervisorEvent } from '../../machines/events.js';
import type {
  ApprovalView,
  CreateTaskRequest,
  DecideApprovalRequest,
  EmitEventRequest,
  EmitEventResult,
  HookResult,
  StatusView,
  SupervisorApi,
  TaskView,
} from '../../server/contract.js';

interface FakeCall {
  readonly method: keyof SupervisorApi;
  readonly args: readonly unknown[];
}

export interface FakeSupervisor extends SupervisorApi {
  readonly calls: readonly FakeCall[];
  /** Appends an event and delivers it to every subscriber. */
  publish(event: SupervisorEvent): number;
  listenerCount(): number;
  /** Queues the answer of the next hook() call. */
  scriptHook(result: HookResult): void;
  /** Makes the next call of `method` throw `error`. */
  failNext(method: keyof SupervisorApi, error: AgentryError | Error): void;
  callsOf(method: keyof SupervisorApi): readonly FakeCall[];
  /** Throws while scripted hooks or failures are left unused. */
  assertComplete(): void;
}

const T0 = Date.parse('2026-01-05T09:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const WORKFLOWS = new Set(['content', 'lead', 'campaign', 'incident']);

function seedTask(id: string, status: TaskView['status'], approval?: ApprovalView): TaskView {
  return {
    id,
    workflow: 'content',
    status,
    priority: 'P2',
    input: { topic: id },
    dependsOn: [],
    round: 0,
    costUsd: 0,
    outputs: {},
    reviews: [],
    ...(approval && { approval }),
    createdAt: iso(T0),
    updatedAt: iso(T0),
  };
}

function seedApproval(id: string, taskId: string, status: ApprovalView['status']): ApprovalView {
  return { kind: 'action', id, taskId, action: 'publish', reasons: ['semi-auto: confidence 0.62 < 0.8'], requestedAt: iso(T0), deadline: iso(T0 + 3_600_000), fallback: 'reject', status };
}

export function createFakeSupervisor(): FakeSupervisor {
  const approvals = new Map<string, ApprovalView>([
    ['a-1', seedApproval('a-1', 't-2', 'pending')],
    ['a-2', seedApproval('a-2', 't-3', 'granted')],
  ]);
  const tasks = new Map<string, TaskView>([
    ['t-1', seedTask('t-1', 'running')],
    ['t-2', seedTask('t-2', 'awaiting_approval', approvals.get('a-1'))],
    ['t-3', seedTask('t-3', 'completed')],
  ]);
  const log: { seq: number; event: SupervisorEvent }[] = [];
  const listeners = new Set<(seq: number, event: SupervisorEvent) => void>();
  const calls: FakeCall[] = [];
  const hooks: HookResult[] = [];
  const failures = new Map<keyof SupervisorApi, Error>();
  const emitted = new Map<string, EmitEventResult>();
  let now = T0;

  const record = (method: keyof SupervisorApi, ...args: unknown[]): void => {
    calls.push(Object.freeze({ method, args: Object.freeze(args) }));
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      throw failure;
    }
  };
  const publish = (event: SupervisorEvent): number => {
    const seq = log.length + 1;
    log.push({ seq, event });
    for (const l of listeners) l(seq, event);
    return seq;
  };
  const decide = (id: string, req: DecideApprovalRequest, status: 'granted' | 'rejected'): ApprovalView => {
    const a = approvals.get(id);
    if (!a) throw new UserError('NOT_FOUND', `no approval ${id}`, { details: { id } });
    if (a.status !== 'pending') throw new UserError('CONFLICT', `approval ${id} is already ${a.status}`);
    const decided: ApprovalView = { ...a, status, decidedBy: 'person', decidedAt: iso((now += 1000)), ...(req.note !== undefined && { note: req.note }) };
    approvals.set(id, decided);
    const type = status === 'granted' ? 'approval.granted' : 'approval.rejected';
    publish(createEvent(type, { taskId: a.taskId, approvalId: id, by: 'person', policy: 'manual', ...(req.note !== undefined && { note: req.note }) }, now));
    return decided;
  };

  publish(createEvent('supervisor.started', { pid: 4242, recoveredTasks: 0, offline: true }, T0));
  publish(createEvent('task.created', { taskId: 't-1', workflow: 'content', priority: 'P2', source: 'cli' }, T0));

  return {
    calls,
    publish,
    listenerCount: () => listeners.size,
    scriptHook: (result) => void hooks.push(result),
    failNext: (method, error) => void failures.set(method, error),
    callsOf: (method) => calls.filter((c) => c.method === method),
    assertComplete() {
      if (hooks.length > 0 || failures.size > 0) {
        throw new Error(`fake supervisor: ${hooks.length} scripted hook(s) and ${failures.size} failure(s) unused`);
      }
    },
    status(): StatusView {
      record('status');
      return {
        mode: 'semi',
        health: { pid: 4242, uptimeSec: 60, offline: true, model: 'offline', draining: false, store: 'ok' },
        config: { rejected: null, restartPending: [] },
        agents: [],
        queue: { P0: 0, P1: 0, P2: 1, P3: 0 },
        awaitingApproval: 1,
        approvals: [...approvals.values()].filter((a) => a.status === 'pending'),
        slaBreaches: [],
        pausedDomains: [],
        spend: { day: '2026-01-05', spentUsd: 0.12, reservedUsd: 0, limitUsd: 5 },
        lastActions: log.slice(-5).map((e) => e.event),
        today: { tasksCompleted: 1, meanReviewMinutes: null, humanShare: null, reviews: 0, gated: 0, needingPerson: 0 },
      };
    },
    createTask(req: CreateTaskRequest, source) {
      record('createTask', req, source);
      if (!WORKFLOWS.has(req.workflow)) return Promise.reject(new UserError('NOT_FOUND', `no workflow ${req.workflow}`));
      const id = `t-${tasks.size + 1}`;
      const task: TaskView = { ...seedTask(id, 'pending'), workflow: req.workflow, input: req.input, priority: req.priority ?? 'P2', dependsOn: req.dependsOn ?? [] };
      tasks.set(id, task);
      publish(createEvent('task.created', { taskId: id, workflow: req.workflow, priority: task.priority, source }, (now += 1000)));
      return Promise.resolve(task);
    },
    getTask(id) {
      record('getTask', id);
      return tasks.get(id);
    },
    listTasks(filter = {}) {
      record('listTasks', filter);
      const all = [...tasks.values()].filter((t) => filter.status === undefined || t.status === filter.status);
      return all.slice(0, filter.limit ?? all.length);
    },
    queryTasks(q) {
      record('queryTasks', q);
      const all = [...tasks.values()].filter((t) => (q.status === undefined || t.status === q.status) && (q.workflow === undefined || t.workflow === q.workflow) && (q.parentId === undefined || t.parentId === q.parentId));
      const start = q.after === undefined ? 0 : Number(q.after);
      const limit = q.limit ?? 50;
      const items = all.slice(start, start + limit);
      return Promise.resolve({ items, nextCursor: start + limit < all.length ? String(start + limit) : null });
    },
    findTask(id) {
      record('findTask', id);
      return Promise.resolve(tasks.get(id));
    },
    queryApprovals(q) {
      record('queryApprovals', q);
      const items = [...approvals.values()].filter((a) => q.status === undefined || a.status === q.status);
      return Promise.resolve({ items: items.slice(0, q.limit ?? 50), nextCursor: null });
    },
    cancelTask(id, req) {
      record('cancelTask', id, req);
      const t = tasks.get(id);
      if (!t) return Promise.reject(new UserError('NOT_FOUND', `no task ${id}`));
      if (['completed', 'rejected', 'failed', 'cancelled'].includes(t.status)) return Promise.reject(new UserError('CONFLICT', `task ${id} is already ${t.status}`));
      const cancelled: TaskView = { ...t, status: 'cancelled' };
      tasks.set(id, cancelled);
      return Promise.resolve(cancelled);
    },
    retryTask(id) {
      record('retryTask', id);
      const t = tasks.get(id);
      if (!t) return Promise.reject(new UserError('NOT_FOUND', `no task ${id}`));
      const retry: TaskView = { ...t, id: `t-${tasks.size + 1}`, status: 'pending', retryOf: id };
      tasks.set(retry.id, retry);
      return Promise.resolve(retry);
    },
    resumeDomain(name) {
      record('resumeDomain', name);
      return Promise.resolve({ domain: name, resumed: name === 'marketing' });
    },
    exportTasks(since, write) {
      record('exportTasks', since);
      const all = [...tasks.values()].filter((t) => Date.parse(t.createdAt) >= since);
      for (const t of all) write(t);
      return Promise.resolve(all.length);
    },
    listApprovals(filter = {}) {
      record('listApprovals', filter);
      return [...approvals.values()].filter((a) => filter.status === undefined || a.status === filter.status);
    },
    approve(id, req) {
      record('approve', id, req);
      return Promise.resolve().then(() => decide(id, req, 'granted'));
    },
    reject(id, req) {
      record('reject', id, req);
      return Promise.resolve().then(() => decide(id, req, 'rejected'));
    },
    emitEvent(req: EmitEventRequest) {
      record('emitEvent', req);
      const prior = req.id === undefined ? undefined : emitted.get(req.id);
      if (prior) return Promise.resolve({ ...prior, duplicate: true });
      const eventId = req.id ?? `ev-${log.length + 1}`;
      publish(createEvent('event.received', { eventId, event: req.type, data: req.data }, (now += 1000)));
      const result: EmitEventResult = { eventId, duplicate: false, outcome: 'recorded', taskIds: [] };
      if (req.id !== undefined) emitted.set(req.id, result);
      return Promise.resolve(result);
    },
    events(opts = {}) {
      record('events', opts);
      const after = log.filter((e) => e.seq > (opts.after ?? 0));
      return after.slice(0, opts.limit ?? after.length);
    },
    subscribe(listener) {
      record('subscribe');
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    hook(event, payload) {
      record('hook', event, payload);
      const next = hooks.shift();
      if (!next) return Promise.reject(new SystemError('INTERNAL', `fake supervisor: unscripted hook ${event}`));
      return Promise.resolve(next);
    },
    retryDeliveries(taskId) {
      record('retryDeliveries', taskId);
      const task = tasks.get(taskId);
      if (!task) return Promise.reject(new UserError('NOT_FOUND', `no task ${taskId}`));
      const failed = (task.deliveries ?? []).filter((d) => d.status === 'failed');
      if (failed.length === 0) return Promise.reject(new UserError('CONFLICT', `task ${taskId} has no failed delivery to retry`));
      task.deliveries = (task.deliveries ?? []).map((d) => (d.status === 'failed' ? { ...d, status: 'delivered' as const, attempts: d.attempts + 1 } : d));
      return Promise.resolve(task.deliveries);
    },
    requestPermission(ask) {
      record('requestPermission', ask);
      return Promise.reject(new SystemError('INTERNAL', `fake supervisor: permission requests are not scripted (${ask.tool})`));
    },
    cancelPermission(id, reason) {
      record('cancelPermission', id, reason);
    },
    learn() {
      record('learn');
      return {
        values: [
          { key: 'confidenceThreshold:marketing/content', value: 0.8, source: 'learned', evidence: { n: 12, wrongRate: 0.04 }, rule: 'lowest threshold under 5% wrong approvals' },
          { key: 'model:marketing', value: 'claude-sonnet-5-5', source: 'config', evidence: { n: 0, approvalRate: 0 }, rule: 'the configured model has fewer than 20 outcomes: models.byAgent or models.default' },
        ],
        text: 'the supervisor’s own rendering\n',
      };
    },
  };
}

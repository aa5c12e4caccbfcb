// The supervisor's surface and the JSON views it returns: owned by the core, re-exported by the
// HTTP API (server/contract.ts) and consumed by the CLI. The request bodies, the task query and
// the enums (Mode, TaskStatus, AgentKind) are the types generated from schemas/*.schema.json,
// which also validate them at the door.
import type { PermissionAsk, PermissionVerdict } from '../hooks/permission-request.js';
import type {
  AgentKind,
  ApiCancelTask,
  ApiCreateTask,
  ApiDecideApproval,
  ApiEmitEvent,
  ApiTaskQuery,
  Mode,
  Priority,
  TaskStatus,
} from '../schemas/generated/types.js';
import type { SupervisorEvent } from './events.js';

export type { Mode, TaskStatus };
/** How a task ends: its machine's outcomes, or a person's cancel. */
export type FinalStatus = Extract<TaskStatus, 'completed' | 'rejected' | 'failed' | 'cancelled'>;
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['completed', 'rejected', 'failed', 'cancelled'];

export interface ReviewView {
  kind: 'canon' | 'cultural' | 'coordinator';
  verdict: 'approve' | 'revise' | 'reject';
  score?: number;
  issues: { severity: string; quote: string; fix: string }[];
  round: number;
  minutes: number;
}

/** escalated: timed out and asked again one tier up; withdrawn: its task was cancelled. */
type ApprovalStatus = 'pending' | 'granted' | 'rejected' | 'timed_out' | 'escalated' | 'withdrawn';

/** One model step of a task's timeline. */
export interface StepView {
  key: string;
  step: string;
  agent: AgentKind;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  at: string;
  rerun: boolean;
}

/** An approval a task's gate asked for (publish, send, apply a remedy). */
export interface ApprovalView {
  kind: 'action';
  id: string;
  taskId: string;
  action: string;
  reasons: string[];
  requestedAt: string;
  deadline: string;
  fallback: 'coordinator' | 'reject' | 'escalate';
  status: ApprovalStatus;
  decidedBy?: 'person' | 'coordinator' | 'policy';
  /** Who the person was, when known (the CLI sends the login name). */
  decider?: string;
  decidedAt?: string;
  note?: string;
  policy?: string;
  /** The person approved an edited output (approve --edit): what was approved instead. */
  edited?: { step: string; output: unknown };
}

/** A Claude Code permission prompt turned into an approval by the PermissionRequest hook. */
export interface PermissionApprovalView {
  kind: 'permission';
  id: string;
  /** The Claude Code tool, e.g. Bash. */
  action: string;
  reasons: string[];
  requestedAt: string;
  deadline: string;
  fallback: 'deny' | 'ask';
  /** `cancelled`: Claude Code stopped waiting (its hook timed out or the session ended). */
  status: 'pending' | 'granted' | 'rejected' | 'timed_out' | 'cancelled';
  decidedBy?: 'person' | 'policy';
  decidedAt?: string;
  note?: string;
  permission: {
    tool: string;
    summary: string;
    sessionId: string;
    cwd: string;
    agentType?: string;
    /** Offered after repeated identical grants: `approve --always` adds it to Claude Code's settings. */
    offer?: { rule: string; updates: PermissionAsk['suggestions'] };
    /** The rule the person added with this grant. */
    added?: string;
  };
}

/** Every approval a person can decide, told apart by `kind`. */
export type AnyApprovalView = ApprovalView | PermissionApprovalView;
export type AnyApprovalStatus = AnyApprovalView['status'];

/** A permission request once it is recorded: its approval, and the verdict for Claude Code when decided. */
export interface OpenedPermission {
  approval: PermissionApprovalView;
  verdict: Promise<PermissionVerdict>;
}

/** One delivery of a task's approved content to a sink (deliveries.sinks). */
export interface DeliveryView {
  sink: string;
  type: 'file' | 'webhook' | 'command';
  /** Idempotency key: the same for every resend of this content to this sink. */
  key: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** The file written, the URL posted to, the program run. */
  target?: string;
  error?: string;
  requestedAt: string;
  finishedAt?: string;
}

export interface TaskView {
  id: string;
  workflow: string;
  status: TaskStatus;
  priority: Priority;
  input: unknown;
  contentType?: string;
  parentId?: string;
  dependsOn: string[];
  step?: string;
  round: number;
  costUsd: number;
  /** The cost is simulated: the offline model ran, and bills what the configured model would. */
  simulatedCost?: boolean;
  outputs: Record<string, unknown>;
  reviews: ReviewView[];
  approval?: ApprovalView;
  deliveries?: DeliveryView[];
  /** Every approval the task asked for, in request order (approval is the latest). */
  approvals?: ApprovalView[];
  /** The gate's decision and its reasons. */
  gate?: { decision: 'auto' | 'approval' | 'blocked'; reasons: string[] };
  /** Model steps in the order they ran. */
  steps?: StepView[];
  /** A flow's child task ids. */
  children?: string[];
  /** This task re-runs that failed or rejected one (task retry). */
  retryOf?: string;
  /** The phase that failed, for a failed task (where a retry starts). */
  failedPhase?: string;
  error?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
}

/** Filters of the task list (`tasks`, GET /v1/tasks); results are newest first. */
export type TaskQuery = ApiTaskQuery;

export interface ApprovalQuery {
  status?: AnyApprovalStatus;
  limit?: number;
  after?: string;
}

/** One page of a list: `nextCursor` fetches the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AgentView {
  kind: AgentKind;
  model: string;
  state: 'idle' | 'busy' | 'paused';
  breaker: 'closed' | 'open' | 'half_open';
  inFlight: number;
  queued: number;
  calls: number;
  failures: number;
  /** Busy time over the time since the agent's stats began, 0..1. */
  utilization: number;
  /** The time with at least one call in flight, ms: what utilization is made of. */
  busyMs?: number;
}

/** The config file as the supervisor sees it: a refused file, and changes awaiting a restart. */
export interface ConfigState {
  /** The last refused file, until a valid one is applied. */
  rejected: { at: string; file?: string; issues: string[] } | null;
  /** Changed settings that take effect only at the next start (e.g. server.tcp.enabled). */
  restartPending: string[];
  /** On a cluster: live peers whose policy differs from this supervisor's, and in which config sections. */
  peersDiffer?: { executorId: string; mode: Mode | null; sections: string[] }[];
}

export interface StatusView {
  mode: Mode;
  config?: ConfigState;
  health: {
    pid: number;
    uptimeSec: number;
    offline: boolean;
    /** Which model answers: Claude, the offline stand-in, or none (no API key: model work is refused). */
    model?: 'claude' | 'offline' | 'none';
    /** With model `none`: why, and the fix. */
    modelUnavailable?: string;
    draining: boolean;
    store: 'ok' | 'unavailable';
    /** Recovered tasks still waiting to be restarted after a start. */
    recovering?: number;
    /** Derived files found damaged at start: moved aside and rebuilt (the journal never is). */
    damaged?: { file: string; movedTo: string; error: string; at: string }[];
    /** Log lines dropped because the log file could not be written (disk full), since start. */
    logDropped?: number;
  };
  agents: AgentView[];
  /** Active tasks by priority, those awaiting a person's approval excepted. */
  queue: Record<Priority, number>;
  /** Tasks waiting for a person's decision (listed under approvals). */
  awaitingApproval?: number;
  approvals: AnyApprovalView[];
  slaBreaches: { taskId: string; scope: string; deadline: string; tier: number }[];
  pausedDomains: string[];
  /** `simulated`: the offline model's costs, what the configured model would have billed. */
  spend: { day: string; spentUsd: number; reservedUsd: number; limitUsd: number; simulated?: boolean };
  lastActions: SupervisorEvent[];
  /** Deliveries of approved content: today's outcomes, and the ones still pending or failed. */
  deliveries?: {
    deliveredToday: number;
    failedToday: number;
    pending: number;
    failed: { taskId: string; sink: string; error: string; at: string }[];
  };
  today: {
    tasksCompleted: number;
    meanReviewMinutes: number | null;
    /** Share of gated actions today that needed a person, 0..1 (null before the first). */
    humanShare: number | null;
    /** The denominators: reviews timed and actions gated today, and how many of those needed a person. */
    reviews?: number;
    gated?: number;
    needingPerson?: number;
  };
}

/** The bodies of POST /v1/tasks, …/approve|reject, …/cancel and /v1/events, as their schemas say. */
export type CreateTaskRequest = ApiCreateTask;
export type DecideApprovalRequest = ApiDecideApproval;
export type CancelTaskRequest = ApiCancelTask;
export type EmitEventRequest = ApiEmitEvent;

export interface EmitEventResult {
  eventId: string;
  duplicate: boolean;
  outcome: 'started' | 'batched' | 'ignored' | 'recorded';
  taskIds: string[];
}

/** The answer to a Claude Code hook call: exactly what the hook process prints and exits with. */
export interface HookResult {
  exitCode: 0 | 2;
  stdout: string;
  stderr: string;
}

/** The supervisor as the server sees it. Every mutating call resolves only once it is durable. */
export interface SupervisorApi {
  status(): StatusView;
  createTask(req: CreateTaskRequest, source: 'cli' | 'http'): Promise<TaskView>;
  getTask(id: string): TaskView | undefined;
  /** Live tasks only (in memory), newest first. */
  listTasks(filter?: { status?: TaskStatus; limit?: number }): TaskView[];
  /** Every task ever accepted (live and archived), filtered, newest first, one page. */
  queryTasks(q: TaskQuery): Promise<Page<TaskView>>;
  /** A task live or from the archive. */
  findTask(id: string): Promise<TaskView | undefined>;
  listApprovals(filter?: { status?: AnyApprovalStatus }): AnyApprovalView[];
  /** Every approval ever requested (live and archived), newest first, one page; live permission requests lead the first page. */
  queryApprovals(q: ApprovalQuery): Promise<Page<AnyApprovalView>>;
  /** Ends a task now: a flow's open children too; its approval withdrawn, its reservations released. */
  cancelTask(id: string, req: CancelTaskRequest): Promise<TaskView>;
  /** A new task that re-runs a failed or rejected one from the step that failed. */
  retryTask(id: string): Promise<TaskView>;
  /** Lets a paused domain's actions run again. */
  resumeDomain(name: string): Promise<{ domain: string; resumed: boolean }>;
  /** Every task created at or after `since` (ms), live and archived, oldest first. */
  exportTasks(since: number, write: (task: TaskView) => void): Promise<number>;
  approve(id: string, req: DecideApprovalRequest): Promise<AnyApprovalView>;
  reject(id: string, req: DecideApprovalRequest): Promise<AnyApprovalView>;
  /** Records a Claude Code permission prompt as a pending approval (durable before it resolves). */
  requestPermission(ask: PermissionAsk): Promise<OpenedPermission>;
  /** Claude Code stopped waiting for `id`: it is no longer decidable. */
  cancelPermission(id: string, reason: string): void;
  emitEvent(req: EmitEventRequest): Promise<EmitEventResult>;
  /** Recent events, oldest first; `after` is an event sequence number. */
  events(opts?: { after?: number; limit?: number }): { seq: number; event: SupervisorEvent }[];
  /** Calls `listener` for each new event until the returned function is called. */
  subscribe(listener: (seq: number, event: SupervisorEvent) => void): () => void;
  /** `meta.id`: the call's idempotency key, when its client made one (one record per key). */
  hook(event: string, payload: unknown, meta?: { id?: string }): Promise<HookResult>;
  /** Tuned values with their evidence (agentry learn). */
  /** Sends a task's failed deliveries again (same idempotency keys); resolves with their outcomes. */
  retryDeliveries(taskId: string): Promise<DeliveryView[]>;
  learn(): unknown;
}

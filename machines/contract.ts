// The supervisor's surface and the JSON views it returns: owned by the core, re-exported by the
// HTTP API (server/contract.ts) and consumed by the CLI. Request bodies are validated by
// schemas/api.*.schema.json.
import type { AgentKind } from '../agents/client/types.js';
import type { PermissionAsk, PermissionVerdict } from '../hooks/permission-request.js';
import type { Priority } from '../schemas/generated/types.js';
import type { SupervisorEvent } from './events.js';

export type Mode = 'manual' | 'semi' | 'full';
export type TaskStatus =
  | 'pending'
  | 'blocked'
  | 'running'
  | 'reviewing'
  | 'awaiting_approval'
  | 'completed'
  | 'rejected'
  | 'failed';
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['completed', 'rejected', 'failed'];

export interface ReviewView {
  kind: 'canon' | 'cultural' | 'coordinator';
  verdict: 'approve' | 'revise' | 'reject';
  score?: number;
  issues: { severity: string; quote: string; fix: string }[];
  round: number;
  minutes: number;
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
  status: 'pending' | 'granted' | 'rejected' | 'timed_out';
  decidedBy?: 'person' | 'coordinator' | 'policy';
  decidedAt?: string;
  note?: string;
  policy?: string;
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
  error?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
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

export interface CreateTaskRequest {
  workflow: string;
  input: Record<string, unknown>;
  priority?: Priority;
  dependsOn?: string[];
}

export interface DecideApprovalRequest {
  note?: string;
  /** Approve only: add the permission rule a repeated Claude Code permission request offered. */
  always?: boolean;
  /** Approve only: the output to act on instead of the draft, checked against the agent's output schema. */
  output?: Record<string, unknown>;
}

export interface EmitEventRequest {
  type: string;
  data: Record<string, unknown>;
  /** Idempotency key: a repeated id is acknowledged once and ignored after. */
  id?: string;
}

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
  listTasks(filter?: { status?: TaskStatus; limit?: number }): TaskView[];
  listApprovals(filter?: { status?: AnyApprovalStatus }): AnyApprovalView[];
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

// Claude Code permission prompts as approvals (issue 13, part 4). A request is recorded
// (durably) as a pending approval of kind "permission", decided by a person through the same
// approve/reject as any approval, or at its deadline by `permissions.fallback` (deny, or ask:
// hand it back to Claude Code's own prompt). Identical requests granted `offerRuleAfter` times
// are offered to the person as a Claude Code permission rule; it is added only when they say so.
import { randomBytes } from 'node:crypto';
import { UserError } from '../../../core/errors.js';
import type { Clock } from '../../../core/clock.js';
import type { PermissionAsk, PermissionVerdict } from '../../../hooks/permission-request.js';
import { describeUpdate } from '../../../hooks/permission-request.js';
import type { OpenedPermission, PermissionApprovalView } from '../../contract.js';
import type { PermissionConfig } from '../../../schemas/generated/types.js';
import { createEvent } from '../../events.js';
import type { EventLog } from '../read-models/event-log.js';

type Settings = Required<PermissionConfig>;
type JsonObject = PermissionAsk['suggestions'][number];

interface Pending {
  view: PermissionApprovalView;
  fingerprint: string;
  resolve: (verdict: PermissionVerdict) => void;
  timer: unknown;
}

export interface PermissionDecision {
  status: 'granted' | 'rejected';
  note?: string;
  /** Add the offered rule (grants only). */
  always?: boolean;
}

/** Decided permission approvals kept for the approvals list. */
const KEEP_DECIDED = 500;

export class Permissions {
  private readonly pending = new Map<string, Pending>();
  private readonly decided = new Map<string, PermissionApprovalView>();
  /** Person grants by request fingerprint. */
  private readonly grants = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly settings: () => Settings,
    private readonly events: Pick<EventLog, 'recent' | 'emit' | 'emitDurable'>,
  ) {
    // Grants survive a restart as long as their events are in the replayed ring.
    for (const { event } of events.recent()) if (event.type === 'permission.granted') this.countGrant(event.fingerprint);
  }

  /** Records `ask` as a pending approval; resolves once its request event is durable. */
  async open(ask: PermissionAsk): Promise<OpenedPermission> {
    if (this.closed) throw new UserError('CONFLICT', 'the supervisor is stopping and takes no permission requests');
    const cfg = this.settings();
    const now = this.clock.now();
    const id = `ap_${randomBytes(5).toString('hex')}`;
    const offer = this.offerFor(ask, cfg);
    const view: PermissionApprovalView = {
      kind: 'permission',
      id,
      action: ask.tool,
      reasons: [`Claude Code asks to use ${ask.tool}: ${ask.summary}`, ...(offer ? [`granted ${this.grants.get(ask.fingerprint) ?? 0} times before; approve --always adds ${offer.rule}`] : [])],
      requestedAt: iso(now),
      deadline: iso(now + cfg.timeoutSeconds * 1000),
      fallback: cfg.fallback,
      status: 'pending',
      permission: {
        tool: ask.tool,
        summary: ask.summary,
        sessionId: ask.sessionId,
        cwd: ask.cwd,
        ...(ask.agentType === undefined ? {} : { agentType: ask.agentType }),
        ...(offer ? { offer } : {}),
      },
    };
    const requested = createEvent(
      'permission.requested',
      {
        approvalId: id,
        tool: ask.tool,
        summary: ask.summary,
        sessionId: ask.sessionId,
        cwd: ask.cwd,
        deadline: view.deadline,
        fallback: view.fallback,
        ...(ask.agentType === undefined ? {} : { agentType: ask.agentType }),
        ...(offer ? { rule: offer.rule } : {}),
      },
      now,
    );
    const verdict = new Promise<PermissionVerdict>((resolve) => {
      const timer = this.clock.setTimeout(() => this.timeout(id), cfg.timeoutSeconds * 1000);
      this.pending.set(id, { view, fingerprint: ask.fingerprint, resolve, timer });
    });
    try {
      await this.events.emitDurable(requested);
    } catch (err) {
      this.drop(id);
      throw err;
    }
    return { approval: view, verdict };
  }

  has(id: string): boolean {
    return this.pending.has(id) || this.decided.has(id);
  }

  get(id: string): PermissionApprovalView | undefined {
    return this.pending.get(id)?.view ?? this.decided.get(id);
  }

  list(status?: PermissionApprovalView['status']): PermissionApprovalView[] {
    const all = [...[...this.pending.values()].map((p) => p.view), ...this.decided.values()];
    return status === undefined ? all : all.filter((v) => v.status === status);
  }

  /** A person's decision; durable (its event journaled) before Claude Code hears it. */
  async decide(id: string, decision: PermissionDecision): Promise<PermissionApprovalView> {
    const p = this.pending.get(id);
    if (!p) {
      const done = this.decided.get(id);
      throw done ? new UserError('CONFLICT', `approval ${id} is already ${done.status}`) : new UserError('NOT_FOUND', `no approval ${id}`);
    }
    const offer = this.checkAlways(p.view, decision);
    // Taken off the pending list first, so a second decision meanwhile is a conflict.
    this.drop(id);
    const at = this.clock.now();
    const note = decision.note === undefined ? {} : { note: decision.note };
    const added = decision.always === true && offer ? { added: offer.rule } : {};
    const view: PermissionApprovalView = { ...p.view, ...note, status: decision.status, decidedBy: 'person', decidedAt: iso(at), permission: { ...p.view.permission, ...added } };
    const base = { approvalId: id, tool: view.action, ...note };
    try {
      if (decision.status === 'granted') {
        await this.events.emitDurable(createEvent('permission.granted', { ...base, by: 'person', fingerprint: p.fingerprint, ...(offer && decision.always === true ? { rule: offer.rule } : {}) }, at));
      } else {
        await this.events.emitDurable(createEvent('permission.denied', { ...base, by: 'person', reason: 'rejected by a person' }, at));
      }
    } catch (err) {
      this.pending.set(id, p); // not durable, so not decided: it can be decided again
      throw err;
    }
    this.keep(view);
    if (decision.status === 'granted') this.countGrant(p.fingerprint);
    p.resolve(verdictOf(view, decision, offer));
    return view;
  }

  /** The offer `always` adds; refused when there is none or the decision is a rejection. */
  private checkAlways(view: PermissionApprovalView, decision: PermissionDecision): PermissionApprovalView['permission']['offer'] {
    const offer = view.permission.offer;
    if (decision.always !== true) return offer;
    if (decision.status !== 'granted') throw new UserError('INVALID_INPUT', 'always: only an approval can add a permission rule');
    if (offer === undefined) {
      throw new UserError('INVALID_INPUT', `always: approval ${view.id} offers no permission rule (one is offered after ${this.settings().offerRuleAfter} identical grants)`);
    }
    return offer;
  }

  /** Claude Code stopped waiting: the request can no longer be decided. */
  cancel(id: string, reason: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.drop(id);
    const at = this.clock.now();
    this.keep({ ...p.view, status: 'cancelled', decidedAt: iso(at), note: reason });
    this.events.emit(createEvent('permission.cancelled', { approvalId: id, tool: p.view.action, reason }, at));
    p.resolve({ behavior: 'deny', message: reason });
  }

  /** Shutdown: every waiting request is denied with the reason (its hook is still listening). */
  close(reason: string): void {
    this.closed = true;
    for (const [id, p] of this.pending) {
      this.drop(id);
      const at = this.clock.now();
      this.keep({ ...p.view, status: 'rejected', decidedBy: 'policy', decidedAt: iso(at), note: reason });
      this.events.emit(createEvent('permission.denied', { approvalId: id, tool: p.view.action, by: 'policy', reason }, at));
      p.resolve({ behavior: 'deny', message: `agentry: ${reason} before anyone decided, so this ${p.view.action} call is denied. Do not retry it now; tell the user.` });
    }
  }

  private timeout(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.drop(id);
    const at = this.clock.now();
    const fallback = p.view.fallback;
    this.keep({ ...p.view, status: 'timed_out', decidedBy: 'policy', decidedAt: iso(at) });
    this.events.emit(createEvent('permission.timed_out', { approvalId: id, tool: p.view.action, fallback }, at));
    const seconds = Math.round((Date.parse(p.view.deadline) - Date.parse(p.view.requestedAt)) / 1000);
    if (fallback === 'ask') {
      p.resolve({ behavior: 'ask', message: `agentry approval ${id} was not answered within ${seconds} s; Claude Code's own prompt decides` });
      return;
    }
    p.resolve({
      behavior: 'deny',
      message: `agentry: no one approved this ${p.view.action} call within ${seconds} s (approval ${id}), so it is denied. Do not retry it now; tell the user it waits for their approval.`,
    });
  }

  /** The rule to offer once identical requests were granted often enough. */
  private offerFor(ask: PermissionAsk, cfg: Settings): PermissionApprovalView['permission']['offer'] {
    if ((this.grants.get(ask.fingerprint) ?? 0) < cfg.offerRuleAfter) return undefined;
    // Claude Code's own rule suggestions when it made any (its "don't ask again" rules), else this exact call.
    const rules = ask.suggestions.filter((s) => s['type'] === 'addRules');
    const updates: JsonObject[] = rules.length > 0 ? [...rules] : [ask.exactRule];
    return { rule: updates.map(describeUpdate).join('; '), updates };
  }

  private countGrant(fingerprint: string): void {
    this.grants.set(fingerprint, (this.grants.get(fingerprint) ?? 0) + 1);
  }

  private drop(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.clock.clearTimeout(p.timer);
    this.pending.delete(id);
  }

  private keep(view: PermissionApprovalView): void {
    this.decided.set(view.id, view);
    if (this.decided.size > KEEP_DECIDED) {
      const oldest = this.decided.keys().next().value;
      if (oldest !== undefined) this.decided.delete(oldest);
    }
  }
}

function verdictOf(view: PermissionApprovalView, decision: PermissionDecision, offer: PermissionApprovalView['permission']['offer']): PermissionVerdict {
  if (decision.status === 'granted') return { behavior: 'allow', message: '', ...(decision.always === true && offer ? { updatedPermissions: offer.updates } : {}) };
  const why = decision.note === undefined ? '' : `: ${decision.note}`;
  return { behavior: 'deny', message: `agentry: a person rejected this ${view.action} call${why}. Do not retry it; change the plan or ask the user.` };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// What the cluster tests share: a content task, and the policy services a supervisor would give
// the engine, reduced to what the tests watch (every call recorded; the gate and the healer
// scripted by the task's input). The model is the real offline model unless a test wraps it.
import type { StructuredModel } from '../../agents/client/types.js';
import { createOfflineModel } from '../../agents/offline/index.js';
import { resolveConfig } from '../../config/load.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { ApprovalRequest, ClusterServices } from '../../machines/cluster/steps.js';
import type { ExecuteInput, GateInput, HealInput } from '../../machines/task/activities.js';
import type { TaskRecord } from '../../machines/task/context.js';
import type { LedgerStore } from '../../memory/store.js';

export function contentTask(id: string, input: Record<string, unknown> = {}): TaskRecord {
  return {
    id,
    workflow: 'content',
    definition: { domain: 'content', steps: [{ id: 'draft', agent: 'marketing' }], review: 'tiered', gate: { action: 'publish' } },
    priority: 'P2',
    input: { goal: 'launch the spring range', channel: 'blog', ...input },
    contentType: 'blog',
    tier: 1,
    maxRounds: 2,
    dependsOn: [],
    createdAt: 0,
    source: 'cli',
  };
}

export interface Watched {
  gates: GateInput[];
  executed: ExecuteInput[];
  heals: HealInput[];
  approvals: ApprovalRequest[];
}

/**
 * Services whose gate asks a person for a task whose id has `ask` in it and fails for one with
 * `gatefail`; the healer gives up. `onExecute` sees each delivery (a worker counts them in Postgres).
 */
export function testServices(opts: { ledger: LedgerStore; model?: StructuredModel; config?: () => ResolvedConfig; onExecute?: (input: ExecuteInput) => Promise<void>; onApproval?: (r: ApprovalRequest) => void }): ClusterServices & { watched: Watched } {
  const watched: Watched = { gates: [], executed: [], heals: [], approvals: [] };
  const config = resolveConfig({ version: 1 });
  return {
    watched,
    config: opts.config ?? (() => config),
    model: opts.model ?? createOfflineModel({ simulateCost: false }),
    ledger: opts.ledger,
    gate(input) {
      watched.gates.push(input);
      const kind = input.taskId.includes('ask') ? 'approval' : input.taskId.includes('gatefail') ? 'fail' : 'auto';
      if (kind === 'fail') return Promise.reject(Object.assign(new Error('the gate could not read the spend'), { code: 'STORE_UNAVAILABLE' }));
      return Promise.resolve({ decision: kind === 'approval' ? 'approval' : 'auto', reasons: kind === 'approval' ? ['a person decides'] : [] });
    },
    async execute(input) {
      watched.executed.push(input);
      await opts.onExecute?.(input);
    },
    heal(input) {
      watched.heals.push(input);
      return Promise.resolve({ decided: { action: 'fail', at: 0, reason: `healer: cannot fix ${input.error.code}` } });
    },
    healAdvice() {
      return Promise.reject(new Error('the scripted healer decides without advice'));
    },
    approvalRequested(request) {
      watched.approvals.push(request);
      opts.onApproval?.(request);
      return Promise.resolve();
    },
  };
}

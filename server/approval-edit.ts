// Approve with edits: the edited output is checked against the output schema of the agent that
// wrote the draft, so a person's edit can never publish what the agent could not. Each issue
// names its field (`output.title: expected …`), which the console shows at that field. A valid
// edit goes on to the supervisor, which publishes it instead of the draft (approve --edit).
import { check } from '../schemas/registry.js';
import type { SchemaName } from '../schemas/registry.js';
import type { SupervisorApi } from './contract.js';
import { HttpError } from './errors-http.js';

/** The agent whose output an approval would act on: the task's last completed step. */
function draftAgent(api: SupervisorApi, taskId: string): string | undefined {
  let agent: string | undefined;
  for (const { event } of api.events()) {
    if (event.type === 'step.completed' && event.taskId === taskId) agent = event.agent;
  }
  return agent;
}

/** Throws 400 with the issues when `output` breaks the agent's output schema. */
export function checkEditedOutput(api: SupervisorApi, approvalId: string, output: Record<string, unknown>): void {
  const approval = api.listApprovals({ status: 'pending' }).find((a) => a.id === approvalId);
  if (approval?.kind === 'permission') throw new HttpError('INVALID_INPUT', `approval ${approvalId} is a permission prompt: it has no output to edit`);
  if (approval === undefined) throw new HttpError('NOT_FOUND', `no pending approval ${JSON.stringify(approvalId)}`);
  const agent = draftAgent(api, approval.taskId);
  // The supervisor checks the edit again against the task's own last author step (approve).
  if (agent === undefined) return;
  const schema = `${agent}.output` as SchemaName;
  const issues = check(schema, output).map((i) => `output.${i.path === '(root)' ? '' : i.path}: expected ${i.expected}, got ${i.got}`.replace('output.: ', 'output: '));
  if (issues.length > 0) {
    throw new HttpError('INVALID_INPUT', `${schema}: ${issues.join('; ')}`, { details: { schema, issues } });
  }
}

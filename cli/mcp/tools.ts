// The MCP tools `agentry mcp` offers: one per workflow to create a task (its input schema from
// schemas/, the schema the supervisor checks), and the reads and decisions of the CLI. Each tool is
// one call of the supervisor's HTTP API; the answer is its JSON, or the API's error as a tool error.
import type { ResolvedConfig } from '../../config/load.js';
import { taskInputSchema } from '../../config/task-input.js';
import { schemaOf } from '../../schemas/registry.js';
import type { ApiClient } from '../../server/api-client.js';
import { query, seg } from '../commands/api.js';

type JsonSchema = Record<string, unknown>;
type Args = Record<string, unknown>;

export interface McpTool {
  name: string;
  description: string;
  inputSchema: JsonSchema;
  call(api: ApiClient, args: Args): Promise<unknown>;
}

const PRIORITY = { enum: ['P0', 'P1', 'P2', 'P3'], description: 'P0/P1 start at once; default P2.' };
const APPROVAL_STATUS = { enum: ['pending', 'granted', 'rejected', 'timed_out', 'cancelled'] };
const TASK_STATUS = { enum: ['pending', 'blocked', 'running', 'reviewing', 'awaiting_approval', 'completed', 'rejected', 'failed'] };

const object = (properties: Record<string, unknown>, required: string[] = []): JsonSchema => ({ type: 'object', properties, required, additionalProperties: false });
const str = (description: string): JsonSchema => ({ type: 'string', minLength: 1, description });

/** The tools for `config`'s workflows and the fixed ones. */
export function mcpTools(config: ResolvedConfig): McpTool[] {
  return [...Object.entries(config.workflows).flatMap(([name, wf]) => (wf ? [createTaskTool(name, wf)] : [])), ...FIXED];
}

/** As the HTTP API takes it: a client that retries a call it saw no answer to makes one task. */
const IDEMPOTENCY_KEY = (schemaOf('api.create-task')['properties'] as Record<string, JsonSchema>)['idempotencyKey'];

/** A tool name MCP accepts ([a-zA-Z0-9_-], at most 64). */
function createToolName(workflow: string): string {
  return `create_${workflow.replace(/[^A-Za-z0-9_-]/g, '_')}_task`.slice(0, 64);
}

function createTaskTool(name: string, wf: NonNullable<ResolvedConfig['workflows'][string]>): McpTool {
  const input = inputSchemaOf(wf);
  return {
    name: createToolName(name),
    description: `Start a task of the "${name}" workflow (${wf.domain}). Answers the task once it is durable; it may then wait for reviews and an approval.`,
    inputSchema: { ...object({ input: input.schema, priority: PRIORITY, dependsOn: { type: 'array', items: { type: 'string' }, description: 'Task ids this one waits for.' }, idempotencyKey: IDEMPOTENCY_KEY }, ['input']), ...(input.defs ? { $defs: input.defs } : {}) },
    call: (api, args) => api.post('/v1/tasks', { workflow: name, ...args }),
  };
}

/** The workflow's input schema with its $defs lifted to the tool schema's root (where its refs point). */
function inputSchemaOf(wf: NonNullable<ResolvedConfig['workflows'][string]>): { schema: JsonSchema; defs?: unknown } {
  const named = taskInputSchema(wf);
  if (named === undefined) {
    const children = (wf.tasks ?? []).map((t) => t.workflow);
    return { schema: { type: 'object', description: `The input shared by this flow's tasks (${children.join(', ')}); each reads the fields of its own workflow.` } };
  }
  const { $id: _id, $schema: _schema, $defs, ...schema } = schemaOf(named);
  return $defs === undefined ? { schema } : { schema, defs: $defs };
}

const FIXED: McpTool[] = [
  {
    name: 'show_task',
    description: 'One task in full: status, step, reviews, approval, outputs, cost.',
    inputSchema: object({ id: str('The task id, e.g. t_m3x…') }, ['id']),
    call: (api, args) => api.get(`/v1/tasks/${seg(String(args['id']))}`),
  },
  {
    name: 'list_tasks',
    description: 'Recent tasks, newest first.',
    inputSchema: object({ status: TASK_STATUS, limit: { type: 'integer', minimum: 1, maximum: 1000 } }),
    call: (api, args) => api.get(`/v1/tasks${query({ status: args['status'] as string | undefined, limit: args['limit'] as number | undefined })}`),
  },
  {
    name: 'list_approvals',
    description: 'Approvals waiting for a person or decided: of tasks (kind "action") and of Claude Code permission prompts (kind "permission").',
    inputSchema: object({ status: APPROVAL_STATUS }),
    call: (api, args) => api.get(`/v1/approvals${query({ status: args['status'] as string | undefined })}`),
  },
  {
    name: 'approve',
    description: 'Grant a pending approval. `always` also adds the permission rule a repeated Claude Code permission request offers.',
    inputSchema: object({ id: str('The approval id'), note: str('Why'), always: { type: 'boolean' } }, ['id']),
    call: (api, { id, ...body }) => api.post(`/v1/approvals/${seg(String(id))}/approve`, body),
  },
  {
    name: 'reject',
    description: 'Reject a pending approval, with the reason.',
    inputSchema: object({ id: str('The approval id'), note: str('Why it is rejected') }, ['id', 'note']),
    call: (api, { id, ...body }) => api.post(`/v1/approvals/${seg(String(id))}/reject`, body),
  },
  {
    name: 'status',
    description: "The supervisor's dashboard: mode, health, agents, queue, pending approvals, spend, today's figures.",
    inputSchema: object({}),
    call: (api) => api.get('/v1/status'),
  },
  {
    name: 'learning_report',
    description: 'Every value the learning store tuned, with its evidence and rule.',
    inputSchema: object({}),
    call: (api) => api.get('/v1/learn'),
  },
  {
    name: 'emit_event',
    description: 'Send a business event (e.g. competitor.rank_drop) to the routing rules; an `id` makes it idempotent.',
    inputSchema: object({ type: str('Dotted event name'), data: { type: 'object' }, id: str('Idempotency key') }, ['type', 'data']),
    call: (api, args) => api.post('/v1/events', args),
  },
];

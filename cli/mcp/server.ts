// `agentry mcp`: a Model Context Protocol server on stdio (the official @modelcontextprotocol/sdk)
// and a thin client of the supervisor's HTTP API: tools (mcp-tools.ts) and task outputs as
// resources (`agentry://tasks/<id>/outputs`). The supervisor must run for anything to answer;
// its error then comes back as the tool's error text, so the model can say what to do.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { ApiClient } from '../../server/api-client.js';
import { ApiError } from '../../server/api-client.js';
import type { Page, TaskView } from '../../server/contract.js';
import { mcpTools } from './tools.js';

const OUTPUTS = /^agentry:\/\/tasks\/([^/]+)\/outputs$/;
const LISTED_TASKS = 100;

export interface McpServerOptions {
  api: ApiClient;
  config: ResolvedConfig;
  version: string;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** Serves until stdin closes. */
export async function serveMcp(opts: McpServerOptions): Promise<void> {
  const tools = mcpTools(opts.config);
  const server = new Server({ name: 'agentry', version: opts.version }, { capabilities: { tools: {}, resources: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => Promise.resolve({ tools: tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })) }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const tool = tools.find((t) => t.name === req.params.name);
    if (!tool) return failure(`no tool ${req.params.name}; list them with tools/list`);
    try {
      const value = await tool.call(opts.api, req.params.arguments ?? {});
      return { content: [{ type: 'text' as const, text: JSON.stringify(value, null, 2) }] };
    } catch (err) {
      return failure(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    }
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () =>
    Promise.resolve({ resourceTemplates: [{ uriTemplate: 'agentry://tasks/{id}/outputs', name: 'task outputs', description: "A task's outputs (drafts, proposals, remedies) as JSON.", mimeType: 'application/json' }] }),
  );
  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const tasks = (await opts.api.get<Page<TaskView>>(`/v1/tasks?limit=${LISTED_TASKS}`)).items;
    return {
      resources: tasks
        .filter((t) => Object.keys(t.outputs).length > 0)
        .map((t) => ({ uri: `agentry://tasks/${t.id}/outputs`, name: `${t.workflow} ${t.id} outputs`, description: `${t.status}; ${Object.keys(t.outputs).join(', ')}`, mimeType: 'application/json' })),
    };
  });
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const id = OUTPUTS.exec(req.params.uri)?.[1];
    if (id === undefined) throw new Error(`unknown resource ${req.params.uri}; task outputs are agentry://tasks/<id>/outputs`);
    const task = await opts.api.get<TaskView>(`/v1/tasks/${encodeURIComponent(decodeURIComponent(id))}`);
    return { contents: [{ uri: req.params.uri, mimeType: 'application/json', text: JSON.stringify(task.outputs, null, 2) }] };
  });
  const transport = new StdioServerTransport(opts.stdin as never, opts.stdout as never);
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
}

function failure(text: string): { content: { type: 'text'; text: string }[]; isError: true } {
  return { content: [{ type: 'text', text }], isError: true };
}

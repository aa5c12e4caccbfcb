// `agentry mcp` with the MCP SDK's own client over stdio, against a real supervisor child process:
// the tools are listed (one per workflow, with its input schema), a task is created, its approval
// is listed and approved through the tools, and the finished task's outputs read as a resource.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyApprovalView, Page, TaskView } from '../../server/contract.js';
import { BIN, type Daemon, startDaemon } from '../support/daemon.js';
import { type Project, assertHooksBuilt, childEnv, tempProject, waitFor } from './hooks-harness.js';

let project: Project;
let daemon: Daemon;
let client: Client;

const BRIEF = { goal: 'Get sign-ups for v2', channel: 'tweet' };

/** A tool's JSON answer (the text content it returns). */
async function call<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  if (result.isError === true) throw new Error(`${name} failed: ${content[0]?.text ?? ''}`);
  return JSON.parse(content[0]?.text ?? 'null') as T;
}

beforeAll(async () => {
  assertHooksBuilt();
  project = tempProject();
  writeFileSync(join(project.dir, 'agentry.config.json'), `${JSON.stringify({ version: 1, mode: 'manual' })}\n`);
  daemon = await startDaemon({ projectDir: project.dir, args: ['--offline'] });
  client = new Client({ name: 'agentry-e2e', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: project.dir, env: childEnv(project.dir), stderr: 'pipe' }));
});

afterAll(async () => {
  await client?.close();
  await daemon?.stop();
  rmSync(project.dir, { recursive: true, force: true });
});

describe('agentry mcp (the SDK client over stdio)', () => {
  it('lists a create tool per workflow, with the schema the supervisor checks, and the fixed tools', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['create_content_task', 'create_lead_task', 'create_incident_task', 'show_task', 'list_tasks', 'list_approvals', 'approve', 'reject', 'status', 'learning_report', 'emit_event']));
    const create = tools.find((t) => t.name === 'create_content_task');
    expect(create?.inputSchema).toMatchObject({ type: 'object', required: ['input'], properties: { input: { required: expect.arrayContaining(['goal', 'channel']) } } });
  });

  it('makes one task for a create retried with the same idempotency key', async () => {
    const first = await call<TaskView>('create_content_task', { input: BRIEF, idempotencyKey: 'mcp-retry-1' });
    const again = await call<TaskView>('create_content_task', { input: BRIEF, idempotencyKey: 'mcp-retry-1' });
    expect(again.id).toBe(first.id);
  });

  it('creates a task, approves its approval and reads its outputs as a resource', async () => {
    const task = await call<TaskView>('create_content_task', { input: BRIEF });
    expect(task).toMatchObject({ workflow: 'content' });
    const approval = await waitFor('the task to wait for a person', async () => {
      const list = (await call<Page<AnyApprovalView>>('list_approvals', { status: 'pending' })).items;
      return list.find((a) => a.kind === 'action' && a.taskId === task.id);
    });
    const decided = await call<AnyApprovalView>('approve', { id: approval.id, note: 'ship it' });
    expect(decided).toMatchObject({ id: approval.id, status: 'granted', note: 'ship it' });
    const done = await waitFor('the task to complete', async () => {
      const view = await call<TaskView>('show_task', { id: task.id });
      return view.status === 'completed' ? view : undefined;
    });
    expect(Object.keys(done.outputs).length).toBeGreaterThan(0);
    const { resources } = await client.listResources();
    const uri = `agentry://tasks/${task.id}/outputs`;
    expect(resources.map((r) => r.uri)).toContain(uri);
    const read = await client.readResource({ uri });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual(done.outputs);
  });

  it('reads status and the learning report, emits an event, and answers API errors as tool errors', async () => {
    expect(await call<{ mode: string }>('status')).toMatchObject({ mode: 'manual' });
    expect(await call<unknown>('learning_report')).toBeTypeOf('object');
    expect(await call<{ eventId: string }>('emit_event', { type: 'keyword.spike', data: { keyword: 'agents' }, id: 'mcp-e2e-1' })).toMatchObject({ eventId: 'mcp-e2e-1', duplicate: false });
    const missing = await client.callTool({ name: 'show_task', arguments: { id: 't_nope' } });
    expect(missing.isError).toBe(true);
    expect((missing.content as { text: string }[])[0]?.text).toContain('NOT_FOUND');
  });
});

// The console in a real browser (Debian's Chromium through playwright-core) against a supervisor
// on the Postgres store (a real `agentry start` on a real Postgres, offline model): sign in, the
// dashboard with this supervisor's agent rows, a new approval shown live, approved with a note,
// and the task completing through the cluster engine.
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyApprovalView, Page as ListPage, TaskView } from '../../server/contract.js';
import { migrate, openPgStore } from '../../memory/postgres/index.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';
import { launchBrowser } from './browser.js';
import { startProject } from './project.js';
import type { ConsoleProject } from './project.js';

const WAIT = { timeout: 30_000 };

let pg: TestPostgres;
let project: ConsoleProject;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  pg = await startPostgres();
  const url = await pg.createDatabase('console_cluster');
  const store = await openPgStore(url);
  await migrate(store);
  await store.close();
  project = await startProject({ mode: 'manual', store: { kind: 'postgres', url, executorId: 'console-a', pollMs: 20 }, learning: { enabled: false } });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await project?.daemon.stop();
  if (project) rmSync(project.dir, { recursive: true, force: true });
  await pg?.stop();
});

describe('the console on the Postgres store', () => {
  it('signs in and shows the dashboard with the agents of this supervisor', async () => {
    const link = await project.cli<{ url: string }>(['console', '--no-open']);
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor(WAIT);
    await page.getByRole('heading', { name: 'Agents' }).waitFor(WAIT);
    await page.getByText('marketing', { exact: true }).first().waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe('/console/');
    // The rows the dashboard draws are the cluster supervisor's own (before this, none).
    const status = await project.daemon.client.get<{ agents: { kind: string }[] }>('/v1/status');
    expect(status.agents.map((a) => a.kind)).toContain('marketing');
  });

  it('shows a new approval live and approves it with a note: the task completes', async () => {
    await page.getByRole('link', { name: /^Approvals/ }).click();
    await page.getByText('Nothing waits for you.').waitFor(WAIT);
    const task = await project.daemon.client.post<TaskView>('/v1/tasks', { workflow: 'content', input: { goal: 'Announce the cluster console', channel: 'tweet' } });
    const card = page.getByRole('article').filter({ hasText: task.id });
    await card.waitFor(WAIT);
    await card.getByLabel(/^Note/).fill('Fine from the cluster');
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Nothing waits for you.').waitFor(WAIT);
    // Polled on real time: a real process and a real database.
    let done: TaskView | undefined;
    for (let i = 0; i < 600 && done?.status !== 'completed'; i++) {
      done = await project.daemon.client.get<TaskView>(`/v1/tasks/${task.id}`);
      if (done.status !== 'completed') await new Promise((r) => setTimeout(r, 50));
    }
    expect(done).toMatchObject({ status: 'completed', approval: { status: 'granted', decidedBy: 'person', note: 'Fine from the cluster' } });
    const decided = (await project.daemon.client.get<ListPage<AnyApprovalView>>('/v1/approvals?status=granted')).items;
    expect(decided.map((a) => a.kind === 'action' && a.taskId)).toContain(task.id);
  });
});

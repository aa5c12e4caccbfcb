// The console in a real browser (Debian's Chromium through playwright-core) against the real
// supervisor as a child process on the offline model: sign-in with the one-time link, an
// approval appearing live, approve with a note, reject without one refused, an edit that breaks
// the output schema shown at its field, the mode switch writing the config file, and the
// refusals: no cookie, a cross-origin POST, a reused link; task links followed without a reload. Each page is screenshotted at 1280×800
// (into docs/ with AGENTRY_SCREENSHOTS=docs, i.e. `npm run screenshots`; into a temp folder otherwise).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyApprovalView, ApprovalView, Page as ListPage, TaskView } from '../../server/contract.js';
import { REPO } from '../support/daemon.js';
import { until } from '../support/until.js';
import { launchBrowser } from './browser.js';
import { startProject } from './project.js';
import type { ConsoleProject } from './project.js';

const SHOTS = process.env['AGENTRY_SCREENSHOTS'] === 'docs' ? join(REPO, 'docs') : join(tmpdir(), `agentry-console-shots-${process.pid}`);
const WAIT = { timeout: 15_000 };

let project: ConsoleProject;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let signInUrl: string;
let origin: string;
/** The task approved in the inbox: its detail page is screenshotted. */
let firstTask = '';

interface Link {
  url: string;
  consoleUrl: string;
  opened: boolean;
}

const tweet = (goal: string): Record<string, unknown> => ({ goal, channel: 'tweet' });

async function createTask(input: Record<string, unknown>, workflow = 'content'): Promise<TaskView> {
  return project.daemon.client.post<TaskView>('/v1/tasks', { workflow, input });
}

async function approvals(query = ''): Promise<AnyApprovalView[]> {
  return (await project.daemon.client.get<ListPage<AnyApprovalView>>(`/v1/approvals${query}`)).items;
}

async function pendingFor(taskId: string): Promise<ApprovalView> {
  let found: ApprovalView | undefined;
  const poll = async (): Promise<boolean> => {
    found = (await approvals('?status=pending')).find((a): a is ApprovalView => a.kind === 'action' && a.taskId === taskId);
    return found !== undefined;
  };
  for (let i = 0; i < 300 && !(await poll()); i++) await new Promise((r) => setTimeout(r, 20));
  if (!found) throw new Error(`no pending approval for ${taskId}`);
  return found;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `console-${name}.png`), animations: 'disabled', caret: 'hide' });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Manual mode: every action waits for a person, so each task brings an approval.
  project = await startProject({ mode: 'manual' });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', reducedMotion: 'reduce' });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await project?.daemon.stop();
  if (project) rmSync(project.dir, { recursive: true, force: true });
  if (!SHOTS.startsWith(REPO)) rmSync(SHOTS, { recursive: true, force: true });
});

describe('the console in Chromium', () => {
  it('signs in with the one-time link from `agentry console --no-open`', async () => {
    const link = await project.cli<Link>(['console', '--no-open']);
    expect(link.opened).toBe(false);
    signInUrl = link.url;
    origin = new URL(link.url).origin;
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await page.goto(signInUrl);
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor(WAIT);
    const cookie = (await context.cookies()).find((c) => c.name === `agentry_console_${new URL(origin).port}`);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('refuses a reused one-time link', async () => {
    const other = await browser.newContext();
    const res = await (await other.newPage()).goto(signInUrl);
    expect(res?.status()).toBe(401);
    expect(await other.cookies()).toEqual([]);
    await other.close();
  });

  it('refuses an API request without the session cookie', async () => {
    const other = await browser.newContext();
    const res = await other.request.get(`${origin}/v1/status`);
    expect(res.status()).toBe(401);
    await other.close();
  });

  it('refuses a cross-origin POST, even with the cookie and the CSRF token', async () => {
    const { csrf } = (await (await context.request.get(`${origin}/v1/console/session`)).json()) as { csrf: string };
    const data = { mode: 'full' };
    const foreign = await context.request.post(`${origin}/v1/mode`, { data, headers: { origin: 'http://evil.example', 'x-csrf-token': csrf } });
    expect(foreign.status()).toBe(403);
    const noCsrf = await context.request.post(`${origin}/v1/mode`, { data, headers: { origin } });
    expect(noCsrf.status()).toBe(403);
    // And from a page of another origin in the same browser: SameSite=Strict keeps the cookie home.
    const evil = await context.newPage();
    await evil.goto('about:blank');
    const status = await evil.evaluate(async (url) => {
      try {
        const r = await fetch(url, { method: 'POST', credentials: 'include', body: '{"mode":"full"}', headers: { 'content-type': 'text/plain' } });
        return r.status;
      } catch {
        return -1; // refused by the browser
      }
    }, `${origin}/v1/mode`);
    expect([401, 403, -1]).toContain(status);
    await evil.close();
    expect(JSON.parse(readFileSync(project.configFile, 'utf8'))).toMatchObject({ mode: 'manual' });
  });

  it('shows a new approval live, without a reload', async () => {
    await page.getByRole('link', { name: /^Approvals/ }).click();
    await page.getByText('Nothing waits for you.').waitFor(WAIT);
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const task = await createTask(tweet('Announce the console to our followers'));
    firstTask = task.id;
    await pendingFor(task.id);
    const card = page.getByRole('article').filter({ hasText: task.id });
    await card.waitFor(WAIT);
    await card.getByLabel('As a post').waitFor(WAIT);
    await card.getByText(/left · then/).waitFor(WAIT);
    expect(navigations).toEqual([]);
    await shot('approvals');
  });

  it('refuses a rejection without a note, at the note field', async () => {
    const card = page.getByRole('article').first();
    const id = (await card.getAttribute('data-approval')) ?? '';
    await card.getByRole('button', { name: 'Reject' }).click();
    const error = card.locator('.field.invalid .field-error');
    await error.waitFor(WAIT);
    expect(await error.textContent()).toMatch(/non-empty|note/);
    const still = await approvals('?status=pending');
    expect(still.map((a) => a.id)).toContain(id);
  });

  it('shows an edit that breaks the output schema at its field', async () => {
    const card = page.getByRole('article').first();
    await card.getByRole('button', { name: 'Approve with edits…' }).click();
    const title = card.getByLabel('title', { exact: true });
    await title.fill('');
    await card.getByRole('button', { name: 'Approve with these edits' }).click();
    const field = card.locator('[data-field="title"] .field-error');
    await field.waitFor(WAIT);
    expect(await field.textContent()).toMatch(/at least 1 character|expected/);
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    await card.getByRole('button', { name: 'Cancel edit' }).click();
  });

  it('approves with a note: the task completes and leaves the inbox', async () => {
    const card = page.getByRole('article').first();
    const id = (await card.getAttribute('data-approval')) ?? '';
    const approval = (await approvals()).find((a): a is ApprovalView => a.kind === 'action' && a.id === id);
    expect(approval).toBeDefined();
    await card.getByLabel(/^Note/).fill('Good to go, ship it');
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Nothing waits for you.').waitFor(WAIT);
    let task: TaskView | undefined;
    const poll = async (): Promise<boolean> => {
      task = await project.daemon.client.get<TaskView>(`/v1/tasks/${approval?.taskId ?? ''}`);
      return task.status === 'completed';
    };
    for (let i = 0; i < 300 && !(await poll()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(task?.status).toBe('completed');
    expect(task?.approval).toMatchObject({ status: 'granted', decidedBy: 'person', note: 'Good to go, ship it' });
    await page.getByRole('tab', { name: 'Decided' }).click();
    await page.getByRole('table', { name: 'Decided approvals' }).getByText('Good to go, ship it').waitFor(WAIT);
  });

  it('the mode switch writes agentry.config.json', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('radio', { name: 'semi' }).check();
    await until(() => (JSON.parse(readFileSync(project.configFile, 'utf8')) as { mode: string }).mode === 'semi', 'the mode in the config file');
    // The supervisor watches the file and applies it; the page follows its event.
    await page.locator('[data-mode="semi"]').waitFor(WAIT);
    expect((await project.daemon.client.get<{ mode: string }>('/v1/status')).mode).toBe('semi');
    await page.getByRole('radio', { name: 'manual' }).check();
    await until(() => (JSON.parse(readFileSync(project.configFile, 'utf8')) as { mode: string }).mode === 'manual', 'the mode back to manual');
    await page.locator('[data-mode="manual"]').waitFor(WAIT);
  });

  it('shows a Claude Code permission prompt live and allows it', async () => {
    await page.getByRole('link', { name: /^Approvals/ }).click();
    await page.getByText('Nothing waits for you.').waitFor(WAIT);
    // The PermissionRequest hook's request stays open until a person decides.
    const hook = project.daemon.client.post<{ hookSpecificOutput?: { decision?: { behavior?: string } } }>('/v1/hooks/PermissionRequest', {
      session_id: 'S-console',
      transcript_path: 'T',
      cwd: project.dir,
      permission_mode: 'default',
      hook_event_name: 'PermissionRequest',
      tool_name: 'Bash',
      tool_input: { command: 'npm publish', description: 'release' },
      permission_suggestions: [],
    });
    const card = page.getByRole('article').filter({ hasText: 'Claude Code wants to use Bash' });
    await card.waitFor(WAIT);
    await card.getByText('npm publish').first().waitFor(WAIT);
    await card.getByRole('button', { name: 'Allow' }).click();
    expect((await hook).hookSpecificOutput?.decision?.behavior).toBe('allow');
    await page.getByText('Nothing waits for you.').waitFor(WAIT);
  });

  it('approves with a valid edit: the task completes', async () => {
    const task = await createTask(tweet('Say hello to the new console'));
    await pendingFor(task.id);
    await page.getByRole('link', { name: /^Approvals/ }).click();
    const card = page.getByRole('article').filter({ hasText: task.id });
    await card.waitFor(WAIT);
    await card.getByRole('button', { name: 'Approve with edits…' }).click();
    await card.getByLabel('title', { exact: true }).fill('Hello, console');
    await card.getByRole('button', { name: 'Approve with these edits' }).click();
    await page.getByText('Nothing waits for you.').waitFor(WAIT);
    let done: TaskView | undefined;
    const poll = async (): Promise<boolean> => (done = await project.daemon.client.get<TaskView>(`/v1/tasks/${task.id}`)).status === 'completed';
    for (let i = 0; i < 300 && !(await poll()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(done?.approval).toMatchObject({ status: 'granted', decidedBy: 'person' });
  });

  it('follows task links in place: the page is never reloaded', async () => {
    const flow = await createTask({ goal: 'Launch Lens v3' }, 'campaign');
    let child: TaskView | undefined;
    const poll = async (): Promise<boolean> => {
      child = (await project.daemon.client.get<ListPage<TaskView>>(`/v1/tasks?parent=${flow.id}`)).items[0];
      return child !== undefined;
    };
    for (let i = 0; i < 300 && !(await poll()); i++) await new Promise((r) => setTimeout(r, 20));
    if (!child) throw new Error(`flow ${flow.id} has no child task`);
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.evaluate('window.__sameDocument = true');
    await page.getByRole('link', { name: flow.id }).click();
    await page.getByRole('heading', { name: 'Flow' }).waitFor(WAIT);
    await page.getByRole('link', { name: new RegExp(`${child.id}:`) }).click();
    await page.getByRole('heading', { name: new RegExp(child.id) }).waitFor(WAIT);
    // The child's "part of" link leads back to the flow.
    await page.getByRole('link', { name: flow.id, exact: true }).click();
    await page.getByRole('heading', { name: 'Flow' }).waitFor(WAIT);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });

  it('screenshots every page at 1280×800', async () => {
    const flow = await createTask({ goal: 'Launch Lens v2' }, 'campaign');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor(WAIT);
    await shot('dashboard');
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('table', { name: 'Tasks' }).getByText(flow.id).waitFor(WAIT);
    await shot('tasks');
    await page.getByRole('link', { name: flow.id }).click();
    await page.getByRole('heading', { name: 'Flow' }).waitFor(WAIT);
    await shot('flow');
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('link', { name: firstTask }).click();
    await page.getByRole('heading', { name: 'Steps' }).waitFor(WAIT);
    await page.locator('.timeline .step.done').first().waitFor(WAIT);
    // The approved post went to the shipped file sink: the detail shows its delivery and state.
    await page.getByRole('region', { name: 'Deliveries' }).locator('.delivery-delivered').first().waitFor(WAIT);
    await shot('task-detail');
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('table', { name: 'Events' }).getByText('task.created').first().waitFor(WAIT);
    await shot('events');
    await page.getByRole('link', { name: 'Learning' }).click();
    await page.getByRole('heading', { name: 'Learning' }).waitFor(WAIT);
    await page.locator('table, .empty').first().waitFor(WAIT);
    await shot('learning');
    // At a phone's width nothing runs off the side: wide tables scroll inside their own box.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const link of ['Dashboard', /^Approvals/, 'Tasks', 'Events', 'Learning']) {
      await page.getByRole('link', { name: link }).click();
      await page.locator('main h1').waitFor(WAIT);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    }
    await page.getByRole('link', { name: /^Approvals/ }).click();
    await page.getByRole('article').first().waitFor(WAIT);
    await shot('phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    const png = readFileSync(join(SHOTS, 'console-dashboard.png'));
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBe(800);
  });
});

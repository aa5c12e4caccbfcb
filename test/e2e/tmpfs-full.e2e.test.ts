// Disk full end to end (issue 9): the real supervisor with AGENTRY_HOME on a 2 MiB tmpfs. Once a
// filler file takes the space, new tasks are refused with 503 STORE_UNAVAILABLE while
// GET /v1/status keeps answering; when the filler is deleted, writing resumes without a restart,
// every acknowledged task is present, the process never dies, and a restart recovers them all.
// Mounting needs root (or CAP_SYS_ADMIN); where it is refused the test is skipped with the reason.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page, StatusView, TaskView } from '../../server/contract.js';
import { ApiError } from '../../server/index.js';
import { type Daemon, assertBuilt, startDaemon } from '../support/daemon.js';
import { BRIEF } from '../machines/supervisor/replies.js';

const root = mkdtempSync(join(tmpdir(), 'agentry-tmpfs-'));
const mountPoint = join(root, 'home');
mkdirSync(mountPoint);

function tryMount(): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr !== undefined && stderr !== '' ? stderr : (err as Error).message;
  }
}

const refused = tryMount();
if (refused !== undefined) console.warn(`tmpfs-full.e2e: skipped, mounting a tmpfs is not permitted here: ${refused}`);

let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.stop();
  // Lazy: a supervisor killed on a failed start may still hold files there for a moment.
  if (refused === undefined) execFileSync('umount', ['-l', mountPoint]);
  rmSync(root, { recursive: true, force: true });
});

/** Writes a file until the file system refuses (ENOSPC). */
async function fillDisk(path: string): Promise<void> {
  const fh = await open(path, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) await fh.write(block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  // Then the last few bytes, so no page is left over for a small write.
  try {
    for (;;) await fh.write(Buffer.alloc(512, 1));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await fh.close();
  }
}

describe.skipIf(refused !== undefined)('disk full on a 2 MiB tmpfs', () => {
  it('503 STORE_UNAVAILABLE while full, status answers, writing resumes by itself, nothing acknowledged lost', async () => {
    assertBuilt();
    const project = join(root, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'agentry.config.json'), '{"version":1,"mode":"full","risk":{"randomReviewPercent":0}}\n');
    const env = { AGENTRY_HOME: join(mountPoint, 'state') };
    daemon = await startDaemon({ projectDir: project, env, args: ['--offline'] });
    const client = daemon.client;
    const create = (): Promise<TaskView> => client.post<TaskView>('/v1/tasks', { workflow: 'content', input: BRIEF });
    const acknowledged = [(await create()).id];

    await fillDisk(join(mountPoint, 'filler'));
    // A journal page with room left may take a record or two; the disk refuses within a few.
    let refusal: ApiError | undefined;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      try {
        acknowledged.push((await create()).id);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        refusal = err;
      }
    }
    expect(refusal).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
    // Reads keep answering (the client gives up after 10 s). The store may read 'ok' again in
    // between: a small record can still fit the journal's last page, and a success clears the state.
    for (let i = 0; i < 5; i++) {
      const status = await client.get<StatusView>('/v1/status');
      expect(['ok', 'unavailable']).toContain(status.health.store);
      expect((await client.get<TaskView>(`/v1/tasks/${acknowledged[0] ?? ''}`)).id).toBe(acknowledged[0]);
    }
    expect(daemon.child.exitCode).toBeNull();

    await rm(join(mountPoint, 'filler'));
    acknowledged.push((await create()).id);
    expect((await client.get<StatusView>('/v1/status')).health.store).toBe('ok');
    const ids = (await client.get<Page<TaskView>>('/v1/tasks?limit=1000')).items.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(acknowledged));
    expect(daemon.child.exitCode).toBeNull();

    expect(await daemon.stop()).toBe(0);
    daemon = await startDaemon({ projectDir: project, env, args: ['--offline'] });
    const recovered = (await daemon.client.get<Page<TaskView>>('/v1/tasks?limit=1000')).items.map((t) => t.id);
    expect(recovered).toEqual(expect.arrayContaining(acknowledged));
  });
});

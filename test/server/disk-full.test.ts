// Disk full is a state, not a hang (issue 9): the real supervisor and API server on a journal and
// a log file whose writes fail with ENOSPC while `disk.full`. Mutating calls answer 503
// STORE_UNAVAILABLE with Retry-After, reads keep answering, dropped log lines are counted, and
// once space returns writing resumes by itself with every acknowledged task present.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModel } from '../../agents/offline/index.js';
import type { LogWrite } from '../../core/log-file.js';
import { createRootLogger } from '../../core/logger.js';
import type { Logger } from '../../core/logger.js';
import { resolveConfig } from '../../config/load.js';
import { Supervisor } from '../../machines/supervisor/supervisor.js';
import { nodeFsOps } from '../../memory/fs-ops.js';
import type { FsOps } from '../../memory/fs-ops.js';
import type { Page, StatusView, TaskView } from '../../server/contract.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { startApiServer } from '../../server/http-server.js';
import type { ApiServer } from '../../server/http-server.js';
import { BRIEF } from '../machines/supervisor/replies.js';
import { until } from '../support/until.js';
import { errorOf, raw, tempDir } from './harness.js';

const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** The journal's and the log file's writes, failing with ENOSPC while `disk.full`. */
function fullableDisk(): { fs: FsOps; logWrite: LogWrite; disk: { full: boolean } } {
  const disk = { full: false };
  const fs: FsOps = {
    async open(path) {
      const file = await nodeFsOps.open(path);
      return {
        ...file,
        write: (data, position) => {
          if (disk.full) throw enospc();
          return file.write(data, position);
        },
      };
    },
  };
  const logWrite: LogWrite = (fd, data, done) => {
    if (disk.full) {
      setImmediate(() => done(enospc(), 0));
      return;
    }
    import('node:fs').then((m) => m.write(fd, data, 0, data.length, null, done), (err: unknown) => done(err as NodeJS.ErrnoException, 0));
  };
  return { fs, logWrite, disk };
}

const dirs: { remove(): void }[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).toReversed()) await c();
  for (const d of dirs.splice(0)) d.remove();
});

async function rig(): Promise<{ server: ApiServer; sup: Supervisor; disk: { full: boolean }; stateDir: string; logger: Logger }> {
  const dir = tempDir('agentry-disk-');
  dirs.push(dir);
  const { fs, logWrite, disk } = fullableDisk();
  const logger = createRootLogger({ dir: dir.path, level: 'info', logFile: { write: logWrite } });
  const config = resolveConfig({ version: 1, mode: 'full', risk: { randomReviewPercent: 0 } });
  const sup = await Supervisor.start({ stateDir: dir.path, config, model: createOfflineModel(), fs, logger });
  closers.push(() => sup.stop());
  const server = await startApiServer(sup, { stateDir: dir.path, deliveryStore: createMemoryDeliveryStore(), logger });
  closers.push(() => server.close());
  return { server, sup, disk, stateDir: dir.path, logger };
}

const createTask = (server: ApiServer) =>
  raw({ socketPath: server.socketPath, method: 'POST', path: '/v1/tasks', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'content', input: BRIEF }) });

describe('disk full', () => {
  it('refuses writes with 503 STORE_UNAVAILABLE + Retry-After, keeps reads answering, and resumes by itself', async () => {
    const { server, sup, disk, stateDir, logger } = await rig();
    const logFile = join(stateDir, 'logs', 'agentry.ndjson');
    const before = await createTask(server);
    expect(before.status).toBe(201);
    const acknowledged = [(before.json() as TaskView).id];
    await until(() => sup.getTask(acknowledged[0] ?? '')?.status === 'completed', 'the first task to finish');

    disk.full = true;
    logger.warn('line-written-while-full');
    for (let i = 0; i < 3; i++) {
      const refused = await createTask(server);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('10');
      expect(errorOf(refused).code).toBe('STORE_UNAVAILABLE');
    }
    const status = await raw({ socketPath: server.socketPath, path: '/v1/status' });
    expect(status.status).toBe(200);
    const health = (status.json() as StatusView).health;
    expect(health.store).toBe('unavailable');
    expect(health.logDropped).toBeGreaterThan(0);
    expect((await raw({ socketPath: server.socketPath, path: `/v1/tasks/${acknowledged[0] ?? ''}` })).status).toBe(200);

    disk.full = false;
    const after = await createTask(server);
    expect(after.status).toBe(201);
    acknowledged.push((after.json() as TaskView).id);
    await until(() => sup.status().health.store === 'ok', 'the store to report ok');
    const listed = await raw({ socketPath: server.socketPath, path: '/v1/tasks' });
    expect((listed.json() as Page<TaskView>).items.map((t) => t.id)).toEqual(expect.arrayContaining(acknowledged));
    // The log file works again (the line written while full was dropped, not held) and stays private.
    logger.warn('line-written-after');
    await until(() => readFileSync(logFile, 'utf8').includes('line-written-after'), 'the log line written after space returned');
    expect(readFileSync(logFile, 'utf8')).not.toContain('line-written-while-full');
    expect(statSync(logFile).mode & 0o777).toBe(0o600);
  });
});

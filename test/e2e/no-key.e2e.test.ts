// `agentry start` without an API key and without --offline, as a real child process: it says so
// in one line, stays up for hooks and status, and refuses model work at the door with
// MODEL_UNAVAILABLE and the fix, instead of accepting tasks that can only fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../server/index.js';
import type { StatusView } from '../../server/contract.js';
import { startDaemon } from '../support/daemon.js';
import { until } from '../support/until.js';
import type { Daemon } from '../support/daemon.js';

const NO_KEY = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL'];

describe('start without ANTHROPIC_API_KEY', () => {
  let daemon: Daemon | undefined;
  let dir = '';
  afterEach(async () => {
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says so in one line, shows model NONE, and refuses task create and event emit with the fix', async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentry-nokey-'));
    const d = await startDaemon({ projectDir: dir, unset: NO_KEY });
    daemon = d;
    await until(() => d.output().includes('socket '), 'the start line');
    const said = daemon.output().split('\n').filter((l) => l.includes('ANTHROPIC_API_KEY'));
    expect(said).toEqual(['  no ANTHROPIC_API_KEY: model work is refused (MODEL_UNAVAILABLE) until you set it and restart; `agentry start --offline` runs the offline model instead']);

    const status = await daemon.client.get<StatusView>('/v1/status');
    expect(status.health).toMatchObject({ model: 'none', offline: false, modelUnavailable: expect.stringContaining('agentry start --offline') });

    const refused = await daemon.client.post('/v1/tasks', { workflow: 'content', input: { goal: 'g' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 503, code: 'MODEL_UNAVAILABLE', message: expect.stringContaining('set it and restart') });
    const event = await daemon.client.post('/v1/events', { type: 'competitor.rank_drop', data: { magnitude: 80 } }).catch((e: unknown) => e);
    expect(event).toMatchObject({ status: 503, code: 'MODEL_UNAVAILABLE' });
    const tasks = await daemon.client.get<{ items: unknown[] }>('/v1/tasks');
    expect(tasks.items).toEqual([]);
  });
});

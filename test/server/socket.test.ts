// The Unix socket: permissions, stale and live sockets, long paths, and the client's view.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../../server/api-client.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { startApiServer } from '../../server/http-server.js';
import { MAX_SOCKET_PATH_BYTES, SOCKET_RECORD_NAME, planSocketPath, resolveSocketPath } from '../../server/socket-path.js';
import { createFakeSupervisor } from '../support/fake-supervisor.js';
import { startHarness, tempDir } from './harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

function dir(): string {
  const d = tempDir();
  cleanups.push(() => d.remove());
  return d.path;
}

const mode = (p: string): number => lstatSync(p).mode & 0o777;

describe('unix socket', () => {
  it('creates the state folder 0700 and the socket 0600 at <stateDir>/agentry.sock', async () => {
    const h = await startHarness();
    cleanups.push(() => h.close());
    expect(h.server.socketPath).toBe(join(h.stateDir, 'agentry.sock'));
    expect(lstatSync(h.server.socketPath).isSocket()).toBe(true);
    expect(mode(h.stateDir)).toBe(0o700);
    expect(mode(h.server.socketPath)).toBe(0o600);
  });

  it('tightens an existing state folder to 0700', async () => {
    const stateDir = join(dir(), 'state');
    mkdirSync(stateDir, { mode: 0o755 });
    const h = await startHarness({ stateDir });
    cleanups.push(() => h.close());
    expect(mode(stateDir)).toBe(0o700);
  });

  it('replaces a stale socket left by a killed process', async () => {
    const stateDir = join(dir(), 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    const sock = join(stateDir, 'agentry.sock');
    // A child listens, then dies by SIGKILL: its socket file stays behind with nobody on it.
    const script = `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script]);
    expect(lstatSync(sock).isSocket()).toBe(true);
    const h = await startHarness({ stateDir });
    cleanups.push(() => h.close());
    expect(await createApiClient({ stateDir }).isReachable()).toBe(true);
  });

  it('refuses to start when a live process listens on the socket', async () => {
    const stateDir = join(dir(), 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    const sock = join(stateDir, 'agentry.sock');
    const other: Server = createServer((c) => c.end());
    await new Promise<void>((r) => other.listen(sock, r));
    cleanups.push(() => new Promise<void>((r) => other.close(() => r())));
    await expect(startApiServer(createFakeSupervisor(), { stateDir, deliveryStore: createMemoryDeliveryStore() })).rejects.toThrow(
      `another supervisor is listening on ${sock}`,
    );
  });

  it('refuses to unlink a regular file in the socket place', async () => {
    const stateDir = join(dir(), 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    writeFileSync(join(stateDir, 'agentry.sock'), 'not a socket');
    await expect(startApiServer(createFakeSupervisor(), { stateDir, deliveryStore: createMemoryDeliveryStore() })).rejects.toThrow(/is not a socket/);
  });

  it('moves a socket whose path is too long to a short runtime folder and records it', async () => {
    const stateDir = join(dir(), 'a-rather-long-project-folder-name'.repeat(3), '.agentry');
    expect(Buffer.byteLength(join(stateDir, 'agentry.sock'))).toBeGreaterThan(MAX_SOCKET_PATH_BYTES);
    const runtimeDir = dir();
    const h = await startHarness({ stateDir, runtimeDir });
    cleanups.push(() => h.close());
    expect(h.server.socketPath.startsWith(join(runtimeDir, 'agentry'))).toBe(true);
    expect(Buffer.byteLength(h.server.socketPath)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
    expect(readFileSync(join(stateDir, SOCKET_RECORD_NAME), 'utf8').trim()).toBe(h.server.socketPath);
    expect(mode(join(runtimeDir, 'agentry'))).toBe(0o700);
    expect(mode(h.server.socketPath)).toBe(0o600);
    expect(resolveSocketPath(stateDir)).toBe(h.server.socketPath);
    const status = await createApiClient({ stateDir }).get<{ mode: string }>('/v1/status');
    expect(status.mode).toBe('semi');
  });

  it('plans the same short path for the same state folder, a different one for another', () => {
    const long = `/x/${'y'.repeat(120)}`;
    const a = planSocketPath(`${long}/a`, '/run/user/1000');
    expect(a).toEqual(planSocketPath(`${long}/a`, '/run/user/1000'));
    expect(a.relocated).toBe(true);
    expect(a.path).toMatch(/^\/run\/user\/1000\/agentry\/[0-9a-f]{8}\.sock$/);
    expect(planSocketPath(`${long}/b`, '/run/user/1000').path).not.toBe(a.path);
    expect(planSocketPath('/p/.agentry', undefined)).toEqual({ path: '/p/.agentry/agentry.sock', relocated: false });
  });

  it('removes the socket on close, and the client then says agentry is not running', async () => {
    const h = await startHarness();
    const sock = h.server.socketPath;
    await h.server.close();
    expect(existsSync(sock)).toBe(false);
    const client = createApiClient({ socketPath: sock });
    expect(await client.isReachable()).toBe(false);
    const err = await client.get('/v1/status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 0, code: 'NOT_RUNNING' });
    expect((err as Error).message).toBe(`agentry is not running (no supervisor on ${sock}): start it with \`agentry start\``);
    await h.close();
  });
});

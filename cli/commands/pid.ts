// Finding the supervisor's process for `agentry stop`: the running supervisor's own answer first
// (health.pid), else the pid file, checked so a stale file never gets another program signalled.
import { readFile } from 'node:fs/promises';
import type { StatusView } from '../../server/contract.js';
import { isAlive } from '../../core/alive.js';
import { apiClient } from './api.js';
import type { CommandContext } from './context.js';

export type Found = { running: true; pid: number } | { running: false; why: string };

export async function findSupervisor(ctx: CommandContext): Promise<Found> {
  const fromApi = await apiClient(ctx)
    .get<StatusView>('/v1/status')
    .then((s) => s.health.pid)
    .catch(() => undefined);
  if (fromApi !== undefined) return { running: true, pid: fromApi };
  const pid = await readPidFile(ctx.paths.pidFile);
  if (pid === undefined) return { running: false, why: 'no pid file' };
  if (!isAlive(pid)) return { running: false, why: `stale pid file: process ${pid} is gone` };
  if (!(await looksLikeNode(pid))) return { running: false, why: `stale pid file: process ${pid} is another program` };
  return { running: true, pid };
}

/** The pid in the file: a bare number or `{"pid": N}`; undefined when absent or unreadable. */
async function readPidFile(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  let value: unknown = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      value = (JSON.parse(trimmed) as { pid?: unknown }).pid;
    } catch {
      return undefined;
    }
  }
  const pid = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
}

/** On Linux, the command line must be a node (agentry) process; elsewhere there is no cheap check. */
async function looksLikeNode(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || /node|agentry/.test(cmdline);
}

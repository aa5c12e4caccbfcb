// agentry stop: SIGTERM to the supervisor, then wait (dots on a terminal) until it is gone.
// Idempotent: when nothing runs it says so and exits 0, so scripts can always call it.
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitError } from '../exit-error.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';
import { isAlive } from '../../core/alive.js';
import { findSupervisor } from './pid.js';

const WAIT_MS = 30_000;
const POLL_MS = 100;
const DOT_EVERY_MS = 1000;

export async function stop(opts: CommandContext): Promise<void> {
  const found = await findSupervisor(opts);
  if (!found.running) {
    output(opts, { running: false, stopped: false, reason: found.why }, () => [`agentry is not running (${found.why})`]);
    return;
  }
  const { pid } = found;
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM') throw new ExitError(1, `process ${pid} belongs to another user`, { code: 'FORBIDDEN', hint: 'stop it as that user' });
    if (code !== 'ESRCH') throw err;
  }
  const dots = !opts.json && opts.io.stderr.isTTY === true;
  if (dots) opts.io.stderr.write(`stopping agentry (pid ${pid})`);
  const started = opts.now();
  const waited = await waitGone(pid, dots ? () => void opts.io.stderr.write('.') : () => undefined);
  if (dots) opts.io.stderr.write('\n');
  if (!waited) {
    throw new ExitError(1, `agentry (pid ${pid}) is still running after ${WAIT_MS / 1000} s`, {
      code: 'TIMEOUT',
      hint: `it may be finishing in-flight work; run \`agentry stop\` again, or \`kill -9 ${pid}\` as a last resort`,
    });
  }
  const waitedMs = opts.now() - started;
  output(opts, { running: false, stopped: true, pid, waitedMs }, () => [`agentry stopped (pid ${pid})`]);
}

async function waitGone(pid: number, tick: () => void): Promise<boolean> {
  for (let elapsed = 0; elapsed < WAIT_MS; elapsed += POLL_MS) {
    if (!isAlive(pid)) return true;
    if (elapsed > 0 && elapsed % DOT_EVERY_MS === 0) tick();
    await sleep(POLL_MS);
  }
  return !isAlive(pid);
}

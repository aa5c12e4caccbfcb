// The command sink: the configured argv run without a shell, the Markdown document on stdin and
// the delivery in AGENTRY_* variables; exit 0 within the timeout is delivered, anything else failed.
import { spawn } from 'node:child_process';
import type { CommandSink } from '../../schemas/generated/types.js';
import { markdownDocument } from './content.js';
import type { Send } from './sink.js';
import { draining, failed } from './sink.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const STDERR_LIMIT = 300;

export const sendCommand: Send<CommandSink> = (sink, d, key, ctx) =>
  new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(draining());
    const [program = '', ...args] = sink.argv;
    const env = {
      ...ctx.env,
      AGENTRY_TASK_ID: d.taskId,
      AGENTRY_WORKFLOW: d.workflow,
      AGENTRY_ACTION: d.action,
      AGENTRY_CHANNEL: d.channel,
      AGENTRY_TITLE: d.title,
      AGENTRY_APPROVER: d.approver,
      AGENTRY_IDEMPOTENCY_KEY: key,
    };
    const child = spawn(program, args, { cwd: ctx.projectDir, env, shell: false, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let outcome: 'timeout' | 'draining' | undefined;
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-STDERR_LIMIT)));
    const timeoutMs = sink.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = ctx.clock.setTimeout(() => {
      outcome = 'timeout';
      child.kill('SIGKILL');
    }, timeoutMs);
    const onAbort = (): void => {
      outcome = 'draining';
      child.kill('SIGKILL');
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      ctx.clock.clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      done();
      resolve(failed(program, 1, `cannot run ${program}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      done();
      if (outcome === 'draining') return reject(draining());
      if (outcome === 'timeout') return resolve(failed(program, 1, `killed after ${timeoutMs} ms`));
      if (code === 0) return resolve({ status: 'delivered', attempts: 1, target: program });
      const why = code === null ? `killed by ${signal ?? 'a signal'}` : `exit ${code}`;
      resolve(failed(program, 1, `${why}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`));
    });
    child.stdin.on('error', () => undefined); // a program that does not read stdin is not a failure
    child.stdin.end(markdownDocument(d, key));
  });

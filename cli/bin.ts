#!/usr/bin/env node
// The `agentry` binary: the only place that calls process.exit. Static imports stay minimal
// (main loads each command lazily) because `agentry hook` runs on every Claude Code tool call.
import { main } from './main.js';

// Ctrl-C ends a long-running command (events --follow) cleanly. The handlers are installed only
// when a command asks for the signal, so every other command keeps Node's default: die at once.
let controller: AbortController | undefined;
function interruptSignal(): AbortSignal {
  if (controller === undefined) {
    const c = new AbortController();
    controller = c;
    process.once('SIGINT', () => c.abort());
    process.once('SIGTERM', () => c.abort());
  }
  return controller.signal;
}

// A closed pipe (`agentry events --follow | head`) is the reader's choice, not our failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  get signal() {
    return interruptSignal();
  },
});

// Let piped output drain before exiting (process.exit does not wait for async writes).
const drained = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);

// agentry hook EVENT: the Claude Code hook protocol, implemented by hooks/client.ts (which loads
// only node builtins and hooks/ files). Its exit code is the protocol's answer (0; 2 blocks;
// others are non-blocking errors) and is handed through unchanged.
import { ExitError } from '../exit-error.js';
import type { CommandContext } from './context.js';

export async function hook(opts: CommandContext & { event: string }): Promise<void> {
  const { runHook } = await import('../../hooks/client.js');
  const io = opts.io;
  const code = await runHook(opts.event, { stdin: io.stdin ?? process.stdin, stdout: io.stdout, stderr: io.stderr, env: opts.env, cwd: opts.cwd });
  if (code !== 0) throw ExitError.quiet(code);
}

// agentry hook EVENT: the Claude Code hook protocol, implemented by hooks/client.ts. Its exit code
// is the protocol's answer (0, 2 blocks, other non-blocking) and is handed through unchanged.
import type { CommandContext } from './context.js';
import { loadExport, passExitCode } from './delegate.js';

export interface HookIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

type RunHook = (event: string, io: HookIo) => Promise<number>;

export async function hook(opts: CommandContext & { event: string }): Promise<void> {
  const runHook = await loadExport<RunHook>((s) => import(s), '../../hooks/client.js', 'runHook', 'agentry hook');
  const io = opts.io;
  passExitCode(await runHook(opts.event, { stdin: io.stdin ?? process.stdin, stdout: io.stdout, stderr: io.stderr, env: opts.env, cwd: opts.cwd }));
}

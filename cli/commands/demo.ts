// agentry demo: a scripted day with the offline model; the script lives in cli/demo.ts.
import { ExitError } from '../exit-error.js';
import type { CommandContext } from './context.js';

export async function demo(opts: CommandContext): Promise<void> {
  const { runDemo } = await import('../demo.js');
  const code = await runDemo({ cwd: opts.cwd, json: opts.json });
  if (code !== 0) throw ExitError.quiet(code);
}

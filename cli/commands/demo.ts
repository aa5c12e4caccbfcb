// agentry demo: a scripted run with the offline model; the script lives in cli/demo.ts.
import type { CommandContext } from './context.js';
import { loadExport, passExitCode } from './delegate.js';

type RunDemo = (opts: { cwd: string; json: boolean }) => Promise<number>;

export async function demo(opts: CommandContext): Promise<void> {
  const runDemo = await loadExport<RunDemo>((s) => import(s), '../demo.js', 'runDemo', 'agentry demo');
  passExitCode(await runDemo({ cwd: opts.cwd, json: opts.json }));
}

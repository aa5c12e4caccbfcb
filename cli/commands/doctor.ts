// agentry doctor: checks the set-up and says how to fix each problem. Exit 1 when an essential
// check fails (node, config, state folder permissions, supervisor reachable); the API key and
// the hooks are advice (the supervisor runs without a key; hooks are optional). --json:
// `{ ok, checks }`, `ok` false exactly when the exit code is 1.
import { ExitError } from '../exit-error.js';
import { style } from '../format/style.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';
import { configCheck, hooksCheck, keyCheck, learningCheck, nodeCheck, stateCheck, supervisorCheck } from './doctor-checks.js';
import type { Check } from './doctor-checks.js';

export async function doctor(opts: CommandContext): Promise<void> {
  const [config, state, supervisor, hooks, learning] = await Promise.all([configCheck(opts), stateCheck(opts), supervisorCheck(opts), hooksCheck(opts), learningCheck(opts)]);
  const checks: Check[] = [nodeCheck(), config, state, supervisor.check, keyCheck(opts, supervisor.status), hooks, learning];
  const failed = checks.filter((c) => !c.ok && c.essential);
  output(opts, { ok: failed.length === 0, checks }, () => lines(checks, failed.length, opts.color));
  if (failed.length > 0) throw ExitError.quiet(1);
}

function lines(checks: readonly Check[], failed: number, color: boolean): string[] {
  const s = style(color);
  const mark = (c: Check): string => (c.ok ? s.green('✓') : c.essential ? s.red('✗') : s.yellow('!'));
  const out = checks.flatMap((c) => [`${mark(c)} ${c.name}: ${c.message}`, ...(c.hint === undefined ? [] : [`    → ${c.hint}`])]);
  out.push('', failed === 0 ? 'all essential checks pass' : `${failed} essential check${failed === 1 ? '' : 's'} failed`);
  return out;
}

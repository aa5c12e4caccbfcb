// agentry config validate [--file F]: the same validation the supervisor applies, every issue
// on its own line (`path: expected X, got Y`), exit 2 when invalid.
import { resolve } from 'node:path';
import { parseConfig } from '../../config/load.js';
import type { ResolvedConfig } from '../../config/load.js';
import { ExitError } from '../exit-error.js';
import { readConfigText } from '../../config/edit-file.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

export async function configValidate(opts: CommandContext & { file: string | undefined }): Promise<void> {
  const path = opts.file === undefined ? opts.paths.configFile : resolve(opts.cwd, opts.file);
  const text = await readConfigText(path);
  if (text === undefined) {
    if (opts.file !== undefined) throw new ExitError(1, `no file at ${path}`, { code: 'NOT_FOUND' });
    output(opts, { valid: true, file: null, defaults: true }, () => [`no agentry.config.json in ${opts.paths.projectDir}: the defaults apply`]);
    return;
  }
  const config = check(text, path);
  const workflows = Object.keys(config.workflows);
  output(opts, { valid: true, file: path, mode: config.mode, workflows }, () => [
    `✓ ${path} is valid (mode ${config.mode}; workflows ${workflows.join(', ')})`,
  ]);
}

function check(text: string, path: string): ResolvedConfig {
  try {
    return parseConfig(text, path);
  } catch (err) {
    const details = (err as { details?: { issues?: unknown } }).details;
    const issues = Array.isArray(details?.issues) ? details.issues.filter((i): i is string => typeof i === 'string') : [];
    if (issues.length === 0) throw err; // not JSON: the message says so
    throw new ExitError(2, `${path} is invalid`, { code: 'INVALID_CONFIG', issues });
  }
}

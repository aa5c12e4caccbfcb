// agentry mode [manual|semi|full]: shows the mode (the running supervisor's, else the config's),
// or sets it in agentry.config.json, which the running supervisor watches and applies itself.
import { loadConfig } from '../../config/load.js';
import { readConfigText, writeMode } from '../../config/edit-file.js';
import { modeValues } from '../../schemas/generated/enums.js';
import type { StatusView } from '../../server/contract.js';
import { oneOf } from './args.js';
import { apiClient } from './api.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

export async function mode(opts: CommandContext & { to: string | undefined }): Promise<void> {
  const to = oneOf(opts.to, modeValues, 'the mode');
  if (to === undefined) return showMode(opts);
  const { previous, changed, file } = await writeMode(opts.paths.configFile, to); // validated before anything is written
  const running = await apiClient(opts).isReachable();
  const applies = running ? 'the running supervisor applies it on its own (it watches the file)' : 'agentry is not running: it applies at the next `agentry start`';
  output(opts, { mode: to, previous: previous ?? null, changed, file, running }, () => [
    changed ? `mode set to ${to}${previous === undefined ? '' : ` (was ${previous})`} in ${file}; ${applies}` : `mode is already ${to} in ${file}`,
  ]);
}

async function showMode(opts: CommandContext): Promise<void> {
  const client = apiClient(opts);
  if (await client.isReachable()) {
    const view = await client.get<StatusView>('/v1/status');
    output(opts, { mode: view.mode, source: 'supervisor' }, () => [`mode: ${view.mode} (the running supervisor)`]);
    return;
  }
  const text = await readConfigText(opts.paths.configFile);
  const config = await loadConfig(opts.paths.configFile);
  const source = text === undefined ? 'default' : 'config';
  const where = text === undefined ? 'the default; there is no agentry.config.json' : opts.paths.configFile;
  output(opts, { mode: config.mode, source }, () => [`mode: ${config.mode} (${where}; agentry is not running)`]);
}

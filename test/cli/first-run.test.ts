// A first run with no config file at all (issue 11 part 4): the offline model writes the piece,
// the default route delivers it, and a real Markdown file is left under outputs/ in the project.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boot } from '../../cli/boot.js';
import type { Booted } from '../../cli/boot.js';
import { agentryPaths } from '../../core/paths.js';
import { until } from '../support/until.js';

let project: string | undefined;
let booted: Booted | undefined;
afterEach(async () => {
  await booted?.close('test done');
  if (project) await rm(project, { recursive: true, force: true });
});

describe('a first run without a config file', () => {
  it('delivers the approved content to outputs/<channel>/<date>-<slug>.md in the project', async () => {
    project = await mkdtemp(join(tmpdir(), 'agentry-first-run-'));
    booted = await boot({ paths: agentryPaths(project, { CLAUDE_PROJECT_DIR: project }), env: {}, offline: true });
    const sup = booted.supervisor;

    const task = await sup.createTask({ workflow: 'content', input: { goal: 'Get sign-ups for v2', channel: 'tweet' } }, 'cli');
    // The default mode is semi: a piece the gate sends to a person is approved here.
    const approved = new Set<string>();
    await until(
      () => {
        for (const a of sup.listApprovals({ status: 'pending' })) {
          if (approved.has(a.id)) continue;
          approved.add(a.id);
          void sup.approve(a.id, {});
        }
        const view = sup.getTask(task.id);
        return view?.status === 'completed' && view.deliveries?.[0]?.status === 'delivered';
      },
      'the file delivery',
      15_000,
    );

    const [name] = await readdir(join(project, 'outputs', 'tweet'));
    expect(name).toMatch(/^\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.md$/);
    const text = await readFile(join(project, 'outputs', 'tweet', name ?? ''), 'utf8');
    expect(text).toMatch(new RegExp(`^---\\ntask: "${task.id}"\\nworkflow: "content"\\naction: "publish"\\nchannel: "tweet"\\napprover: "(auto|person|coordinator)"`));
  });
});

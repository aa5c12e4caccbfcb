// The package as a stranger gets it: `npm pack` the built repo, unpack the tarball into a fresh
// project's node_modules, and import `agentry` and `agentry/testing` from a child process there.
// Offline: the package's dependencies are linked from this repo's node_modules, not downloaded.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, assertBuilt } from './support/daemon.js';

const run = promisify(execFile);

let project = '';
let packed: string[] = [];

beforeAll(async () => {
  assertBuilt();
  project = await mkdtemp(join(tmpdir(), 'agentry-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], { cwd: REPO });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack printed no package: ${stdout}`);
  packed = info.files.map((f) => f.path);
  const installed = join(project, 'node_modules', 'agentry');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', join(project, info.filename), '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies)) {
    const link = join(project, 'node_modules', dep);
    await mkdir(join(link, '..'), { recursive: true });
    await symlink(join(REPO, 'node_modules', dep), link, 'dir');
  }
}, 60_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

/** Runs an ES module in the fresh project and returns what it printed as JSON. */
async function inProject(code: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: project });
  return JSON.parse(stdout) as unknown;
}

describe('the packed package', () => {
  it('ships the build, the schemas and the hook script, but no tests or benchmarks', () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/bin.js', 'dist/test/support/index.js', 'hooks/agentry-hook.sh']));
    expect(packed.filter((p) => p.endsWith('.test.js') || p.startsWith('dist/bench/') || p.startsWith('dist/scripts/'))).toEqual([]);
    expect(packed.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  it('imports as `agentry`: the supervisor runs a task with the offline model; bad config is refused', async () => {
    const out = await inProject(`
      import { mkdtemp } from 'node:fs/promises';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      import { Supervisor, createOfflineModel, resolveConfig, TERMINAL_STATUSES, AgentryError } from 'agentry';
      const stateDir = await mkdtemp(join(tmpdir(), 'agentry-pack-state-'));
      const sup = await Supervisor.start({ stateDir, config: resolveConfig({ version: 1, mode: 'full' }), model: createOfflineModel() });
      const task = await sup.createTask({ workflow: 'content', input: { goal: 'Announce the spring sale', channel: 'blog' } }, 'cli');
      while (!TERMINAL_STATUSES.includes(sup.getTask(task.id).status)) await new Promise((r) => setImmediate(r));
      const status = sup.getTask(task.id).status;
      await sup.stop();
      let refused = null;
      try { resolveConfig({ version: 1, mode: 'sometimes' }); } catch (e) { refused = e instanceof AgentryError ? e.code : String(e); }
      console.log(JSON.stringify({ status, refused }));
    `);
    expect(out).toEqual({ status: 'completed', refused: 'INVALID_CONFIG' });
  });

  it('imports as `agentry/testing`: the real client answers from the fake Messages API', async () => {
    const out = await inProject(`
      import { createFakeAnthropic, ScriptedModel } from 'agentry/testing';
      import { createAnthropicModel } from 'agentry';
      const fake = createFakeAnthropic([{ json: { answer: '42', confidence: 0.9, rationale: 'Six times seven.' } }]);
      const server = await fake.start();
      const model = createAnthropicModel({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 0 });
      const result = await model.call({
        agent: 'reviewer', stepKey: 't-1:probe:0', model: 'claude-sonnet-4-6', system: 'Answer precisely.',
        inputSchema: 'probe.input', outputSchema: 'probe.output', input: { question: 'What is 6 x 7?' }, maxTokens: 1024, timeoutMs: 5000,
      });
      fake.assertComplete();
      await server.close();
      console.log(JSON.stringify({ answer: result.output.answer, calls: fake.calls.length, scripted: typeof new ScriptedModel().call }));
    `);
    expect(out).toEqual({ answer: '42', calls: 1, scripted: 'function' });
  });
});

// Runs the CLI as a function (main(argv, io)) against a real API server on a fake supervisor, in a
// temporary project folder; captures stdout, stderr and the exit code.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../cli/main.js';
import { startApiServer } from '../../server/index.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import type { ApiServer } from '../../server/index.js';
import { createFakeSupervisor } from '../support/fake-supervisor.js';
import type { FakeSupervisor } from '../support/fake-supervisor.js';

/** The fake supervisor's seed time plus 12 minutes, so ages read "12m ago". */
const NOW = Date.parse('2026-01-05T09:12:00Z');

export class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Called with the stdout capture before main starts (to watch a stream). */
  onStdout?: (out: Capture) => void;
}

export interface Project {
  dir: string;
  home: string;
  env: Record<string, string | undefined>;
  run(argv: readonly string[], opts?: RunOptions): Promise<CliResult>;
  remove(): void;
}

/** A temporary project folder (no supervisor); HOME points inside it. */
export function tempProject(): Project {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-cli-'));
  const home = join(dir, 'home');
  // No CLAUDE_PROJECT_DIR or AGENTRY_HOME from the real environment: the project is `dir`.
  const env = { HOME: home, PATH: process.env['PATH'] };
  return {
    dir,
    home,
    env,
    async run(argv, opts = {}) {
      const stdout = new Capture();
      const stderr = new Capture();
      opts.onStdout?.(stdout);
      const code = await main(argv, {
        stdout,
        stderr,
        env: { ...env, ...opts.env },
        cwd: dir,
        now: () => NOW,
        ...(opts.signal && { signal: opts.signal }),
      });
      return { code, stdout: stdout.text, stderr: stderr.text };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Running extends Project {
  fake: FakeSupervisor;
  server: ApiServer;
  close(): Promise<void>;
}

/** A project with the API server running on the fake supervisor at `<project>/.agentry`. */
export async function runningProject(): Promise<Running> {
  const project = tempProject();
  const stateDir = join(project.dir, '.agentry');
  await mkdir(stateDir, { mode: 0o700 });
  const fake = createFakeSupervisor();
  const server = await startApiServer(fake, { stateDir, deliveryStore: createMemoryDeliveryStore() });
  return {
    ...project,
    fake,
    server,
    async close() {
      await server.close();
      project.remove();
    },
  };
}

export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

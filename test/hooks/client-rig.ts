// Shared rig of the hook client, spool and shell tests: temp project folders, in-memory stdio,
// and payloads (secrets are built at run time: test files are in the false-positive corpus).
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { HookIo } from '../../hooks/client.js';

export const GHP = ['ghp_', 'aB3dE6gH9kLm'.repeat(3)].join('');

export interface TempProject {
  /** The project root ($CLAUDE_PROJECT_DIR). */
  readonly project: string;
  /** Its state folder, <project>/.agentry. */
  readonly state: string;
  readonly spoolFile: string;
  spoolLines(): string[];
  remove(): void;
}

export function tempProject(): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'agentry-hk-'));
  const project = join(root, 'proj');
  const state = join(project, '.agentry');
  const spoolFile = join(state, 'hooks.spool.ndjson');
  return {
    project,
    state,
    spoolFile,
    spoolLines: () => (existsSync(spoolFile) ? readFileSync(spoolFile, 'utf8').split('\n').filter((l) => l !== '') : []),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface MemoryIo {
  readonly io: HookIo;
  stdout(): string;
  stderr(): string;
}

function sink(into: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      into.push(chunk);
      done();
    },
  });
}

export function memoryIo(stdin: string | Buffer, project: string, env: Record<string, string | undefined> = {}): MemoryIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return {
    io: {
      stdin: Readable.from([typeof stdin === 'string' ? Buffer.from(stdin) : stdin]),
      stdout: sink(out),
      stderr: sink(err),
      env: { CLAUDE_PROJECT_DIR: project, ...env },
      cwd: project,
    },
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}

export function hookPayload(event: string, project: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ session_id: 'sess-1', transcript_path: '/t.jsonl', cwd: project, hook_event_name: event, ...fields });
}

export function secretWrite(project: string): string {
  return hookPayload('PreToolUse', project, {
    tool_name: 'Write',
    tool_use_id: 'toolu_1',
    tool_input: { file_path: join(project, 'src/config.ts'), content: `export const a = 1;\nexport const token = '${GHP}';\n` },
  });
}

export function plainWrite(project: string): string {
  return hookPayload('PreToolUse', project, {
    tool_name: 'Write',
    tool_use_id: 'toolu_2',
    tool_input: { file_path: join(project, 'src/a.ts'), content: 'export const a = 1;\n' },
  });
}

/** stdout is '' or exactly one JSON object; returns the object (or null for ''). */
export function oneJson(stdout: string): Record<string, unknown> | null {
  if (stdout === '') return null;
  const value = JSON.parse(stdout) as Record<string, unknown>;
  if (JSON.stringify(value) !== stdout) throw new Error(`stdout is not exactly one JSON object: ${stdout.slice(0, 200)}`);
  return value;
}

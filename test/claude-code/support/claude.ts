// The real Claude Code CLI (the native binary of the pinned @anthropic-ai/claude-code), run
// headless the way a script runs it: `claude -p PROMPT --output-format json`, HOME on a scratch
// folder, the model at the loopback fake, a dummy key, telemetry and updates off. Bounded: a run
// that does not finish in RUN_TIMEOUT_MS is killed and reported.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

const PACKAGE_DIR = join(import.meta.dirname, '..', 'node_modules', '@anthropic-ai');
const RUN_TIMEOUT_MS = 90_000;

/** The native binary: the wrapper's bin once its postinstall copied it, else the platform package's. */
export function claudeBinary(): string | undefined {
  const wrapper = join(PACKAGE_DIR, 'claude-code', 'bin', 'claude.exe');
  if (existsSync(wrapper) && statSync(wrapper).size > 1_000_000) return wrapper;
  const native = join(PACKAGE_DIR, `claude-code-${platform()}-${arch()}`, 'claude');
  return existsSync(native) ? native : undefined;
}

export interface ClaudeRun {
  code: number | null;
  stderr: string;
  /** The `--output-format json` result. */
  result: {
    result?: string;
    is_error?: boolean;
    session_id?: string;
    permission_denials?: { tool_name: string; tool_input: Record<string, unknown> }[];
  };
}

export interface ClaudeOptions {
  cwd: string;
  home: string;
  modelUrl: string;
  prompt: string;
  allowedTools?: string[];
  /** A folder put first on PATH (where `agentry` is, as a user's install puts it). */
  binDir?: string;
}

export function runClaude(opts: ClaudeOptions): Promise<ClaudeRun> {
  const bin = claudeBinary();
  if (bin === undefined) throw new Error('the Claude Code binary is not installed: run `npm run test:claude-code`');
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'LANG', 'TMPDIR']) if (process.env[key] !== undefined) env[key] = process.env[key] ?? '';
  // The hook script falls back to node: the one running the tests.
  env['PATH'] = `${opts.binDir === undefined ? '' : `${opts.binDir}:`}${dirname(process.execPath)}:${env['PATH'] ?? '/usr/bin:/bin'}`;
  Object.assign(env, {
    HOME: opts.home,
    ANTHROPIC_BASE_URL: opts.modelUrl,
    ANTHROPIC_API_KEY: 'sk-ant-dummy-for-the-fake-model',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  });
  const args = ['-p', opts.prompt, '--output-format', 'json', ...(opts.allowedTools ? ['--allowedTools', opts.allowedTools.join(',')] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`claude -p did not finish within ${RUN_TIMEOUT_MS} ms; stderr:\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      try {
        resolve({ code, stderr, result: JSON.parse(stdout) as ClaudeRun['result'] });
      } catch {
        reject(new Error(`claude -p printed no JSON result (exit ${code}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

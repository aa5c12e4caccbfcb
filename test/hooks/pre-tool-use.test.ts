import { beforeAll, describe, expect, it } from 'vitest';
import { answerPreToolUse, evaluatePreToolUse, type Mode } from '../../hooks/policy/pre-tool-use.js';
import { loadBashParser } from '../../hooks/policy/shell/parser.js';
import { parseHookInput, type HookInput } from '../../hooks/protocol.js';
import { expectWellFormed } from './well-formed.js';

const CWD = '/home/dev/proj';
// Built at run time so this file holds no literal secret (it is in the false-positive corpus).
const GHP = ['ghp_', 'aB3dE6gH9kLm'.repeat(3)].join('');
const AWS = ['AKIA', 'QWERTY2345ZXCVBN'].join('');
const STRIPE = ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('');
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7d3x9Qz'.repeat(4), '-----END RSA PRIVATE KEY-----'].join('\n');

beforeAll(async () => {
  await loadBashParser();
});

function call(tool_name: string, tool_input: unknown): HookInput {
  const result = parseHookInput(JSON.stringify({ session_id: 'S', cwd: CWD, hook_event_name: 'PreToolUse', tool_name, tool_input }), 'PreToolUse');
  if (!result.ok) throw new Error(result.reason);
  return result.input;
}

function decide(tool: string, input: unknown, mode: Mode = 'semi', allowlist?: RegExp[]) {
  return evaluatePreToolUse(call(tool, input), allowlist === undefined ? { mode } : { mode, allowlist });
}

describe('secret scanning per tool', () => {
  it('names the tool, file, line and rule in a deny Claude can act on', () => {
    const content = `import x from 'y';\n\nexport const token = '${GHP}';\n`;
    expect(decide('Write', { file_path: `${CWD}/src/config.ts`, content })).toEqual({
      decision: 'deny',
      reason:
        'agentry blocked Write to src/config.ts: line 3 contains a GitHub personal access token (rule github-pat). ' +
        'Remove the secret and read it from an environment variable instead; mark a false positive with "agentry:allow".',
      rule: 'github-pat',
      line: 3,
    });
  });

  it.each([
    ['Write', { file_path: `${CWD}/a.ts`, content: `k = "${AWS}"` }, 'aws-access-token', 'line 1 contains'],
    ['Edit', { file_path: `${CWD}/a.ts`, old_string: 'x', new_string: `\n${STRIPE}` }, 'stripe-access-token', 'line 2 of new_string'],
    ['MultiEdit', { file_path: `${CWD}/a.ts`, edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: PEM }] }, 'private-key', 'line 1 of edits[1].new_string'],
    ['NotebookEdit', { notebook_path: `${CWD}/n.ipynb`, new_source: `key = '${GHP}'` }, 'github-pat', 'line 1 of new_source'],
    ['Bash', { command: `curl -H "Authorization: token ${GHP}" https://api.github.com` }, 'github-pat', 'Bash command: line 1 of the command'],
  ])('%s content is scanned', (tool, input, rule, where) => {
    const result = decide(tool, input);
    expect(result.decision).toBe('deny');
    expect(result.rule).toBe(rule);
    expect(result.reason).toContain(where);
    expect(result.reason).not.toContain(GHP);
    expect(result.reason).not.toContain(AWS);
  });

  it('counts further findings without repeating them', () => {
    const result = decide('Write', { file_path: `${CWD}/a.ts`, content: `${GHP}\n${AWS}\n${STRIPE}` });
    expect(result.reason).toContain('(and 2 more findings)');
  });

  it('lets a marked false positive and an allowlisted value through', () => {
    expect(decide('Write', { file_path: `${CWD}/a.ts`, content: `t = "${GHP}" // agentry:allow` }).decision).toBe('none');
    expect(decide('Write', { file_path: `${CWD}/a.ts`, content: `t = "${GHP}"` }, 'semi', [/^ghp_aB3d/]).decision).toBe('none');
    expect(decide('Write', { file_path: `${CWD}/a.ts`, content: 'id = "AKIAIOSFODNN7EXAMPLE"' }).decision).toBe('none');
  });
});

describe('protected paths', () => {
  it.each([
    ['Write', `${CWD}/.env`, 'protected-path:env'],
    ['Write', `${CWD}/config/.env.production`, 'protected-path:env'],
    ['Edit', `${CWD}/.ENV.local`, 'protected-path:env'],
    ['Write', `${CWD}/certs/server.pem`, 'protected-path:private-key'],
    ['Write', `${CWD}/tls.key`, 'protected-path:private-key'],
    ['Write', '/home/dev/.ssh/id_ed25519', 'protected-path:ssh'],
    ['Write', `${CWD}/deploy/id_rsa`, 'protected-path:private-key'],
    ['Write', '/home/dev/.ssh/authorized_keys', 'protected-path:ssh'],
    ['Edit', `${CWD}/.git/config`, 'protected-path:git'],
    ['Write', `${CWD}/.git/hooks/pre-commit`, 'protected-path:git'],
    ['Write', '/home/dev/.aws/credentials', 'protected-path:aws'],
    ['Write', `${CWD}/src/../.env`, 'protected-path:env'],
    ['Write', 'C:\\Users\\dev\\.ssh\\config', 'protected-path:ssh'],
    ['NotebookEdit', `${CWD}/.git/x.ipynb`, 'protected-path:git'],
  ])('%s to %s is denied', (tool, path, rule) => {
    const input = tool === 'NotebookEdit' ? { notebook_path: path, new_source: '' } : { file_path: path, content: '', old_string: 'a', new_string: 'b' };
    const result = decide(tool, input);
    expect(result).toMatchObject({ decision: 'deny', rule });
    expect(result.reason).toMatch(/^agentry blocked \w+ to .+ \(rule protected-path:[a-z-]+\)\. Do not try another way to write it; tell the user/);
  });

  it.each([`${CWD}/.env.example`, `${CWD}/.env.sample`, `${CWD}/src/env.ts`, `${CWD}/.gitignore`, `${CWD}/.github/workflows/ci.yml`, `${CWD}/keys.ts`])(
    'Write to %s is allowed',
    (path) => {
      expect(decide('Write', { file_path: path, content: 'x' }).decision).toBe('none');
    },
  );

  it('asks for credential configs and for paths that climb out of cwd', () => {
    expect(decide('Write', { file_path: `${CWD}/.npmrc`, content: 'fund=false' })).toMatchObject({ decision: 'ask', rule: 'protected-path:credentials-config' });
    expect(decide('Write', { file_path: `${CWD}/../other/a.ts`, content: 'x' })).toMatchObject({ decision: 'ask', rule: 'path-escapes-cwd' });
    expect(decide('Write', { file_path: `${CWD}/a/../b.ts`, content: 'x' }).decision).toBe('none');
    expect(decide('Write', { file_path: '/tmp/scratch.txt', content: 'x' }).decision).toBe('none');
  });

  it.each([
    ['echo KEY=1 > .env', 'protected-path:env'],
    ['echo KEY=1>>.env.local', 'protected-path:env'],
    ['cat id.pub >> ~/.ssh/authorized_keys', 'protected-path:ssh'],
    ['printf x | tee -a "$HOME/.ssh/config"', 'protected-path:ssh'],
    ['cp .env.example .env', 'protected-path:env'],
    ['npm test 2> err.log && mv secrets.txt .git/info/exclude', 'protected-path:git'],
    ["sed -i 's/a/b/' .env", 'protected-path:env'],
    ['dd if=/dev/zero of=server.key bs=1 count=0', 'protected-path:private-key'],
    ['cat > .env <<EOF\nA=1\nEOF', 'protected-path:env'],
  ])('Bash `%s` is denied', (command, rule) => {
    expect(decide('Bash', { command })).toMatchObject({ decision: 'deny', rule });
  });

  it.each(['cat .env', 'git commit -m "update .env docs"', 'npm test > out.log 2>&1', 'cp .env .env.example', 'grep KEY .env | wc -l', 'echo ok >&2', 'ls # > .env'])(
    'Bash `%s` is allowed',
    (command) => {
      expect(decide('Bash', { command }).decision).toBe('none');
    },
  );
});

describe('mode gating and precedence', () => {
  it.each([
    ['Write', { file_path: `${CWD}/a.ts`, content: 'x' }],
    ['Edit', { file_path: `${CWD}/a.ts`, old_string: 'x', new_string: 'y' }],
    ['MultiEdit', { file_path: `${CWD}/a.ts`, edits: [] }],
    ['NotebookEdit', { notebook_path: `${CWD}/n.ipynb`, new_source: 'x' }],
    ['Bash', { command: 'npm test' }],
  ])('manual mode asks for %s; semi and full have no opinion', (tool, input) => {
    expect(decide(tool, input, 'manual')).toMatchObject({ decision: 'ask', rule: 'mode-manual' });
    expect(decide(tool, input, 'semi')).toEqual({ decision: 'none', reason: '' });
    expect(decide(tool, input, 'full')).toEqual({ decision: 'none', reason: '' });
  });

  it('deny beats ask, in every mode', () => {
    const input = { file_path: `${CWD}/../x/.env`, content: `T=${GHP}` };
    for (const mode of ['manual', 'semi', 'full'] as const) expect(decide('Write', input, mode).decision).toBe('deny');
    expect(decide('Write', { file_path: `${CWD}/.npmrc`, content: `//r/:_authToken=${GHP}` }, 'full')).toMatchObject({ decision: 'deny', rule: 'github-pat' });
  });

  it('has no opinion on tools it does not guard', () => {
    expect(decide('Read', { file_path: `${CWD}/.env` }, 'manual').decision).toBe('none');
    expect(decide('mcp__x__y', {}, 'manual').decision).toBe('none');
  });

  it('asks when the tool input cannot be read', () => {
    expect(decide('Write', { content: 'x' })).toMatchObject({ decision: 'ask', rule: 'malformed-input' });
    expect(decide('Bash', 'rm -rf /')).toMatchObject({ decision: 'ask', rule: 'malformed-input' });
    expect(decide('MultiEdit', { file_path: `${CWD}/a.ts`, edits: 'x' })).toMatchObject({ decision: 'ask' });
  });

  it('maps decisions to well-formed answers', () => {
    const denied = answerPreToolUse(decide('Write', { file_path: `${CWD}/.env`, content: '' }));
    expectWellFormed(denied, 'PreToolUse');
    expect(JSON.parse(denied.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });
    expect(answerPreToolUse(decide('Bash', { command: 'ls' }))).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
});

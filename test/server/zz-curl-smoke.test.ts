import { execFileSync } from 'node:child_process';
import { it, expect } from 'vitest';
import { startHarness } from './harness.js';
it('curl smoke', async () => {
  const h = await startHarness();
  h.fake.scriptHook({ exitCode: 0, stdout: '{"ok":true}', stderr: '' });
  const out = await new Promise<string>((res) => setTimeout(() => res(execFileSync('curl', ['-s', '-i', '--unix-socket', h.server.socketPath, '-d', '{"session_id":"s"}', 'http://localhost/v1/hooks/SessionStart']).toString()), 0));
  console.log(out);
  const out2 = execFileSync('curl', ['-s', '-i', '--unix-socket', h.server.socketPath, '-X', 'POST', '-H', 'expect: 100-continue', '--data-binary', '@/dev/zero', '--max-filesize', '1', '-m', '3', 'http://localhost/v1/events'], { maxBuffer: 1 << 20 }).toString().slice(0, 400);
  console.log(out2);
  await h.close();
  expect(out).toContain('{"ok":true}');
});

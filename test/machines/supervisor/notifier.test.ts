import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModel } from '../../../agents/offline/index.js';
import { resolveConfig } from '../../../config/load.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { BRIEF as brief } from './replies.js';


let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('notify webhook', () => {
  it('posts a Slack-compatible message a person can act on when an approval is requested', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-notify-'));
    const posts: { url: string; body: { text: string; event: { type: string } } }[] = [];
    const config = resolveConfig({ version: 1, mode: 'manual', notify: { webhookUrl: 'https://hooks.example.test/T000/B000/x' } });
    const sup = await Supervisor.start({
      stateDir: dir,
      config,
      model: createOfflineModel(),
      notifyPost: (url, body) => {
        posts.push({ url, body: JSON.parse(body) as { text: string; event: { type: string } } });
        return Promise.resolve({ ok: true, status: 200 });
      },
    });
    await sup.createTask({ workflow: 'content', input: brief }, 'cli');
    for (let i = 0; i < 200 && posts.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(posts).toHaveLength(1);
    expect(posts[0]?.url).toBe('https://hooks.example.test/T000/B000/x');
    expect(posts[0]?.body.event.type).toBe('approval.requested');
    expect(posts[0]?.body.text).toMatch(/^agentry: approval ap_\w+ waits for a person: publish on task t_\w+ .*Run `agentry approve ap_\w+`/);
    await sup.stop();
  });
});

// Predictive healing: an agent whose consecutive failures near its breaker threshold gets an
// incident for the healer before the breaker trips; a breaker opening is an incident too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StructuredModel } from '../../../agents/client/types.js';
import { createOfflineModel } from '../../../agents/offline/index.js';
import { ModelCallError } from '../../../core/errors.js';
import { resolveConfig } from '../../../config/load.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { BRIEF as brief } from './replies.js';


let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Marketing always fails as overloaded; every other agent answers offline. */
function failingMarketing(): StructuredModel {
  const offline = createOfflineModel();
  return {
    offline: true,
    worstCaseCost: () => 0,
    call: (req) => (req.agent === 'marketing' ? Promise.reject(new ModelCallError('MODEL_OVERLOADED', 'overloaded (529)', { retryable: true, status: 529 })) : offline.call(req)),
  };
}

describe('incidents from agent health', () => {
  it('opens a predictive incident before the breaker trips, then one when it opens', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-inc-'));
    const config = resolveConfig({
      version: 1,
      mode: 'full',
      agents: { marketing: { breaker: { failureThreshold: 4, cooldownMs: 60_000 } } },
      healing: { predictiveErrorRate: 0.5, restartIntensity: 1 },
    });
    const sup = await Supervisor.start({ stateDir: dir, config, model: failingMarketing() });
    for (let i = 0; i < 4; i++) await sup.createTask({ workflow: 'content', input: brief }, 'cli');
    const incidents = () => sup.listTasks().filter((t) => t.workflow === 'incident').map((t) => (t.input as { incident: { kind: string; agent: string } }).incident);
    for (let i = 0; i < 400 && incidents().length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(incidents()).toEqual(expect.arrayContaining([
      { kind: 'predictive', agent: 'marketing', step: null, error: expect.objectContaining({ message: expect.stringMatching(/^marketing failed 2 times in a row \(breaker opens at 4\)/) }) as unknown, recentHistory: [], remediesTried: [], errorRate: 0 },
      expect.objectContaining({ kind: 'breaker_open', agent: 'marketing' }),
    ]));
    expect(sup.events().filter((e) => e.event.type === 'agent.breaker').map((e) => (e.event.type === 'agent.breaker' ? e.event.state : ''))).toContain('open');
    await sup.stop();
  });
});

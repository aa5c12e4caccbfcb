// The fail-safe while configs disagree (policy-hold.ts): an automatic approval waits for a person,
// naming the peers and sections; a decision that asks a person or blocks stands; with every peer
// agreeing, the gate's decision is unchanged.
import { describe, expect, it } from 'vitest';
import { heldWhileDiffering, PolicyHold } from '../../machines/cluster/policy-hold.js';
import type { GateOutput } from '../../machines/task/activities.js';

const B = { executorId: 'laptop-b', mode: 'manual' as const, sections: ['mode'] };
const C = { executorId: 'ci-c', mode: null, sections: ['limits', 'risk'] };

describe('the policy hold', () => {
  it('holds an automatic approval for a person while a peer differs, naming it and where', () => {
    expect(heldWhileDiffering({ decision: 'auto', reasons: ['confidence 0.97'] }, [B])).toEqual({
      decision: 'approval',
      reasons: ['confidence 0.97', 'supervisor laptop-b (mode) of the cluster decides by another config: automatic approval is held for a person until the configs agree'],
    });
    expect(heldWhileDiffering({ decision: 'auto', reasons: [] }, [B, C]).reasons).toEqual([
      'supervisors laptop-b (mode); ci-c (limits, risk) of the cluster decide by another config: automatic approval is held for a person until the configs agree',
    ]);
  });

  it('leaves a decision that asks a person or blocks as it is, and every decision once the peers agree', () => {
    const asks: GateOutput = { decision: 'approval', reasons: ['mode manual'] };
    const blocks: GateOutput = { decision: 'blocked', reasons: ['domain paused'] };
    const auto: GateOutput = { decision: 'auto', reasons: [] };
    expect(heldWhileDiffering(asks, [B])).toBe(asks);
    expect(heldWhileDiffering(blocks, [B])).toBe(blocks);
    expect(heldWhileDiffering(auto, [])).toBe(auto);
  });

  it('applies what the last heartbeat saw', () => {
    const hold = new PolicyHold();
    const auto: GateOutput = { decision: 'auto', reasons: [] };
    expect(hold.apply(auto).decision).toBe('auto');
    hold.saw([B]);
    expect(hold.apply(auto).decision).toBe('approval');
    expect(hold.current()).toEqual([B]);
    hold.saw([]);
    expect(hold.apply(auto).decision).toBe('auto');
  });
});

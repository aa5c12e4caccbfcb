// The fail-safe for configs that disagree. Any supervisor of a cluster may run any gate, so while
// a live peer decides by another policy (peers.ts, from its heartbeat's digest), no gate approves
// an action on its own: what a gate would have approved automatically waits for a person, with
// the reason naming the peers and the sections that differ. A decision that already asks a
// person, or blocks, stands. Once every live peer's digest agrees, gates decide as configured.
import type { Mode } from '../contract.js';
import type { GateOutput } from '../task/activities.js';

/** A live peer whose policy digest differs from this supervisor's, and in which config sections. */
export interface DifferingPeer {
  executorId: string;
  mode: Mode | null;
  sections: string[];
}

/** The gate's decision with automatic approval held while `differing` is not empty. */
export function heldWhileDiffering(out: GateOutput, differing: readonly DifferingPeer[]): GateOutput {
  if (out.decision !== 'auto' || differing.length === 0) return out;
  const peers = differing.map((p) => `${p.executorId} (${p.sections.join(', ')})`).join('; ');
  const noun = differing.length === 1 ? 'supervisor' : 'supervisors';
  return { decision: 'approval', reasons: [...out.reasons, `${noun} ${peers} of the cluster ${differing.length === 1 ? 'decides' : 'decide'} by another config: automatic approval is held for a person until the configs agree`] };
}

/** What the last heartbeat saw of the peers' policies; the gates and the dashboard read it. */
export class PolicyHold {
  private differing: readonly DifferingPeer[] = [];

  /** Told by each heartbeat (and each config reload) with the peers that differ now. */
  saw(differing: readonly DifferingPeer[]): void {
    this.differing = differing;
  }

  current(): DifferingPeer[] {
    return [...this.differing];
  }

  apply(out: GateOutput): GateOutput {
    return heldWhileDiffering(out, this.differing);
  }
}

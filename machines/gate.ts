// The action gate (DESIGN §4): one pure function of mode, risk controls, proposal and learned
// thresholds → auto | approval | blocked, with every reason in plain words.
import { SystemError } from '../core/errors.js';
import { assertGateInput } from './gate/input.js';
import type { GateInput } from './gate/input.js';
import { hardLimitReasons } from './gate/hard-limits.js';
import { semiVerdict, thresholdOf } from './gate/semi.js';

export type { GateControls, GateInput, GateProposal, Mode } from './gate/input.js';
export { sampleFor } from './gate/sample.js';

export interface GateDecision {
  decision: 'auto' | 'approval' | 'blocked';
  /** Every control that spoke. A block lists only the hard limits: a block overrides the rest. */
  reasons: string[];
  /** The confidence threshold in force (reported in every mode, so a decision log shows it). */
  threshold: number;
  thresholdSource: 'config' | 'learned';
}

/** Decides one action. Throws SystemError('INTERNAL') on a non-finite or out-of-range number. */
export function decideGate(input: GateInput): GateDecision {
  assertGateInput(input);
  const threshold = thresholdOf(input);
  const decided = (decision: GateDecision['decision'], reasons: string[]): GateDecision => ({
    decision,
    reasons,
    threshold: threshold.value,
    thresholdSource: threshold.source,
  });

  const blocked = hardLimitReasons(input);
  if (blocked.length > 0) return decided('blocked', blocked);
  switch (input.mode) {
    case 'manual':
      return decided('approval', ['manual mode: every action waits for a person']);
    case 'full':
      return decided('auto', ['full mode: no hard limit blocks']);
    case 'semi': {
      const verdict = semiVerdict(input, threshold);
      return decided(verdict.auto ? 'auto' : 'approval', verdict.reasons);
    }
    default:
      return unknownMode(input.mode);
  }
}

// Config is schema-checked, so an unknown mode here is our bug; never guess a default.
function unknownMode(mode: never): never {
  throw new SystemError('INTERNAL', `gate: unknown mode ${JSON.stringify(mode)}`, { details: { mode: String(mode) } });
}

// A strict scripted StructuredModel for machine tests (STYLE practice 6): a queue of steps
// (result, error, or a deferred the test settles), frozen records of every call, a loud
// failure on any unscripted call, and assertComplete() for steps left unused.
// Like the real client it validates the scripted output against the request's output schema,
// so a test cannot script an answer the real model would never be allowed to return.
import type { StructuredCallRequest, StructuredCallResult, StructuredModel } from '../../agents/client/types.js';
import { ModelCallError, SystemError, notImplemented } from '../../core/errors.js';
import { validate } from '../../schemas/registry.js';

export type RecordedCall = Readonly<Omit<StructuredCallRequest, 'signal'>>;

export interface Deferred {
  /** True once the model was called for this step. */
  readonly started: boolean;
  resolve(output: unknown, opts?: { costUsd?: number }): void;
  reject(error: Error): void;
}

type Step =
  | { kind: 'result'; output: unknown; costUsd: number }
  | { kind: 'error'; error: Error }
  | { kind: 'deferred'; handle: DeferredHandle };

interface DeferredHandle extends Deferred {
  bind(settle: (outcome: { output: unknown; costUsd: number } | { error: Error }) => void): void;
}

export class ScriptedModel implements StructuredModel {
  readonly offline = true;
  readonly calls: RecordedCall[] = [];
  /** Calls currently awaiting their step, and the most ever seen at once. */
  inFlight = 0;
  maxInFlight = 0;
  private readonly steps: Step[] = [];
  private readonly unexpected: string[] = [];

  result(output: unknown, opts: { costUsd?: number } = {}): this {
    this.steps.push({ kind: 'result', output, costUsd: opts.costUsd ?? 0 });
    return this;
  }

  error(error: Error): this {
    this.steps.push({ kind: 'error', error });
    return this;
  }

  deferred(): Deferred {
    const handle = createDeferred();
    this.steps.push({ kind: 'deferred', handle });
    return handle;
  }

  async call<T = unknown>(req: StructuredCallRequest): Promise<StructuredCallResult<T>> {
    const { signal, ...rest } = req;
    this.calls.push(Object.freeze(structuredClone(rest)));
    const step = this.steps.shift();
    if (!step) {
      const msg = `ScriptedModel: unexpected call #${this.calls.length} (${req.agent} ${req.stepKey})`;
      this.unexpected.push(msg);
      throw new SystemError('INTERNAL', msg);
    }
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const done = await this.settle(step, signal);
      validate(req.outputSchema, done.output, 'INVALID_OUTPUT');
      return { output: done.output as T, model: req.model, usage: ZERO_USAGE, costUsd: done.costUsd, repairs: 0, attempts: 1, latencyMs: 0, offline: true };
    } finally {
      this.inFlight -= 1;
    }
  }

  worstCaseCost(_req: StructuredCallRequest): number {
    return notImplemented('ScriptedModel.worstCaseCost');
  }

  /** Throws when a step is left unused or an unscripted call happened. */
  assertComplete(): void {
    const problems = [...this.unexpected];
    if (this.steps.length > 0) problems.push(`ScriptedModel: ${this.steps.length} scripted step(s) never used`);
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }

  private settle(step: Step, signal: AbortSignal | undefined): Promise<{ output: unknown; costUsd: number }> {
    if (step.kind === 'result') return Promise.resolve({ output: step.output, costUsd: step.costUsd });
    if (step.kind === 'error') return Promise.reject(step.error);
    return new Promise((resolve, reject) => {
      const abort = (): void => reject(new ModelCallError('MODEL_ABORTED', 'aborted', { retryable: false }));
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      step.handle.bind((o) => ('error' in o ? reject(o.error) : resolve(o)));
    });
  }
}

const ZERO_USAGE = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };

function createDeferred(): DeferredHandle {
  let settle: ((o: { output: unknown; costUsd: number } | { error: Error }) => void) | null = null;
  const need = (): NonNullable<typeof settle> => {
    if (!settle) throw new Error('ScriptedModel: a deferred step was settled before the model was called');
    return settle;
  };
  return {
    get started() { return settle !== null; },
    bind(fn) { settle = fn; },
    resolve(output, opts = {}) { need()({ output, costUsd: opts.costUsd ?? 0 }); },
    reject(error) { need()({ error }); },
  };
}

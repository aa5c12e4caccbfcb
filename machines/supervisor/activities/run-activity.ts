// Runs a promise actor logic to completion outside a machine (an activity calling another).
import { createActor, toPromise } from 'xstate';
import type { PromiseActorLogic } from 'xstate';

export function runActivity<O, I>(logic: PromiseActorLogic<O, I>, input: I): Promise<O> {
  const actor = createActor(logic, { input });
  const done = toPromise(actor);
  actor.start();
  return done;
}

// Actor lifecycle into the logs through one XState inspect callback (STYLE practice 8), each
// line from a child logger bound to the actor's id: starts at debug, failures at error.
import type { InspectionEvent } from 'xstate';
import type { Logger } from '../../core/logger.js';

export function createInspector(logger: Logger): (event: InspectionEvent) => void {
  const children = new Map<string, Logger>();
  const of = (actorId: string): Logger => {
    let child = children.get(actorId);
    if (!child) {
      child = logger.child({ actorId });
      children.set(actorId, child);
    }
    return child;
  };
  return (event) => {
    const actorId = (event.actorRef as { id?: string }).id ?? 'unknown';
    if (event.type === '@xstate.actor') {
      of(actorId).debug('actor started');
      return;
    }
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as { status?: string; error?: unknown };
    if (snapshot.status === 'error') of(actorId).error({ err: snapshot.error }, 'actor failed');
    if (snapshot.status === 'done' || snapshot.status === 'error' || snapshot.status === 'stopped') children.delete(actorId);
  };
}

// The one event union (generated from schemas/events.schema.json) and a typed factory.
// Narrow with `event.type`; never pass stringly-typed payloads around.
import type { SupervisorEvent } from '../schemas/generated/types.js';

export type { SupervisorEvent };
export type EventType = SupervisorEvent['type'];
export type EventOf<T extends EventType> = Extract<SupervisorEvent, { type: T }>;
export type EventPayload<T extends EventType> = Omit<EventOf<T>, 'type' | 'at'>;

/** An event with the key that makes it once (a step run again tells nothing new). */
export interface Keyed {
  event: SupervisorEvent;
  key: string;
}

/** Builds an event stamped with `now` (ms since the epoch, from the injected clock). */
export function createEvent<T extends EventType>(type: T, payload: EventPayload<T>, now: number): EventOf<T> {
  return { type, at: new Date(now).toISOString(), ...payload } as unknown as EventOf<T>;
}

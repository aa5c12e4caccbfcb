// The live event stream: one EventSource for the whole page (the browser reconnects and resumes
// from Last-Event-ID itself); pages subscribe to events and re-read what the events change.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FollowedEvent } from './types.js';

type Listener = (e: FollowedEvent) => void;
const listeners = new Set<Listener>();
const recent: FollowedEvent[] = [];
const RECENT_MAX = 500;
let source: EventSource | undefined;
let connected = false;
const connectionListeners = new Set<(up: boolean) => void>();

export function startLive(): void {
  if (source) return;
  source = new EventSource('/v1/events?follow=1');
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
  source.onmessage = (m: MessageEvent<string>) => {
    const e = JSON.parse(m.data) as FollowedEvent;
    recent.push(e);
    if (recent.length > RECENT_MAX) recent.shift();
    for (const l of listeners) l(e);
  };
}

function setConnected(up: boolean): void {
  connected = up;
  for (const l of connectionListeners) l(up);
}

/**
 * A counter that goes up on every live event matching `match`: a dependency that triggers a
 * re-read. The latest `match` decides (a task page following a link to another task keeps its
 * component, with a new id in `match`).
 */
export function useLiveTick(match: (e: FollowedEvent) => boolean = () => true): number {
  const [tick, setTick] = useState(0);
  const latest = useRef(match);
  latest.current = match;
  useEffect(() => {
    const onEvent: Listener = (e) => {
      if (latest.current(e)) setTick((t) => t + 1);
    };
    listeners.add(onEvent);
    return () => listeners.delete(onEvent);
  }, []);
  return tick;
}

export function useConnected(): boolean {
  const [up, setUp] = useState(connected);
  useEffect(() => {
    connectionListeners.add(setUp);
    return () => connectionListeners.delete(setUp);
  }, []);
  return up;
}

/** The events seen since the page opened, oldest first. */
export function recentEvents(): readonly FollowedEvent[] {
  return recent;
}

/** Events that change the approvals inbox: a task's approvals and Claude Code permission prompts. */
export function isApprovalEvent(type: string): boolean {
  return type.startsWith('approval.') || type.startsWith('permission.');
}

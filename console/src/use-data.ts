// Reads a route and re-reads it when `tick` changes (a live event, a decision made here).
import { useEffect, useState } from 'preact/hooks';
import { get, messageOf } from './api.js';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

export function useData<T>(path: string | undefined, tick = 0): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [own, setOwn] = useState(0);
  useEffect(() => {
    if (path === undefined) return undefined;
    let live = true;
    get<T>(path)
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (live) setError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, [path, tick, own]);
  return { data, error, reload: () => setOwn((n) => n + 1) };
}

/** The current time, advancing every second (countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

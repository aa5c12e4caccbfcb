// The console's one way to the supervisor: same-origin fetch (the session cookie rides along),
// the CSRF token on every POST, and errors as ApiFailure with the server's code and issues.
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

/** What to show for a failed call: the server's message, or the browser's (the network is down). */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

let csrf: string | undefined;

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { issues?: unknown } };
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await res.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!res.ok) {
    const e = (parsed as ErrorBody | undefined)?.error;
    const issues = Array.isArray(e?.details?.issues) ? e.details.issues.filter((i): i is string => typeof i === 'string') : [];
    throw new ApiFailure(res.status, e?.code ?? 'INTERNAL', e?.message ?? `HTTP ${res.status}`, issues);
  }
  return parsed as T;
}

export const get = <T>(path: string): Promise<T> => call<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}): Promise<T> => call<T>('POST', path, body);

/** Reads the session (and its CSRF token); false when not signed in. */
export async function startSession(): Promise<boolean> {
  try {
    csrf = (await get<{ csrf: string }>('/v1/console/session')).csrf;
    return true;
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) return false;
    throw err;
  }
}

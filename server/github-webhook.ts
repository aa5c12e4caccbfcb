// POST /v1/webhooks/github: verify the signature on the raw bytes, drop replayed deliveries,
// then hand a few selected fields to the supervisor as `github.<event>` and answer at once
// (GitHub gives up after 10 s; the work itself is queued by the supervisor).
import type { Handler } from './context.js';
import { parseJson } from './body.js';
import { HttpError } from './errors-http.js';
import { verifyGithubSignature } from './github-signature.js';

/** GitHub's event names: lower case, digits and underscores (`projects_v2_item`). */
const EVENT_NAME = /^[a-z0-9_]{1,64}$/;
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;

export const githubWebhook: Handler = async (ctx) => {
  const { api, githubSecret, deliveryStore, now, deliveriesInFlight: inFlight } = ctx.deps;
  if (githubSecret === undefined || githubSecret === '') {
    throw new HttpError('NOT_CONFIGURED', 'GitHub webhooks are off: no webhook secret is configured (set AGENTRY_GITHUB_SECRET)');
  }
  const raw = await ctx.body();
  if (!verifyGithubSignature(githubSecret, raw, ctx.req.headers['x-hub-signature-256'])) {
    throw new HttpError('UNAUTHORIZED', 'X-Hub-Signature-256 is missing or does not match the payload');
  }
  const event = header(ctx.req.headers['x-github-event'], EVENT_NAME, 'X-GitHub-Event');
  const delivery = header(ctx.req.headers['x-github-delivery'], DELIVERY_ID, 'X-GitHub-Delivery');
  // A concurrent copy of a delivery in progress counts as a duplicate too.
  if (deliveryStore.seen(delivery) || inFlight.has(delivery)) {
    return { status: 200, json: { duplicate: true, delivery } };
  }
  const payload = parseJson(formPayload(ctx.req.headers['content-type'], raw));
  inFlight.add(delivery);
  try {
    const result = await api.emitEvent({ type: `github.${event}`, data: selectFields(payload), id: `github:${delivery}` });
    await deliveryStore.remember(delivery, now());
    if (result.duplicate) return { status: 200, json: { duplicate: true, delivery } };
    return { status: 202, json: result };
  } finally {
    inFlight.delete(delivery);
  }
};

function header(value: string | string[] | undefined, shape: RegExp, name: string): string {
  if (typeof value !== 'string' || !shape.test(value)) {
    throw new HttpError('INVALID_INPUT', `${name} is missing or malformed`);
  }
  return value;
}

// A webhook set to application/x-www-form-urlencoded sends the JSON in a `payload` field.
function formPayload(contentType: string | undefined, raw: Buffer): Buffer {
  if (contentType === undefined || !/^application\/x-www-form-urlencoded\b/i.test(contentType)) return raw;
  const payload = new URLSearchParams(raw.toString('utf8')).get('payload');
  if (payload === null) throw new HttpError('INVALID_INPUT', 'a form-encoded GitHub delivery needs a `payload` field');
  return Buffer.from(payload, 'utf8');
}

/** The few fields routing rules use; never the whole payload (it holds emails and more). */
export function selectFields(payload: unknown): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const repo = get(get(payload, 'repository'), 'full_name');
  if (typeof repo === 'string') data['repository'] = repo;
  const ref = get(payload, 'ref');
  if (typeof ref === 'string') data['ref'] = ref;
  const pusher = get(get(payload, 'pusher'), 'name');
  if (typeof pusher === 'string') data['pusher'] = pusher;
  const commits = get(payload, 'commits');
  if (Array.isArray(commits)) data['commits'] = commits.length;
  const action = get(payload, 'action');
  if (typeof action === 'string') data['action'] = action;
  return data;
}

// Own properties only: `__proto__` or `constructor` keys in a payload stay inert data.
function get(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

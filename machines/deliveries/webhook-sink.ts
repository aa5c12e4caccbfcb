// The webhook sink: one JSON POST per delivery, signed with HMAC-SHA256 over the exact body
// (X-Agentry-Signature: sha256=<hex>, secret from the environment variable the config names),
// carrying the idempotency key (Idempotency-Key and X-Agentry-Delivery headers, and in the body).
// Timeouts, connection errors, 429 and 5xx are retried with doubling backoff on the injected
// clock; any other 4xx, or a redirect, is a failed delivery at once.
import { createHmac } from 'node:crypto';
import { sleep } from '../../core/clock.js';
import type { WebhookSink } from '../../schemas/generated/types.js';
import type { Deliverable } from './content.js';
import { markdownDocument } from './content.js';
import type { Send, SinkResult } from './sink.js';
import { draining, failed } from './sink.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_ATTEMPTS = 4;
const DEFAULT_BACKOFF_MS = 1_000;
/** Slack rejects section texts over 3,000 characters. */
const SLACK_TEXT_LIMIT = 3_000;

function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function slackMessage(d: Deliverable, key: string): Record<string, unknown> {
  const who = d.approver === 'auto' ? 'auto-approved' : `approved by the ${d.approver}`;
  const context = `${d.workflow} · ${d.channel} · ${d.action} · ${who} · task ${d.taskId}`;
  const body = d.body.length > SLACK_TEXT_LIMIT ? `${d.body.slice(0, SLACK_TEXT_LIMIT - 1)}…` : d.body;
  return {
    text: `${d.title}\n\n${d.body}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: d.title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: body } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    ],
    metadata: { event_type: 'agentry_delivery', event_payload: { idempotencyKey: key, taskId: d.taskId } },
  };
}

/** The request body: agentry's delivery document, or a Slack message. */
function webhookBody(sink: Pick<WebhookSink, 'format'>, d: Deliverable, key: string): string {
  if (sink.format === 'slack') return JSON.stringify(slackMessage(d, key));
  const { output, ...rest } = d;
  return JSON.stringify({ idempotencyKey: key, ...rest, markdown: markdownDocument(d, key), output });
}

type Attempt = { done: true; result: SinkResult } | { done: false; error: string };

async function attempt(sink: WebhookSink, body: string, headers: Record<string, string>, signal: AbortSignal, n: number): Promise<Attempt> {
  const timeoutMs = sink.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let res: Response;
  try {
    res = await fetch(sink.url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (err) {
    if (signal.aborted) throw draining();
    const why = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `cannot connect (${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message})`;
    return { done: false, error: why };
  }
  const text = (await res.text().catch(() => '')).slice(0, 200);
  if (res.status >= 200 && res.status < 300) return { done: true, result: { status: 'delivered', attempts: n, target: sink.url } };
  const error = `HTTP ${res.status}${text === '' ? '' : `: ${text}`}`;
  if (res.status === 429 || res.status >= 500) return { done: false, error };
  return { done: true, result: failed(sink.url, n, `${error} (a ${res.status} is not retried)`) };
}

export const sendWebhook: Send<WebhookSink> = async (sink, d, key, ctx) => {
  const body = webhookBody(sink, d, key);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'agentry', 'idempotency-key': key, 'x-agentry-delivery': key };
  if (sink.secretEnv !== undefined) {
    const secret = ctx.env[sink.secretEnv];
    if (secret === undefined || secret === '') return failed(sink.url, 0, `the signing secret is not set: ${sink.secretEnv} is empty in the supervisor's environment`);
    headers['x-agentry-signature'] = signatureOf(secret, body);
  }
  const attempts = sink.attempts ?? DEFAULT_ATTEMPTS;
  let backoff = sink.backoffMs ?? DEFAULT_BACKOFF_MS;
  let last = '';
  for (let n = 1; n <= attempts; n++) {
    if (ctx.signal.aborted) throw draining();
    const a = await attempt(sink, body, headers, ctx.signal, n);
    if (a.done) return a.result;
    last = a.error;
    if (n < attempts) {
      await sleep(ctx.clock, backoff, ctx.signal).catch(() => {
        throw draining();
      });
      backoff *= 2;
    }
  }
  return failed(sink.url, attempts, `${last} (after ${attempts} attempts)`);
};

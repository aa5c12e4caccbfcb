// Tells a person: selected events go to an optional Slack-compatible incoming webhook. Delivery
// is best effort (bounded retries, then logged): a webhook outage never blocks the supervisor.
import type { Logger } from '../../core/logger.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { SupervisorEvent } from '../events.js';

export type Post = (url: string, body: string, signal: AbortSignal) => Promise<{ ok: boolean; status: number }>;

const defaultPost: Post = async (url, body, signal) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
  return { ok: res.ok, status: res.status };
};

/** One line a person can act on, e.g. "approval ap_12 waits for a person: publish on t_9 (deadline …)". */
export function describe(event: SupervisorEvent): string {
  switch (event.type) {
    case 'approval.requested':
      return `approval ${event.approvalId} waits for a person: ${event.action} on task ${event.taskId} (deadline ${event.deadline}; then ${event.fallback}). Reasons: ${event.reasons.join('; ')}. Run \`agentry approve ${event.approvalId}\` or \`agentry reject ${event.approvalId} --note …\`.`;
    case 'permission.requested': {
      const always = event.rule === undefined ? '' : `, \`agentry approve ${event.approvalId} --always\` to also add ${event.rule}`;
      return `Claude Code asks to use ${event.tool} in ${event.cwd}: ${event.summary} (approval ${event.approvalId}, deadline ${event.deadline}; then ${event.fallback}). Run \`agentry approve ${event.approvalId}\`${always} or \`agentry reject ${event.approvalId} --note …\`.`;
    }
    case 'escalation.raised':
      return `escalated to ${event.to} in ${event.domain}${event.taskId ? ` (task ${event.taskId})` : ''}: ${event.reason}`;
    case 'budget.threshold':
      return `spend today reached ${event.percent}% of the daily limit: $${event.spentUsd.toFixed(2)} of $${event.limitUsd.toFixed(2)}`;
    case 'heal.refused':
      return `healer remedy ${event.remedy} refused (${event.reason})`;
    case 'domain.paused':
      return `domain ${event.domain} paused: ${event.reason}`;
    default:
      return `${event.type}: ${JSON.stringify(event)}`;
  }
}

export function createNotifier(config: () => ResolvedConfig, logger: Logger, post: Post = defaultPost): (event: SupervisorEvent) => void {
  return (event) => {
    const { webhookUrl, events } = config().notify;
    if (!webhookUrl || !events.includes(event.type)) return;
    const body = JSON.stringify({ text: `agentry: ${describe(event)}`, event });
    void (async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          const res = await post(webhookUrl, body, AbortSignal.timeout(5000));
          if (res.ok) return;
          logger.warn({ status: res.status, attempt, type: event.type }, 'notify webhook refused the message');
        } catch (err) {
          logger.warn({ err, attempt, type: event.type }, 'notify webhook unreachable');
        }
      }
    })();
  };
}

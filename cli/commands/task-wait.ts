// task create --wait: follows the new task's events (a flow's children's too) from just before it
// was created, prints a line per step, and answers the task's final view when it ends.
import type { EventOf, SupervisorEvent } from '../../machines/events.js';
import type { ApiClient } from '../../server/api-client.js';
import type { TaskView } from '../../server/contract.js';
import { ExitError } from '../exit-error.js';
import { money } from '../format/table.js';
import { seg } from './api.js';
import type { CommandContext } from './context.js';

const FINAL = new Set(['task.completed', 'task.failed', 'task.rejected', 'task.cancelled']);

export async function waitForTask(opts: CommandContext, client: ApiClient, task: TaskView, after: number): Promise<TaskView> {
  const ids = new Set([task.id, ...(task.children ?? [])]);
  const ac = new AbortController();
  const outer = opts.io.signal;
  outer?.addEventListener('abort', () => ac.abort(), { once: true });
  let ended = false;
  await client.followEvents(
    after,
    ({ event }) => {
      const id = 'taskId' in event ? event.taskId : undefined;
      if (id === undefined || !ids.has(id)) return;
      const line = progressLine(event, id === task.id ? '' : `${id} `);
      if (line !== undefined && !opts.json) opts.io.stdout.write(`  ${line}\n`);
      if (id === task.id && FINAL.has(event.type)) {
        ended = true;
        ac.abort();
      }
    },
    ac.signal,
  );
  if (!ended) throw new ExitError(1, outer?.aborted === true ? 'stopped waiting' : 'the event stream ended before the task did: the supervisor stopped', { code: 'STREAM_ENDED' });
  return client.get<TaskView>(`/v1/tasks/${seg(task.id)}`);
}

/** One progress line, or undefined for events a person need not see while waiting. */
function progressLine(e: SupervisorEvent, who: string): string | undefined {
  switch (e.type) {
    case 'step.completed':
      return `${who}${e.step}: ${e.agent} done (${e.model}, ${money(e.costUsd)}${e.rerun ? ', re-run' : ''})`;
    case 'step.failed':
      return `${who}${e.step}: ${e.agent} failed: ${e.code}`;
    case 'review.completed':
      return `${who}review ${e.review}: ${e.verdict}${e.score === undefined ? '' : ` (score ${e.score})`}, ${e.issues} issue(s)`;
    case 'approval.requested':
    case 'approval.granted':
    case 'approval.rejected':
    case 'approval.timed_out':
      return `${who}${approvalLine(e)}`;
    case 'action.executed':
      return `${who}${e.action} executed`;
    case 'task.completed':
    case 'task.failed':
    case 'task.rejected':
    case 'task.cancelled':
      return who === '' ? undefined : `${who}${e.type.slice(5)}`;
    default:
      return undefined;
  }
}

function approvalLine(e: EventOf<'approval.requested' | 'approval.granted' | 'approval.rejected' | 'approval.timed_out'>): string {
  if (e.type === 'approval.requested') return `waiting for a person: agentry approve ${e.approvalId} (or reject ${e.approvalId} --note …)`;
  if (e.type === 'approval.timed_out') return `the approval timed out: ${e.fallback} fallback`;
  return `${e.type === 'approval.granted' ? 'approved' : 'rejected'} by ${e.by}${e.note === undefined ? '' : `: ${e.note}`}`;
}

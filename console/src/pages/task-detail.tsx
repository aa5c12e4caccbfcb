// Task detail: the step timeline (agent, model, tokens, cost, latency, output, reviews), its
// deliveries, cancel and retry, and for a flow the graph of its children with their states.
import { useState } from 'preact/hooks';
import { messageOf, post } from '../api.js';
import { duration, time, usd } from '../format.js';
import { useLiveTick } from '../live.js';
import type { FollowedEvent, Page, SupervisorEvent, TaskView } from '../types.js';
import { TaskLink } from '../link.js';
import { useData } from '../use-data.js';
import { FlowGraph } from './flow-graph.js';
import { taskOf } from './events.js';
import { ReviewList } from './reviews.js';

const TERMINAL = new Set(['completed', 'rejected', 'failed', 'cancelled']);

interface Step {
  step: string;
  agent: string;
  startedAt: string;
  model?: string;
  costUsd?: number;
  tokensIn?: number;
  tokensOut?: number;
  latencyMs?: number;
  state: 'running' | 'done' | 'failed';
  error?: string;
}

/** The timeline from the task's step events, in order. */
function stepsOf(events: readonly FollowedEvent[]): Step[] {
  const steps: Step[] = [];
  const open = new Map<string, Step>();
  for (const { event: e } of events) {
    if (e.type === 'step.started') {
      const s: Step = { step: e.step, agent: e.agent, startedAt: e.at, state: 'running' };
      open.set(`${e.step}|${e.agent}`, s);
      steps.push(s);
    } else if (e.type === 'step.completed' || e.type === 'step.failed') {
      const s = open.get(`${e.step}|${e.agent}`);
      if (!s) continue;
      open.delete(`${e.step}|${e.agent}`);
      if (e.type === 'step.failed') Object.assign(s, { state: 'failed', error: `${e.code}: ${e.message}` });
      else Object.assign(s, completed(e, s));
    }
  }
  return steps;
}

function completed(e: Extract<SupervisorEvent, { type: 'step.completed' }>, s: Step): Partial<Step> {
  const latency = e.latencyMs ?? Date.parse(e.at) - Date.parse(s.startedAt);
  return { state: 'done', model: e.model, costUsd: e.costUsd, latencyMs: latency, ...(e.tokensIn !== undefined && { tokensIn: e.tokensIn }), ...(e.tokensOut !== undefined && { tokensOut: e.tokensOut }) };
}

/** A step as the supervisor records it (the task view's timeline, when it has one). */
function fromView(s: { step: string; agent: string; model: string; inputTokens: number; outputTokens: number; costUsd: number; latencyMs: number; at: string }): Step {
  return { step: s.step, agent: s.agent, startedAt: s.at, model: s.model, costUsd: s.costUsd, tokensIn: s.inputTokens, tokensOut: s.outputTokens, latencyMs: s.latencyMs, state: 'done' };
}

export function TaskDetail({ id }: { id: string }) {
  const tick = useLiveTick((e) => taskOf(e.event) === id || e.event.type === 'task.created');
  const enc = encodeURIComponent(id);
  const { data: task, error, reload } = useData<TaskView & { deliveries?: Delivery[]; steps?: Parameters<typeof fromView>[0][] }>(`/v1/tasks/${enc}`, tick);
  const events = useData<FollowedEvent[]>(`/v1/events?task=${enc}&limit=500`, tick).data ?? [];
  const children = (useData<Page<TaskView>>(`/v1/tasks?parent=${enc}&limit=200`, tick).data?.items ?? []).filter((t) => t.parentId === id);
  const mine = events.filter((e) => taskOf(e.event) === id);
  if (error !== undefined) return <p role="alert">{error}</p>;
  if (task === undefined) return <p>Loading…</p>;
  const steps = task.steps !== undefined && task.steps.length > 0 ? task.steps.map(fromView) : stepsOf(mine);
  return (
    <>
      <h1>
        Task <code>{task.id}</code> <span class={`pill status-${task.status}`}>{task.status.replace('_', ' ')}</span>
      </h1>
      <p class="muted">
        {task.workflow} · {task.priority} · {usd(task.costUsd)} · created {time(task.createdAt)} · updated {time(task.updatedAt)}
        {task.parentId !== undefined && (
          <>
            {' '}
            · part of <TaskLink id={task.parentId} />
          </>
        )}
      </p>
      {task.error && <p role="alert" class="field-error">{`${task.error.code}: ${task.error.message}`}</p>}
      <Steering task={task} onDone={reload} />
      {children.length > 0 && <FlowGraph children={children} />}
      <section class="card" aria-labelledby="timeline-h">
        <h2 id="timeline-h">Steps</h2>
        {steps.length === 0 ? (
          <p class="muted">No step has run yet.</p>
        ) : (
          <ol class="timeline">
            {steps.map((s, i) => (
              <li key={i} class={`step ${s.state}`}>
                <div class="step-head">
                  <strong>{s.step}</strong> · {s.agent} {s.model && <span class="muted">· {s.model}</span>}
                </div>
                <div class="small muted">
                  {s.state === 'running' ? 'running…' : s.state === 'failed' ? s.error : `${s.tokensIn ?? '–'} in / ${s.tokensOut ?? '–'} out tokens · ${usd(s.costUsd ?? 0)} · ${duration(s.latencyMs ?? 0)}`}
                </div>
                {s.state === 'done' && task.outputs[s.step] !== undefined && (
                  <details>
                    <summary>Output</summary>
                    <pre class="json">{JSON.stringify(task.outputs[s.step], null, 2)}</pre>
                  </details>
                )}
              </li>
            ))}
          </ol>
        )}
        <ReviewList reviews={task.reviews} />
      </section>
      <Deliveries taskId={task.id} list={task.deliveries} onDone={reload} />
    </>
  );
}

/** A delivery of the approved content to one sink (file, webhook, command). */
interface Delivery {
  sink: string;
  type?: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  target?: string;
  error?: string;
  finishedAt?: string;
}

function Deliveries({ taskId, list, onDone }: { taskId: string; list: Delivery[] | undefined; onDone: () => void }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const retry = (): void => {
    setError(undefined);
    post(`/v1/tasks/${encodeURIComponent(taskId)}/retry`, { delivery: true })
      .then(onDone)
      .catch((err: unknown) => setError(messageOf(err)));
  };
  return (
    <section class="card" aria-labelledby="deliveries-h">
      <h2 id="deliveries-h">Deliveries</h2>
      {list === undefined || list.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="plain">
          {list.map((d) => (
            <li key={d.sink}>
              <strong>{d.sink}</strong> {d.type !== undefined && <span class="muted">({d.type})</span>} <span class={`pill delivery-${d.status}`}>{d.status}</span>
              <span class="muted">
                {' '}
                · {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
                {d.target !== undefined && ` · ${d.target}`}
                {d.finishedAt !== undefined && ` · ${time(d.finishedAt)}`}
              </span>
              {d.error !== undefined && <span class="field-error"> · {d.error}</span>}
            </li>
          ))}
        </ul>
      )}
      {list?.some((d) => d.status === 'failed') === true && (
        <button type="button" onClick={retry}>
          Retry failed deliveries
        </button>
      )}
      {error !== undefined && (
        <p role="alert" class="field-error">
          {error}
        </p>
      )}
    </section>
  );
}

function Steering({ task, onDone }: { task: TaskView; onDone: () => void }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const act = (what: 'cancel' | 'retry'): void => {
    setError(undefined);
    post(`/v1/tasks/${encodeURIComponent(task.id)}/${what}`)
      .then(onDone)
      .catch((err: unknown) => setError(messageOf(err)));
  };
  const done = TERMINAL.has(task.status);
  return (
    <div class="actions">
      <button type="button" class="danger" disabled={done} onClick={() => act('cancel')}>
        Cancel task
      </button>
      <button type="button" disabled={!(task.status === 'failed' || task.status === 'rejected')} onClick={() => act('retry')}>
        Retry
      </button>
      {error !== undefined && <span role="alert" class="field-error">{error}</span>}
    </div>
  );
}

// Dashboard: mode (with the switch that writes agentry.config.json), spend against the daily
// limit with its 50/80/100 % marks, the queue, agents, SLA breaches, paused domains, learning.
import { useEffect, useState } from 'preact/hooks';
import { modeValues } from '../../../schemas/generated/enums.js';
import { messageOf, post } from '../api.js';
import { pct, time, usd } from '../format.js';
import { useLiveTick } from '../live.js';
import type { LearnEntry, StatusView } from '../types.js';
import { TaskLink } from '../link.js';
import { useData } from '../use-data.js';

/** Delivery figures, when the supervisor delivers approved content to sinks. */
interface DeliveryFigures {
  deliveredToday: number;
  failedToday: number;
  pending: number;
  failed: { taskId: string; sink: string; error: string; at: string }[];
}

export function Dashboard() {
  const tick = useLiveTick((e) => e.event.type !== 'hook.received');
  const { data: s, error, reload } = useData<StatusView & { deliveries?: DeliveryFigures }>('/v1/status', tick);
  const learn = useData<{ values: LearnEntry[] }>('/v1/learn', tick).data;
  if (error !== undefined) return <p role="alert">{error}</p>;
  if (s === undefined) return <p>Loading…</p>;
  return (
    <>
      <h1>Dashboard</h1>
      <div class="grid">
        <ModeCard mode={s.mode} onChanged={reload} />
        <SpendCard spend={s.spend} />
        <section class="card" aria-labelledby="queue-h">
          <h2 id="queue-h">Queue</h2>
          <dl class="pairs">
            {Object.entries(s.queue).map(([p, n]) => (
              <div key={p}>
                <dt>{p}</dt>
                <dd>{n}</dd>
              </div>
            ))}
          </dl>
        </section>
        <LearningHeadline share={s.today.humanShare} values={learn?.values} done={s.today.tasksCompleted} />
      </div>
      <section class="card" aria-labelledby="agents-h">
        <h2 id="agents-h">Agents</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">agent</th>
              <th scope="col">model</th>
              <th scope="col">state</th>
              <th scope="col">breaker</th>
              <th scope="col">in flight</th>
              <th scope="col">queued</th>
              <th scope="col">calls</th>
              <th scope="col">failures</th>
            </tr>
          </thead>
          <tbody>
            {s.agents.map((a) => (
              <tr key={a.kind}>
                <th scope="row">{a.kind}</th>
                <td>{a.model}</td>
                <td>{a.state}</td>
                <td>
                  <span class={`pill breaker-${a.breaker}`}>{a.breaker.replace('_', '-')}</span>
                </td>
                <td>{a.inFlight}</td>
                <td>{a.queued}</td>
                <td>{a.calls}</td>
                <td>{a.failures}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div class="grid two">
        <section class="card" aria-labelledby="sla-h">
          <h2 id="sla-h">SLA breaches</h2>
          {s.slaBreaches.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <ul class="plain">
              {s.slaBreaches.map((b) => (
                <li key={`${b.taskId}-${b.scope}`}>
                  <TaskLink id={b.taskId} /> · {b.scope} · tier {b.tier} · due {time(b.deadline)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <PausedDomains domains={s.pausedDomains} onResumed={reload} />
      </div>
      {s.deliveries !== undefined && <DeliveriesCard d={s.deliveries} />}
    </>
  );
}

function ModeCard({ mode, onChanged }: { mode: string; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | undefined>(undefined);
  // What was asked for, shown at once; the supervisor's mode takes over once it has applied it.
  const [asked, setAsked] = useState<string | undefined>(undefined);
  const shown = asked ?? mode;
  useEffect(() => {
    if (asked === mode) setAsked(undefined);
  }, [mode, asked]);
  const change = (to: string): void => {
    setBusy(true);
    setAsked(to);
    post<{ file: string; changed: boolean }>('/v1/mode', { mode: to })
      .then((r) => {
        setNote(r.changed ? `written to ${r.file}; the supervisor applies it` : `already ${to}`);
        onChanged();
      })
      .catch((err: unknown) => {
        setAsked(undefined);
        setNote(messageOf(err));
      })
      .finally(() => setBusy(false));
  };
  return (
    <section class="card" aria-labelledby="mode-h">
      <h2 id="mode-h">Mode</h2>
      <div role="radiogroup" aria-labelledby="mode-h" class="segmented">
        {modeValues.map((m) => (
          <label key={m} class={m === mode ? 'on' : ''}>
            <input type="radio" name="mode" value={m} checked={m === shown} disabled={busy} onChange={() => change(m)} />
            {m}
          </label>
        ))}
      </div>
      <p class="muted small">
        The supervisor runs in <strong data-mode={mode}>{mode}</strong> mode.
      </p>
      {note !== undefined && (
        <p class="muted small" role="status">
          {note}
        </p>
      )}
    </section>
  );
}

function SpendCard({ spend }: { spend: StatusView['spend'] }) {
  const share = spend.limitUsd > 0 ? spend.spentUsd / spend.limitUsd : 0;
  const level = share >= 1 ? 'over' : share >= 0.8 ? 'high' : share >= 0.5 ? 'mid' : 'low';
  return (
    <section class="card" aria-labelledby="spend-h">
      <h2 id="spend-h">Spend today</h2>
      <p class="big">
        {usd(spend.spentUsd)} <span class="muted">of {usd(spend.limitUsd)}</span>
      </p>
      <div class={`meter ${level}`} role="meter" aria-valuemin={0} aria-valuemax={spend.limitUsd} aria-valuenow={spend.spentUsd} aria-label="Spend against the daily limit">
        <div class="fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
        {[50, 80, 100].map((m) => (
          <span key={m} class="mark" style={{ left: `${m}%` }} title={`${m} %`}>
            <span class="mark-label">{m}%</span>
          </span>
        ))}
      </div>
      <p class="muted small">
        {spend.day} · reserved {usd(spend.reservedUsd)}
      </p>
    </section>
  );
}

function LearningHeadline({ share, values, done }: { share: number | null; values: LearnEntry[] | undefined; done: number }) {
  const sum = (k: string): number => (values ?? []).reduce((t, v) => t + (v.evidence[k] ?? 0), 0);
  const auto = sum('autoApproved');
  const wrong = sum('wrongAuto');
  return (
    <section class="card" aria-labelledby="learn-h">
      <h2 id="learn-h">Learning</h2>
      <dl class="pairs">
        <div>
          <dt>needed a person today</dt>
          <dd>{pct(share)}</dd>
        </div>
        <div>
          <dt>wrong auto-approvals</dt>
          <dd>
            {wrong} of {auto}
          </dd>
        </div>
        <div>
          <dt>completed today</dt>
          <dd>{done}</dd>
        </div>
      </dl>
    </section>
  );
}

function PausedDomains({ domains, onResumed }: { domains: string[]; onResumed: () => void }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const resume = (d: string): void => {
    post(`/v1/domains/${encodeURIComponent(d)}/resume`)
      .then(onResumed)
      .catch((err: unknown) => setError(messageOf(err)));
  };
  return (
    <section class="card" aria-labelledby="paused-h">
      <h2 id="paused-h">Paused domains</h2>
      {domains.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="plain">
          {domains.map((d) => (
            <li key={d}>
              {d}{' '}
              <button type="button" onClick={() => resume(d)}>
                Resume {d}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error !== undefined && <p role="alert">{error}</p>}
    </section>
  );
}

function DeliveriesCard({ d }: { d: DeliveryFigures }) {
  return (
    <section class="card" aria-labelledby="deliveries-h">
      <h2 id="deliveries-h">Deliveries</h2>
      <p>
        {d.deliveredToday} delivered today · {d.failedToday} failed today · {d.pending} pending
      </p>
      {d.failed.length > 0 && (
        <ul class="plain">
          {d.failed.map((f) => (
            <li key={`${f.taskId}-${f.sink}`}>
              <TaskLink id={f.taskId} /> → {f.sink}: <span class="field-error">{f.error}</span> <span class="muted small">{time(f.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

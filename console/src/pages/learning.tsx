// Learning: every tuned value, where it came from, the numbers behind it and the rule.
import { isApprovalEvent, useLiveTick } from '../live.js';
import type { LearnEntry } from '../types.js';
import { useData } from '../use-data.js';

export function Learning() {
  const tick = useLiveTick((e) => e.event.type === 'task.completed' || isApprovalEvent(e.event.type));
  const { data, error } = useData<{ values: LearnEntry[] }>('/v1/learn', tick);
  if (error !== undefined) return <p role="alert">{error}</p>;
  if (data === undefined) return <p>Loading…</p>;
  return (
    <>
      <h1>Learning</h1>
      {data.values.length === 0 ? (
        <p class="muted empty">No tuned values yet.</p>
      ) : (
        <table aria-label="Tuned values">
          <thead>
            <tr>
              <th scope="col">value</th>
              <th scope="col">now</th>
              <th scope="col">source</th>
              <th scope="col">evidence</th>
              <th scope="col">rule</th>
            </tr>
          </thead>
          <tbody>
            {data.values.map((v) => (
              <tr key={v.key}>
                <th scope="row">
                  <code>{v.key}</code>
                </th>
                <td>{v.value === null ? '–' : String(v.value)}</td>
                <td>
                  <span class={`pill source-${v.source}`}>{v.source}</span>
                </td>
                <td class="small">
                  {Object.entries(v.evidence)
                    .map(([k, n]) => `${k} ${Number.isInteger(n) ? n : n.toFixed(2)}`)
                    .join(' · ')}
                </td>
                <td class="small">{v.rule}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

// A flow's children as a graph: one column per dependency depth, an arrow per dependency, each
// node coloured by its state and linking to its task.
import { TaskLink } from '../link.js';
import type { TaskView } from '../types.js';

const W = 170;
const H = 46;
const GAP_X = 60;
const GAP_Y = 18;

function layout(children: readonly TaskView[]): Map<string, { x: number; y: number }> {
  const byId = new Map(children.map((c) => [c.id, c]));
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const deps = (byId.get(id)?.dependsOn ?? []).filter((d) => byId.has(d));
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((x) => depthOf(x, seen)));
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const c of children) {
    const d = depthOf(c.id, new Set());
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    out.set(c.id, { x: d * (W + GAP_X), y: row * (H + GAP_Y) });
  }
  return out;
}

const clipped = (s: string): string => (s.length > 20 ? `${s.slice(0, 19)}…` : s);

export function FlowGraph({ children }: { children: readonly TaskView[] }) {
  const pos = layout(children);
  const width = Math.max(...[...pos.values()].map((p) => p.x)) + W + 2;
  const height = Math.max(...[...pos.values()].map((p) => p.y)) + H + 2;
  return (
    <section class="card" aria-labelledby="flow-h">
      <h2 id="flow-h">Flow</h2>
      <div class="flow-scroll">
        <svg class="flow" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-label="The flow's tasks and their dependencies">
          <defs>
            <marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" orient="auto">
              <path d="M0,0 L8,4 L0,8 z" class="arrowhead" />
            </marker>
          </defs>
          {children.flatMap((c) =>
            c.dependsOn.map((d) => {
              const a = pos.get(d);
              const b = pos.get(c.id);
              if (!a || !b) return null;
              return <line key={`${d}-${c.id}`} x1={a.x + W} y1={a.y + H / 2} x2={b.x} y2={b.y + H / 2} class="edge" marker-end="url(#arrow)" />;
            }),
          )}
          {children.map((c) => {
            const p = pos.get(c.id) ?? { x: 0, y: 0 };
            return (
              <TaskLink key={c.id} id={c.id} aria-label={`${c.workflow} ${c.id}: ${c.status}`}>
                <rect x={p.x + 1} y={p.y + 1} width={W - 2} height={H - 2} rx="6" class={`node status-${c.status}`} />
                <text x={p.x + 10} y={p.y + 19} class="node-title">
                  {clipped(c.contentType ?? c.workflow)}
                </text>
                <text x={p.x + 10} y={p.y + 36} class="node-sub">
                  {c.status.replace('_', ' ')}
                </text>
              </TaskLink>
            );
          })}
        </svg>
      </div>
    </section>
  );
}

// Approve with edits: every text field of the output as a labelled input. The server checks the
// edited output against the agent's output schema; each issue is shown at its field.
import { useState } from 'preact/hooks';

type Obj = Record<string, unknown>;

interface Field {
  /** The path as validation issues name it: `title`, `channelFields.subjectLine`, `proposal.terms[0]`. */
  path: string;
  value: string;
  long: boolean;
}

function fieldsOf(value: unknown, prefix: string, out: Field[]): Field[] {
  if (typeof value === 'string') out.push({ path: prefix, value, long: value.length > 120 || value.includes('\n') });
  else if (Array.isArray(value)) value.forEach((v, i) => fieldsOf(v, `${prefix}[${i}]`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) fieldsOf(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
  return out;
}

/** `output` with the string at `path` replaced. */
function withValue(output: Obj, path: string, next: string): Obj {
  const copy = structuredClone(output);
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let cur: Record<string, unknown> = copy;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) cur[k] = next;
    else cur = cur[k] as Record<string, unknown>;
  });
  return copy;
}

/** Issues (`path: expected X, got Y`) by the field they name; the rest under ''. */
function issuesByField(issues: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of issues) {
    const at = line.indexOf(': ');
    const path = at < 0 ? '' : line.slice(0, at);
    out.set(path, [...(out.get(path) ?? []), at < 0 ? line : line.slice(at + 2)]);
  }
  return out;
}

export function EditForm(props: { id: string; output: Obj; issues: readonly string[]; onSubmit: (edited: Obj) => void; onCancel: () => void; busy: boolean }) {
  const [draft, setDraft] = useState<Obj>(props.output);
  const fields = fieldsOf(draft, '', []).filter((f) => f.path !== 'rationale');
  const byField = issuesByField(props.issues);
  const known = new Set(fields.map((f) => f.path));
  const other = [...byField].filter(([p]) => !known.has(p)).flatMap(([p, l]) => l.map((x) => (p === '' ? x : `${p}: ${x}`)));
  return (
    <form
      class="edit"
      aria-label="Edit the output"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(draft);
      }}
    >
      {fields.map((f) => {
        const id = `edit-${props.id}-${f.path.replace(/[^\w]/g, '_')}`;
        const errs = byField.get(f.path);
        const common = {
          id,
          name: f.path,
          value: f.value,
          'aria-invalid': errs ? ('true' as const) : undefined,
          'aria-describedby': errs ? `${id}-err` : undefined,
          onInput: (e: Event) => setDraft(withValue(draft, f.path, (e.currentTarget as HTMLInputElement).value)),
        };
        return (
          <div class={`field${errs ? ' invalid' : ''}`} key={f.path} data-field={f.path}>
            <label for={id}>{f.path}</label>
            {f.long ? <textarea rows={5} {...common} /> : <input type="text" {...common} />}
            {errs && (
              <p class="field-error" id={`${id}-err`} role="alert">
                {errs.join('; ')}
              </p>
            )}
          </div>
        );
      })}
      {other.length > 0 && (
        <ul class="field-error" role="alert">
          {other.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ul>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={props.busy}>
          Approve with these edits
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel edit
        </button>
      </div>
    </form>
  );
}

// One pending approval: what would go out, why it waits, until when, and the three decisions.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, messageOf, post } from '../api.js';
import { countdown, time } from '../format.js';
import { TaskLink } from '../link.js';
import type { ApprovalView, TaskView } from '../types.js';
import { useData, useNow } from '../use-data.js';
import type { ShortcutKey } from './approvals.js';
import { EditForm } from './edit-form.js';
import { draftOf, OutputView } from './output-view.js';
import { ReviewList } from './reviews.js';

const FALLBACK: Record<ApprovalView['fallback'], string> = {
  coordinator: 'the coordinator decides',
  reject: 'it is rejected',
  escalate: 'it is escalated',
};

interface Props {
  approval: ApprovalView;
  selected: boolean;
  shortcut: { k: ShortcutKey; n: number } | undefined;
  onSelect: () => void;
  onDecided: () => void;
}

export function ApprovalCard({ approval: a, selected, shortcut, onSelect, onDecided }: Props) {
  const task = useData<TaskView>(`/v1/tasks/${encodeURIComponent(a.taskId)}`).data;
  const now = useNow();
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [issues, setIssues] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const draft = task ? draftOf(task) : undefined;
  const noteId = `note-${a.id}`;

  const decide = (kind: 'approve' | 'reject', output?: Record<string, unknown>): void => {
    setBusy(true);
    setError(undefined);
    setNoteError(undefined);
    const body = { ...(note.trim() !== '' && { note: note.trim() }), ...(output !== undefined && { output }) };
    post(`/v1/approvals/${encodeURIComponent(a.id)}/${kind}`, body)
      .then(onDecided)
      .catch((err: unknown) => {
        const lines = err instanceof ApiFailure ? err.issues : [];
        if (lines.some((l) => l.startsWith('note:'))) setNoteError(lines.filter((l) => l.startsWith('note:')).map((l) => l.slice(6)).join('; '));
        else if (output !== undefined && lines.length > 0) setIssues(lines);
        else setError(messageOf(err));
      })
      .finally(() => setBusy(false));
  };

  useEffect(() => {
    if (!shortcut) return;
    if (shortcut.k === 'a') decide('approve');
    else if (shortcut.k === 'r') decide('reject');
    else if (shortcut.k === 'e') setEditing(true);
    else noteRef.current?.focus();
    // Only a new key press acts, not a re-render.
  }, [shortcut?.n]);

  return (
    <article class={`card approval${selected ? ' selected' : ''}`} aria-labelledby={`ap-${a.id}`} onClick={onSelect} data-approval={a.id}>
      <header class="approval-head">
        <h2 id={`ap-${a.id}`}>
          {a.action} · {task?.workflow ?? '…'}{' '}
          <TaskLink id={a.taskId} class="small" />
        </h2>
        <p class="deadline" title={time(a.deadline)}>
          <strong>{countdown(a.deadline, now)}</strong> · then {FALLBACK[a.fallback]}
        </p>
      </header>
      {draft && task ? (editing ? <EditForm id={a.id} output={draft.output} issues={issues} busy={busy} onSubmit={(o) => decide('approve', o)} onCancel={() => { setEditing(false); setIssues([]); }} /> : <OutputView task={task} output={draft.output} />) : <p class="muted">Loading the output…</p>}
      <section aria-label="Why it waits">
        <h3>Gate's reasons</h3>
        <ul class="reasons">
          {a.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
        {task && <ReviewList reviews={task.reviews} />}
      </section>
      <div class={`field${noteError ? ' invalid' : ''}`}>
        <label for={noteId}>Note (required to reject)</label>
        <textarea id={noteId} ref={noteRef} rows={2} value={note} aria-invalid={noteError ? 'true' : undefined} aria-describedby={noteError ? `${noteId}-err` : undefined} onInput={(e) => setNote(e.currentTarget.value)} />
        {noteError && (
          <p class="field-error" id={`${noteId}-err`} role="alert">
            {noteError}
          </p>
        )}
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => decide('approve')}>
          Approve
        </button>
        {!editing && (
          <button type="button" disabled={busy || !draft} onClick={() => setEditing(true)}>
            Approve with edits…
          </button>
        )}
        <button type="button" class="danger" disabled={busy} onClick={() => decide('reject')}>
          Reject
        </button>
      </div>
    </article>
  );
}

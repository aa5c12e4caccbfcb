// A Claude Code permission prompt waiting for a person: the tool and what it would do, where,
// the deadline and what happens then; approve (optionally adding the offered rule) or deny.
import { useState } from 'preact/hooks';
import { messageOf, post } from '../api.js';
import { countdown, time } from '../format.js';
import type { PermissionApprovalView } from '../types.js';
import { useNow } from '../use-data.js';

const FALLBACK: Record<PermissionApprovalView['fallback'], string> = {
  deny: 'Claude Code is told no',
  ask: 'Claude Code asks in the terminal',
};

export function PermissionCard({ approval: a, selected, onSelect, onDecided }: { approval: PermissionApprovalView; selected: boolean; onSelect: () => void; onDecided: () => void }) {
  const now = useNow();
  const [note, setNote] = useState('');
  const [always, setAlways] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const noteId = `note-${a.id}`;
  const decide = (kind: 'approve' | 'reject'): void => {
    setBusy(true);
    setError(undefined);
    const body = { ...(note.trim() !== '' && { note: note.trim() }), ...(kind === 'approve' && always && { always: true }) };
    post(`/v1/approvals/${encodeURIComponent(a.id)}/${kind}`, body)
      .then(onDecided)
      .catch((err: unknown) => setError(messageOf(err)))
      .finally(() => setBusy(false));
  };
  const p = a.permission;
  return (
    <article class={`card approval${selected ? ' selected' : ''}`} aria-labelledby={`ap-${a.id}`} onClick={onSelect} data-approval={a.id}>
      <header class="approval-head">
        <h2 id={`ap-${a.id}`}>Claude Code wants to use {p.tool}</h2>
        <p class="deadline" title={time(a.deadline)}>
          <strong>{countdown(a.deadline, now)}</strong> · then {FALLBACK[a.fallback]}
        </p>
      </header>
      <figure class="render" aria-label="The request">
        <pre class="json">{p.summary}</pre>
        <figcaption class="muted small">
          in {p.cwd} · session {p.sessionId}
          {p.agentType !== undefined && ` · subagent ${p.agentType}`}
        </figcaption>
      </figure>
      <h3>Why it asks</h3>
      <ul class="reasons">
        {a.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <div class="field">
        <label for={noteId}>Note</label>
        <textarea id={noteId} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      {p.offer && (
        <label class="small">
          <input type="checkbox" checked={always} onChange={(e) => setAlways(e.currentTarget.checked)} /> Always allow: add <code>{p.offer.rule}</code> to Claude Code's settings
        </label>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => decide('approve')}>
          Allow
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => decide('reject')}>
          Deny
        </button>
      </div>
    </article>
  );
}

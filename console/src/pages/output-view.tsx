// The output as its channel would show it: a tweet, an email with its subject, an article, a
// proposal, a remedy; anything else as its JSON.
import { usd } from '../format.js';
import type { TaskView } from '../types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The output being approved: the last step's. */
export function draftOf(task: TaskView): { step: string; output: Obj } | undefined {
  const entries = Object.entries(task.outputs).filter((e): e is [string, Obj] => isObj(e[1]));
  const last = entries.at(-1);
  return last === undefined ? undefined : { step: last[0], output: last[1] };
}

function channelOf(task: TaskView): string {
  const input = isObj(task.input) ? task.input : {};
  return str(input['channel']) || task.workflow;
}

export function OutputView({ task, output }: { task: TaskView; output: Obj }) {
  const channel = channelOf(task);
  if (isObj(output['proposal'])) return <Proposal p={output['proposal']} />;
  if (typeof output['remedy'] === 'string') return <Remedy o={output} />;
  if (typeof output['content'] === 'string') {
    const fields = isObj(output['channelFields']) ? output['channelFields'] : {};
    if (/tweet|thread|social/.test(channel)) return <Tweet text={output['content']} hashtags={fields['hashtags']} />;
    if (channel === 'email' || typeof fields['subjectLine'] === 'string') return <Email subject={str(fields['subjectLine']) || str(output['title'])} preview={str(fields['previewText'])} body={output['content']} />;
    return <Article title={str(output['title'])} body={output['content']} meta={str(fields['metaDescription'])} />;
  }
  return <pre class="json">{JSON.stringify(output, null, 2)}</pre>;
}

function Tweet({ text, hashtags }: { text: string; hashtags: unknown }) {
  const tags = Array.isArray(hashtags) ? hashtags.filter((h): h is string => typeof h === 'string') : [];
  const full = tags.length > 0 && !tags.every((t) => text.includes(t)) ? `${text} ${tags.join(' ')}` : text;
  return (
    <figure class="render tweet" aria-label="As a post">
      <div class="tweet-head">
        <span class="avatar" aria-hidden="true" />
        <strong>Your account</strong> <span class="muted">@you</span>
      </div>
      <p class="tweet-text">{full}</p>
      <figcaption class={full.length > 280 ? 'over' : 'muted small'}>{full.length} / 280 characters</figcaption>
    </figure>
  );
}

function Email({ subject, preview, body }: { subject: string; preview: string; body: string }) {
  return (
    <figure class="render email" aria-label="As an email">
      <div class="email-head">
        <div>
          <span class="muted">Subject</span> <strong class="subject">{subject}</strong>
        </div>
        {preview !== '' && <div class="muted small">{preview}</div>}
      </div>
      <div class="email-body">{body}</div>
    </figure>
  );
}

function Article({ title, body, meta }: { title: string; body: string; meta: string }) {
  return (
    <figure class="render article" aria-label="As a page">
      <h3>{title}</h3>
      {meta !== '' && <p class="muted small">{meta}</p>}
      <div class="article-body">{body}</div>
    </figure>
  );
}

function Proposal({ p }: { p: Obj }) {
  const items = Array.isArray(p['scopeItems']) ? p['scopeItems'].filter(isObj) : [];
  const terms = Array.isArray(p['terms']) ? p['terms'].filter((t): t is string => typeof t === 'string') : [];
  return (
    <figure class="render proposal" aria-label="As a proposal">
      <h3>Proposal · {typeof p['priceUsd'] === 'number' ? usd(p['priceUsd']) : '–'}</h3>
      <p>{str(p['summary'])}</p>
      <ul>
        {items.map((i) => (
          <li key={str(i['item'])}>
            <strong>{str(i['item'])}</strong>: {str(i['description'])}
          </li>
        ))}
      </ul>
      {terms.length > 0 && <p class="muted small">Terms: {terms.join(' · ')}</p>}
    </figure>
  );
}

function Remedy({ o }: { o: Obj }) {
  return (
    <figure class="render remedy" aria-label="As a remedy">
      <h3>Remedy: {str(o['remedy'])}</h3>
      <p>{str(o['diagnosis'])}</p>
    </figure>
  );
}

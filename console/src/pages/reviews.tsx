// The reviews of a task, each issue quoted with its fix.
import type { ReviewView } from '../types.js';

export function ReviewList({ reviews }: { reviews: ReviewView[] }) {
  if (reviews.length === 0) return <p class="muted small">No reviews.</p>;
  return (
    <>
      <h3>Reviews</h3>
      <ul class="reviews">
        {reviews.map((r) => (
          <li key={`${r.kind}-${r.round}`}>
            <span class={`pill verdict-${r.verdict}`}>{r.verdict}</span> <strong>{r.kind}</strong>
            {r.score !== undefined && <span class="muted"> · score {r.score}</span>}
            <span class="muted"> · round {r.round}</span>
            {r.issues.length > 0 && (
              <ul>
                {r.issues.map((i) => (
                  <li key={i.quote}>
                    <span class={`sev sev-${i.severity}`}>{i.severity}</span> {i.quote !== '' && <q>{i.quote}</q>} {i.quote !== '' && '— '}
                    {i.fix}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

// Where a write really lands: symlinks resolved in every existing part of the path, the part that
// does not exist yet kept as written. `ln -s .env x` followed by a Write to x writes .env.

import { realpathSync } from 'node:fs';
import { posix } from 'node:path';

/** The path with symlinks resolved; the path itself when it is relative or nothing of it exists. */
export function realPath(path: string): string {
  if (!path.startsWith('/')) return path;
  let head = posix.normalize(path);
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(head);
      return rest.length === 0 ? real : posix.join(real, ...rest.toReversed());
    } catch {
      const up = posix.dirname(head);
      if (up === head) return path;
      rest.push(posix.basename(head));
      head = up;
    }
  }
}

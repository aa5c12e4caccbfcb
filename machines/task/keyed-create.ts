// A create that names itself (`idempotencyKey`): the key decides the task's id, so the same key
// is the same task through every supervisor, before and after a restart, for as long as the task
// is in history. A caller whose request timed out sends it again with the same key and gets the
// task it made, never a second one. Both engines (the embedded task book, the cluster) create
// through here.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../../core/errors.js';
import type { CreateTaskRequest, TaskView } from '../contract.js';

/** The id of the task an idempotency key names (`t_k` and 24 hex digits of its SHA-256). */
export function taskIdForKey(key: string): string {
  return `t_k${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** The task a repeated key made, when the repeat asks for the same; CONFLICT when it asks for another. */
function repeatOf(req: CreateTaskRequest, made: TaskView): TaskView {
  const same =
    made.workflow === req.workflow &&
    made.priority === (req.priority ?? made.priority) &&
    isDeepStrictEqual(made.dependsOn, req.dependsOn ?? []) &&
    isDeepStrictEqual(made.input, req.input);
  if (!same) {
    throw new UserError('CONFLICT', `idempotency key ${JSON.stringify(req.idempotencyKey)} already made task ${made.id} from another request (workflow, input, priority or dependsOn differ); use a new key for a new task`, { details: { taskId: made.id } });
  }
  return made;
}

export class KeyedCreates {
  /** Creates under way by id: a repeat that comes while the first is being made waits for it. */
  private readonly making = new Map<string, Promise<TaskView>>();

  /** @param find a task by id, active or in history. */
  constructor(private readonly find: (id: string) => Promise<TaskView | undefined>) {}

  /**
   * Runs `make` with the key's id (undefined: no key, a fresh id), or answers the task the key
   * already made. A first create that was refused made nothing: its key stays free.
   */
  async create(req: CreateTaskRequest, make: (id: string | undefined) => Promise<TaskView>): Promise<TaskView> {
    const key = req.idempotencyKey;
    if (key === undefined) return make(undefined);
    const id = taskIdForKey(key);
    const earlier = this.making.get(id);
    if (earlier) return repeatOf(req, await earlier.catch(() => this.create(req, make)));
    // Forgotten before it settles, so a repeat waiting on a refused first one tries anew.
    const attempt = (async () => {
      const made = await this.find(id);
      return made ? repeatOf(req, made) : make(id);
    })().finally(() => this.making.delete(id));
    this.making.set(id, attempt);
    return attempt;
  }
}

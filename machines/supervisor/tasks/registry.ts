// Every task the supervisor knows, by id: its record (as journaled when it was accepted) and,
// once it ended, its final outcome. Built first, so every part can look a task up.
import { UserError } from '../../../core/errors.js';
import type { FinalStatus } from '../../contract.js';
import type { TaskRecord } from '../../task/context.js';

export class TaskRegistry {
  readonly records = new Map<string, TaskRecord>();
  readonly outcomes = new Map<string, FinalStatus>();

  record(id: string): TaskRecord {
    const r = this.records.get(id);
    if (!r) throw new UserError('NOT_FOUND', `no task ${id}`);
    return r;
  }
}

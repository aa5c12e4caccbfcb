// The supervisor's JSON views, shared with the server (type-only: nothing of the server ships).
export type { AnyApprovalView, ApprovalView, Page, PermissionApprovalView, ReviewView, StatusView, TaskStatus, TaskView } from '../../server/contract.js';
export type { SupervisorEvent } from '../../schemas/generated/types.js';
import type { SupervisorEvent } from '../../schemas/generated/types.js';

export interface FollowedEvent {
  seq: number;
  event: SupervisorEvent;
}

export interface LearnEntry {
  key: string;
  value: number | string | null;
  source: 'learned' | 'config' | 'pinned';
  evidence: { n: number; [name: string]: number };
  rule: string;
}

// Migration 1: the cluster's tables. Ids sort in byte order (COLLATE "C"), as the embedded
// history sorts them in JavaScript, so a cursor means the same in both stores. Times the
// queries compare are epoch milliseconds (bigint), as the views and cursors carry them.
export const TABLES_SQL = `
CREATE TABLE agentry_tasks (
  id            text COLLATE "C" PRIMARY KEY,
  created_at    bigint NOT NULL,
  status        text NOT NULL,
  workflow      text NOT NULL,
  parent_id     text COLLATE "C",
  approval_ids  text[] NOT NULL DEFAULT '{}',
  approvals     jsonb NOT NULL DEFAULT '[]',
  search_text   text NOT NULL DEFAULT '',
  view          jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agentry_tasks_newest ON agentry_tasks (created_at DESC, id DESC);
CREATE INDEX agentry_tasks_by_status ON agentry_tasks (status, created_at DESC, id DESC);
CREATE INDEX agentry_tasks_by_workflow ON agentry_tasks (workflow, created_at DESC, id DESC);
CREATE INDEX agentry_tasks_by_parent ON agentry_tasks (parent_id, created_at DESC, id DESC) WHERE parent_id IS NOT NULL;
CREATE INDEX agentry_tasks_by_approval ON agentry_tasks USING gin (approval_ids);

CREATE TABLE agentry_approvals (
  id          text COLLATE "C" PRIMARY KEY,
  kind        text NOT NULL,
  task_id     text COLLATE "C",
  status      text NOT NULL,
  sort_at     bigint NOT NULL,
  sort_id     text COLLATE "C" NOT NULL,
  sort_index  integer NOT NULL,
  view        jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agentry_approvals_newest ON agentry_approvals (sort_at DESC, sort_id DESC, sort_index DESC);
CREATE INDEX agentry_approvals_by_status ON agentry_approvals (status, sort_at DESC, sort_id DESC, sort_index DESC);
CREATE INDEX agentry_approvals_by_task ON agentry_approvals (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE agentry_events (
  seq      bigserial PRIMARY KEY,
  key      text UNIQUE,
  at       bigint NOT NULL,
  type     text NOT NULL,
  task_id  text COLLATE "C",
  event    jsonb NOT NULL
);
CREATE INDEX agentry_events_by_task ON agentry_events (task_id, seq) WHERE task_id IS NOT NULL;

CREATE TABLE agentry_outcomes (
  id        text PRIMARY KEY,
  at        bigint NOT NULL,
  task_id   text NOT NULL,
  agent     text NOT NULL,
  workflow  text NOT NULL,
  record    jsonb NOT NULL
);
CREATE INDEX agentry_outcomes_by_time ON agentry_outcomes (at, id);

CREATE TABLE agentry_deliveries (
  key         text PRIMARY KEY,
  ordinal     bigserial NOT NULL,
  task_id     text COLLATE "C" NOT NULL,
  sink        text NOT NULL,
  status      text NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  view        jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agentry_deliveries_by_task ON agentry_deliveries (task_id);
CREATE INDEX agentry_deliveries_open ON agentry_deliveries (status) WHERE status <> 'delivered';

-- The daily budget: one row per UTC day, locked by every reserve and settle, so the cap holds
-- across supervisors. Money is integer micro-dollars, as in machines/ledger/money.ts.
CREATE TABLE agentry_budget_days (
  day              text PRIMARY KEY CHECK (day ~ '^\\d{4}-\\d{2}-\\d{2}$'),
  spent_micros     bigint NOT NULL DEFAULT 0 CHECK (spent_micros >= 0),
  reruns_count     integer NOT NULL DEFAULT 0,
  reruns_micros    bigint NOT NULL DEFAULT 0,
  overruns_count   integer NOT NULL DEFAULT 0,
  overruns_micros  bigint NOT NULL DEFAULT 0,
  thresholds       integer[] NOT NULL DEFAULT '{}'
);

-- Open reservations carry over a day change; settled and released ones stay as the record.
CREATE TABLE agentry_budget_reservations (
  id               text PRIMARY KEY,
  task_id          text NOT NULL,
  agent            text NOT NULL,
  estimate_micros  bigint NOT NULL CHECK (estimate_micros >= 0),
  state            text NOT NULL CHECK (state IN ('open', 'settled', 'released')),
  actual_micros    bigint CHECK (actual_micros >= 0),
  rerun            boolean NOT NULL DEFAULT false,
  reserved_day     text NOT NULL,
  closed_day       text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agentry_budget_open ON agentry_budget_reservations (task_id) WHERE state = 'open';
CREATE INDEX agentry_budget_by_task ON agentry_budget_reservations (task_id);
`;

// Migration 2: what the supervisors of a cluster share besides the tables of migration 1.
// agentry_model_calls: the model-call journal (an intent before a request leaves, each send
// counted, the result), so a call re-sent after a crash is labelled a re-run.
// agentry_supervisors: each supervisor's heartbeat, so a live one adopts a dead one's work.
export const CLUSTER_SQL = `
CREATE TABLE agentry_model_calls (
  step_key     text PRIMARY KEY,
  workflow_id  text NOT NULL,
  agent        text NOT NULL,
  sends        integer NOT NULL DEFAULT 0,
  intent_at    timestamptz NOT NULL DEFAULT now(),
  result_at    timestamptz,
  rerun        boolean,
  cost_usd     double precision
);
CREATE INDEX agentry_model_calls_by_workflow ON agentry_model_calls (workflow_id text_pattern_ops);

CREATE TABLE agentry_supervisors (
  executor_id          text PRIMARY KEY,
  application_version  text NOT NULL,
  started_at           bigint NOT NULL,
  -- the database's clock, ms: supervisors' own clocks may disagree
  seen_at              bigint NOT NULL,
  -- the live supervisor that took over its unfinished work (cleared when it starts again)
  adopted_by           text
);
`;

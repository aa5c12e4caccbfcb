// Migration 3: what SLA escalation shares across a cluster. agentry_sla_breaches: each task's
// deadline that passed, with the tier its escalation reached (status shows the open ones).
// agentry_domains: a domain paused by escalation (its actions held at every supervisor's gate)
// until a person resumes it.
export const ESCALATION_SQL = `
CREATE TABLE agentry_sla_breaches (
  task_id   text COLLATE "C" NOT NULL,
  scope     text NOT NULL,
  deadline  bigint NOT NULL,
  tier      integer NOT NULL,
  at        bigint NOT NULL,
  PRIMARY KEY (task_id, scope)
);

CREATE TABLE agentry_domains (
  domain     text PRIMARY KEY,
  paused     boolean NOT NULL,
  reason     text NOT NULL,
  changed_at bigint NOT NULL
);
`;

// Migration 4: each supervisor publishes a digest of its policy (the config sections that decide
// a task's steps), so every supervisor can say which peers decide differently.
export const POLICY_SQL = `
ALTER TABLE agentry_supervisors ADD COLUMN policy jsonb NOT NULL DEFAULT '{}'::jsonb;
`;

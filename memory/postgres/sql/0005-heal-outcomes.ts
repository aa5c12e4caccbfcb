// Migration 5: heal outcomes are learning rows too. agentry_outcomes.kind says what a row's record
// is: 'outcome' (a finished task's outcome record, every row before this migration) or 'heal' (one
// applied remedy and how it ended), so every supervisor tunes its healer from all of them.
export const HEAL_OUTCOMES_SQL = `
ALTER TABLE agentry_outcomes ADD COLUMN kind text NOT NULL DEFAULT 'outcome';
CREATE INDEX agentry_outcomes_by_kind ON agentry_outcomes (kind, at, id);
`;

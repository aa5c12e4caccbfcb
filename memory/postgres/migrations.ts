// The versioned schema: numbered migrations, applied in order, each once. A new one goes at the
// end with the next number; a landed one is never edited (a database may already have run it).
// DBOS keeps its own tables in its own `dbos` schema and migrates them itself: none are here.
import { TABLES_SQL } from './sql/0001-tables.js';
import { CLUSTER_SQL } from './sql/0002-cluster.js';
import { ESCALATION_SQL } from './sql/0003-escalation.js';
import { POLICY_SQL } from './sql/0004-policy.js';
import { HEAL_OUTCOMES_SQL } from './sql/0005-heal-outcomes.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'tables', sql: TABLES_SQL },
  { version: 2, name: 'cluster', sql: CLUSTER_SQL },
  { version: 3, name: 'escalation', sql: ESCALATION_SQL },
  { version: 4, name: 'policy', sql: POLICY_SQL },
  { version: 5, name: 'heal-outcomes', sql: HEAL_OUTCOMES_SQL },
];

/** The schema version this build writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

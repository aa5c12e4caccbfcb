// The journal of model requests on Postgres, as the embedded engine keeps one in its activity
// journal: an intent row before the request goes out, a send counted as the request leaves, a
// result row when it came back. DBOS records a step only when it ends, so a step cut short by a
// crash leaves nothing in DBOS; here it leaves a send without a result, and the call that DBOS
// runs again is labelled a re-run (ledger, timeline), never passed off as the first.
import type pg from 'pg';

export interface ModelCallRow {
  stepKey: string;
  workflowId: string;
  agent: string;
  /** How many times the request left (more than one: it was re-sent after a crash). */
  sends: number;
  rerun: boolean | null;
  costUsd: number | null;
  done: boolean;
}

export class ModelCallJournal {
  constructor(private readonly pool: pg.Pool) {}

  /** The request is about to be made: recorded once, whatever the retries. */
  async intent(stepKey: string, workflowId: string, agent: string): Promise<void> {
    await this.pool.query('INSERT INTO agentry_model_calls (step_key, workflow_id, agent) VALUES ($1, $2, $3) ON CONFLICT (step_key) DO NOTHING', [stepKey, workflowId, agent]);
  }

  /** The request leaves now. A send before it without a result makes this one a re-run. */
  async sending(stepKey: string): Promise<{ rerun: boolean }> {
    const { rows } = await this.pool.query<{ sends: number }>('UPDATE agentry_model_calls SET sends = sends + 1 WHERE step_key = $1 RETURNING sends', [stepKey]);
    const sends = rows[0]?.sends;
    if (sends === undefined) throw new Error(`model call ${stepKey}: no intent was recorded before the send`);
    return { rerun: sends > 1 };
  }

  async result(stepKey: string, out: { rerun: boolean; costUsd: number }): Promise<void> {
    await this.pool.query('UPDATE agentry_model_calls SET result_at = now(), rerun = $2, cost_usd = $3 WHERE step_key = $1', [stepKey, out.rerun, out.costUsd]);
  }

  async list(workflowIdPrefix = ''): Promise<ModelCallRow[]> {
    const { rows } = await this.pool.query<{ step_key: string; workflow_id: string; agent: string; sends: number; rerun: boolean | null; cost_usd: number | null; result_at: Date | null }>(
      'SELECT step_key, workflow_id, agent, sends, rerun, cost_usd, result_at FROM agentry_model_calls WHERE starts_with(workflow_id, $1) ORDER BY intent_at, step_key',
      [workflowIdPrefix],
    );
    return rows.map((r) => ({ stepKey: r.step_key, workflowId: r.workflow_id, agent: r.agent, sends: r.sends, rerun: r.rerun, costUsd: r.cost_usd, done: r.result_at !== null }));
  }
}

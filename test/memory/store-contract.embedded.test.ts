// The store contract against the embedded store: the archive + history index read through
// TaskHistory, and the in-memory BudgetLedger, in a real temporary folder.
import { systemClock } from '../../core/clock.js';
import { BudgetLedger } from '../../machines/ledger.js';
import { EmbeddedLedgerStore } from '../../machines/ledger/store.js';
import { EmbeddedHistoryStore } from '../../machines/supervisor/read-models/history-store.js';
import { CONTRACT_T0, storeContract } from './store-contract.js';
import { tempDir } from './support.js';

storeContract('embedded', async () => {
  let now = CONTRACT_T0;
  const clock = { ...systemClock, now: () => now };
  const dir = await tempDir();
  return {
    history: new EmbeddedHistoryStore(dir, clock),
    ledger: new EmbeddedLedgerStore(new BudgetLedger({ clock, limits: { dailySpendLimitUsd: 0, perTaskCapUsd: 0 } })),
    setNow: (ms) => {
      now = ms;
    },
  };
});

import { it } from 'vitest';
import { runningProject } from './harness.js';
it('show', async () => {
  const p = await runningProject();
  for (const argv of [['status'], ['tasks'], ['task', 'show', 't-2'], ['approvals'], ['events'], ['learn'], ['task','create','--workflow','content','--input','{"a":1}','--priority','P9'], ['events','--limit','x'], ['tasks','--status','nope'], ['approve','a-9'], ['approve','a-1','--note','ok'], ['event','emit','competitor.rank_drop','--data','{"x":1}'], ['task','show','zz'], ['doctor'], ['mode']]) {
    const r = await p.run(argv);
    console.log(`$ agentry ${argv.join(' ')}  → ${r.code}\n${r.stdout}${r.stderr ? `[stderr]\n${r.stderr}` : ''}`);
  }
  await p.close();
});

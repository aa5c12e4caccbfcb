// machines/intake/spool-ingest.ts on a real supervisor: each spooled line is handled once, torn lines are
// skipped, a crash before the spool is cleared duplicates nothing, and the whole down-then-up
// path (spool written and gate enforced while down, ingested once when up) holds end to end.
import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runHook } from '../../../hooks/client.js';
import type { HookHandler } from '../../../machines/intake/handler.js';
import { ingestSpool } from '../../../machines/intake/spool-ingest.js';
import { type SpoolEntry, appendSpool, spoolEntry } from '../../../hooks/spool.js';
import { createMemoryDeliveryStore } from '../../support/memory-delivery-store.js';
import { startApiServer } from '../../../server/http-server.js';
import type { ApiServer } from '../../../server/http-server.js';
import { type TempProject, hookPayload, memoryIo, oneJson, secretWrite, tempProject } from '../../hooks/client-rig.js';
import { type Rig, startRig } from './handler-rig.js';

const T = Date.parse('2026-03-01T08:00:00Z');

let p: TempProject;
let rig: Rig | undefined;
let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rig?.remove();
  rig = undefined;
  p.remove();
});

function entries(project: string): SpoolEntry[] {
  return [
    spoolEntry('PreToolUse', Buffer.from('1'), JSON.parse(hookPayload('PreToolUse', project, { tool_name: 'Bash' })) as Record<string, unknown>, T, 'deny'),
    spoolEntry('PostToolUse', Buffer.from('2'), JSON.parse(hookPayload('PostToolUse', project, { tool_name: 'Edit' })) as Record<string, unknown>, T + 1000),
    spoolEntry('Stop', Buffer.from('3'), JSON.parse(hookPayload('Stop', project, { stop_hook_active: false })) as Record<string, unknown>, T + 2000),
  ];
}

function writeSpool(file: string, list: readonly SpoolEntry[], torn = ''): void {
  for (const e of list) appendSpool(file, e);
  if (torn !== '') appendFileSync(file, torn);
}

function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('hooks.spool')) : [];
}

describe('spool ingestion', () => {
  it('ingests each whole line once, skips a torn last line, and clears the spool', async () => {
    p = tempProject();
    writeSpool(p.spoolFile, entries(p.project), '{"v":1,"id":"hook:dead","event":"St');
    rig = await startRig('semi', {}, p.state);

    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toEqual({ lines: 4, ingested: 3, duplicates: 0, torn: 1, failed: 0 });
    expect(leftovers(p.state)).toEqual([]);
    expect(rig.received()).toEqual([
      { type: 'hook.received', at: new Date(T).toISOString(), hookEvent: 'PreToolUse', sessionId: 'sess-1', toolName: 'Bash', decision: 'deny', spooled: true },
      { type: 'hook.received', at: new Date(T + 1000).toISOString(), hookEvent: 'PostToolUse', sessionId: 'sess-1', toolName: 'Edit', spooled: true },
      { type: 'hook.received', at: new Date(T + 2000).toISOString(), hookEvent: 'Stop', sessionId: 'sess-1', spooled: true },
    ]);
  });

  it('duplicates nothing when the same lines come back (a crash before the spool was cleared)', async () => {
    p = tempProject();
    const list = entries(p.project);
    writeSpool(p.spoolFile, list);
    rig = await startRig('semi', {}, p.state);
    await ingestSpool(p.spoolFile, rig.sup, rig.handler);

    writeSpool(p.spoolFile, list);
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toEqual({ lines: 3, ingested: 0, duplicates: 3, torn: 0, failed: 0 });
    expect(rig.received()).toHaveLength(3);
  });

  it('remembers ingested ids across a restart', async () => {
    p = tempProject();
    const list = entries(p.project);
    writeSpool(p.spoolFile, list);
    rig = await startRig('semi', {}, p.state);
    await ingestSpool(p.spoolFile, rig.sup, rig.handler);
    await rig.stop();

    writeSpool(p.spoolFile, list);
    rig = await startRig('semi', {}, p.state);
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toMatchObject({ ingested: 0, duplicates: 3 });
    expect(rig.received().filter((e) => e.spooled === true)).toHaveLength(3);
  });

  it('finishes a spool an interrupted ingest had renamed aside, before the live one', async () => {
    p = tempProject();
    const [a, b, c] = entries(p.project);
    if (!a || !b || !c) throw new Error('three entries expected');
    writeSpool(join(p.state, 'hooks.spool.ndjson.ingesting-000001767225600000-4242'), [a, b]);
    writeSpool(p.spoolFile, [b, c]);
    rig = await startRig('semi', {}, p.state);

    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toEqual({ lines: 4, ingested: 3, duplicates: 1, torn: 0, failed: 0 });
    expect(rig.received().map((e) => e.hookEvent)).toEqual(['PreToolUse', 'PostToolUse', 'Stop']);
    expect(leftovers(p.state)).toEqual([]);
  });

  it('keeps a spool whose line the handler failed on, and retries only that line', async () => {
    p = tempProject();
    writeSpool(p.spoolFile, entries(p.project));
    rig = await startRig('semi', {}, p.state);
    const real = rig.handler;
    const flaky: HookHandler = (event, payload, sup, meta) => (event === 'PostToolUse' ? Promise.reject(new Error('store down')) : real(event, payload, sup, meta));

    expect(await ingestSpool(p.spoolFile, rig.sup, flaky)).toMatchObject({ ingested: 2, failed: 1 });
    expect(leftovers(p.state)).toHaveLength(1);
    expect(await ingestSpool(p.spoolFile, rig.sup, real)).toEqual({ lines: 3, ingested: 1, duplicates: 2, torn: 0, failed: 0 });
    expect(leftovers(p.state)).toEqual([]);
    expect(rig.received()).toHaveLength(3);
  });

  it('does nothing without a spool or a state folder', async () => {
    p = tempProject();
    rig = await startRig('semi');
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toEqual({ lines: 0, ingested: 0, duplicates: 0, torn: 0, failed: 0 });
  });

  it('counts a foreign line as torn and moves on', async () => {
    p = tempProject();
    const [a] = entries(p.project);
    if (!a) throw new Error('entry expected');
    writeSpool(p.spoolFile, [a]);
    appendFileSync(p.spoolFile, 'not json\n\n');
    writeFileSync(p.spoolFile, `${JSON.stringify({ ...a, id: 'hook:other' })}\n`, { flag: 'a' });
    rig = await startRig('semi', {}, p.state);
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toEqual({ lines: 3, ingested: 2, duplicates: 0, torn: 1, failed: 0 });
  });
});

describe('supervisor down, then up', () => {
  it('enforces the gate and spools while down; ingests once and answers live when up', async () => {
    p = tempProject();
    const call = async (event: string, stdin: string) => {
      const m = memoryIo(stdin, p.project);
      const code = await runHook(event, m.io, { timeoutMs: 2000 });
      return { code, json: oneJson(m.stdout()) };
    };

    const down = await call('PreToolUse', secretWrite(p.project));
    await call('SessionEnd', hookPayload('SessionEnd', p.project, { reason: 'other' }));
    expect(down.code).toBe(0);
    expect(down.json).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });

    rig = await startRig('semi', {}, p.state);
    server = await startApiServer(rig.sup, { stateDir: p.state, deliveryStore: createMemoryDeliveryStore() });
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toMatchObject({ lines: 2, ingested: 2 });
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toMatchObject({ lines: 0, ingested: 0 });

    const up = await call('PreToolUse', secretWrite(p.project));
    expect(up.json).toMatchObject({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny' } });
    expect(existsSync(p.spoolFile)).toBe(false);
    expect(rig.received().map((e) => [e.hookEvent, e.decision, e.spooled])).toEqual([
      ['PreToolUse', 'deny', true],
      ['SessionEnd', undefined, true],
      ['PreToolUse', 'deny', undefined],
    ]);
  });
});

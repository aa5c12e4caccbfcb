// One record per hook call, whichever way it arrives: the client's call id travels with the live
// request and in the spool line; a slow supervisor that still answers the live request after the
// client gave up and spooled records the call once; the spool is ingested while the supervisor
// runs; a line written to a spool claimed under it is written again, never lost.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callKey } from '../../hooks/call-id.js';
import { runHook } from '../../hooks/client.js';
import { ingestSpool } from '../../machines/intake/spool-ingest.js';
import { type SpoolWatch, watchSpool } from '../../machines/intake/spool-watch.js';
import { appendSpool, parseSpoolLine, spoolEntry } from '../../hooks/spool.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { type ApiServer, startApiServer } from '../../server/http-server.js';
import { type TempProject, hookPayload, memoryIo, oneJson, secretWrite, tempProject } from './client-rig.js';
import { type Rig, startRig, until } from '../machines/intake/handler-rig.js';

const T = Date.parse('2026-03-01T08:00:00Z');
const CALL = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

let p: TempProject;
let rig: Rig | undefined;
let server: ApiServer | undefined;
let watch: SpoolWatch | undefined;
afterEach(async () => {
  await watch?.close();
  watch = undefined;
  await server?.close();
  server = undefined;
  await rig?.remove();
  rig = undefined;
  p.remove();
});

function decision(stdout: string): unknown {
  return (oneJson(stdout)?.['hookSpecificOutput'] as Record<string, unknown> | undefined)?.['permissionDecision'];
}

describe('one record per call id', () => {
  it('live first, then the same call from the spool: recorded once, the line counted a duplicate', async () => {
    p = tempProject();
    rig = await startRig('semi', {}, p.state);
    const payload = JSON.parse(secretWrite(p.project)) as Record<string, unknown>;
    expect(decision((await rig.sup.hook('PreToolUse', payload, { id: callKey(CALL) })).stdout)).toBe('deny');

    appendSpool(p.spoolFile, spoolEntry('PreToolUse', Buffer.from('x'), payload, T, 'deny', CALL));
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toMatchObject({ lines: 1, ingested: 0, duplicates: 1 });
    expect(rig.received().map((e) => [e.hookEvent, e.spooled])).toEqual([['PreToolUse', undefined]]);
  });

  it('spool first, then the live call: still answered by the policy, recorded once', async () => {
    p = tempProject();
    rig = await startRig('semi', {}, p.state);
    const payload = JSON.parse(secretWrite(p.project)) as Record<string, unknown>;
    appendSpool(p.spoolFile, spoolEntry('PreToolUse', Buffer.from('x'), payload, T, 'deny', CALL));
    await ingestSpool(p.spoolFile, rig.sup, rig.handler);

    expect(decision((await rig.sup.hook('PreToolUse', payload, { id: callKey(CALL) })).stdout)).toBe('deny');
    expect(rig.received().map((e) => [e.hookEvent, e.spooled])).toEqual([['PreToolUse', true]]);
  });

  it('remembers a live call id across a restart', async () => {
    p = tempProject();
    rig = await startRig('semi', {}, p.state);
    await rig.sup.hook('Stop', JSON.parse(hookPayload('Stop', p.project)), { id: callKey(CALL) });
    await rig.stop();
    rig = await startRig('semi', {}, p.state);
    appendSpool(p.spoolFile, spoolEntry('Stop', Buffer.from('x'), JSON.parse(hookPayload('Stop', p.project)) as Record<string, unknown>, T, undefined, CALL));
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toMatchObject({ ingested: 0, duplicates: 1 });
  });

  it('a slow supervisor: the client gives up and spools, the supervisor answers late, the spool arrives; one record', async () => {
    p = tempProject();
    // The live request is held inside the supervisor until released: the moment of the race.
    const gate: { open?: () => void } = {};
    const held = new Promise<void>((resolve) => (gate.open = resolve));
    let arrived = false;
    rig = await startRig('semi', {}, p.state);
    const real = rig.sup;
    const slow = withHook(real, async (event, payload, meta) => {
      arrived = true;
      await held;
      return real.hook(event, payload, meta);
    });
    server = await startApiServer(slow, { stateDir: p.state, deliveryStore: createMemoryDeliveryStore() });

    const m = memoryIo(hookPayload('SessionStart', p.project, { source: 'startup' }), p.project);
    expect(await runHook('SessionStart', m.io, { timeoutMs: 50 })).toBe(0);
    expect(m.stdout()).toContain('not reachable'); // answered by the local fallback
    expect(arrived).toBe(true);
    const [line] = p.spoolLines();
    const spooledId = parseSpoolLine(line ?? '')?.id;

    gate.open?.();
    await until(() => rig?.received().length === 1);
    expect(await ingestSpool(p.spoolFile, rig.sup, rig.handler)).toMatchObject({ lines: 1, ingested: 0, duplicates: 1 });
    expect(rig.received().map((e) => [e.hookEvent, e.spooled])).toEqual([['SessionStart', undefined]]);
    expect(rig.sup.hasSeen(spooledId ?? '')).toBe(true);
  });
});

describe('the spool while the supervisor runs', () => {
  it('is ingested when it appears, without a restart', async () => {
    p = tempProject();
    rig = await startRig('semi', {}, p.state);
    watch = watchSpool(p.spoolFile, rig.sup, rig.handler);
    appendSpool(p.spoolFile, spoolEntry('Stop', Buffer.from('x'), JSON.parse(hookPayload('Stop', p.project)) as Record<string, unknown>, T, undefined, CALL));
    watch.kick(); // the folder watch would do it too; kicked here so the test does not depend on it
    await watch.idle();
    expect(rig.received().map((e) => [e.hookEvent, e.spooled])).toEqual([['Stop', true]]);
    expect(p.spoolLines()).toEqual([]);
  });

  it('is noticed by the folder watch alone', async () => {
    p = tempProject();
    rig = await startRig('semi', {}, p.state);
    watch = watchSpool(p.spoolFile, rig.sup, rig.handler);
    appendSpool(p.spoolFile, spoolEntry('Stop', Buffer.from('x'), JSON.parse(hookPayload('Stop', p.project)) as Record<string, unknown>, T, undefined, CALL));
    await until(() => rig?.received().length === 1);
    await watch.idle();
    expect(p.spoolLines()).toEqual([]);
  });

  it('a line written to a spool claimed between the open and the write is written again to the new spool', () => {
    p = tempProject();
    const entry = spoolEntry('Stop', Buffer.from('x'), { session_id: 'S' }, T, undefined, CALL);
    const claimed = join(p.state, 'hooks.spool.ndjson.ingesting-1');
    let claims = 0;
    appendSpool(p.spoolFile, entry, () => {
      if (claims++ === 0) renameSync(p.spoolFile, claimed);
    });
    expect(p.spoolLines().map((l) => parseSpoolLine(l)?.id)).toEqual([callKey(CALL)]);
  });
});

/** The supervisor with its `hook` replaced, the rest bound to it. */
function withHook(sup: Rig['sup'], hook: Rig['sup']['hook']): Rig['sup'] {
  return new Proxy(sup, {
    get(target, key) {
      if (key === 'hook') return hook;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

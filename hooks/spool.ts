// The hook spool: where hook calls go while the supervisor is unreachable (DESIGN §1). One NDJSON
// line per call, appended with O_APPEND and fsync'd before the hook answers; the supervisor
// ingests it at start and while it runs (machines/intake/spool-ingest.ts, spool-watch.ts) and skips ids it has seen.
//
// Line format (v1):
//   {"v":1,"id":"hook:<32 hex>","event":"PreToolUse","at":"<ISO time>","payload":{…},"decision":"deny"}
// - id: hook:<the call id the client made> (call-id.ts), the same id the live request carried, so
//   a call both spooled and answered live, or a line read twice (a crash before the spool was
//   cleared), is recognised as one event. Without a call id: sha256 of event, time and stdin.
// - payload: the parsed stdin reduced to what the supervisor records (spoolPayload): tool inputs,
//   tool outputs, prompts and messages are left out, so a secret that the gate just denied is
//   not written to disk after all.
// - decision: the local PreToolUse decision (deny | ask | allow | none), PreToolUse only.

import { type Stats, closeSync, constants, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { callKey } from './call-id.js';
import { type JsonObject, isObject, own, ownObject, ownString } from './own.js';

const SPOOL_VERSION = 1 as const;

// node:crypto only for an entry without a call id: the hook client always has one, and loading
// crypto costs a hook's start about 6 ms.
const require = createRequire(import.meta.url);
const sha256 = (): Crypto.Hash => (require('node:crypto') as typeof Crypto).createHash('sha256');

export interface SpoolEntry {
  readonly v: typeof SPOOL_VERSION;
  readonly id: string;
  readonly event: string;
  readonly at: string;
  readonly payload: JsonObject;
  readonly decision?: string;
}

export function spoolEntry(event: string, raw: Buffer, payload: JsonObject, now: number, decision?: string, callId?: string): SpoolEntry {
  const at = new Date(now).toISOString();
  const id = callId === undefined ? `hook:${sha256().update(`${event}\n${at}\n`).update(raw).digest('hex').slice(0, 32)}` : callKey(callId);
  const base = { v: SPOOL_VERSION, id, event, at, payload: spoolPayload(payload) };
  return decision === undefined ? base : { ...base, decision };
}

/**
 * Appends one line and fsyncs it (and, for a new spool file, its folder). The running supervisor
 * claims the spool by renaming it aside, reads it and deletes it; a line written to a file that
 * was claimed between our open and our write might be deleted unread, so when the path no longer
 * names the file written to, the line is written again to the new spool. The ids make a line
 * that is then read twice count once.
 */
export function appendSpool(file: string, entry: SpoolEntry, afterOpen?: () => void): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
  for (let attempt = 0; attempt < MAX_APPENDS; attempt++) {
    const created = !existsSync(file);
    const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    let stillThere: boolean;
    try {
      afterOpen?.(); // tests: the moment a claim can come between the open and the write
      for (let off = 0; off < line.length; ) off += writeSync(fd, line, off, line.length - off);
      fsyncSync(fd);
      stillThere = sameFile(fstatSync(fd), file);
    } finally {
      closeSync(fd);
    }
    if (created) fsyncDir(dir);
    if (stillThere) return;
  }
}

/** A supervisor claiming the spool on every hook call could move it each time; past this, give up. */
const MAX_APPENDS = 5;

function sameFile(written: Stats, file: string): boolean {
  try {
    const now = statSync(file);
    return now.ino === written.ino && now.dev === written.dev;
  } catch {
    return false; // claimed and not yet recreated
  }
}

/** A spool line, or undefined for a torn or foreign one. */
export function parseSpoolLine(line: string): SpoolEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || own(value, 'v') !== SPOOL_VERSION) return undefined;
  const id = ownString(value, 'id');
  const event = ownString(value, 'event');
  const at = ownString(value, 'at');
  const payload = ownObject(value, 'payload');
  const decision = ownString(value, 'decision');
  if (id === undefined || event === undefined || at === undefined || payload === undefined || Number.isNaN(Date.parse(at))) return undefined;
  const base = { v: SPOOL_VERSION, id, event, at, payload };
  return decision === undefined ? base : { ...base, decision };
}

const LEFT_OUT = new Set(['tool_input', 'tool_response', 'prompt', 'last_assistant_message', 'message', 'error']);
const AGENT_TOOLS = new Set(['Agent', 'Task']);
const AGENT_RESPONSE_KEYS = ['status', 'agentId', 'resolvedModel', 'totalDurationMs', 'totalTokens', 'totalToolUseCount'];
const USAGE_KEYS = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'];
const MAX_STRING = 1000;

/**
 * Top-level scalars (strings capped), minus free text that can hold secrets; for the subagent
 * tool, the subagent type and the run's status and figures; for a failure, its first line.
 */
export function spoolPayload(raw: JsonObject): JsonObject {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    const value = own(raw, key);
    if (LEFT_OUT.has(key)) continue;
    if (typeof value === 'string') out[key] = value.slice(0, MAX_STRING);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  // The last message's length, not its text: the subagent record keeps how long it was.
  const last = ownString(raw, 'last_assistant_message');
  if (last !== undefined) out['last_assistant_message_chars'] = last.length;
  const error = ownString(raw, 'error');
  if (error !== undefined) out['error'] = (error.split('\n', 1)[0] ?? '').slice(0, 500);
  if (AGENT_TOOLS.has(ownString(raw, 'tool_name') ?? '')) {
    const subagentType = ownString(ownObject(raw, 'tool_input') ?? {}, 'subagent_type');
    if (subagentType !== undefined) out['tool_input'] = { subagent_type: subagentType.slice(0, MAX_STRING) };
    const response = ownObject(raw, 'tool_response');
    if (response !== undefined) {
      const usage = ownObject(response, 'usage');
      out['tool_response'] = { ...pick(response, AGENT_RESPONSE_KEYS), ...(usage === undefined ? {} : { usage: pick(usage, USAGE_KEYS) }) };
    }
  }
  return out;
}

function pick(obj: JsonObject, keys: readonly string[]): JsonObject {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    const value = own(obj, key);
    if (typeof value === 'string') out[key] = value.slice(0, MAX_STRING);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some platforms cannot fsync a folder; the file itself is synced
  }
}

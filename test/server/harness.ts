// Shared setup for server tests: a temp state folder, the server on a fake supervisor, and a
// raw HTTP helper that sends exactly the headers a test names.
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeSupervisor } from '../support/fake-supervisor.js';
import type { FakeSupervisor } from '../support/fake-supervisor.js';
import { startApiServer } from '../../server/http-server.js';
import type { ApiServer, ApiServerOptions } from '../../server/http-server.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';

export interface Harness {
  fake: FakeSupervisor;
  server: ApiServer;
  stateDir: string;
  close(): Promise<void>;
}

export function tempDir(prefix = 'agentry-t-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startHarness(opts: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const dir = tempDir();
  const fake = createFakeSupervisor();
  const stateDir = opts.stateDir ?? join(dir.path, '.agentry');
  const server = await startApiServer(fake, { deliveryStore: createMemoryDeliveryStore(), ...opts, stateDir });
  return {
    fake,
    server,
    stateDir,
    async close() {
      await server.close();
      dir.remove();
    },
  };
}

export interface RawResponse {
  status: number;
  /** The server answered `100 Continue` (only with expectContinue). */
  continued: boolean;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

export interface RawRequest {
  socketPath?: string;
  port?: number;
  host?: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send without content-length (chunked). */
  chunked?: boolean;
  /** Send no Host header at all. */
  noHost?: boolean;
  /** Send `Expect: 100-continue` and hold the body until the server says continue. */
  expectContinue?: boolean;
}

export function raw(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined && !r.chunked && headers['content-length'] === undefined) {
      headers['content-length'] = String(Buffer.byteLength(r.body));
    }
    if (r.expectContinue) headers['expect'] = '100-continue';
    let continued = false;
    const target = r.socketPath !== undefined ? { socketPath: r.socketPath } : { host: r.host ?? '127.0.0.1', port: r.port ?? 0 };
    const req = request({ ...target, method: r.method ?? 'GET', path: r.path, headers, agent: false, setHost: r.noHost !== true });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, continued, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        // Refused before continue: the body was never sent, so the request cannot end normally.
        if (r.expectContinue && !continued) req.destroy();
      });
    });
    // After a 413 the server may close while we still write: the answer already arrived.
    req.once('error', reject);
    if (!r.expectContinue) req.end(r.body);
    else {
      req.flushHeaders();
      req.once('continue', () => {
        continued = true;
        req.end(r.body);
      });
    }
  });
}

/** The `{ error: { code, message } }` body of an error answer. */
export function errorOf(res: RawResponse): { code: string; message: string; details?: Record<string, unknown> } {
  return (res.json() as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
}

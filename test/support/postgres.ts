// A real, throwaway Postgres for tests and benches: `initdb` + `pg_ctl` into a temporary folder,
// listening on a free loopback port with trust auth for 127.0.0.1 only. Postgres refuses to run
// as root, so as root every server command runs as the `postgres` user (`runuser`), and the
// folder is handed to it. Readiness is polled (pg_ctl -w, then a real connect), never slept for.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** A URL for `database` on this server (user `postgres`, no password). */
  url(database: string): string;
  /** Creates a fresh, empty database (one per test file, or per test) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl stop -m fast`, then removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const READY_TIMEOUT_MS = 120_000;

/** The newest installed server's bin folder (`AGENTRY_PG_BIN` overrides). */
function postgresBinDir(): string {
  const forced = process.env['AGENTRY_PG_BIN'];
  if (forced) return forced;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`no Postgres server under ${root}: install it (apt-get install -y postgresql; .ci/run does)`);
  return join(root, newest, 'bin');
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'agentry-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (tool: string, args: string[]): Promise<string> => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return new Promise((resolve, reject) => {
      execFile(file, argv, { cwd: dir, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${tool} failed: ${err.message}\n${stderr}`)) : resolve(stdout)));
    });
  };
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  let port = 0;
  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      const args = ['stop', '-D', data, '-m', 'immediate', '-w'];
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch {
      // already down
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A worker that dies without its afterAll still takes its server with it.
  process.once('exit', stopSync);
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    // A free port can be taken between the probe and the bind: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}`,
        // a test server: speed over crash safety, and small, since several run at once
        '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=100',
      ].join(' ');
      try {
        await run('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', String(READY_TIMEOUT_MS / 1000), '-o', options]);
        break;
      } catch (err) {
        const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
        if (attempt >= 5 || !/could not bind|address already in use/i.test(text)) throw new Error(`${(err as Error).message}\n${text}`, { cause: err });
      }
    }
    await waitForConnect(urlFor(port, 'postgres'));
  } catch (err) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    url: (database) => urlFor(port, database),
    async createDatabase(name) {
      if (!NAME.test(name)) throw new Error(`database name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
      const client = new pg.Client({ connectionString: urlFor(port, 'postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(port, name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopSync);
      try {
        await run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', String(READY_TIMEOUT_MS / 1000)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function urlFor(port: number, database: string): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** pg_ctl -w already waited; a connect proves the TCP listener answers too. */
async function waitForConnect(url: string): Promise<void> {
  const end = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > end) throw new Error(`Postgres did not accept a connection in ${READY_TIMEOUT_MS} ms: ${(err as Error).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

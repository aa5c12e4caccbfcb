// The log file never blocks or crashes the supervisor: failing writes drop their lines and count
// them, logging resumes by itself, and the file is private (0600) even if an older one was not.
import { chmodSync, readFileSync, statSync, write, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogFile, droppedLogLines } from '../../core/log-file.js';
import type { LogWrite } from '../../core/log-file.js';
import { until } from '../support/until.js';
import { tempDir } from '../server/harness.js';

function failingWhile(disk: { full: boolean }): LogWrite {
  return (fd, data, done) => {
    if (disk.full) setImmediate(() => done(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }), 0));
    else write(fd, data, 0, data.length, null, done);
  };
}

describe('LogFile', () => {
  it('drops and counts lines it cannot write, then writes again when it can', async () => {
    const dir = tempDir();
    const path = join(dir.path, 'logs', 'agentry.ndjson');
    const disk = { full: true };
    const failures: string[] = [];
    const file = new LogFile(path, { write: failingWhile(disk), onFailure: (err) => failures.push(err.code ?? '') });
    const before = droppedLogLines();
    file.write('{"msg":"a"}\n');
    file.write('{"msg":"b"}\n');
    await until(() => file.dropped === 2, 'both lines dropped');
    file.write('{"msg":"c"}\n');
    await until(() => file.dropped === 3, 'the third line dropped');
    expect(failures).toEqual(['ENOSPC']); // told once per failing streak
    expect(droppedLogLines() - before).toBe(3);
    disk.full = false;
    file.write('{"msg":"d"}\n');
    await until(() => readFileSync(path, 'utf8') === '{"msg":"d"}\n', 'the line after space returned');
    file.close();
    dir.remove();
  });

  it('holds at most maxPendingBytes while a write is slow, dropping the rest', () => {
    const dir = tempDir();
    const pending: (() => void)[] = [];
    const slow: LogWrite = (_fd, data, done) => pending.push(() => done(null, data.length));
    const file = new LogFile(join(dir.path, 'x.ndjson'), { write: slow, maxPendingBytes: 20 });
    for (let i = 0; i < 10; i++) expect(file.write('0123456789\n')).toBe(true);
    // The first went out at once; one more (11 bytes) fits the 20; the other 8 were dropped.
    expect(file.dropped).toBe(8);
    for (const finish of pending.splice(0)) finish();
    expect(pending).toHaveLength(1); // the held line went out next
    expect(file.write('0123456789\n')).toBe(true);
    expect(file.dropped).toBe(8);
    dir.remove();
  });

  it('is 0600, also when an older file was 0644', () => {
    const dir = tempDir();
    const path = join(dir.path, 'agentry.ndjson');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    new LogFile(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    dir.remove();
  });
});

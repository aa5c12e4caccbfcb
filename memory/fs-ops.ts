// The few file operations the journal performs, behind an interface so tests can inject ENOSPC/EIO
// at an exact call (reliability.md §9 test 6) without mocking node:fs.
import { writeSync } from 'node:fs';
import { constants, open } from 'node:fs/promises';
import { FILE_MODE } from './durable-file.js';

export interface FileOps {
  /**
   * Writes at `position` (pwrite) into the kernel, synchronously: once it returns, a crash of this
   * process cannot lose the bytes (a power loss can, until `sync`). May write fewer bytes than
   * asked; returns how many.
   */
  write(data: Uint8Array, position: number): number;
  /** Makes every byte written so far durable (fdatasync: the data and the size, not the mtime). */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface FsOps {
  /** Opens read-write, creating the file with mode 0600 if missing, never truncating. */
  open(path: string): Promise<FileOps>;
}

export const nodeFsOps: FsOps = {
  async open(path) {
    const fh = await open(path, constants.O_RDWR | constants.O_CREAT, FILE_MODE);
    return {
      // A write to the page cache takes microseconds: a thread-pool round trip would cost more.
      write: (data, position) => writeSync(fh.fd, data, 0, data.length, position),
      sync: () => fh.datasync(),
      truncate: (length) => fh.truncate(length),
      close: () => fh.close(),
    };
  },
};

/** Loops over short writes; a zero-byte write is an error, not progress. */
export function writeFully(file: FileOps, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) {
    const n = file.write(data.subarray(done), position + done);
    if (n <= 0) throw new Error(`short write: ${done} of ${data.length} bytes`);
    done += n;
  }
}

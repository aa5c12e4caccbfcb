// The few file operations the journal performs, behind an interface so tests can inject ENOSPC/EIO
// at an exact call (reliability.md §9 test 6) without mocking node:fs.
import { constants, open } from 'node:fs/promises';
import { FILE_MODE } from './durable-file.js';

export interface FileOps {
  /** Writes at `position` (pwrite); may write fewer bytes than asked, returns how many. */
  write(data: Uint8Array, position: number): Promise<number>;
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
      write: async (data, position) => (await fh.write(data, 0, data.length, position)).bytesWritten,
      sync: () => fh.sync(),
      truncate: (length) => fh.truncate(length),
      close: () => fh.close(),
    };
  },
};

/** Loops over short writes; a zero-byte write is an error, not progress. */
export async function writeFully(file: FileOps, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const n = await file.write(data.subarray(done), position + done);
    if (n <= 0) throw new Error(`short write: ${done} of ${data.length} bytes`);
    done += n;
  }
}

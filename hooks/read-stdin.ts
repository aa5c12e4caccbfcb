// Reads a hook's stdin to EOF, keeping at most `limit` bytes: past it the payload is refused
// unread (protocol.ts MAX_INPUT_BYTES) and the rest of the stream is left alone.

export interface StdinText {
  readonly bytes: Buffer;
  /** True when stdin held more than `limit` bytes; `bytes` is then incomplete. */
  readonly oversized: boolean;
}

export async function readStdin(stream: NodeJS.ReadableStream, limit: number): Promise<StdinText> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += buf.length;
    if (size > limit) return { bytes: Buffer.concat(chunks), oversized: true };
    chunks.push(buf);
  }
  return { bytes: Buffer.concat(chunks), oversized: false };
}

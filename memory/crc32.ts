// CRC-32 (IEEE 802.3, the zlib/PNG polynomial). Hand-rolled because zlib.crc32 needs Node >= 20.15
// and engines says >= 20.

const TABLE = makeTable();

function makeTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 of `data`; pass a previous result as `seed` to continue over several chunks. */
export function crc32(data: Uint8Array, seed = 0): number {
  let c = (seed ^ 0xffffffff) >>> 0;
  // An indexed loop: the array iterator costs several times the table lookup on the journal's hot path.
  for (let i = 0; i < data.length; i++) c = (TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function toHex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
